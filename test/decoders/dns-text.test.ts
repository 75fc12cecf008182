// DNS text for records: names as tshark 4.0.17 prints dns.qry.name (escapes, UTF-8, <Root>), answer
// data (A, AAAA, CNAME) and type mnemonics.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_DONE } from '../../decoders/app-layer.js';
import { DnsMessage, parseDns } from '../../decoders/dns.js';
import { dnsAnswerData, dnsAnswerName, dnsNameText, dnsQueryName, dnsTypeText } from '../../decoders/dns-text.js';
import { concat, hex } from './helpers.js';

/** A standard query (id 0x1234, RD) for the name `<label>.x`, type A. */
function query(label: Uint8Array): Uint8Array {
  return Uint8Array.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, label.length, ...label, 1, 0x78, 0, 0, 1, 0, 1]);
}

/** Classic pcap (raw IPv4, linktype 101) of UDP datagrams to port 53 carrying `payloads`. */
function pcapOf(payloads: Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [hex('d4c3b2a1 0200 0400 00000000 00000000 ffff0000 65000000')];
  for (const p of payloads) {
    const n = 28 + p.length;
    const ip = hex(`4500 ${n.toString(16).padStart(4, '0')} 0000 4000 4011 0000 0a000001 0a000002`);
    const udp = hex(`04d2 0035 ${(8 + p.length).toString(16).padStart(4, '0')} 0000`);
    const rec = new Uint8Array(16);
    new DataView(rec.buffer).setUint32(8, n, true);
    new DataView(rec.buffer).setUint32(12, n, true);
    parts.push(rec, ip, udp, p);
  }
  return concat(...parts);
}

// tshark 4.0.17 `-T fields -e dns.qry.name` on queries for `<label>.x` with these label bytes.
const CASES: Array<[string, string]> = [
  ['07 08 09 0a 0b 0c 0d 1b 1f 5c 5c', '\\a\\b\\t\\n\\v\\f\\r\\033\\037\\\\'],
  ['61 2e 62', 'a.b'],
  ['00 7f 80 ff 41 22 27 3b 40 28', '\\000\\177\ufffd\ufffdA"\';@('],
  ['e2 82 41', '\ufffdA'],
  ['c0 80 41', '\\u0000A'],
  ['ed a0 80 41', '\ufffdA'],
  ['f4 90 80 80 41', '\ufffdA'],
  ['e2 82 ac 41', '€A'],
  ['f0 9f 98 80', '😀'],
  ['c3', '\ufffd'],
  ['c1 81 42', 'AB'],
  ['e0 80 80 42', '\\u0000B'],
  ['c1 bf', '\\u007F'],
  ['f8 88 80 80 80', '\ufffd'],
  ['e0 80 41', '\ufffdA'],
  ['c2 80', '\\u0080'],
  ['c2 9f', '\\u009F'],
  ['c2 a0', '\u00a0'],
  ['ef bf be', '\\uFFFE'],
  ['e2 80 a8', '\u2028'],
  ['62 c3 bc 63 68 65 72', 'bücher'],
];

test('dnsNameText: odd bytes as tshark 4.0.17 prints dns.qry.name', () => {
  for (const [h, want] of CASES) {
    const label = hex(h);
    const m = new DnsMessage();
    const b = query(label);
    assert.is(parseDns(b, 0, b.length, m), APP_DONE);
    assert.is(dnsQueryName(m), `${want}.x`, h);
  }
  assert.is(dnsNameText(new Uint8Array(0), 0, 0), '<Root>');
  assert.is(dnsTypeText(65), 'HTTPS');
  assert.is(dnsTypeText(999), 'TYPE999');
});

test('the expectations above are what the installed tshark prints (when it is 4.0.17)', () => {
  let version = '';
  try {
    version = execFileSync('tshark', ['-v'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return; // no tshark: the literals above stand
  }
  if (!version.includes('4.0.17')) return;
  const dir = mkdtempSync(join(tmpdir(), 'kwire-dns-text-'));
  try {
    const file = join(dir, 'names.pcap');
    writeFileSync(file, pcapOf(CASES.map(([h]) => query(hex(h)))));
    const out = execFileSync('tshark', ['-r', file, '-T', 'fields', '-e', 'dns.qry.name'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(out.split('\n').slice(0, CASES.length), CASES.map(([, want]) => `${want}.x`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// arkime/dns-udp.pcap frame 2 (see dns.test.ts): CNAME then A.
const GITHUB = hex(`
e03981800001000200040004037777770667697468756203636f6d0000010001c00c00050001000007bc0002c010c010
00010001000000040004c01efc80c01000020001000001480014036e7333037031360664796e656374036e657400c010
00020001000001480006036e7332c04ec01000020001000001480006036e7334c04ec01000020001000001480006036e
7331c04ec06a0001000100000e1000040a025f0cc04a0001000100000e1000040a025f0cc08e0001000100000e100004
0a025f0cc07c0001000100000e1000040a025f0c`);

test('answers as text: owner, CNAME target, A; AAAA in RFC 5952 form; other types give an empty string', () => {
  const m = new DnsMessage();
  assert.is(parseDns(GITHUB, 0, GITHUB.length, m), APP_DONE);
  assert.equal([dnsQueryName(m), dnsAnswerName(m, 0), dnsAnswerData(m, 0), dnsAnswerName(m, 1), dnsAnswerData(m, 1)],
    ['www.github.com', 'www.github.com', 'github.com', 'github.com', '192.30.252.128']);
  // Response for a.x: AAAA 2001:db8::1, then a TXT record.
  const aaaa = hex(`1234 8180 0001 0002 0000 0000 016101780000010001
    c00c 001c 0001 0000003c 0010 20010db8000000000000000000000001
    c00c 0010 0001 0000003c 0002 0174`);
  assert.is(parseDns(aaaa, 0, aaaa.length, m), APP_DONE);
  assert.equal([dnsAnswerName(m, 0), dnsAnswerData(m, 0), dnsTypeText(m.ansType[1]), dnsAnswerData(m, 1)], ['a.x', '2001:db8::1', 'TXT', '']);
});

test.run();
