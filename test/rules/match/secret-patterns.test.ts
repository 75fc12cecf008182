// The default policy's secret-leak rules: anchor literal in the automaton plus a bounded
// character-class tail (no regex). Real-shaped secrets alert, redacted; near misses stay silent.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { ROOT } from '../../helpers/paths.js';
import { tcpSegment } from './tcp-frame.js';

const policy = loadPolicy(join(ROOT, 'rules', 'default', 'policy.yaml'));
const compiled = compilePolicy(policy);

/** Rule names (secret-leak only) and redacted tokens for `body` sent by a pod in `cut`-byte segments. */
function alerts(body: string, cut = 0): string[] {
  const m = new PolicyMatcher(compiled, policy.cluster);
  const out: string[] = [];
  m.payload(tcpSegment(99, '', 0x02), () => undefined, 0, true);
  const step = cut > 0 ? cut : body.length;
  for (let a = 0; a < body.length; a += step) {
    m.payload(tcpSegment(100 + a, body.slice(a, a + step)), (r, _i, red) => {
      if (r.category === 'secret-leak') out.push(`${r.signature.split(' ')[0]}:${red}`);
    }, 0, false);
  }
  return out;
}

const A16 = 'ABCDEFGHIJ234567';
const G36 = 'aB3dE5gH7jK9mN1pQ2sT4vW6yZ8cF0hJ2lM4';
const P82 = 'github_pat_' + '11ABCDEFG0' + 'a1B2c3D4e5_'.repeat(6) + 'x'.repeat(6);

test('real-shaped secrets alert, redacted, whatever the segmentation', () => {
  for (const cut of [0, 1, 3, 7]) {
    assert.equal(alerts(`k=AKIA${A16}\n`, cut), ['AWS:AKIA****************'], `cut ${cut}`);
    assert.equal(alerts(`k=ASIA${A16};`, cut), ['AWS:ASIA****************']);
    assert.equal(alerts(`t=ghp_${G36} `, cut), ['GitHub:ghp_' + '*'.repeat(36)]);
    assert.equal(alerts(`t=gho_${G36}"`, cut).length, 1);
    assert.equal(alerts(`${P82}\n`, cut), ['GitHub:gith' + '*'.repeat(89)].map((s) => s.slice(0, 7 + 64)));
    assert.equal(alerts('xoxb-574380322836-4556325777035-QBqkrGkvMcZlxz31E7HSW0nN\n', cut).length, 1);
    assert.equal(alerts('x=xoxs-12345678901-abc\n', cut).length, 1);
    assert.equal(alerts('-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n', cut), ['PEM:----' + '*'.repeat(31)]);
  }
});

test('near misses stay silent: short, long, wrong class, other PEM blocks', () => {
  for (const cut of [0, 2]) {
    for (const body of [
      `k=AKIA${A16.slice(1)}\n`, // 15 after the anchor
      `k=AKIA${A16}Z\n`, // 17: a longer token
      `k=AKIA${A16.toLowerCase()}\n`, // lower case is not a key id
      `k=AKIA${A16.slice(0, 8)}-${A16.slice(8)}\n`, // cut by a dash
      `akia${A16}\n`, // the anchor is case-sensitive
      `t=ghp_${G36.slice(1)} `, `t=ghp_${G36}x `, `t=ghp_${G36.slice(0, 20)}!${G36.slice(20)} `,
      `${P82.slice(0, -1)}\n`,
      'xoxb-123456789\n', // 9 after the anchor
      'xoxc-574380322836-4556325777035\n', // not a token kind in the rules
      '-----BEGIN PUBLIC KEY-----\nMIIB\n', '-----BEGIN CERTIFICATE-----\n', 'BEGIN RSA PRIVATE KEY\n',
    ]) assert.equal(alerts(body, cut), [], `${JSON.stringify(body)} cut ${cut}`);
  }
});

test('a secret at the very end of what was sent is held until the byte after it shows the token ended', () => {
  assert.equal(alerts(`k=AKIA${A16}`), []);
});

test.run();
