// Test helper: frames of a live source or a pcap file in one comparable form, and a reader loop that
// drains a LiveSource while traffic runs (a ring left unread overflows in blockCount × retireMs).

import { createHash } from 'node:crypto';
import { META_STRIDE, type FrameBatch } from '../../engine/capture/batch.js';
import type { LiveSource } from '../../engine/capture/live-source.js';
import { openCapture } from '../../engine/capture/open.js';

export interface SeenFrame {
  sec: number;
  nsec: number;
  caplen: number;
  wirelen: number;
  linkType: number;
  iface: number;
  /** sha1 of the frame bytes, hex. */
  digest: string;
  bytes: Uint8Array;
}

export function framesOf(b: FrameBatch, out: SeenFrame[]): void {
  for (let i = 0; i < b.count; i++) {
    const m = i * META_STRIDE;
    const bytes = b.data.slice(b.meta[m], b.meta[m] + b.meta[m + 1]);
    out.push({
      sec: b.meta[m + 5], nsec: b.meta[m + 6], caplen: b.meta[m + 1], wirelen: b.meta[m + 2], linkType: b.meta[m + 3],
      iface: b.meta[m + 4], digest: createHash('sha1').update(bytes).digest('hex'), bytes,
    });
  }
}

export async function readPcap(path: string): Promise<SeenFrame[]> {
  const r = await openCapture(path);
  const out: SeenFrame[] = [];
  for (;;) {
    const b = await r.next();
    if (b === null) break;
    framesOf(b, out);
  }
  await r.close();
  return out;
}

/** A reader gives up after this long whatever happens, so a broken capture fails a test instead of hanging it. */
const MAX_READ_MS = 30_000;

/** Reads `src` in the background until stop() and then until it has been idle for idleMs. */
export function reader(src: LiveSource): { frames: SeenFrame[]; batches: number; stop(idleMs?: number): Promise<SeenFrame[]> } {
  const st = { frames: [] as SeenFrame[], batches: 0, stopping: false, idleMs: 150 };
  const loop = (async () => {
    let idleSince = 0;
    const started = Date.now();
    for (;;) {
      if (Date.now() - started > MAX_READ_MS) throw new Error(`reader still running after ${MAX_READ_MS} ms`);
      const b = await src.next(20);
      if (b === null) return;
      if (b.count > 0) {
        st.batches++;
        framesOf(b, st.frames);
        idleSince = 0;
      } else if (st.stopping) {
        if (idleSince === 0) idleSince = Date.now();
        else if (Date.now() - idleSince >= st.idleMs) return;
      }
      src.recycle(b);
    }
  })();
  return {
    get frames() { return st.frames; },
    get batches() { return st.batches; },
    async stop(idleMs = 150) {
      st.idleMs = idleMs;
      st.stopping = true;
      await loop;
      return st.frames;
    },
  };
}

/** Sorted lines "caplen/wirelen digest" to compare the frames of two captures exactly. */
export function canonical(frames: SeenFrame[]): string[] {
  return frames.map((f) => `${f.caplen}/${f.wirelen} ${f.digest}`).sort();
}

function byContentThenTime(a: SeenFrame, b: SeenFrame): number {
  return a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : a.sec - b.sec || a.nsec - b.nsec;
}

/**
 * Largest timestamp difference in ns between the same frames of two captures (paired by content,
 * then time). Each AF_PACKET socket stamps an outgoing frame itself when the stack has not, so two
 * captures of one stream agree to microseconds, not to the nanosecond.
 */
export function maxSkewNs(ours: SeenFrame[], theirs: SeenFrame[]): number {
  const a = [...ours].sort(byContentThenTime);
  const b = [...theirs].sort(byContentThenTime);
  let worst = 0;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = Math.abs((a[i].sec - b[i].sec) * 1e9 + (a[i].nsec - b[i].nsec));
    if (d > worst) worst = d;
  }
  return worst;
}

/** Milliseconds since the epoch of a frame's timestamp (kernel CLOCK_REALTIME, like Date.now()). */
export function frameMs(f: SeenFrame): number {
  return f.sec * 1000 + f.nsec / 1e6;
}

/**
 * The frames stamped inside [fromMs, toMs]: two captures that were not open over the same span
 * (one opened first, one closed last) are compared over the span both were open, so a frame the
 * kernel sends by itself (an ARP reachability probe) just outside it does not count as a difference.
 */
export function within(frames: SeenFrame[], fromMs: number, toMs: number): SeenFrame[] {
  return frames.filter((f) => frameMs(f) >= fromMs && frameMs(f) <= toMs);
}

export function sumBytes(frames: SeenFrame[]): number {
  let n = 0;
  for (const f of frames) n += f.caplen;
  return n;
}
