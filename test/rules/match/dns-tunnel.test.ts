// DNS tunnelling heuristics count per registered domain by the Public Suffix List: names under
// co.uk or s3.amazonaws.com belong to their owners, not to one shared "last two labels" domain.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { tcpSegment } from './tcp-frame.js';

const POLICY = `version: 1
cluster:
  pod_cidrs: [10.244.0.0/16]
  service_cidrs: [10.96.0.0/12]
rules:
  - name: rate
    sid: 1
    severity: 2
    category: dns-tunnel
    match:
      dns.query: {dotprefix: [cluster.local], negate: true}
    dns_tunnel: {query_rate: {count: 3, seconds: 60}}
`;

/** Queries at 1 s intervals; returns the indexes of the queries that alerted. */
function run(queries: string[]): number[] {
  const p = parsePolicy(POLICY, 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(p), p.cluster);
  const pkt = tcpSegment(1, 'x');
  const out: number[] = [];
  queries.forEach((q, i) => m.app('dns', { query: q }, pkt, () => out.push(i), i * 1e6));
  return out;
}

test('co.uk is a public suffix: owners under it are counted apart', () => {
  assert.equal(run(['a1.evil.co.uk', 'a2.evil.co.uk', 'a3.other.co.uk', 'a4.evil.co.uk']), [3]);
});

test('private-section suffixes too: S3 buckets are separate registered domains', () => {
  assert.equal(run(['x.bucket-a.s3.amazonaws.com', 'y.bucket-b.s3.amazonaws.com', 'z.bucket-c.s3.amazonaws.com']), []);
  assert.equal(run(['x.q.example.com', 'y.r.example.com', 'z.example.com']), [2]);
});

test('a registered domain itself (nothing under it) and a public suffix are not counted', () => {
  assert.equal(run(['evil.co.uk', 'evil.co.uk', 'co.uk', 'evil.co.uk', 'a.evil.co.uk']), []);
});

test.run();
