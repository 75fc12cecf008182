// Expected alerts, suricata-verify style: for each recorded capture, the default policy's alerts
// per rule (sid, category, rule name, count) equal the reviewed file in samples/netns/expected/.
// A change in what fires must update that file in the same commit, with the reason.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kwire, ndjson, ROOT } from '../../helpers/kwire-cli.js';

for (const capture of ['k8s-real', 'k8s-vxlan']) {
  test(`${capture}.pcap with rules/default/policy.yaml: alerts per rule as expected`, () => {
    const r = kwire(['inspect', join(ROOT, 'samples', 'netns', `${capture}.pcap`), '--policy', join(ROOT, 'rules', 'default', 'policy.yaml'), '--out', '-', '--quiet']);
    assert.is(r.status, 0, r.stderr);
    const counts = new Map<string, number>();
    for (const a of ndjson(r.stdout)) {
      const k = `${a.alert.signature_id}\t${a.alert.category}\t${a.alert.metadata.kwire_rule[0]}`;
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const got = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}\t${n}`);
    const want = readFileSync(join(ROOT, 'samples', 'netns', 'expected', `${capture}.default-policy.tsv`), 'utf8').trim().split('\n').slice(1);
    assert.equal(got, want);
  });
}

test.run();
