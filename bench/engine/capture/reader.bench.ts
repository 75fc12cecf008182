// Reader alone: open a capture and walk every batch to the end (the frames are not touched).

import { openCapture } from '../../../engine/capture/open.js';
import type { FrameBatch } from '../../../engine/capture/batch.js';
import type { Packet } from '../../../decoders/packet.js';
import { decodeAll } from '../../decoders/frame.bench.js';

/** Read `file` to the end; returns the number of frames. */
export async function readAll(file: string): Promise<number> {
  const r = await openCapture(file);
  let n = 0;
  try {
    for (;;) {
      const b = await r.next();
      if (b === null) break;
      n += b.count;
      r.recycle(b);
    }
  } finally {
    await r.close();
  }
  return n;
}

/** Read `file` fully into memory as batches, for decode-only benchmarks. */
export async function loadBatches(file: string): Promise<FrameBatch[]> {
  const r = await openCapture(file);
  const out: FrameBatch[] = [];
  try {
    for (;;) {
      const b = await r.next();
      if (b === null) break;
      out.push(b);
    }
  } finally {
    await r.close();
  }
  return out;
}

/** Read `file` and decode each batch as it arrives (the offline pipeline without output). */
export async function readAndDecode(file: string, pkt: Packet): Promise<number> {
  const r = await openCapture(file);
  let n = 0;
  try {
    for (;;) {
      const b = await r.next();
      if (b === null) break;
      n += decodeAll([b], pkt);
      r.recycle(b);
    }
  } finally {
    await r.close();
  }
  return n;
}
