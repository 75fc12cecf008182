// DNS message parser: golden messages from real captures, every field reset, compression loops and
// limits, one negative test per DNS event, the prefix sweep, seeded fuzzing and TCP framing (the
// text forms are in dns-text.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE, APP_EVENT_NAMES, APP_INVALID, APP_NEED_MORE } from '../../decoders/app-layer.js';
import {
  DNS_MAX_ANSWERS, DNS_MAX_POINTERS, DNS_NAME_SLOT, DnsMessage, EV_DNS_COMPRESSION_LOOP, EV_DNS_MALFORMED,
  EV_DNS_NAME_TOO_LONG, EV_DNS_TOO_MANY_RECORDS, dnsTcpMessageLength, parseDns,
} from '../../decoders/dns.js';
import { dnsAnswerData, dnsAnswerName, dnsQueryName, dnsTypeText } from '../../decoders/dns-text.js';
import { concat, hex } from './helpers.js';
import { rng } from '../helpers/rng.js';
import { guarded } from '../helpers/guarded.js';

const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];

// arkime/dns-udp.pcap frame 2, UDP payload; tcpdump -XX -nn -r arkime/dns-udp.pcap (2nd packet):
// 17:30:47.218437 IP 10.2.95.39.53 > 10.180.156.141.62563: 57401 2/4/4 CNAME github.com., A 192.30.252.128 (212)
//   0x0020:  9c8d 0035 f463 00dc 9d7f e039 8180 0001  ...5.c.....9....
//   0x0030:  0002 0004 0004 0377 7777 0667 6974 6875  .......www.githu
//   0x0040:  6203 636f 6d00 0001 0001 c00c 0005 0001  b.com...........
//   0x0050:  0000 07bc 0002 c010 c010 0001 0001 0000  ................
//   0x0060:  0004 0004 c01e fc80 c010 0002 0001 0000  ................
//   0x0070:  0148 0014 036e 7333 0370 3136 0664 796e  .H...ns3.p16.dyn
//   0x0080:  6563 7403 6e65 7400 c010 0002 0001 0000  ect.net.........
//   0x0090:  0148 0006 036e 7332 c04e c010 0002 0001  .H...ns2.N......
//   0x00a0:  0000 0148 0006 036e 7334 c04e c010 0002  ...H...ns4.N....
//   0x00b0:  0001 0000 0148 0006 036e 7331 c04e c06a  .....H...ns1.N.j
//   0x00c0:  0001 0001 0000 0e10 0004 0a02 5f0c c04a  ............_..J
//   0x00d0:  0001 0001 0000 0e10 0004 0a02 5f0c c08e  ............_...
//   0x00e0:  0001 0001 0000 0e10 0004 0a02 5f0c c07c  ............_..|
//   0x00f0:  0001 0001 0000 0e10 0004 0a02 5f0c       ............_.
const GITHUB = hex(`
e03981800001000200040004037777770667697468756203636f6d0000010001c00c00050001000007bc0002c010c010
00010001000000040004c01efc80c01000020001000001480014036e7333037031360664796e656374036e657400c010
00020001000001480006036e7332c04ec01000020001000001480006036e7334c04ec01000020001000001480006036e
7331c04ec06a0001000100000e1000040a025f0cc04a0001000100000e1000040a025f0cc08e0001000100000e100004
0a025f0cc07c0001000100000e1000040a025f0c`);

// arkime/dns-udp.pcap frame 1: 17:30:47.217572 IP 10.180.156.141.62563 > 10.2.95.39.53: 57401+ A? www.github.com. (32)
const GITHUB_QUERY = hex('e03901000001000000000000037777770667697468756203636f6d0000010001');

// zeek/pcapng-multi-interface.pcapng frame 6, UDP payload; tcpdump -nn:
// 01:37:17.140942 IP 1.1.1.1.53 > 10.0.0.4.56352: 5 4/0/0 AAAA 2607:f8b0:4023:2007::66, AAAA 2607:f8b0:4023:2007::8b,
//   AAAA 2607:f8b0:4023:2007::71, AAAA 2607:f8b0:4023:2007::8a (140)
const GOOGLE_AAAA = hex(`
00058180000100040000000006676f6f676c6503636f6d00001c0001c00c001c00010000007000102607f8b040232007
0000000000000066c00c001c00010000007000102607f8b040232007000000000000008bc00c001c0001000000700010
2607f8b0402320070000000000000071c00c001c00010000007000102607f8b040232007000000000000008a`);

// arkime/dns-tcp.pcap frame 14, TCP payload (length prefix 0x0019, then the message); tcpdump -nn:
// 16:08:00.084792 IP 10.180.156.141.49343 > 10.2.95.39.53: Flags [P.], seq 1:28, ack 1, win 8235, length 27 58092+ A? aol.com. (25)
const AOL_TCP = hex('0019e2ec0100000100000000000003616f6c03636f6d0000010001');

type Snapshot = Record<string, unknown>;

/** Every field of the message: scalars, the kept answers and their decoded names as text. */
function snapshot(m: DnsMessage): Snapshot {
  const out: Snapshot = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  out.qname = dnsQueryName(m);
  const answers: unknown[] = [];
  for (let i = 0; i < m.answerCount; i++) {
    answers.push([dnsAnswerName(m, i), dnsTypeText(m.ansType[i]), m.ansClass[i], m.ansTtl[i], m.ansRdataOffset[i], m.ansRdataLength[i], dnsAnswerData(m, i)]);
  }
  out.answers = answers;
  return out;
}

/** Parse twice into the same record (every field reset) and compare with `want` (fields not named keep their reset value). */
function golden(bytes: Uint8Array, status: number, want: Snapshot): DnsMessage {
  const m = new DnsMessage();
  const empty = snapshot(new DnsMessage());
  for (const k of Object.keys(want)) if (!(k in empty)) throw new Error(`golden(): DnsMessage has no field ${k}`);
  for (const round of ['first', 'second']) {
    assert.is(STATUS[parseDns(bytes, 0, bytes.length, m)], STATUS[status], `${round} parse: status`);
    const got = snapshot(m);
    delete got.bytes;
    assert.equal(got, { ...empty, ...want }, `${round} parse: fields`);
  }
  return m;
}

test('golden: arkime/dns-udp.pcap frame 2 (CNAME then A, 4 NS, 4 glue A)', () => {
  const m = golden(GITHUB, APP_DONE, {
    id: 0xe039, flags: 0x8180, qr: true, rd: true, ra: true, qdCount: 1, anCount: 2, nsCount: 4, arCount: 4,
    hasQuestion: true, qnameLength: 14, qnameOffset: 12, qtype: 1, qclass: 1, qname: 'www.github.com',
    answerCount: 2, end: 212,
    answers: [
      ['www.github.com', 'CNAME', 1, 1980, 44, 2, 'github.com'],
      ['github.com', 'A', 1, 4, 58, 4, '192.30.252.128'],
    ],
  });
  assert.is(m.bytes, GITHUB);
  assert.is(Buffer.from(m.names.subarray(0, 14)).toString('latin1'), 'www.github.com');
  assert.is(Buffer.from(m.names.subarray(2 * DNS_NAME_SLOT, 2 * DNS_NAME_SLOT + 10)).toString('latin1'), 'github.com');
});

test('golden: the query (frame 1) and an AAAA response (zeek/pcapng-multi-interface.pcapng frame 6)', () => {
  golden(GITHUB_QUERY, APP_DONE, {
    id: 0xe039, flags: 0x0100, rd: true, qdCount: 1, hasQuestion: true, qnameLength: 14, qnameOffset: 12,
    qtype: 1, qclass: 1, qname: 'www.github.com', end: 32,
  });
  const aaaa = ['2607:f8b0:4023:2007::66', '2607:f8b0:4023:2007::8b', '2607:f8b0:4023:2007::71', '2607:f8b0:4023:2007::8a'];
  golden(GOOGLE_AAAA, APP_DONE, {
    id: 5, flags: 0x8180, qr: true, rd: true, ra: true, qdCount: 1, anCount: 4, hasQuestion: true, qnameLength: 10,
    qnameOffset: 12, qtype: 28, qclass: 1, qname: 'google.com', answerCount: 4, end: 140,
    answers: aaaa.map((a, i) => ['google.com', 'AAAA', 1, 112, 40 + 28 * i, 16, a]),
  });
});

test('every field is reset: A, B, A, B into one record equal fresh parses', () => {
  const fresh = (b: Uint8Array) => { const m = new DnsMessage(); const s = parseDns(b, 0, b.length, m); return [s, snapshot(m)]; };
  const shared = new DnsMessage();
  const inputs = [GITHUB, GITHUB_QUERY, GOOGLE_AAAA, hex('0102'), GITHUB_QUERY, GITHUB];
  for (const [i, b] of inputs.entries()) {
    const s = parseDns(b, 0, b.length, shared);
    assert.equal([s, snapshot(shared)], fresh(b), `input #${i}`);
  }
});

test('a message inside a larger buffer: offsets are absolute, nothing outside is read', () => {
  const pad = new Uint8Array(7).fill(0xc0);
  const buf = concat(pad, GITHUB, pad);
  const m = new DnsMessage();
  assert.is(parseDns(buf, 7, GITHUB.length, m), APP_DONE);
  assert.is(m.offset, 7);
  assert.is(m.qnameOffset, 19);
  assert.is(m.ansRdataOffset[1], 65);
  assert.is(dnsAnswerData(m, 1), '192.30.252.128');
  assert.is(m.end, 7 + 212);
});

test('dnsTcpMessageLength: framed length once the whole message is there, else -1', () => {
  assert.is(dnsTcpMessageLength(AOL_TCP, 0, 0), -1);
  assert.is(dnsTcpMessageLength(AOL_TCP, 0, 1), -1);
  for (let n = 2; n < AOL_TCP.length; n++) assert.is(dnsTcpMessageLength(AOL_TCP, 0, n), -1, `prefix ${n}`);
  assert.is(dnsTcpMessageLength(AOL_TCP, 0, AOL_TCP.length), 27);
  const two = concat(AOL_TCP, AOL_TCP);
  assert.is(dnsTcpMessageLength(two, 0, two.length), 27);
  assert.is(dnsTcpMessageLength(two, 27, 27), 27);
  assert.is(dnsTcpMessageLength(hex('0000'), 0, 2), 2);
  const m = new DnsMessage();
  assert.is(parseDns(AOL_TCP, 2, 25, m), APP_DONE);
  assert.is(dnsQueryName(m), 'aol.com');
  assert.is(m.id, 0xe2ec);
});

// ── building messages for the negative tests ──

function u16(n: number): number[] { return [n >> 8, n & 0xff]; }
function header(qd: number, an: number, ns = 0, ar = 0, flags = 0x8180): number[] {
  return [0x12, 0x34, ...u16(flags), ...u16(qd), ...u16(an), ...u16(ns), ...u16(ar)];
}
function labels(...ls: string[]): number[] {
  const out: number[] = [];
  for (const l of ls) out.push(l.length, ...Buffer.from(l, 'latin1'));
  out.push(0);
  return out;
}
function rr(owner: number[], type: number, rdata: number[], ttl = 60): number[] {
  return [...owner, ...u16(type), 0, 1, ttl >>> 24, (ttl >> 16) & 0xff, (ttl >> 8) & 0xff, ttl & 0xff, ...u16(rdata.length), ...rdata];
}
const Q_EXAMPLE = [...labels('example', 'com'), 0, 1, 0, 1]; // at offset 12; "example.com" starts at 12
const PTR_Q = [0xc0, 12];

function expectEvent(bytes: number[] | Uint8Array, status: number, event: number): DnsMessage {
  const b = Uint8Array.from(bytes);
  const m = new DnsMessage();
  assert.is(STATUS[parseDns(b, 0, b.length, m)], STATUS[status], `${APP_EVENT_NAMES[event]}: status`);
  assert.is(APP_EVENT_NAMES[m.event], APP_EVENT_NAMES[event], 'event');
  return m;
}

test('dns.malformed: reserved label types 01 and 10, A/AAAA rdata of the wrong size, CNAME overrunning or short of its rdata', () => {
  expectEvent([...header(1, 0), 0x40, 0x61, 0, 0, 1, 0, 1], APP_INVALID, EV_DNS_MALFORMED);
  expectEvent([...header(1, 0), 0x80, 0x61, 0, 0, 1, 0, 1], APP_INVALID, EV_DNS_MALFORMED);
  expectEvent([...header(1, 1), ...Q_EXAMPLE, ...rr(PTR_Q, 1, [1, 2, 3, 4, 5])], APP_INVALID, EV_DNS_MALFORMED);
  expectEvent([...header(1, 1), ...Q_EXAMPLE, ...rr(PTR_Q, 28, [1, 2, 3, 4])], APP_INVALID, EV_DNS_MALFORMED);
  // CNAME rdata of 3 bytes holding a 5-byte name, then more bytes in the message.
  expectEvent([...header(1, 1, 0, 1), ...Q_EXAMPLE, ...rr(PTR_Q, 5, [3, 0x61, 0x62]), 0x63, 0, ...rr([0], 41, [])], APP_INVALID, EV_DNS_MALFORMED);
  // CNAME name ending before its rdata does.
  expectEvent([...header(1, 1), ...Q_EXAMPLE, ...rr(PTR_Q, 5, [1, 0x61, 0, 0xff])], APP_INVALID, EV_DNS_MALFORMED);
  // The well-formed versions parse.
  const ok = expectEvent([...header(1, 2), ...Q_EXAMPLE, ...rr(PTR_Q, 5, [1, 0x61, 0xc0, 12]), ...rr([0xc0, 12], 1, [10, 0, 0, 1])], APP_DONE, -1);
  assert.equal(snapshot(ok).answers, [['example.com', 'CNAME', 1, 60, 41, 4, 'a.example.com'], ['example.com', 'A', 1, 60, 57, 4, '10.0.0.1']]);
});

test('dns.malformed on APP_NEED_MORE: a message that ends before its header, name or records do', () => {
  expectEvent([0x12, 0x34, 0x01], APP_NEED_MORE, EV_DNS_MALFORMED);
  expectEvent([...header(1, 0), 7, 0x61, 0x62], APP_NEED_MORE, EV_DNS_MALFORMED); // label longer than the bytes
  expectEvent([...header(1, 0), 1, 0x61], APP_NEED_MORE, EV_DNS_MALFORMED); // no root label
  expectEvent([...header(1, 0), 0xc0], APP_NEED_MORE, EV_DNS_MALFORMED); // half a pointer
  expectEvent([...header(1, 1), ...Q_EXAMPLE], APP_NEED_MORE, EV_DNS_MALFORMED); // counts claim a record
  expectEvent([...header(1, 0, 0, 1), ...Q_EXAMPLE, 0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 9, 1], APP_NEED_MORE, EV_DNS_MALFORMED); // OPT rdata cut
});

test('dns.compression_loop: pointer to itself, a label then a pointer back to its own name, forward pointer, > DNS_MAX_POINTERS', () => {
  expectEvent([...header(1, 0), 0xc0, 12, 0, 1, 0, 1], APP_INVALID, EV_DNS_COMPRESSION_LOOP);
  expectEvent([...header(1, 0), 1, 0x61, 0xc0, 12, 0, 1, 0, 1], APP_INVALID, EV_DNS_COMPRESSION_LOOP);
  // Forward: the question points at a name that follows it (tshark follows these; kwire refuses).
  expectEvent([...header(1, 0), 0xc0, 18, 0, 1, 0, 1, 1, 0x61, 0], APP_INVALID, EV_DNS_COMPRESSION_LOOP);
  // Two names pointing at each other: the second jump cannot go back past the first target.
  expectEvent([...header(1, 1), 1, 0x61, 0xc0, 19, 0, 1, 0, 1, ...rr([1, 0x62, 0xc0, 12], 1, [1, 2, 3, 4])], APP_INVALID, EV_DNS_COMPRESSION_LOOP);
  // In a skipped (authority) record too.
  expectEvent([...header(1, 0, 1), ...Q_EXAMPLE, ...rr([0xc0, 40], 2, [0])], APP_INVALID, EV_DNS_COMPRESSION_LOOP);

  // `hops` pointers: the answer's owner points at the last of hops - 1 pointers kept in a TXT rdata,
  // each pointing at the one before, the first at the (root) question name.
  const chain = (hops: number) => {
    const rdStart = 12 + 5 + 11; // root question, then the TXT record's owner (root) and fixed fields
    const rdata: number[] = [0xc0, 12];
    for (let k = 1; k < hops - 1; k++) rdata.push(0xc0, rdStart + 2 * (k - 1));
    return [...header(1, 2), 0, 0, 1, 0, 1, ...rr([0], 16, rdata), ...rr([0xc0, rdStart + 2 * (hops - 2)], 1, [1, 2, 3, 4])];
  };
  const ok = expectEvent(chain(DNS_MAX_POINTERS), APP_DONE, -1);
  assert.is(dnsAnswerName(ok, 1), '<Root>');
  expectEvent(chain(DNS_MAX_POINTERS + 1), APP_INVALID, EV_DNS_COMPRESSION_LOOP);
});

test('dns.name_too_long: 256 bytes on the wire; 255 is the longest name', () => {
  const l = (n: number, c: string) => c.repeat(n);
  const longest = expectEvent([...header(1, 0, 0, 0, 0x0100), ...labels(l(63, 'a'), l(63, 'b'), l(63, 'c'), l(61, 'd')), 0, 1, 0, 1], APP_DONE, -1);
  assert.is(longest.qnameLength, 253);
  assert.is(dnsQueryName(longest), `${l(63, 'a')}.${l(63, 'b')}.${l(63, 'c')}.${l(61, 'd')}`);
  expectEvent([...header(1, 0), ...labels(l(63, 'a'), l(63, 'b'), l(63, 'c'), l(62, 'd')), 0, 1, 0, 1], APP_INVALID, EV_DNS_NAME_TOO_LONG);
  // Reached through compression: 'x' + pointer to a 253-byte name.
  const base = labels(l(63, 'a'), l(63, 'b'), l(63, 'c'), l(61, 'd'));
  expectEvent([...header(1, 1), ...base, 0, 1, 0, 1, ...rr([1, 0x78, 0xc0, 12], 1, [1, 2, 3, 4])], APP_INVALID, EV_DNS_NAME_TOO_LONG);
  // Too long even though the bytes run out: the length octets already say so.
  expectEvent([...header(1, 0), ...labels(l(63, 'a'), l(63, 'b'), l(63, 'c')).slice(0, -1), 63, 0x61], APP_INVALID, EV_DNS_NAME_TOO_LONG);
});

test('dns.too_many_records: 33 answers keep 32, walk the 33rd, APP_DONE with the event', () => {
  const answers: number[] = [];
  for (let i = 0; i < DNS_MAX_ANSWERS + 1; i++) answers.push(...rr(PTR_Q, 1, [10, 0, 0, i]));
  const m = expectEvent([...header(1, DNS_MAX_ANSWERS + 1), ...Q_EXAMPLE, ...answers], APP_DONE, EV_DNS_TOO_MANY_RECORDS);
  assert.is(m.answerCount, DNS_MAX_ANSWERS);
  assert.is(m.answersCapped, true);
  assert.is(dnsAnswerData(m, 31), '10.0.0.31');
  assert.is(m.end, 12 + Q_EXAMPLE.length + 33 * 16);
  // The 33rd is still checked (its owner points forward).
  const bad = [...header(1, DNS_MAX_ANSWERS + 1), ...Q_EXAMPLE, ...answers.slice(0, -16), 0xc3, 0xff, ...answers.slice(-14)];
  expectEvent(bad, APP_INVALID, EV_DNS_COMPRESSION_LOOP);
  // 32 is not too many.
  const exact = expectEvent([...header(1, DNS_MAX_ANSWERS), ...Q_EXAMPLE, ...answers.slice(0, -16)], APP_DONE, -1);
  assert.is(exact.answersCapped, false);
});

test('no question: qdCount 0 parses, qname is <Root>, qtype 0', () => {
  const m = expectEvent([...header(0, 1), ...rr(labels('a'), 1, [1, 2, 3, 4])], APP_DONE, -1);
  assert.is(m.hasQuestion, false);
  assert.is(m.qtype, 0);
  assert.is(dnsQueryName(m), '<Root>');
  assert.is(dnsAnswerName(m, 0), 'a');
});


test('prefix sweep: every prefix of real messages is APP_NEED_MORE, the whole message APP_DONE; no read past the end', () => {
  for (const [name, full] of [['GITHUB', GITHUB], ['GITHUB_QUERY', GITHUB_QUERY], ['GOOGLE_AAAA', GOOGLE_AAAA], ['AOL', AOL_TCP.subarray(2)]] as const) {
    const m = new DnsMessage();
    for (let n = 0; n <= full.length; n++) {
      let s: number;
      try {
        s = parseDns(guarded(full.slice(0, n)), 0, n, m);
      } catch (err) {
        throw new Error(`${name} prefix ${n}: threw ${String(err)}`);
      }
      assert.is(STATUS[s], STATUS[n === full.length ? APP_DONE : APP_NEED_MORE], `${name} prefix ${n}/${full.length}`);
      assert.is(m.event, n === full.length ? -1 : EV_DNS_MALFORMED, `${name} prefix ${n}: event`);
    }
  }
});


test('seeded fuzzing: mutated real messages and random bytes never throw, never read past the end, give a valid status', () => {
  const seeds = [GITHUB, GITHUB_QUERY, GOOGLE_AAAA, AOL_TCP.subarray(2)];
  const r = rng(20240611);
  const m = new DnsMessage();
  const seen = new Set<string>();
  for (let iter = 0; iter < 20000; iter++) {
    let b: Uint8Array;
    if (iter % 10 === 9) {
      b = new Uint8Array(Math.floor(r() * 80));
      for (let i = 0; i < b.length; i++) b[i] = r() < 0.3 ? 0xc0 | Math.floor(r() * 2) : Math.floor(r() * 256);
    } else {
      const src = seeds[iter % seeds.length];
      b = src.slice(0, src.length - Math.floor(r() * r() * 8));
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips && b.length > 0; k++) {
        const at = Math.floor(r() * b.length);
        const roll = r();
        b[at] = roll < 0.3 ? 0xc0 : roll < 0.5 ? Math.floor(r() * 64) : Math.floor(r() * 256);
      }
    }
    let s: number;
    try {
      s = parseDns(guarded(b), 0, b.length, m);
    } catch (err) {
      throw new Error(`iteration ${iter}: ${Buffer.from(b).toString('hex')} threw ${String(err)}`);
    }
    assert.ok(s === APP_DONE || s === APP_NEED_MORE || s === APP_INVALID, `iteration ${iter}: status ${s}`);
    if (s !== APP_DONE || m.event >= 0) assert.ok(APP_EVENT_NAMES[m.event]?.startsWith('dns.'), `iteration ${iter}: event ${m.event}`);
    if (s === APP_DONE) {
      assert.ok(m.qnameLength <= 253 && m.end <= b.length, `iteration ${iter}: bounds`);
      for (let i = 0; i < m.answerCount; i++) assert.ok(m.ansRdataOffset[i] + m.ansRdataLength[i] <= b.length);
    }
    seen.add(`${STATUS[s]} ${APP_EVENT_NAMES[m.event] ?? ''}`);
  }
  // The fuzzer reached every outcome.
  for (const want of ['APP_DONE ', 'APP_NEED_MORE dns.malformed', 'APP_INVALID dns.malformed', 'APP_INVALID dns.compression_loop']) {
    assert.ok(seen.has(want), `fuzzing reached ${want}: ${[...seen].join(', ')}`);
  }
});

test.run();
