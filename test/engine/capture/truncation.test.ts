// Truncation sweep: every prefix of a small real pcap and pcapng either ends cleanly (the cut is on a
// record boundary) with all frames before it, or gives exactly the complete frames before the cut and
// then a KwireError. Never another exception type, never a lost complete frame.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KwireError } from '../../../engine/errors.js';
import { CORPUS, pcapngBlockBounds, pcapRecordBounds, put, readAll, withTempDir } from './helpers.js';
import type { Frame } from './helpers.js';

const PACKET_BLOCKS = new Set([2, 3, 6]);

interface Expectation {
  /** Record/block boundaries (file offsets where a cut is a clean end). */
  boundaries: Set<number>;
  /** frameEnds[i] = file offset just past the record of frame i. */
  frameEnds: number[];
  /** Cuts below this are file-header truncations. */
  headerEnd: number;
}

function pcapExpect(b: Uint8Array): Expectation {
  const bounds = pcapRecordBounds(b);
  return { boundaries: new Set(bounds), frameEnds: bounds.slice(1), headerEnd: 24 };
}

function pcapngExpect(b: Uint8Array): Expectation {
  const blocks = pcapngBlockBounds(b);
  const frameEnds: number[] = [];
  for (let i = 0; i + 1 < blocks.length; i++) if (PACKET_BLOCKS.has(blocks[i].type)) frameEnds.push(blocks[i + 1].start);
  return { boundaries: new Set(blocks.map((x) => x.start).filter((s) => s > 0)), frameEnds, headerEnd: blocks[1].start };
}

async function sweep(src: string, expect: (b: Uint8Array) => Expectation, chunkSize?: number): Promise<void> {
  const b = readFileSync(src);
  const e = expect(b);
  const full = await readAll(src);
  assert.is(full.frames.length, e.frameEnds.length, 'test oracle agrees with the reader on the full file');
  await withTempDir(async (dir) => {
    for (let cut = 0; cut < b.length; cut++) {
      const path = put(dir, 'prefix', b.subarray(0, cut));
      const complete = e.frameEnds.filter((end) => end <= cut).length;
      const want: Frame[] = full.frames.slice(0, complete);
      let frames: Frame[] = [];
      let error: KwireError | null = null;
      try {
        const r = await readAll(path, chunkSize === undefined ? undefined : { chunkSize });
        frames = r.frames;
        error = r.error;
      } catch (err) {
        if (!(err instanceof KwireError)) throw new Error(`cut ${cut}: ${String(err)}`);
        error = err;
      }
      const where = `${src} cut at ${cut}`;
      assert.equal(frames, want, `${where}: frames before the cut`);
      if (cut >= e.headerEnd && e.boundaries.has(cut)) {
        assert.is(error, null, `${where}: a record boundary is a clean end`);
        continue;
      }
      if (error === null) assert.unreachable(`${where}: no error`);
      const code = (error as KwireError).code;
      if (cut === 0) assert.is(code, 'KWIRE_ERR_EMPTY', where);
      else if (cut < e.headerEnd) assert.is(code, 'KWIRE_ERR_PCAP_TRUNC_HEADER', where);
      else {
        assert.is(code, 'KWIRE_ERR_PCAP_TRUNC_RECORD', where);
        const lastBoundary = Math.max(...[...e.boundaries].filter((x) => x <= cut));
        assert.is((error as KwireError).offset, lastBoundary, `${where}: offset of the cut record`);
      }
    }
  });
}

test('truncation sweep: classic pcap (arkime/dns-udp.pcap), every prefix', async () => {
  await sweep(join(CORPUS, 'files/arkime/dns-udp.pcap'), pcapExpect);
});

test('truncation sweep: big-endian ns pcap, 200-byte chunks', async () => {
  await sweep(join(CORPUS, 'files/pcapplusplus/nanosecs_big_endian.pcap'), pcapExpect, 200);
});

test('truncation sweep: pcapng with 3 sections, SPBs and custom blocks (gopacket/be_test202.pcapng)', async () => {
  await sweep(join(CORPUS, 'files/gopacket/be_test202.pcapng'), pcapngExpect);
});

test('truncation sweep: little-endian pcapng, 200-byte chunks (gopacket/le_test202.pcapng)', async () => {
  await sweep(join(CORPUS, 'files/gopacket/le_test202.pcapng'), pcapngExpect, 200);
});

test.run();
