// What lets the Aho–Corasick scan (aho-corasick.ts) leave the start state without a table read per
// byte: the byte pairs that can begin a match, and the Wu–Manber shift (Wu & Manber 1994, blocks of
// 2 bytes) that skips whole windows in which no pattern can begin.

/** Longest window of the Wu–Manber skip (shifts up to one less). */
const SKIP_WINDOW_MAX = 8;

/**
 * 1 for input byte pairs (b0 << 8 | b1) that lead from the start state to depth 2 or report at
 * once, from the automaton's direct table (`wide[state << 8 | byte]`, ~row when it reports) and the
 * depth of each state.
 */
export function startPairs(wide: Int32Array, depth: Int32Array): Uint8Array {
  const pair = new Uint8Array(65536);
  for (let b0 = 0; b0 < 256; b0++) {
    const r0 = wide[b0];
    if (r0 < 0) { pair.fill(1, b0 << 8, (b0 + 1) << 8); continue; } // a one-byte pattern
    for (let b1 = 0; b1 < 256; b1++) if (depth[(wide[r0 | b1] < 0 ? ~wide[r0 | b1] : wide[r0 | b1]) >>> 8] === 2) pair[(b0 << 8) | b1] = 1;
  }
  return pair;
}

/**
 * The Wu–Manber shift over the patterns' first m bytes (m = the shortest pattern's length, at most
 * SKIP_WINDOW_MAX), for input byte pairs: with the m-byte window at i, `table[bytes[i+last-1] << 8 |
 * bytes[i+last]]` (last = m - 1) is how many positions from i on cannot begin a match (0: i can).
 * A pair that ends the window at offset q of some pattern allows a shift of last - q at most; a pair
 * in no pattern's first m bytes, `last`. A `nocase` pattern's pairs are entered in every case variant
 * (the raw bytes that `fold` maps alike); a case-sensitive pattern's only as written: the automaton
 * runs on folded bytes, but a case-sensitive match is verified against the original bytes and
 * dropped when they differ, so a window that only a case variant of it could begin in holds no match
 * that would be reported (`AKIA` no longer stops the skip at every `ia` of a lower-case text). null
 * when a pattern is shorter than 3 bytes (no shift worth a table).
 */
export function wuManberSkip(pats: readonly Uint8Array[], fold: Uint8Array, nocase: readonly boolean[]): { table: Uint8Array; last: number } | null {
  let m = SKIP_WINDOW_MAX;
  for (const p of pats) m = Math.min(m, p.length);
  if (m < 3) return null;
  const last = m - 1;
  const table = new Uint8Array(65536).fill(last);
  // the raw input bytes that fold to each automaton byte
  const raw: number[][] = Array.from({ length: 256 }, () => []);
  for (let b = 0; b < 256; b++) raw[fold[b]].push(b);
  pats.forEach((p, id) => {
    const variants = (b: number): readonly number[] => (nocase[id] ? raw[fold[b]] : [b]);
    for (let q = 1; q <= last; q++) {
      const v = last - q;
      for (const x of variants(p[q - 1])) {
        for (const y of variants(p[q])) if (table[(x << 8) | y] > v) table[(x << 8) | y] = v;
      }
    }
  });
  return { table, last };
}
