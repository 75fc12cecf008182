// Stream content is scanned only where a content rule can match: the rules' header conditions
// (protocol, addresses, ports, cluster direction, `flow: to_server`) are checked once per flow
// direction, and a direction is scanned no further than the largest offset + depth among the
// rules left (plus tail and redaction margin). Counted in PolicyMatcher.contentStats.bytes_scanned.
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
  - name: ssh-banner-egress
    sid: 1
    severity: 2
    category: protocol-anomaly
    match:
      protocol: tcp
      direction: egress
      flow: to_server
      content: {pattern: "SSH-", buffer: stream, depth: 4}
  - name: stratum-to-server
    sid: 2
    severity: 1
    category: blocked-destination
    match:
      protocol: tcp
      dst_port: 80
      flow: to_server
      content: {pattern: "mining.subscribe", buffer: stream, depth: 200}
`;

/** Feed `text` in 1000-byte segments on stream `stream` (6: to_server, 7: to_client); sids fired and bytes scanned. */
function run(stream: number, text: string): { sids: number[]; scanned: number } {
  const p = parsePolicy(POLICY, 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(p), p.cluster);
  const sids: number[] = [];
  const fire = (a: { sid: number }) => sids.push(a.sid);
  m.payload(tcpSegment(1000, '', 0x02), fire, stream, true);
  for (let off = 0; off < text.length; off += 1000) m.payload(tcpSegment(1001 + off, text.slice(off, off + 1000)), fire, stream, false);
  return { sids, scanned: m.contentStats.bytes_scanned };
}

const BODY = 'x'.repeat(100) + 'mining.subscribe' + 'y'.repeat(5000);

test('a direction is scanned up to the largest end among its candidate rules, not to the stream depth', () => {
  const r = run(6, BODY);
  assert.equal(r.sids, [2]);
  assert.ok(r.scanned >= 200 && r.scanned <= 1000, `${r.scanned} bytes`); // 200 + margin, cut at the first segment
});

test('flow: to_server rules neither scan nor fire on the to_client direction', () => {
  const r = run(7, BODY);
  assert.equal(r.sids, []);
  assert.is(r.scanned, 0);
});

test('beyond the depth nothing matches, as before', () => {
  const late = 'x'.repeat(300) + 'mining.subscribe';
  assert.equal(run(6, late).sids, []);
  assert.equal(run(6, 'SSH-2.0-OpenSSH_9.6\r\n').sids, [1]);
});

test('a rule without depth keeps the whole stream depth', () => {
  const p = parsePolicy(POLICY.replace('depth: 200', 'offset: 0'), 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(p), p.cluster);
  const fired: number[] = [];
  m.payload(tcpSegment(1000, '', 0x02), () => undefined, 6, true);
  const text = 'y'.repeat(9000) + 'mining.subscribe ';
  for (let off = 0; off < text.length; off += 1000) m.payload(tcpSegment(1001 + off, text.slice(off, off + 1000)), (a) => fired.push(a.sid), 6, false);
  assert.equal(fired, [2]);
  assert.is(m.contentStats.bytes_scanned, text.length);
});

test.run();
