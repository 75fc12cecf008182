// Stream content across TCP segment boundaries: a secret cut in two by the segmentation is found
// when the segments are in order, reported once, redacted; out-of-order pieces are not stitched.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { Packet } from '../../../decoders/packet.js';
import { decodeFrame } from '../../../decoders/frame.js';

const POLICY = `version: 1
cluster:
  pod_cidrs: [10.244.0.0/16]
  service_cidrs: [10.96.0.0/12]
rules:
  - name: secret-aws
    sid: 1
    severity: 1
    category: secret-leak
    match:
      content:
        - {pattern: "AKIA", buffer: stream}
`;

function segment(seq: number, text: string): Packet {
  const payload = new TextEncoder().encode(text);
  const b = new Uint8Array(54 + payload.length);
  b.set([...Array(12).fill(2), 8, 0, 0x45, 0, (40 + payload.length) >> 8, (40 + payload.length) & 0xff, 0, 1, 0, 0, 64, 6, 0, 0,
    10, 244, 0, 5, 203, 0, 113, 9, 0x9c, 0x40, 0, 80, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, 0, 0, 0, 1, 0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0]);
  b.set(payload, 54);
  const p = new Packet();
  p.reset(b, 0, b.length, b.length, 1);
  decodeFrame(p);
  return p;
}

function run(parts: [number, string][]): string[] {
  const policy = parsePolicy(POLICY, 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(policy), policy.cluster);
  const hits: string[] = [];
  parts.forEach(([seq, text], i) => m.payload(segment(seq, text), (_a, _i, red) => hits.push(red), 6, i === 0));
  return hits;
}

test('a key cut between two in-order segments is found once, redacted', () => {
  assert.equal(run([[1000, 'POST /x HTTP/1.1\r\n\r\nkey=AK'], [1026, 'IAABCDEFGHIJKLMNOP&x=1']]), ['AKIA****************']);
});

test('in one segment, and twice in a stream: once per occurrence', () => {
  assert.equal(run([[1, 'a AKIAABCDEFGHIJKLMNOP b']]), ['AKIA****************']);
  assert.is(run([[1, 'AKIAABCDEFGHIJKLMNOP '], [22, 'AKIAZZZZZZZZZZZZZZZZ']]).length, 2);
});

test('out of order pieces are not stitched (no false joins across gaps)', () => {
  assert.equal(run([[1026, 'IAABCDEFGHIJKLMNOP&x=1'], [1000, 'POST /x HTTP/1.1\r\n\r\nkey=AK']]), []);
});

test.run();
