// The shared corpus against tshark and the ja4 project, for QUIC: every `quic` row of sni_truth.tsv is
// the client's UDP payloads of its 5-tuple, fed in capture order the way the pipeline feeds them, and
// must complete at tshark's frame with tshark's SNI, ALPN and JA3; the QUIC JA4s of expected/ja4 (rust
// snapshots) and of suricata-verify/ja4-quic must match.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DONE, APP_EVENT_NAMES, APP_INVALID, APP_NOT_THIS } from '../../decoders/app-layer.js';
import { ja3Hash } from '../../decoders/ja3.js';
import { ja4 } from '../../decoders/ja4.js';
import { looksLikeQuicInitial } from '../../decoders/quic-header.js';
import { QuicConnState, quicInitial } from '../../decoders/quic-initial.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { SHARED_PCAPS } from '../helpers/paths.js';
import { eachDecoded, tupleKey } from '../helpers/decode-file.js';

const IPPROTO_UDP = 17;
const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];

interface Row { file: string; frame: number; key: string; sni: string; alpn: string; ja3: string }

const rows: Row[] = readFileSync(join(SHARED_PCAPS, 'sni_truth.tsv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t'))
  .filter((c) => c[2] === 'quic')
  .map((c) => ({ file: c[0], frame: Number(c[1]), key: `${c[3]} ${c[5]} ${c[4]} ${c[6]}`, sni: c[7], alpn: c[8], ja3: c[9] }));

/**
 * Rows the decoder is allowed to miss, with the reason. Empty: every QUIC row of the corpus completes
 * at tshark's frame (v1, v2, drafts 29 and 27 via mvfst, Google T051, forced-negotiation versions).
 */
const KNOWN_MISSES = new Map<string, string>();

interface Udp { frame: number; payload: Uint8Array; truncated: boolean }

/** Every UDP datagram of a capture by direction "src sport dst dport" (innermost tuple), payload copies. */
async function udpByDirection(file: string): Promise<Map<string, Udp[]>> {
  const out = new Map<string, Udp[]>();
  await eachDecoded(join(SHARED_PCAPS, file), (pkt, frame, _status, data) => {
    if (pkt.ipProto !== IPPROTO_UDP || pkt.isFragment) return;
    const key = tupleKey(pkt);
    let list = out.get(key);
    if (list === undefined) out.set(key, list = []);
    list.push({ frame, payload: data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength), truncated: pkt.truncated });
  });
  return out;
}

interface Fed {
  /** Status of each datagram fed, by frame. */
  statuses: Map<number, number>;
  /** The ClientHello bytes (copies) at every APP_DONE, by frame. */
  hellos: Map<number, Uint8Array>;
  /** Frames whose APP_DONE had `state.repeat` (a retransmitted hello). */
  repeats: Set<number>;
  /** Why feeding stopped early (APP_NOT_THIS / APP_INVALID), or ''. */
  stop: string;
}

/**
 * The pipeline's way: until an Initial was opened, only datagrams passing looksLikeQuicInitial()
 * are tried; APP_NOT_THIS or APP_INVALID ends QUIC on the flow. One state for the whole direction.
 */
function feed(datagrams: Udp[], lastFrame = Infinity): Fed {
  const state = new QuicConnState();
  const fed: Fed = { statuses: new Map(), hellos: new Map(), repeats: new Set(), stop: '' };
  for (const d of datagrams) {
    if (d.frame > lastFrame) break;
    if (!state.started && !looksLikeQuicInitial(d.payload, 0, d.payload.length)) continue;
    const s = quicInitial(d.payload, 0, d.payload.length, state, d.truncated);
    fed.statuses.set(d.frame, s);
    if (s === APP_DONE) fed.hellos.set(d.frame, state.chBytes.slice(state.chOffset, state.chOffset + state.chLength));
    if (s === APP_DONE && state.repeat) fed.repeats.add(d.frame);
    if (s === APP_NOT_THIS || s === APP_INVALID) {
      fed.stop = `frame ${d.frame}: ${STATUS[s]}${s === APP_INVALID ? ` ${APP_EVENT_NAMES[state.event]}` : ''}`;
      break;
    }
  }
  return fed;
}

interface Result { row: Row; fed: Fed; ch: ClientHello | null; error: string }

async function runAll(): Promise<Result[]> {
  const out: Result[] = [];
  const files = [...new Set(rows.map((r) => r.file))];
  for (const file of files) {
    const dirs = await udpByDirection(file);
    for (const row of rows.filter((r) => r.file === file)) {
      const fed = feed(dirs.get(row.key) ?? [], row.frame);
      let error = '';
      let ch: ClientHello | null = null;
      const s = fed.statuses.get(row.frame);
      if (s !== APP_DONE) {
        error = s === undefined ? `frame not fed (${fed.stop || 'no datagram'})` : `${STATUS[s]} at the frame${fed.stop ? `; ${fed.stop}` : ''}`;
      } else {
        const bytes = fed.hellos.get(row.frame)!;
        ch = new ClientHello();
        const ps = parseClientHello(bytes, 0, bytes.length, ch);
        if (ps !== APP_DONE) error = `parseClientHello ${STATUS[ps]} ${APP_EVENT_NAMES[ch.event]}`;
      }
      out.push({ row, fed, ch, error });
    }
  }
  return out;
}

let cache: Promise<Result[]> | undefined;
const results = () => (cache ??= runAll());

const label = (r: Row) => `${r.file}#${r.frame}`;
const text = (b: Uint8Array, off: number, len: number) => new TextDecoder('utf-8').decode(b.subarray(off, off + len));

test('sni_truth.tsv: every QUIC ClientHello completes (APP_DONE) at tshark\'s frame; misses are listed with a reason', async () => {
  const all = await results();
  assert.is(all.length, 668, 'QUIC rows');
  const misses = all.filter((r) => r.error !== '');
  const unexplained = misses.filter((r) => !KNOWN_MISSES.has(label(r.row))).map((r) => `${label(r.row)}: ${r.error}`);
  assert.equal(unexplained, []);
  const matched = all.length - misses.length;
  assert.ok(matched / all.length >= 0.99, `${matched}/${all.length}`);
  for (const k of KNOWN_MISSES.keys()) assert.ok(misses.some((r) => label(r.row) === k), `${k} is listed as a miss but matches: remove it`);
});

test('sni_truth.tsv: SNI, ALPN and JA3 of every QUIC ClientHello equal tshark\'s', async () => {
  const bad: string[] = [];
  let ja3 = 0;
  for (const r of await results()) {
    if (r.ch === null) continue;
    const ch = r.ch;
    const sni = ch.sniLength === 0 ? '-' : text(ch.bytes, ch.sniOffset, ch.sniLength);
    if (sni !== r.row.sni) bad.push(`${label(r.row)}: SNI want ${r.row.sni}, got ${sni}`);
    const names: string[] = [];
    for (let i = 0; i < ch.alpnCount; i++) names.push(text(ch.bytes, ch.alpnOffsets[i], ch.alpnLengths[i]));
    const alpn = names.length === 0 ? '-' : names.join(',');
    if (alpn !== r.row.alpn) bad.push(`${label(r.row)}: ALPN want ${r.row.alpn}, got ${alpn}`);
    if (r.row.ja3 !== '-') {
      ja3++;
      const got = ja3Hash(ch);
      if (got !== r.row.ja3) bad.push(`${label(r.row)}: JA3 want ${r.row.ja3}, got ${got}`);
    }
  }
  assert.equal(bad, []);
  assert.is(ja3, 668, 'rows with a JA3');
});

test('sni_truth.tsv: versions and shapes covered (v1, v2, draft-29, mvfst, T051, forced negotiation; 2- and 3-packet hellos)', async () => {
  const versions = new Map<number, number>();
  const spans = new Map<number, number>();
  for (const r of await results()) {
    if (r.error !== '') continue;
    // Initial packets fed since the previous hello of the flow, up to this one.
    const frames = [...r.fed.statuses.keys()].filter((f) => f <= r.row.frame);
    const prevDone = frames.filter((f) => f < r.row.frame && r.fed.statuses.get(f) === APP_DONE).pop() ?? -1;
    const span = frames.filter((f) => f > prevDone).length;
    spans.set(span, (spans.get(span) ?? 0) + 1);
  }
  for (const file of ['files/ndpi/quic-v2.pcapng', 'files/mercury/quic-crypto-packets.pcap', 'files/ndpi/quic_interop_V.pcapng', 'files/arkime/quicietfooo.pcap']) {
    const dirs = await udpByDirection(file);
    for (const r of rows.filter((x) => x.file === file)) {
      const d = (dirs.get(r.key) ?? []).find((x) => x.frame === r.frame)!;
      const v = ((d.payload[1] << 24) | (d.payload[2] << 16) | (d.payload[3] << 8) | d.payload[4]) >>> 0;
      versions.set(v, (versions.get(v) ?? 0) + 1);
    }
  }
  for (const v of [0x00000001, 0x6b3343cf, 0xff00001d, 0xfaceb002, 0x54303531, 0x0a0a0a0a]) {
    assert.ok((versions.get(v) ?? 0) > 0, `version 0x${v.toString(16)}: ${[...versions].map(([k, n]) => `0x${k.toString(16)}=${n}`).join(' ')}`);
  }
  assert.ok((spans.get(2) ?? 0) >= 20, `2-packet hellos: ${[...spans]}`);
  assert.ok((spans.get(3) ?? 0) >= 2, `3-packet hellos: ${[...spans]}`);
});

test('whole flows: no QUIC row\'s flow ever gives APP_INVALID; every APP_DONE tshark does not list repeats the flow\'s previous hello byte for byte and has state.repeat; tshark lists repeats only for T051', async () => {
  const truth = new Set(rows.map(label));
  const bad: string[] = [];
  let repeats = 0;
  const listedRepeats = new Set<string>();
  for (const file of [...new Set(rows.map((r) => r.file))]) {
    const dirs = await udpByDirection(file);
    for (const key of new Set(rows.filter((r) => r.file === file).map((r) => r.key))) {
      const fed = feed(dirs.get(key) ?? []);
      if (fed.stop !== '') bad.push(`${file} ${key}: ${fed.stop}`);
      let prev: Uint8Array | null = null;
      for (const [frame, hello] of fed.hellos) {
        const listed = truth.has(`${file}#${frame}`);
        if (!listed) {
          repeats++;
          if (prev === null || Buffer.compare(prev, hello) !== 0) bad.push(`${file}#${frame}: a hello tshark does not list, not a repeat`);
          if (!fed.repeats.has(frame)) bad.push(`${file}#${frame}: a repeat without state.repeat`);
        } else if (fed.repeats.has(frame)) {
          listedRepeats.add(`${file}#${frame}`);
          if (hello[0] !== 1 || prev === null || Buffer.compare(prev, hello) !== 0) bad.push(`${file}#${frame}: state.repeat on a new hello`);
        }
        prev = hello;
      }
    }
  }
  assert.equal(bad, []);
  // IETF QUIC retransmissions of a whole hello: tshark reassembles them away, we report each occurrence
  // (flagged). Google T051 CRYPTO frames are not reassembled by tshark: it lists each retransmission.
  assert.ok(repeats > 400, `retransmitted hellos in the corpus: ${repeats}`);
  if (process.env.QUIC_CORPUS_VERBOSE) console.log('repeats', repeats, 'listed T051', listedRepeats.size);
  const t051 = [...listedRepeats].filter((l) => l.startsWith('files/mercury/quic-crypto-packets.pcap#'));
  assert.equal([...listedRepeats].filter((l) => !t051.includes(l)), [], 'repeats tshark lists, outside T051');
  assert.is(t051.length, 8, 'T051 retransmissions tshark lists (14 T051 Initials of 6 connections)');
});

// ── JA4 ──

interface Ja4Want { source: string; file: string; key: string; value: string }

/** QUIC client JA4s: expected/ja4/rust snapshots (transport udp) and the suricata-verify ja4-quic reference output. */
function expectedJa4(): Ja4Want[] {
  const out: Ja4Want[] = [];
  const parse = (source: string, file: string, body: string) => {
    for (const entry of body.split(/^- stream: /m).slice(1)) {
      if (!/^\s+transport: udp$/m.test(entry)) continue;
      const f = (k: string) => new RegExp(`^\\s+${k}: (\\S+)$`, 'm').exec(entry)?.[1] ?? '';
      const value = f('ja4');
      if (value === '') continue;
      out.push({ source, file, key: `${f('src')} ${f('src_port')} ${f('dst')} ${f('dst_port')}`, value });
    }
  };
  const rust = join(SHARED_PCAPS, 'expected', 'ja4', 'rust');
  for (const name of readdirSync(rust)) {
    parse(`rust/${name}`, `files/ja4/${name.replace(/^ja4__insta@/, '').replace(/\.snap$/, '')}`, readFileSync(join(rust, name), 'utf8'));
  }
  parse('suricata-verify/ja4-quic/README.md', 'files/suricata-verify/ja4-quic.pcap',
    readFileSync(join(SHARED_PCAPS, 'expected', 'suricata-verify', 'ja4-quic', 'README.md'), 'utf8'));
  return out;
}

test('expected JA4 (ja4 rust snapshots, suricata-verify ja4-quic): every QUIC client JA4 matches ja4(ch, \'q\')', async () => {
  const all = await results();
  const wants = expectedJa4();
  const bad: string[] = [];
  for (const w of wants) {
    const hello = all.filter((r) => r.row.file === w.file && r.row.key === w.key).sort((a, b) => a.row.frame - b.row.frame)[0];
    if (hello === undefined || hello.ch === null) { bad.push(`${w.source} ${w.key}: no ClientHello`); continue; }
    const got = ja4(hello.ch, 'q');
    if (got !== w.value) bad.push(`${w.source} ${w.key}: want ${w.value}, got ${got}`);
  }
  assert.equal(bad, []);
  assert.is(wants.filter((w) => w.source.startsWith('rust/')).length, 48, 'rust QUIC entries');
  assert.is(wants.filter((w) => w.source.startsWith('suricata')).length, 11, 'suricata-verify entries');
});

test.run();
