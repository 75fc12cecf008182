// decodeFrame: dispatch on the link type, the per-frame counters, the whole corpus (statuses and
// events against what tshark also calls malformed), seeded fuzzing (random and mutated real frames:
// never a throw, never a read outside the frame), and coverage of every decode event by a test.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { openCapture } from '../../engine/capture/open.js';
import {
  C_BYTES, C_ETHERNET, C_INVALID, C_MAX_PKT_SIZE, C_NULL, C_PKTS, C_RAW, C_SLL, C_SLL2, C_TRUNCATED, C_UNDECODED,
} from '../../decoders/counters.js';
import { EVENT_NAMES } from '../../decoders/events.js';
import { decodeFrame } from '../../decoders/frame.js';
import { SHARED_FILES } from '../helpers/paths.js';
import * as LT from '../../decoders/link-types.js';
import { Packet } from '../../decoders/packet.js';
import { rng as prng } from '../helpers/rng.js';
import {
  S_INVALID, S_OK, S_TRUNCATED, S_UNSUPPORTED, concat, decode, emptyFields, eventTotal, fields, golden, hex,
} from './helpers.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPUS = SHARED_FILES;

// arkime/dns-udp.pcap frame 1; tcpdump -XX -nn -r arkime/dns-udp.pcap -c 1 (last packet):
// 17:30:47.217572 IP 10.180.156.141.62563 > 10.2.95.39.53: 57401+ A? www.github.com. (32)
//   0x0000:  0000 0c07 ac01 001f 5bff 51cb 0800 4500  ........[.Q...E.
//   0x0010:  003c b3bc 0000 4011 b68a 0ab4 9c8d 0a02  .<....@.........
//   0x0020:  5f27 f463 0035 0028 93ab e039 0100 0001  _'.c.5.(...9....
//   0x0030:  0000 0000 0000 0377 7777 0667 6974 6875  .......www.githu
//   0x0040:  6203 636f 6d00 0001 0001                 b.com.....
const DNS_QUERY = hex(`
00000c07ac01001f5bff51cb08004500003cb3bc00004011b68a0ab49c8d0a02
5f27f4630035002893abe0390100000100000000000003777777066769746875
6203636f6d0000010001
`);
const IP_PACKET = DNS_QUERY.subarray(14);

/** tshark for the DNS query, with the IP header at `l3`. */
function dnsFields(l3: number, etherType = 0) {
  return {
    etherType,
    ipVersion: 4, l3Offset: l3, l3Length: 60, srcAddrOffset: l3 + 12, dstAddrOffset: l3 + 16,
    src: '10.180.156.141', dst: '10.2.95.39', ipProto: 17, ttl: 64, fragId: 0xb3bc,
    l4Offset: l3 + 20, l4Length: 40, srcPort: 62563, dstPort: 53, payloadOffset: l3 + 28, payloadLength: 32,
  };
}

test('link-type dispatch: the same IPv4 packet behind every supported link-layer header', () => {
  const cases: Array<[string, number, Uint8Array, number, number, number]> = [
    ['ethernet', LT.LINKTYPE_ETHERNET, DNS_QUERY, 14, 0x0800, C_ETHERNET],
    ['sll', LT.LINKTYPE_LINUX_SLL, concat(hex('0000 0001 0006 001f5bff51cb 0000 0800'), IP_PACKET), 16, 0x0800, C_SLL],
    ['sll2', LT.LINKTYPE_LINUX_SLL2, concat(hex('0800 0000 00000002 0001 00 06 001f5bff51cb 0000'), IP_PACKET), 20, 0x0800, C_SLL2],
    ['null', LT.LINKTYPE_NULL, concat(hex('02000000'), IP_PACKET), 4, 0, C_NULL],
    ['loop', LT.LINKTYPE_LOOP, concat(hex('00000002'), IP_PACKET), 4, 0, C_NULL],
    ['raw', LT.LINKTYPE_RAW, IP_PACKET.slice(), 0, 0, C_RAW],
    ['raw 12', LT.DLT_RAW_12, IP_PACKET.slice(), 0, 0, C_RAW],
    ['raw 14', LT.DLT_RAW_14, IP_PACKET.slice(), 0, 0, C_RAW],
    ['ipv4', LT.LINKTYPE_IPV4, IP_PACKET.slice(), 0, 0, C_RAW],
    ['ipv6', LT.LINKTYPE_IPV6, IP_PACKET.slice(), 0, 0, C_RAW],
  ];
  for (const [name, lt, bytes, l3, etherType, counter] of cases) {
    const pkt = golden(bytes, lt, S_OK, dnsFields(l3, etherType));
    assert.is(pkt.counters[counter], 2, `${name}: its counter`);
    assert.is(LT.linkTypeName(lt).length > 0, true);
  }
});

test('an unknown link type is decoder.undecoded and S_UNSUPPORTED, nothing filled, not invalid', () => {
  for (const lt of [2, 105, 127, 147, 228 + 100, 0xffff, 0xffffffff]) {
    const pkt = new Packet();
    assert.is(decode(pkt, DNS_QUERY, lt), S_UNSUPPORTED, `link type ${lt}`);
    assert.equal(fields(pkt), emptyFields());
    assert.is(pkt.counters[C_UNDECODED], 1);
    assert.is(pkt.counters[C_PKTS], 1);
    assert.is(pkt.counters[C_BYTES], DNS_QUERY.length);
    assert.is(pkt.counters[C_INVALID], 0);
  }
  assert.is(LT.linkTypeName(147), 'linktype_147');
});

test('per-frame counters: pkts, bytes (captured), max_pkt_size, invalid once per frame', () => {
  const pkt = new Packet();
  decode(pkt, DNS_QUERY, LT.LINKTYPE_ETHERNET, 74, 1000); // cut after the IP packet: not noticed
  decode(pkt, DNS_QUERY.subarray(0, 20), LT.LINKTYPE_ETHERNET, 20, 20); // invalid IPv4
  decode(pkt, DNS_QUERY.subarray(0, 50), LT.LINKTYPE_ETHERNET, 50, 74); // truncated
  assert.is(pkt.counters[C_PKTS], 3);
  assert.is(pkt.counters[C_BYTES], 74 + 20 + 50);
  assert.is(pkt.counters[C_MAX_PKT_SIZE], 74);
  assert.is(pkt.counters[C_INVALID], 1);
  assert.is(pkt.counters[C_TRUNCATED], 1);
});

test('a frame at an offset inside a larger batch buffer decodes like the frame alone', () => {
  const batch = concat(hex('deadbeef'.repeat(10)), DNS_QUERY, hex('ff'.repeat(33)));
  const pkt = new Packet();
  pkt.reset(batch, 40, DNS_QUERY.length, DNS_QUERY.length, LT.LINKTYPE_ETHERNET);
  assert.is(decodeFrame(pkt), S_OK);
  assert.equal(fields(pkt), { ...emptyFields(), ...dnsFields(54, 0x0800) });
});

// ── the whole corpus ──

interface CorpusFrame { file: string; frame: number; bytes: Uint8Array; capLen: number; origLen: number; linkType: number }

function captureFiles(): string[] {
  const out: string[] = [];
  for (const d of readdirSync(CORPUS).sort()) for (const f of readdirSync(join(CORPUS, d)).sort()) out.push(`${d}/${f}`);
  return out;
}

/** Decode every frame of `file`; keep a copy of up to `keep` frames (spread over the file) for fuzzing. */
async function walkCapture(file: string, keep: number, visit: (f: CorpusFrame, pkt: Packet, status: number, truncated: number) => void, kept: CorpusFrame[]) {
  const reader = await openCapture(join(CORPUS, file));
  const pkt = new Packet();
  let n = 0;
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      for (let i = 0; i < b.count; i++) {
        const m = i * META_STRIDE;
        const off = b.meta[m];
        const capLen = b.meta[m + 1];
        const f: CorpusFrame = { file, frame: b.firstFrame + i, bytes: b.data.subarray(off, off + capLen), capLen, origLen: b.meta[m + 2], linkType: b.meta[m + 3] };
        pkt.reset(b.data, off, capLen, f.origLen, f.linkType);
        const before = pkt.counters[C_TRUNCATED];
        const s = decodeFrame(pkt);
        visit(f, pkt, s, pkt.counters[C_TRUNCATED] - before);
        if (kept.length < 100000 && (n < keep || n % 97 === 0) && n < keep * 20) kept.push({ ...f, bytes: f.bytes.slice() });
        n++;
      }
    }
  } finally {
    await reader.close();
  }
}

const corpusSample: CorpusFrame[] = [];

test('every frame of the corpus: no throw; S_INVALID only where tshark also reports a malformed packet', async () => {
  // tshark 4.0.17 marks all three "[Malformed Packet]": a BIG TCP capture (IPv6 payload length 0,
  // UDP length 0) and deliberately broken destination-options headers (an option of 144 bytes in
  // a 24-byte header; payload length 36 < 40).
  const expectedInvalid = new Map([
    ['tcpdump/bigtcp-ipv6-vxlan-ipv6.pcap#1', 'udp.hlen_too_small'],
    ['zeek/ipv6-mobility-dst-opts.pcap#1', 'ipv6.opt_invalid_len'],
    ['zeek/ipv6-mobility-dst-opts.pcap#2', 'ipv6.trunc_exthdr'],
  ]);
  const invalid = new Map<string, string>();
  let frames = 0;
  const statuses = [0, 0, 0, 0];
  for (const file of captureFiles()) {
    await walkCapture(file, 8, (f, pkt, s, truncated) => {
      frames++;
      statuses[s]++;
      if (s === S_INVALID) invalid.set(`${f.file}#${f.frame}`, EVENT_NAMES[pkt.lastEvent]);
      if (s === S_TRUNCATED) assert.ok(f.capLen < f.origLen, `${f.file}#${f.frame}: truncated but capLen = origLen`);
      if (f.capLen >= f.origLen) assert.is(truncated, 0, `${f.file}#${f.frame}: decoder.truncated on an uncut frame`);
      assert.ok(truncated <= 1, `${f.file}#${f.frame}: decoder.truncated once per frame`);
    }, corpusSample);
  }
  assert.ok(frames > 50000, `corpus read (${frames} frames)`);
  assert.equal(invalid, expectedInvalid);
  assert.is(statuses[S_TRUNCATED], 0, 'no frame of the corpus ends inside a required header');
});

// ── fuzzing ──


const SCALARS = Object.keys(emptyFields()).filter((k) => !['vlan', 'src', 'dst', 'outerSrc', 'outerDst', 'quotedSrc', 'quotedDst'].includes(k));
/** Fields holding a position in the buffer (fragOffset is a distance inside the datagram). */
const OFFSET_FIELDS = new Set(SCALARS.filter((k) => k.endsWith('Offset') && k !== 'fragOffset'));

/** Compact snapshot for the fuzzers: every scalar field, offsets made relative to the frame start. */
function snap(pkt: Packet, base: number): string {
  const p = pkt as unknown as Record<string, number | boolean>;
  let s = '';
  for (const k of SCALARS) {
    let v = p[k];
    if (OFFSET_FIELDS.has(k) && typeof v === 'number' && v >= base && base > 0) v -= base;
    s += `${k}=${String(v)} `;
  }
  for (let i = 0; i < pkt.vlanCount; i++) s += `vlan${i}=${pkt.vlan[i]} `;
  return s;
}

const FILL_BEFORE = 24;

/**
 * Decode `frame` three ways: alone in a buffer of exactly its bytes (a read past the end gives
 * undefined), and inside larger buffers filled with 0x00 and with 0xff around it. A decoder that
 * reads outside [offset, offset + capLen) sees different bytes and decodes differently.
 */
function fuzzOne(frame: Uint8Array, capLen: number, origLen: number, linkType: number, what: () => string): void {
  const pkt = new Packet();
  let s: unknown;
  try {
    s = decode(pkt, frame, linkType, capLen, origLen);
  } catch (err) {
    throw new Error(`${what()}: decodeFrame threw ${String(err)}`);
  }
  if (typeof s !== 'number' || s < S_OK || s > S_UNSUPPORTED) throw new Error(`${what()}: status ${String(s)}`);
  if (capLen >= origLen && (s === S_TRUNCATED || pkt.counters[C_TRUNCATED] !== 0)) throw new Error(`${what()}: truncation in an uncut frame`);
  if (pkt.counters[C_TRUNCATED] > 1) throw new Error(`${what()}: decoder.truncated counted twice`);
  if (s === S_INVALID && (pkt.lastEvent < 0 || pkt.counters[C_INVALID] !== 1)) throw new Error(`${what()}: S_INVALID without an event`);
  if (s !== S_INVALID && pkt.counters[C_INVALID] !== 0) throw new Error(`${what()}: decoder.invalid without S_INVALID`);
  const alone = `${s} ${snap(pkt, 0)} ev=${eventTotal(pkt)}`;
  for (const fill of [0x00, 0xff]) {
    const big = new Uint8Array(FILL_BEFORE + frame.length + 64).fill(fill);
    big.set(frame, FILL_BEFORE);
    const q = new Packet();
    q.reset(big, FILL_BEFORE, capLen, origLen, linkType);
    const t = decodeFrame(q);
    const inside = `${t} ${snap(q, FILL_BEFORE)} ev=${eventTotal(q)}`;
    if (inside !== alone) throw new Error(`${what()}: decodes differently with 0x${fill.toString(16)} around it (a read outside the frame)\n  alone:  ${alone}\n  inside: ${inside}`);
  }
}

const LINK_TYPES = [LT.LINKTYPE_NULL, LT.LINKTYPE_ETHERNET, LT.DLT_RAW_12, LT.DLT_RAW_14, LT.LINKTYPE_RAW, LT.LINKTYPE_LOOP,
  LT.LINKTYPE_LINUX_SLL, LT.LINKTYPE_IPV4, LT.LINKTYPE_IPV6, LT.LINKTYPE_LINUX_SLL2];

test('10,000 random byte strings of random lengths per link type (seeded): no throw, a status, no read outside the frame', () => {
  const rnd = prng(0x6b776972);
  for (const lt of LINK_TYPES) {
    for (let i = 0; i < 10000; i++) {
      const len = rnd() < 0.9 ? Math.floor(rnd() * 160) : Math.floor(rnd() * 1600);
      const b = new Uint8Array(len);
      for (let j = 0; j < len; j++) b[j] = Math.floor(rnd() * 256);
      // Nudge a third of them past the first dispatch: a plausible link header / IP version.
      if (len > 0 && i % 3 === 0) {
        if (lt === LT.LINKTYPE_ETHERNET && len > 14) { b[12] = [0x08, 0x86, 0x81, 0x88][i % 4]; b[13] = [0x00, 0xdd, 0x00, 0x64][i % 4]; }
        else if (lt !== LT.LINKTYPE_ETHERNET && lt !== LT.LINKTYPE_LINUX_SLL && lt !== LT.LINKTYPE_LINUX_SLL2 && lt !== LT.LINKTYPE_NULL && lt !== LT.LINKTYPE_LOOP) b[0] = (i % 2 ? 0x45 : 0x60) | (b[0] & 0x0f);
      }
      const cut = rnd() < 0.5;
      fuzzOne(b, len, cut ? len + 1 + Math.floor(rnd() * 1500) : len, lt, () => `link type ${lt}, string #${i} (${len} bytes): ${Buffer.from(b).toString('hex')}`);
    }
  }
});

test('mutated real frames (seeded): bytes flipped, lengths cut and lied about', () => {
  assert.ok(corpusSample.length > 500, `sample from the corpus (${corpusSample.length} frames)`);
  const rnd = prng(0x0badf00d);
  for (const f of corpusSample) {
    for (let i = 0; i < 12; i++) {
      const b = f.bytes.slice();
      const flips = 1 + Math.floor(rnd() * 4);
      for (let j = 0; j < flips && b.length > 0; j++) {
        // Mostly within the first 100 bytes, where the headers are.
        const at = Math.floor(rnd() * Math.min(b.length, rnd() < 0.8 ? 100 : b.length));
        b[at] = rnd() < 0.5 ? Math.floor(rnd() * 256) : b[at] ^ (1 << Math.floor(rnd() * 8));
      }
      const n = rnd() < 0.5 ? b.length : Math.floor(rnd() * (b.length + 1));
      const frame = b.slice(0, n);
      const origLen = rnd() < 0.5 ? n : Math.max(n, f.origLen);
      fuzzOne(frame, n, origLen, f.linkType, () => `${f.file}#${f.frame} mutation ${i} (${n} of ${f.bytes.length} bytes): ${Buffer.from(frame).toString('hex')}`);
    }
  }
});

// ── coverage of the decoders and their events by this directory's tests ──

test('every decoder file has its test file, and every decode event has a negative test', () => {
  const decoders = join(HERE, '..', '..', 'decoders');
  for (const f of readdirSync(decoders)) {
    if (!f.endsWith('.ts') || f === '_template.ts') continue;
    const t = `${basename(f, '.ts')}.test.ts`;
    assert.ok(readdirSync(HERE).includes(t), `test/decoders/${t} for decoders/${f}`);
  }
  const source = readFileSync(join(decoders, 'events.ts'), 'utf8');
  const constants = new Map<string, string>();
  for (const m of source.matchAll(/export const (EV_\w+) = id\('([^']+)'\)/g)) constants.set(m[2], m[1]);
  const tests = readdirSync(HERE).filter((f) => f.endsWith('.test.ts') && f !== 'frame.test.ts')
    .map((f) => readFileSync(join(HERE, f), 'utf8')).join('\n');
  for (const name of EVENT_NAMES) {
    const c = constants.get(name);
    assert.ok(c !== undefined, `events.ts exports a constant for ${name}`);
    assert.ok(new RegExp(`expectEvent\\([^;]*\\b${c}\\b`).test(tests), `a test raises ${name} (${c}) through expectEvent()`);
  }
});

test.run();
