// The shared corpus against tshark and the ja4 project: every TCP ClientHello of sni_truth.tsv gives
// tshark's SNI, ALPN and JA3; every TCP JA4 / JA4S the ja4 project expects (python, rust, wireshark).
// TCP reassembly is not here yet: a hello spanning segments is the segments' payloads joined in
// sequence-number order (segment_frames), as a stand-in.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { openCapture } from '../../engine/capture/open.js';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { decodeFrame } from '../../decoders/frame.js';
import { Packet } from '../../decoders/packet.js';
import { APP_DONE, APP_EVENT_NAMES, APP_NEED_MORE } from '../../decoders/app-layer.js';
import { TlsHandshakeScratch, tlsClientStream, tlsServerStream } from '../../decoders/tls-record.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ServerHello, parseServerHello } from '../../decoders/tls-server-hello.js';
import { ja3Hash } from '../../decoders/ja3.js';
import { ja4, ja4Original, ja4Raw, ja4RawOriginal, ja4s, ja4sRaw } from '../../decoders/ja4.js';
import { SHARED_PCAPS } from '../helpers/paths.js';

const IPPROTO_TCP = 6;

interface Segment { payload: Uint8Array; seq: number; src: string }

/** TCP payloads (copies) and sequence numbers of the frames `want` of one capture. */
async function tcpSegments(path: string, want: Set<number>): Promise<Map<number, Segment>> {
  const out = new Map<number, Segment>();
  const reader = await openCapture(path);
  const pkt = new Packet();
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      for (let i = 0; i < b.count; i++) {
        const frame = b.firstFrame + i;
        if (!want.has(frame)) continue;
        const m = i * META_STRIDE;
        pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
        decodeFrame(pkt);
        if (pkt.ipProto !== IPPROTO_TCP) continue;
        out.set(frame, {
          payload: b.data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength),
          seq: pkt.tcpSeq >>> 0,
          src: `${pkt.srcPort}`,
        });
      }
    }
  } finally {
    await reader.close();
  }
  return out;
}

/** Segments joined at their sequence offsets from the lowest one (wrap-safe); a gap fails the test. */
function joinBySeq(segs: Segment[]): Uint8Array {
  const base = segs.reduce((lo, s) => (((s.seq - lo) | 0) < 0 ? s.seq : lo), segs[0].seq);
  let len = 0;
  for (const s of segs) len = Math.max(len, ((s.seq - base) >>> 0) + s.payload.length);
  const out = new Uint8Array(len);
  const have = new Uint8Array(len);
  for (const s of segs) {
    const at = (s.seq - base) >>> 0;
    out.set(s.payload, at);
    have.fill(1, at, at + s.payload.length);
  }
  if (have.includes(0)) throw new Error('segments leave a gap');
  return out;
}

const utf8 = new TextDecoder('utf-8');
const text = (b: Uint8Array, off: number, len: number) => utf8.decode(b.subarray(off, off + len));

interface Row {
  file: string; frame: number; transport: string; src: string; dst: string; sport: string; dport: string;
  sni: string; alpn: string; ja3: string; segments: number; segmentFrames: number[]; stream: number;
}

const rows: Row[] = readFileSync(join(SHARED_PCAPS, 'sni_truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => {
  const c = l.split('\t');
  return {
    file: c[0], frame: Number(c[1]), transport: c[2], src: c[3], dst: c[4], sport: c[5], dport: c[6],
    sni: c[7], alpn: c[8], ja3: c[9], segments: c[10] === '-' ? 0 : Number(c[10]),
    segmentFrames: c[11] === '-' ? [Number(c[1])] : c[11].split(',').map(Number), stream: c[14] === '-' ? -1 : Number(c[14]),
  };
});
const tcpRows = rows.filter((r) => r.transport === 'tcp');

interface Parsed { row: Row; ch: ClientHello; stream: Uint8Array; status: number; chStatus: number; error: string }

/** Every TCP truth row: its stream bytes run through tlsClientStream + parseClientHello (own objects per row). */
async function parseAll(): Promise<Parsed[]> {
  const byFile = new Map<string, Row[]>();
  for (const r of tcpRows) {
    const list = byFile.get(r.file) ?? [];
    list.push(r);
    byFile.set(r.file, list);
  }
  const out: Parsed[] = [];
  for (const [file, list] of byFile) {
    const want = new Set(list.flatMap((r) => r.segmentFrames));
    const segs = await tcpSegments(join(SHARED_PCAPS, file), want);
    for (const row of list) {
      const ch = new ClientHello();
      let stream = new Uint8Array(0);
      let error = '';
      let status = -1;
      let chStatus = -1;
      try {
        const parts = row.segmentFrames.map((f) => {
          const s = segs.get(f);
          if (s === undefined) throw new Error(`frame ${f} is not TCP`);
          return s;
        });
        stream = parts.length === 1 ? parts[0].payload : joinBySeq(parts);
        const scratch = new TlsHandshakeScratch();
        status = tlsClientStream(stream, 0, stream.length, scratch);
        if (status !== APP_DONE) error = `tlsClientStream status ${status} event ${APP_EVENT_NAMES[scratch.event]}`;
        else {
          chStatus = parseClientHello(scratch.msgBytes, scratch.msgOffset, scratch.msgLength, ch);
          if (chStatus !== APP_DONE) error = `parseClientHello status ${chStatus} event ${APP_EVENT_NAMES[ch.event]}`;
        }
      } catch (e) {
        error = String(e);
      }
      out.push({ row, ch, stream, status, chStatus, error });
    }
  }
  return out;
}

/** Independent of tls-record.ts: the stream offset just past the handshake message's last byte. */
function messageEnd(stream: Uint8Array, msgLength: number): number {
  let pos = 0;
  let got = 0;
  while (pos + 5 <= stream.length) {
    const len = (stream[pos + 3] << 8) | stream[pos + 4];
    pos += 5;
    if (stream[pos - 5] === 22) {
      if (got + len >= msgLength) return pos + (msgLength - got);
      got += len;
    }
    pos += len;
  }
  return -1;
}

let parsedCache: Promise<Parsed[]> | undefined;
const parsed = () => (parsedCache ??= parseAll());

function label(p: Parsed): string {
  return `${p.row.file}#${p.row.frame}`;
}

test('sni_truth.tsv: every TCP ClientHello is assembled and parses (APP_DONE)', async () => {
  const all = await parsed();
  assert.ok(all.length >= 1015, `TCP rows: ${all.length}`);
  const bad = all.filter((p) => p.error !== '').map((p) => `${label(p)}: ${p.error}`);
  assert.equal(bad, []);
  const multi = all.filter((p) => p.row.segments > 1).length;
  assert.is(multi, 47, 'multi-segment rows (joined by sequence number)');
});

test('sni_truth.tsv: SNI of every TCP ClientHello equals tshark\'s', async () => {
  const miss: string[] = [];
  for (const p of await parsed()) {
    const got = p.ch.sniLength === 0 ? '-' : text(p.ch.bytes, p.ch.sniOffset, p.ch.sniLength);
    if (got !== p.row.sni) miss.push(`${label(p)}: want ${p.row.sni}, got ${got}`);
  }
  assert.equal(miss, []);
});

test('sni_truth.tsv: ALPN list of every TCP ClientHello equals tshark\'s (non-ASCII as U+FFFD)', async () => {
  const miss: string[] = [];
  for (const p of await parsed()) {
    const names: string[] = [];
    for (let i = 0; i < p.ch.alpnCount; i++) names.push(text(p.ch.bytes, p.ch.alpnOffsets[i], p.ch.alpnLengths[i]));
    const got = names.length === 0 ? '-' : names.join(',');
    if (got !== p.row.alpn) miss.push(`${label(p)}: want ${p.row.alpn}, got ${got}`);
  }
  assert.equal(miss, []);
});

test('sni_truth.tsv: JA3 of every TCP ClientHello equals tshark\'s', async () => {
  const miss: string[] = [];
  let n = 0;
  for (const p of await parsed()) {
    if (p.row.ja3 === '-') continue;
    n++;
    const got = ja3Hash(p.ch);
    if (got !== p.row.ja3) miss.push(`${label(p)}: want ${p.row.ja3}, got ${got}`);
  }
  assert.equal(miss, []);
  assert.ok(n >= 1015, `JA3 rows: ${n}`);
});
test('sni_truth.tsv: every TCP ClientHello stream fed one byte at a time: APP_NEED_MORE, then APP_DONE at the message end, same message', async () => {
  const bad: string[] = [];
  const scratch = new TlsHandshakeScratch();
  for (const p of await parsed()) {
    if (p.error !== '') continue;
    const whole = new TlsHandshakeScratch();
    tlsClientStream(p.stream, 0, p.stream.length, whole);
    const want = Buffer.from(whole.msgBytes.subarray(whole.msgOffset, whole.msgOffset + whole.msgLength)).toString('hex');
    scratch.reset();
    let doneAt = -1;
    for (let n = 0; n <= p.stream.length && doneAt < 0; n++) {
      const s = tlsClientStream(p.stream, 0, n, scratch);
      if (s === APP_DONE) doneAt = n;
      else if (s !== APP_NEED_MORE) { bad.push(`${label(p)}: prefix ${n}: status ${s}`); break; }
    }
    const got = Buffer.from(scratch.msgBytes.subarray(scratch.msgOffset, scratch.msgOffset + scratch.msgLength)).toString('hex');
    if (doneAt < 0 || got !== want) bad.push(`${label(p)}: done at ${doneAt}, same message ${got === want}`);
    const end = messageEnd(p.stream, whole.msgLength);
    if (doneAt !== end) bad.push(`${label(p)}: done at ${doneAt}, the message ends at ${end}`);
  }
  assert.equal(bad, []);
});

test.run();
