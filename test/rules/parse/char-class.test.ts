// Character-class tails: `[CLASS]{N}` / `{MIN,MAX}` parsed into a 256-entry class; errors point at
// the bad character; in a policy, tails and pattern lists only on stream/payload contents.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseTail } from '../../../rules/parse/char-class.js';
import { parsePolicy } from '../../../rules/parse/policy.js';
import { PolicyError } from '../../../rules/parse/policy-error.js';

const POS = { file: 'p.yaml', line: 3, column: 10 };
const members = (t: { cls: Uint8Array }): string => [...t.cls].map((v, i) => (v ? String.fromCharCode(i) : '')).join('');

test('classes, ranges, escapes and counts', () => {
  const t = parseTail('[A-Z0-9]{16}', POS);
  assert.equal([members(t), t.min, t.max], ['0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 16, 16]);
  assert.equal(members(parseTail('[-a-c_]{1,2}', POS)), '-_abc');
  assert.equal(members(parseTail('[a-c-]{1,2}', POS)), '-abc');
  assert.equal(members(parseTail('[\\]\\\\x]{3}', POS)), '\\]x');
  assert.equal(parseTail('[a]{2,1024}', POS).max, 1024);
});

test('bad tails are errors at the right column', () => {
  const cases: [string, number, RegExp][] = [
    ['A-Z{16}', 10, /expected \[CLASS\]/],
    ['[A-Z{16}', 18, /unterminated class/],
    ['[]{3}', 11, /empty class/],
    ['[z-a]{3}', 10, /bad range z-a/],
    ['[A-Z]', 15, /bad count/],
    ['[A-Z]{0}', 15, /MIN <= MAX/],
    ['[A-Z]{5,2}', 15, /MIN <= MAX/],
    ['[A-Z]{1,2000}', 15, /<= 1024/],
    ['[A-Z]+', 15, /bad count/],
    ['[\\q]{1}', 11, /bad escape/],
  ];
  for (const [text, column, msg] of cases) {
    try {
      parseTail(text, POS);
      assert.unreachable(text);
    } catch (e) {
      assert.instance(e, PolicyError, text);
      assert.match((e as Error).message, msg, text);
      assert.is((e as PolicyError).column, column, text);
    }
  }
});

const rule = (content: string): string => `version: 1
cluster:
  pod_cidrs: [10.244.0.0/16]
  service_cidrs: [10.96.0.0/12]
rules:
  - name: r
    sid: 1
    severity: 1
    category: secret-leak
    match:
      content: ${content}
`;

test('policy: pattern lists and tails on stream/payload; rejected elsewhere and with negate/startswith', () => {
  const c = parsePolicy(rule('{pattern: [AKIA, ASIA], tail: "[A-Z0-9]{16}"}'), 'p.yaml').rules[0].match.content[0];
  assert.equal([Buffer.from(c.bytes).toString(), c.alt.map((b) => Buffer.from(b).toString()), c.tail!.min], ['AKIA', ['ASIA'], 16]);
  assert.throws(() => parsePolicy(rule('{pattern: x, tail: "[a]{2}", buffer: http.uri}'), 'p.yaml'), /only on stream or payload/);
  assert.throws(() => parsePolicy(rule('{pattern: [a, b], negate: true}'), 'p.yaml'), /plain positive pattern/);
  assert.throws(() => parsePolicy(rule('{pattern: x, tail: "[a]{2}", startswith: true}'), 'p.yaml'), /plain positive pattern/);
  assert.throws(() => parsePolicy(rule('{pattern: x, tail: "[a]"}'), 'p.yaml'), /p.yaml:11:\d+: bad count/);
});

test.run();
