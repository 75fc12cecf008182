import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kwire, ROOT } from '../../helpers/kwire-cli.js';

const POLICY = join(ROOT, 'rules', 'examples', 'k8s-policy.yaml');
const RULES = join(ROOT, 'rules', 'examples', 'et-style.rules');
const tmp = mkdtempSync(join(tmpdir(), 'kwire-rules-'));

test('kwire rules check: a valid policy and Suricata rules compile; skipped rules are warned and counted', () => {
  const r = kwire(['rules', 'check', POLICY, '--suricata', RULES]);
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /rules enabled/);
  assert.match(r.stdout, /categories: .*metadata-api \d+/);
  assert.match(r.stdout, /domain trie tls\.sni: \d+ names/);
  assert.match(r.stdout, /content automaton stream: \d+ patterns/);
  assert.match(r.stdout, /suricata .*et-style\.rules: \d+ rules imported, 1 skipped/);
  assert.match(r.stderr, /warning: .*et-style\.rules:\d+:\d+: rule sid \d+ skipped: keyword "pcre" is not supported/);
});

test('kwire rules check: a broken policy names file, line and column; exit 1', () => {
  const bad = join(tmp, 'bad.yaml');
  const lines = readFileSync(POLICY, 'utf8').split('\n');
  const i = lines.findIndex((l) => /^\s+severity:/.test(l));
  lines[i] = lines[i].replace(/severity:.*/, 'severity: 9');
  writeFileSync(bad, lines.join('\n'));
  const r = kwire(['rules', 'check', bad]);
  assert.is(r.status, 1);
  assert.match(r.stderr, new RegExp(`bad\\.yaml:${i + 1}:\\d+: .*severity`));
  assert.match(r.stderr, /KWIRE_ERR_POLICY/);
  const unknown = join(tmp, 'unknown.yaml');
  writeFileSync(unknown, readFileSync(POLICY, 'utf8').replace(/^version: 1$/m, 'version: 1\nfrobnicate: true'));
  const u = kwire(['rules', 'check', unknown]);
  assert.is(u.status, 1);
  assert.match(u.stderr, /unknown\.yaml:\d+:1: .*frobnicate/);
  assert.is(kwire(['rules', 'check']).status, 2);
  assert.is(kwire(['rules', 'lint', POLICY]).status, 2);
  assert.is(kwire(['rules', 'check', join(tmp, 'missing.yaml')]).status, 1);
});

test('profile flags replace the policy profile before rules resolve their variables', () => {
  const capture = join(ROOT, 'samples', 'netns', 'k8s-real.pcap');
  const def = join(ROOT, 'rules', 'default', 'policy.yaml');
  const fromOutside = (args: string[]): number => {
    const r = kwire(['inspect', capture, '--policy', def, '--out', '-', '--quiet', ...args]);
    assert.is(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter((l) => l.includes('"src_ip":"203.0.113.10"') && l.includes('control-plane-exposure')).length;
  };
  assert.ok(fromOutside([]) >= 2, 'the outside host reaching 6443/2379/10250 alerts');
  assert.is(fromOutside(['--trusted-sources', '203.0.113.10/32']), 0, 'once trusted, it does not');
  const bad = kwire(['rules', 'check', def, '--pod-cidrs', '10.244.0.0/33']);
  assert.is(bad.status, 1);
  assert.match(bad.stderr, /--pod-cidrs:1:\d+: bad prefix length "33"/);
});

test.run();
