// Shared helpers of the capture reader tests: read a whole capture into plain frame records, the corpus
// manifest, and temp files built from real captures' bytes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import type { CaptureReader } from '../../../engine/capture/open.js';
import {
  META_STRIDE, M_CAPLEN, M_FLAGS, M_IFACE, M_LINKTYPE, M_OFFSET, M_ORIGLEN, M_TS_NSEC, M_TS_SEC,
} from '../../../engine/capture/batch.js';
import { KwireError } from '../../../engine/errors.js';

import { SHARED_PCAPS } from '../../helpers/paths.js';

export const CORPUS = SHARED_PCAPS;

export interface Frame {
  sec: number;
  nsec: number;
  caplen: number;
  origlen: number;
  linkType: number;
  iface: number;
  flags: number;
  /** Hex of the frame bytes (a copy: the batch may be gone). */
  hex: string;
}

export interface ReadResult {
  frames: Frame[];
  /** The KwireError next() threw after the frames, or null at a clean end. */
  error: KwireError | null;
  reader: CaptureReader;
  batchSizes: number[];
}

export interface ManifestRow {
  path: string;
  abs: string;
  packets: number;
  format: string;
}

export function manifest(): ManifestRow[] {
  const lines = readFileSync(join(CORPUS, 'MANIFEST.tsv'), 'utf8').trim().split('\n');
  const head = lines[0].split('\t');
  const iPath = head.indexOf('path');
  const iPackets = head.indexOf('packets');
  const iFormat = head.indexOf('format');
  return lines.slice(1).map((l) => {
    const c = l.split('\t');
    return { path: c[iPath], abs: join(CORPUS, c[iPath]), packets: Number(c[iPackets]), format: c[iFormat] };
  });
}

/** Read every frame of `path`; errors other than KwireError from next() propagate (a test failure). */
export async function readAll(path: string, opts?: { chunkSize?: number }): Promise<ReadResult> {
  const reader = await openCapture(path, opts);
  const frames: Frame[] = [];
  const batchSizes: number[] = [];
  let error: KwireError | null = null;
  let expectFirst = 1;
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      if (b.count === 0) throw new Error('empty batch');
      if (b.firstFrame !== expectFirst) throw new Error(`firstFrame ${b.firstFrame}, expected ${expectFirst}`);
      expectFirst += b.count;
      batchSizes.push(b.data.length);
      for (let i = 0; i < b.count; i++) {
        const m = i * META_STRIDE;
        const off = b.meta[m + M_OFFSET];
        const cap = b.meta[m + M_CAPLEN];
        if (off + cap > b.data.length) throw new Error(`frame ${i} outside its batch`);
        frames.push({
          sec: b.meta[m + M_TS_SEC],
          nsec: b.meta[m + M_TS_NSEC],
          caplen: cap,
          origlen: b.meta[m + M_ORIGLEN],
          linkType: b.meta[m + M_LINKTYPE],
          iface: b.meta[m + M_IFACE],
          flags: b.meta[m + M_FLAGS],
          hex: Buffer.from(b.data.buffer, b.data.byteOffset + off, cap).toString('hex'),
        });
      }
    }
  } catch (err) {
    if (!(err instanceof KwireError)) throw err;
    error = err;
  }
  await reader.close();
  return { frames, error, reader, batchSizes };
}

/** Run `fn` with a fresh temp dir, removed afterwards. */
export async function withTempDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'kwire-capture-test-'));
  try {
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Write `bytes` to dir/name and return the path. */
export function put(dir: string, name: string, bytes: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
}

/** Open and expect a KwireError with `code` from openCapture() or the first next() that fails. */
export async function expectError(path: string, code: string): Promise<{ error: KwireError; frames: Frame[] }> {
  let res: ReadResult;
  try {
    res = await readAll(path);
  } catch (err) {
    if (err instanceof KwireError && err.code === code) return { error: err, frames: [] };
    throw err;
  }
  if (res.error === null) throw new Error(`expected ${code}, got a clean end after ${res.frames.length} frames`);
  if (res.error.code !== code) throw new Error(`expected ${code}, got ${res.error.code}: ${res.error.message}`);
  return { error: res.error, frames: res.frames };
}

/** Offsets where classic pcap records start (after the 24-byte header), and the end offset. */
export function pcapRecordBounds(b: Uint8Array): number[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = v.getUint32(0, false) === 0xd4c3b2a1 || v.getUint32(0, false) === 0x4d3cb2a1;
  const out: number[] = [];
  let p = 24;
  while (p + 16 <= b.length) {
    out.push(p);
    p += 16 + v.getUint32(p + 8, le);
  }
  out.push(p);
  return out;
}

/** Offsets where pcapng blocks start, and the end offset; the byte order follows each SHB. */
export function pcapngBlockBounds(b: Uint8Array): { start: number; type: number }[] {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out: { start: number; type: number }[] = [];
  let le = true;
  let p = 0;
  while (p + 12 <= b.length) {
    let type = v.getUint32(p, le);
    if (type === 0x0a0d0d0a) le = v.getUint32(p + 8, true) === 0x1a2b3c4d;
    type = v.getUint32(p, le);
    out.push({ start: p, type });
    p += v.getUint32(p + 4, le);
  }
  out.push({ start: p, type: -1 });
  return out;
}
