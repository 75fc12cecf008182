// Throughput of the capture reader (engine/capture/open.ts) against the pcap-parser npm package on one
// classic pcap, optionally concatenated N times and snapped to small frames (a pcapng input is repeated
// as N sections and read by kwire only: pcap-parser has no pcapng). Not a unit test (no .test.ts
// suffix): run it by hand, e.g.
//   node --import tsx bench/engine/capture/reader-vs-pcap-parser.ts \
//     ../shared/pcaps/files/pcapplusplus/example.pcap --repeat 50
//   node --import tsx bench/engine/capture/reader-vs-pcap-parser.ts \
//     ../shared/pcaps/files/mercury/mdns_capture.pcap --repeat 300 --snap 64
// The concatenation goes to the OS temp dir and is deleted at the end.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import { M_CAPLEN } from '../../../engine/capture/batch.js';

interface PcapParserEmitter {
  on(event: 'packet', fn: (p: { header: unknown; data: Buffer }) => void): PcapParserEmitter;
  on(event: 'end', fn: () => void): PcapParserEmitter;
  on(event: 'error', fn: (e: Error) => void): PcapParserEmitter;
}
const pcapParser = createRequire(import.meta.url)('pcap-parser') as { parse(path: string): PcapParserEmitter };

const args = process.argv.slice(2);
const src = args[0];
const repeat = Number(args[args.indexOf('--repeat') + 1] || 1) || 1;
const snapAt = args.indexOf('--snap');
const snap = snapAt >= 0 ? Number(args[snapAt + 1]) : 0;
const runs = 5;

/** Header of `src` plus its records (snapped to `snap` bytes) `repeat` times; little- or big-endian kept. */
function buildInput(dir: string): { path: string; frames: number; bytes: number } {
  const b = readFileSync(src);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (v.getUint32(0, false) === 0x0a0d0d0a) return buildPcapng(dir, b);
  const le = v.getUint32(0, false) === 0xd4c3b2a1 || v.getUint32(0, false) === 0x4d3cb2a1;
  const parts: Buffer[] = [];
  let p = 24;
  let frames = 0;
  while (p + 16 <= b.length) {
    const cap = v.getUint32(p + 8, le);
    if (p + 16 + cap > b.length) break;
    const keep = snap > 0 ? Math.min(cap, snap) : cap;
    const rec = Buffer.from(b.subarray(p, p + 16 + keep));
    new DataView(rec.buffer, rec.byteOffset, 16).setUint32(8, keep, le);
    parts.push(rec);
    frames++;
    p += 16 + cap;
  }
  const body = Buffer.concat(parts);
  const path = join(dir, 'bench.pcap');
  const fd = openSync(path, 'w');
  writeSync(fd, b.subarray(0, 24));
  for (let i = 0; i < repeat; i++) writeSync(fd, body);
  closeSync(fd);
  return { path, frames: frames * repeat, bytes: 24 + body.length * repeat };
}

/** A pcapng file repeated `repeat` times is a valid file of `repeat` sections. */
function buildPcapng(dir: string, b: Buffer): { path: string; frames: number; bytes: number } {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let frames = 0;
  let le = true;
  for (let p = 0; p + 12 <= b.length;) {
    if (v.getUint32(p, true) === 0x0a0d0d0a) le = v.getUint32(p + 8, true) === 0x1a2b3c4d;
    const type = v.getUint32(p, le);
    if (type === 2 || type === 3 || type === 6) frames++;
    p += v.getUint32(p + 4, le);
  }
  const path = join(dir, 'bench.pcapng');
  const fd = openSync(path, 'w');
  for (let i = 0; i < repeat; i++) writeSync(fd, b);
  closeSync(fd);
  return { path, frames: frames * repeat, bytes: b.length * repeat };
}

async function kwire(path: string): Promise<number> {
  const r = await openCapture(path);
  let n = 0;
  let bytes = 0;
  for (let batch = await r.next(); batch !== null; batch = await r.next()) {
    n += batch.count;
    const meta = batch.meta;
    for (let i = 0; i < batch.count; i++) bytes += meta[i * 8 + M_CAPLEN];
  }
  await r.close();
  if (bytes < 0) throw new Error('unreachable');
  return n;
}

function pcapParserCount(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let n = 0;
    pcapParser.parse(path).on('packet', () => { n++; }).on('end', () => resolve(n)).on('error', reject);
  });
}

async function best(fn: (p: string) => Promise<number>, path: string, expect: number): Promise<number> {
  let bestMs = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const n = await fn(path);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (n !== expect) throw new Error(`${fn.name}: ${n} frames, expected ${expect}`);
    bestMs = Math.min(bestMs, ms);
  }
  return bestMs;
}

const dir = mkdtempSync(join(tmpdir(), 'kwire-bench-'));
try {
  const input = buildInput(dir);
  readFileSync(input.path); // into the page cache
  const mib = input.bytes / 1048576;
  console.log(`${src} x${repeat}${snap ? ` snapped to ${snap} B` : ''}: ${input.frames} frames, ${mib.toFixed(1)} MiB`);
  const ours = await best(kwire, input.path, input.frames);
  const theirs = input.path.endsWith('.pcapng') ? 0 : await best(pcapParserCount, input.path, input.frames);
  const line = (name: string, ms: number): string =>
    `${name.padEnd(12)} ${ms.toFixed(1).padStart(8)} ms  ${(input.frames / ms / 1e3).toFixed(2).padStart(7)} Mpps  ` +
    `${(mib / (ms / 1e3)).toFixed(0).padStart(6)} MiB/s`;
  console.log(line('kwire', ours));
  if (theirs > 0) {
    console.log(line('pcap-parser', theirs));
    console.log(`ratio ${(theirs / ours).toFixed(1)}x (best of ${runs} runs each)`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
