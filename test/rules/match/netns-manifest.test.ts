// The default policy against the scenarios recorded in network namespaces: for every row of
// samples/netns/manifest.tsv, tshark's display filter finds the scenario's packets, and kwire's
// alerts on those connections carry the expected category (benign rows: no alert at all). Where the
// default policy decides differently from the recording's label, the difference is listed here.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kwire, ndjson, ROOT, tsharkFields } from '../../helpers/kwire-cli.js';

const NETNS = join(ROOT, 'samples', 'netns');
const POLICY = join(ROOT, 'rules', 'default', 'policy.yaml');

/** Policy decisions that differ from the recording's label, and why. */
const DECIDED: Record<string, { categories: string[]; why: string }> = {
  'cp-pod-apiserver': { categories: [], why: 'pods reach the API server by design (service account tokens)' },
  'cp-pod-kubelet': { categories: [], why: 'kubelet-from-pods ships disabled (metrics agents do this)' },
  'tls-pastebin': { categories: ['exfiltration'], why: 'paste and file-drop sites are an exfiltration list' },
  'tls-transfer-sh': { categories: ['exfiltration'], why: 'paste and file-drop sites are an exfiltration list' },
  'bulk-upload': { categories: ['disallowed-port'], why: '20 MiB is under the volume thresholds (256 MiB / 5 min), but port 9000 is not an allowed egress port' },
  'vx-kubelet': { categories: [], why: 'pod to port 10250 of another pod: kubelet-from-pods ships disabled' },
  'imds-flow-all': { categories: ['metadata-api'], why: 'the row covers every packet; alerts sit on some of them' },
};

type Row = Record<string, string>;
const rows: Row[] = (() => {
  const [head, ...rest] = readFileSync(join(NETNS, 'manifest.tsv'), 'utf8').trim().split('\n').map((l) => l.split('\t'));
  return rest.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
})();

function endpoints(a: string, ap: string | number, b: string, bp: string | number, proto: string): string {
  const x = `${a}|${ap}`;
  const y = `${b}|${bp}`;
  return `${proto} ${x < y ? x + ' ' + y : y + ' ' + x}`;
}

for (const capture of ['k8s-real.pcap', 'k8s-vxlan.pcap']) {
  test(`${capture}: each scenario alerts with its category, benign ones stay silent`, () => {
    const path = join(NETNS, capture);
    const r = kwire(['inspect', path, '--policy', POLICY, '--out', '-', '--quiet']);
    assert.is(r.status, 0, r.stderr);
    const alerts = ndjson(r.stdout);
    const byConn = new Map<string, Set<string>>();
    for (const a of alerts) {
      const k = endpoints(a.src_ip, a.src_port ?? 0, a.dest_ip, a.dest_port ?? 0, a.proto);
      (byConn.get(k) ?? byConn.set(k, new Set()).get(k)!).add(a.alert.category);
    }
    let checked = 0;
    for (const row of rows.filter((x) => x.capture === capture)) {
      const frames = tsharkFields(path, row.filter, ['ip.src', 'ipv6.src', 'tcp.srcport', 'udp.srcport', 'ip.dst', 'ipv6.dst', 'tcp.dstport', 'udp.dstport'],
        capture === 'k8s-vxlan.pcap' ? ['-d', 'udp.port==8472,vxlan'] : []);
      assert.ok(frames.length > 0, `${row.id}: tshark finds the scenario`);
      const got = new Set<string>();
      for (const [s4, s6, ts, us, d4, d6, td, ud] of frames) {
        const last = (v: string): string => v.split(',').at(-1)!;
        const k = endpoints(last(s4 || s6), ts || us || 0, last(d4 || d6), td || ud || 0, ts || td ? 'TCP' : 'UDP');
        for (const c of byConn.get(k) ?? []) got.add(c);
      }
      const want = DECIDED[row.id]?.categories ?? (row.category === 'benign' ? [] : [row.category]);
      if (want.length === 0) assert.equal([...got], [], `${row.id}: expected silence (${DECIDED[row.id]?.why ?? 'benign'})`);
      else for (const c of want) assert.ok(got.has(c), `${row.id}: expected a ${c} alert, got [${[...got].join(', ')}]`);
      checked++;
    }
    assert.ok(checked >= 3);
  });
}

test.run();
