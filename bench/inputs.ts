// Benchmark inputs, built once into /tmp/kwire-bench (never committed): the generated Kubernetes
// mix, and a concatenation of the Ethernet frames of every ../shared/pcaps capture.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { M_CAPLEN, M_LINKTYPE, M_OFFSET, META_STRIDE } from '../engine/capture/batch.js';
import { openCapture } from '../engine/capture/open.js';
import { LINKTYPE_ETHERNET } from '../decoders/link-types.js';
import { PcapWriter } from '../samples/generator/pcap-writer.js';
import { MAX_FRAME } from '../samples/generator/capture-writer.js';

/** The repository root: the first folder above this file with a package.json (tsx or dist/ layout). */
function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) || dir.endsWith('/dist')) {
    const up = dirname(dir);
    if (up === dir) throw new Error('kwire bench: no package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
/** ../shared/pcaps beside the repository, as in test/helpers/paths.ts (read in place, never copied). */
export const SHARED_PCAPS = join(ROOT, '..', 'shared', 'pcaps');
export const BENCH_DIR = process.env.KWIRE_BENCH_DIR ?? '/tmp/kwire-bench';

/** The generated mix with `packets` packets (seed 1), made by samples/generate.ts if missing. */
export function generatedMix(packets: number): string {
  const out = join(BENCH_DIR, `k8s-mix-${packets}.pcap`);
  if (existsSync(out)) return out;
  mkdirSync(BENCH_DIR, { recursive: true });
  execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'samples', 'generate.ts'),
    '--packets', String(packets), '--format', 'pcap', '--seed', '1', '--out', out + '.tmp'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  renameSync(out + '.tmp', out);
  return out;
}

/** Every capture listed in MANIFEST.tsv, as absolute paths. */
export function sharedCaptures(): string[] {
  const rows = readFileSync(join(SHARED_PCAPS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1);
  return rows.map((r) => join(SHARED_PCAPS, r.split('\t')[0]));
}

/** Which shared captures gave frames to a corpus mix, and how many each (Ethernet ones only). */
export interface CorpusSource { capture: string; frames: number }

/** The sources of the corpus mix `file` made by corpusMix(), from its `.sources.json` beside it. */
export function corpusSources(file: string): CorpusSource[] {
  try {
    return JSON.parse(readFileSync(file + '.sources.json', 'utf8')) as CorpusSource[];
  } catch {
    return [];
  }
}

/**
 * A classic pcap of exactly `packets` frames: the Ethernet frames of all shared captures, in
 * manifest order, repeated. Other link types (Linux cooked SLL/SLL2, raw IP, BSD loopback) are left
 * out, as are frames over the writer's MAX_FRAME (TSO jumbos). The captures that contributed are
 * listed in `<out>.sources.json`.
 */
export async function corpusMix(packets: number): Promise<string> {
  const out = join(BENCH_DIR, `corpus-mix-${packets}.pcap`);
  if (existsSync(out) && existsSync(out + '.sources.json')) return out;
  mkdirSync(BENCH_DIR, { recursive: true });
  const frames: Uint8Array[] = [];
  const sources: CorpusSource[] = [];
  for (const file of sharedCaptures()) {
    const before = frames.length;
    const r = await openCapture(file);
    try {
      for (;;) {
        const b = await r.next();
        if (b === null) break;
        for (let i = 0; i < b.count; i++) {
          const m = i * META_STRIDE;
          if (b.meta[m + M_LINKTYPE] !== LINKTYPE_ETHERNET || b.meta[m + M_CAPLEN] > MAX_FRAME) continue;
          frames.push(b.data.slice(b.meta[m + M_OFFSET], b.meta[m + M_OFFSET] + b.meta[m + M_CAPLEN]));
        }
      }
    } catch {
      // a capture that ends in a fault still contributes its frames before the fault
    } finally {
      await r.close();
    }
    if (frames.length > before) sources.push({ capture: file.slice(SHARED_PCAPS.length + 1), frames: frames.length - before });
  }
  const w = new PcapWriter();
  const fd = openSync(out + '.tmp', 'w');
  let t = 0;
  for (let n = 0; n < packets; n++) {
    const f = frames[n % frames.length];
    if (w.pos > w.limit) { writeSync(fd, w.buf, 0, w.pos); w.reset(); }
    w.buf.set(f, w.frameOffset());
    w.commit(t, f.length);
    t += 10_000; // 10 µs apart
  }
  writeSync(fd, w.buf, 0, w.pos);
  closeSync(fd);
  renameSync(out + '.tmp', out);
  writeFileSync(out + '.sources.json', JSON.stringify(sources, null, 1) + '\n');
  return out;
}
