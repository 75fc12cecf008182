// Raw stream content inspection stops where a TLS flow turns encrypted (Suricata's
// `encryption-handling: default`): record headers are walked per direction, the first
// application_data record after both directions began with a handshake ends inspection of the
// flow. Cleartext streams (and TLS 1.3 early data before the server's first record) are scanned as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { loadPolicy, parsePolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { TlsEncrypted } from '../../../rules/match/tls-encrypted.js';
import { STREAM_POLICY, tcpSegment } from './tcp-frame.js';
import { inspectFile } from '../../helpers/inspect-file.js';
import { ROOT, SHARED_FILES } from '../../helpers/paths.js';

/** A TLS record: type, version 3.3, `body` bytes. */
function record(type: number, body: number[] | string): number[] {
  const b = typeof body === 'string' ? [...new TextEncoder().encode(body)] : body;
  return [type, 3, 3, b.length >> 8, b.length & 0xff, ...b];
}

const KEY = 'AKIAABCDEFGHIJKLMNOP'; // 20 bytes: AKIA + 16 of [A-Z0-9]
const HELLO = record(22, Array(60).fill(1));
const SERVER_HELLO = record(22, Array(90).fill(2));
const CCS = record(20, [1]);

test('TlsEncrypted: application data after both handshakes ends the cleartext, headers split anywhere', () => {
  const client = [...HELLO, ...CCS, ...record(23, 'x'.repeat(40))];
  for (let cut = 1; cut < client.length; cut++) {
    const t = new TlsEncrypted();
    t.ensure(2);
    const c = Uint8Array.from(client);
    const s = Uint8Array.from(SERVER_HELLO);
    assert.is(t.cleartext(1, s, 0, s.length, 0), s.length);
    const a = t.cleartext(0, c, 0, cut, 0);
    const b = a < cut ? 0 : t.cleartext(0, c, cut, c.length - cut, cut);
    const at = HELLO.length + CCS.length; // the application_data header
    // a header cut before its last byte is known only with the next segment: its first bytes were scanned
    assert.is(a < cut ? a : cut + b, cut > at && cut < at + 5 ? cut : at, `cut ${cut}`);
    assert.is(t.encrypted[0], 1);
    assert.is(t.encrypted[1], 1, 'the flow, both directions');
    assert.is(t.flows, 1);
  }
});

test('TlsEncrypted: early data before the server spoke, non-TLS streams and bad headers are not cut', () => {
  const t = new TlsEncrypted();
  t.ensure(4);
  const early = Uint8Array.from([...HELLO, ...record(23, 'early')]);
  assert.is(t.cleartext(0, early, 0, early.length, 0), early.length, '0-RTT: the server has not answered');
  const http = new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n');
  assert.is(t.cleartext(2, http, 0, http.length, 0), http.length);
  const bad = Uint8Array.from([...HELLO, 99, 3, 3, 0, 1, 0, ...record(23, 'x')]);
  t.reset(0);
  const s = Uint8Array.from(SERVER_HELLO);
  t.cleartext(1, s, 0, s.length, 0);
  assert.is(t.cleartext(0, bad, 0, bad.length, 0), bad.length, 'content type 99: not TLS, stop walking');
  assert.is(t.flows, 0);
});


/** Alerts (sids) for a client stream `client` after a server answer `server` (0: none), in one flow. */
function secretAlerts(client: number[], server: number[], handling: 'default' | 'full'): number[] {
  const p = parsePolicy(STREAM_POLICY, 'p.yaml');
  const m = new PolicyMatcher(compilePolicy(p), p.cluster);
  m.encryptionHandling = handling;
  const sids: number[] = [];
  const fire = (a: { sid: number }) => sids.push(a.sid);
  m.payload(tcpSegment(1000, '', 0x02), fire, 6, true);
  const hello = client.slice(0, HELLO.length);
  m.payload(tcpSegment(1001, Uint8Array.from(hello)), fire, 6, false);
  if (server.length > 0) m.payload(tcpSegment(5001, Uint8Array.from(server)), fire, 7, false);
  m.payload(tcpSegment(1001 + hello.length, Uint8Array.from(client.slice(hello.length))), fire, 6, false);
  return sids;
}

test('a key inside TLS application data: no alert by default, one with encryption-handling full; cleartext still alerts', () => {
  const tls = [...HELLO, ...record(23, `key=${KEY}&`)];
  assert.equal(secretAlerts(tls, SERVER_HELLO, 'default'), []);
  assert.equal(secretAlerts(tls, SERVER_HELLO, 'full'), [1]);
  assert.equal(secretAlerts(tls, [], 'default'), [1], 'early data: the handshake is not past');
  const http = [...new TextEncoder().encode(`POST /x HTTP/1.1\r\n\r\nkey=${KEY}&`)];
  assert.equal(secretAlerts([...http, ...Array(Math.max(0, HELLO.length - http.length)).fill(32)], SERVER_HELLO, 'default'), [1]);
});

test('real TLS capture: stream inspection stops at the encrypted records, alerts unchanged', async () => {
  const file = join(SHARED_FILES, 'pcapplusplus', 'tls2.pcap');
  const policyPath = join(ROOT, 'rules', 'default', 'policy.yaml');
  const stats: Record<string, { bytes_scanned: number; tls_encrypted_flows: number }> = {};
  const alerts: Record<string, string[]> = {};
  for (const handling of ['default', 'full'] as const) {
    const p = loadPolicy(policyPath);
    const m = new PolicyMatcher(compilePolicy(p), p.cluster);
    m.encryptionHandling = handling;
    const { records } = await inspectFile(file, ['alert'], { policy: m });
    stats[handling] = m.contentStats;
    alerts[handling] = records.map((r) => JSON.stringify(r));
  }
  assert.ok(stats.default.tls_encrypted_flows >= 100, `${stats.default.tls_encrypted_flows} flows`);
  assert.is(stats.full.tls_encrypted_flows, 0);
  assert.ok(stats.default.bytes_scanned * 2 < stats.full.bytes_scanned, JSON.stringify(stats));
  assert.equal(alerts.default, alerts.full);
});

test.run();
