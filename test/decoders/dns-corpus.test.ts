// DNS against the shared real captures: every row of dns_truth.tsv (tshark 4.0.17) parses to the
// same id, QR flag, qtype and query name; answers (A, AAAA, CNAME, TTL) equal tshark's for every
// response in those files.
//
// Stand-ins for stages this test does not own (the pipeline will do them): IP fragments are put
// back together by offset (the truth row is the frame of the last fragment, as tshark reports it),
// and each TCP direction to or from port 53 is concatenated in sequence order (in-order segments
// only, which is all these captures need) and cut into messages by dnsTcpMessageLength(). Two rows
// (ja4/gre-sample.pcap #34, #36) are queries quoted in ICMP port-unreachable errors, taken from the quote.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatIp } from '../../engine/output/ip-format.js';
import { APP_DONE } from '../../decoders/app-layer.js';
import { DnsMessage, dnsTcpMessageLength, parseDns } from '../../decoders/dns.js';
import { dnsAnswerData, dnsQueryName } from '../../decoders/dns-text.js';
import { SHARED_PCAPS } from '../helpers/paths.js';
import { eachDecoded } from '../helpers/decode-file.js';

type How = 'udp' | 'udp-defrag' | 'tcp' | 'tcp-multi' | 'icmp-quoted';
interface Found { bytes: Uint8Array; how: How; transport: 'udp' | 'tcp' }

interface Stream { next: number; buf: Uint8Array; segments: number }
interface Frags { pieces: Array<[number, Uint8Array]>; total: number; proto: number }

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** Offset of the data after the IPv6 fragment header of a later fragment (ext headers walked here). */
function ipv6FragmentData(b: Uint8Array, l3: number): number {
  let nh = b[l3 + 6];
  let p = l3 + 40;
  for (;;) {
    if (nh === 44) return p + 8;
    if (nh !== 0 && nh !== 43 && nh !== 60 && nh !== 135 && nh !== 51) return -1;
    const next = b[p];
    p += nh === 51 ? (b[p + 1] + 2) * 4 : (b[p + 1] + 1) * 8;
    nh = next;
  }
}

/** Every DNS candidate message of a capture, by the frame that completes it. */
async function messagesByFrame(path: string): Promise<Map<number, Found[]>> {
  const out = new Map<number, Found[]>();
  const add = (frame: number, f: Found) => {
    const list = out.get(frame) ?? [];
    list.push(f);
    out.set(frame, list);
  };
  const streams = new Map<string, Stream>();
  const frags = new Map<string, Frags>();
  await eachDecoded(path, (pkt, frame) => {
    const b = pkt.bytes;
    const v = pkt.ipVersion;
    if (v === 0) return;
    const src = formatIp(b, pkt.srcAddrOffset, v);
    const dst = formatIp(b, pkt.dstAddrOffset, v);
    if (pkt.isFragment) {
      const key = `${v} ${src} ${dst} ${pkt.fragId}`;
      const f = frags.get(key) ?? { pieces: [], total: -1, proto: pkt.ipProto };
      frags.set(key, f);
      const l3End = pkt.l3Offset + pkt.l3Length;
      let data: number;
      if (pkt.fragOffset === 0) data = pkt.l4Offset;
      else data = v === 4 ? pkt.l3Offset + ((b[pkt.l3Offset] & 0x0f) << 2) : ipv6FragmentData(b, pkt.l3Offset);
      f.pieces.push([pkt.fragOffset, b.slice(data, l3End)]);
      if (!pkt.fragMore) f.total = pkt.fragOffset + (l3End - data);
      if (f.total < 0) return;
      f.pieces.sort((x, y) => x[0] - y[0]);
      let whole: Uint8Array = new Uint8Array(0);
      for (const [off, d] of f.pieces) if (off === whole.length) whole = concat(whole, d);
      if (whole.length !== f.total) return;
      frags.delete(key);
      if (f.proto === 17) add(frame, { bytes: whole.slice(8, (whole[4] << 8) | whole[5]), how: 'udp-defrag', transport: 'udp' });
      return;
    }
    if (pkt.icmpQuotedProto === 17 && pkt.icmpQuotedIpVersion === 4) {
      // An ICMP error quoting the datagram (tshark dissects the quoted DNS query too).
      const q = pkt.l4Offset + 8;
      const udp = q + ((b[q] & 0x0f) << 2);
      add(frame, { bytes: b.slice(udp + 8, pkt.l4Offset + pkt.l4Length), how: 'icmp-quoted', transport: 'udp' });
    } else if (pkt.ipProto === 17 && pkt.l4Offset !== 0) {
      add(frame, { bytes: b.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength), how: 'udp', transport: 'udp' });
    } else if (pkt.ipProto === 6 && (pkt.srcPort === 53 || pkt.dstPort === 53)) {
      const key = `${src} ${pkt.srcPort} ${dst} ${pkt.dstPort}`;
      if (pkt.tcpFlags & 0x02) { streams.set(key, { next: (pkt.tcpSeq + 1) >>> 0, buf: new Uint8Array(0), segments: 0 }); return; }
      const s = streams.get(key);
      if (s === undefined || pkt.payloadLength === 0 || pkt.tcpSeq !== s.next) return;
      s.buf = concat(s.buf, b.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength));
      s.next = (s.next + pkt.payloadLength) >>> 0;
      s.segments++;
      for (let n = dnsTcpMessageLength(s.buf, 0, s.buf.length); n > 0; n = dnsTcpMessageLength(s.buf, 0, s.buf.length)) {
        add(frame, { bytes: s.buf.slice(2, n), how: s.segments > 1 ? 'tcp-multi' : 'tcp', transport: 'tcp' });
        s.buf = s.buf.slice(n);
        s.segments = s.buf.length > 0 ? 1 : 0;
      }
    }
  });
  return out;
}

const rows = readFileSync(join(SHARED_PCAPS, 'dns_truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t'));
const byFile = new Map<string, string[][]>();
for (const r of rows) byFile.set(r[0], [...(byFile.get(r[0]) ?? []), r]);
const cache = new Map<string, Map<number, Found[]>>();
async function messages(file: string): Promise<Map<number, Found[]>> {
  let m = cache.get(file);
  if (m === undefined) { m = await messagesByFrame(join(SHARED_PCAPS, file)); cache.set(file, m); }
  return m;
}

const hex4 = (n: number) => '0x' + n.toString(16).padStart(4, '0');

test('dns_truth.tsv: every row parses to tshark\'s id, QR flag, qtype and query name', async () => {
  assert.ok(rows.length >= 571, `truth rows: ${rows.length}`);
  const msg = new DnsMessage();
  const misses: string[] = [];
  const how = new Map<How, number>();
  for (const [file, list] of byFile) {
    const found = await messages(file);
    for (const [, frame, transport, , , , , isResponse, id, qname, qtype] of list) {
      const cands = (found.get(Number(frame)) ?? []).filter((f) => f.transport === transport);
      const want = `${id} qr=${isResponse} ${qtype} ${qname}`;
      let got = cands.length === 0 ? 'no message' : '';
      let ok = false;
      for (const f of cands) {
        const s = parseDns(f.bytes, 0, f.bytes.length, msg);
        const text = `${hex4(msg.id)} qr=${msg.qr ? 1 : 0} ${msg.qtype} ${dnsQueryName(msg)}`;
        if (s === APP_DONE && text === want) { ok = true; how.set(f.how, (how.get(f.how) ?? 0) + 1); break; }
        got += `[status ${s}, event ${msg.event}: ${text}]`;
      }
      if (!ok) misses.push(`${file}#${frame} ${transport}: want ${want}, got ${got}`);
    }
  }
  assert.equal(misses, [], `${misses.length} of ${rows.length} rows missed`);
  // The stand-ins were exercised: fragmented datagrams and DNS over TCP.
  assert.ok((how.get('udp-defrag') ?? 0) >= 8, `defragmented: ${how.get('udp-defrag')}`);
  assert.ok((how.get('tcp') ?? 0) + (how.get('tcp-multi') ?? 0) === 8, `tcp: ${how.get('tcp')} + ${how.get('tcp-multi')}`);
  console.log(`  dns_truth: ${rows.length} rows matched (${[...how].map(([k, v]) => `${k} ${v}`).join(', ')})`);
});

interface SharkAnswers { types: number[]; ttls: number[]; a: string[]; aaaa: string[]; cname: string[] }

function tsharkResponses(file: string): Map<number, SharkAnswers> {
  const out = execFileSync('tshark', ['-r', join(SHARED_PCAPS, file), '-Y', 'dns.flags.response == 1',
    '-T', 'fields', '-E', 'aggregator=;', '-e', 'frame.number', '-e', 'dns.id', '-e', 'dns.count.answers',
    '-e', 'dns.resp.type', '-e', 'dns.resp.ttl', '-e', 'dns.a', '-e', 'dns.aaaa', '-e', 'dns.cname'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
  const res = new Map<number, SharkAnswers>();
  const list = (s: string) => (s === '' ? [] : s.split(';'));
  for (const line of out.split('\n')) {
    if (line === '') continue;
    const [frame, id, count, types, ttls, a, aaaa, cname] = line.split('\t');
    if (id.includes(';')) continue; // two messages in one frame: not comparable field by field
    const n = Number(count);
    const t = list(types).map(Number).slice(0, n);
    // tshark lists A/AAAA/CNAME of every section in order: the answers' come first.
    const nA = t.filter((x) => x === 1).length;
    const nAAAA = t.filter((x) => x === 28).length;
    const nC = t.filter((x) => x === 5).length;
    res.set(Number(frame), { types: t, ttls: list(ttls).map(Number).slice(0, n),
      a: list(a).slice(0, nA), aaaa: list(aaaa).slice(0, nAAAA), cname: list(cname).slice(0, nC) });
  }
  return res;
}

test('answers: type, TTL and A/AAAA/CNAME data of every truth response equal tshark -e dns.a -e dns.aaaa -e dns.cname', async () => {
  const msg = new DnsMessage();
  const misses: string[] = [];
  let compared = 0;
  let records = 0;
  for (const [file, list] of byFile) {
    const shark = tsharkResponses(file);
    const found = await messages(file);
    for (const [, frame, transport, , , , , isResponse, id] of list) {
      if (isResponse !== '1') continue;
      const want = shark.get(Number(frame));
      if (want === undefined) continue;
      const f = (found.get(Number(frame)) ?? []).find((c) => c.transport === transport && parseDns(c.bytes, 0, c.bytes.length, msg) === APP_DONE && hex4(msg.id) === id);
      if (f === undefined) { misses.push(`${file}#${frame}: no message`); continue; }
      const types = Array.from(msg.ansType.subarray(0, msg.answerCount));
      const got: SharkAnswers = { types, ttls: Array.from(msg.ansTtl.subarray(0, msg.answerCount)), a: [], aaaa: [], cname: [] };
      for (let i = 0; i < msg.answerCount; i++) {
        const t = msg.ansType[i];
        if (t === 1) got.a.push(dnsAnswerData(msg, i));
        else if (t === 28) got.aaaa.push(dnsAnswerData(msg, i));
        else if (t === 5) got.cname.push(dnsAnswerData(msg, i));
      }
      if (JSON.stringify(got) !== JSON.stringify(want)) misses.push(`${file}#${frame}: want ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
      compared++;
      records += msg.answerCount;
    }
  }
  assert.equal(misses, []);
  assert.ok(compared >= 250 && records >= 500, `responses compared: ${compared}, answer records: ${records}`);
  console.log(`  answers: ${compared} responses, ${records} answer records equal tshark's`);
});

test.run();
