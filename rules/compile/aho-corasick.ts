// Multi-pattern byte matcher for content prefilters (one automaton per buffer): Aho–Corasick
// (Aho & Corasick 1975) with a dense transition table over byte classes; one table read per input
// byte, no backtracking.
//
// Case: the automaton runs on input folded to lower case (A-Z only, as Suricata's nocase); a
// case-sensitive pattern is verified against the original bytes when it fires, as Suricata's MPM does.
//
// Layout after compile():
//
//   classOf[256]             input byte → byte class (0 = a byte that occurs in no pattern)
//   delta[row | class] → next row (row = state << shift, 2^shift ≥ number of classes), stored as ~row
//                        when the next state reports a pattern: one read and one sign test per byte
//   outStart[state] .. outStart[state+1]   patterns ending exactly at state (ids in outIds)
//   dict[state]              nearest state on the failure chain that has patterns (0 = none)
//   fires[state]             1 when state or its dict chain reports anything
//   depth[state]             length of the pattern prefix the state stands for
//
// Results go to the matcher's preallocated `results` (pairs: pattern id, end offset exclusive).

import { RulesError, type SourcePos } from './rules-error.js';
import { startPairs, wuManberSkip } from './start-filters.js';

const FOLD = new Uint8Array(256);
for (let i = 0; i < 256; i++) FOLD[i] = i >= 65 && i <= 90 ? i + 32 : i;
/** Table entries up to which a column per input byte is used (4 MiB of Int32). */
const DIRECT_MAX = 1 << 20;
const IDENTITY = new Uint8Array(256);
for (let i = 0; i < 256; i++) IDENTITY[i] = i;

/**
 * Build with add() then compile() once; afterwards the automaton is read-only and scan() never
 * allocates. `results` belongs to the matcher and is overwritten by every scan: a caller that keeps
 * matches copies them first (one matcher per worker thread, or one scan at a time).
 */
export class AhoCorasick {
  /** Pairs [pattern id, end offset] of the last scan; end is exclusive (`start = end - patternLength(id)`). */
  readonly results: Uint32Array;
  /** Matches the last scan found beyond `results` capacity (counted, not stored). */
  dropped = 0;

  private readonly pats: Uint8Array[] = [];
  private nocase: Uint8Array = new Uint8Array(0);
  private patOff: Int32Array = new Int32Array(0);
  private patLen: Int32Array = new Int32Array(0);
  private patBytes: Uint8Array = new Uint8Array(0);
  private readonly nocaseList: boolean[] = [];

  private readonly classOf = new Uint8Array(256);
  private shift = 0;
  private delta: Int32Array = new Int32Array(1);
  private outStart: Int32Array = new Int32Array(2);
  private outIds: Int32Array = new Int32Array(0);
  private dict: Int32Array = new Int32Array(1);
  private fires: Uint8Array = new Uint8Array(1);
  /** The table has a column per input byte (classOf is the identity and run() skips it). */
  private direct = false;
  /** With `direct`: 1 for input byte pairs (b0 << 8 | b1) that lead from the start state to depth 2 or report at once. */
  private pair: Uint8Array = new Uint8Array(0);
  /**
   * With `direct` and every pattern at least 3 bytes long: the Wu–Manber shift (Wu & Manber 1994,
   * blocks of 2 bytes) for input byte pairs. In the start state, with the window of `skipLast + 1`
   * bytes at i, `skip[bytes[i+skipLast-1] << 8 | bytes[i+skipLast]]` is how many positions from i on
   * cannot begin a match (0: i can). `skipLast` 0 = no table.
   */
  private skip: Uint8Array = new Uint8Array(0);
  private skipLast = 0;
  private depth: Int32Array = new Int32Array(1);
  private compiled = false;
  // scanStream(): the bytes just before the chunk, for verifying a case-sensitive match that starts there
  private hist: Uint8Array = new Uint8Array(0);
  private histEnd = 0;
  private chunkStart = 0;
  /** Number of automaton states (after compile). */
  states = 0;
  /** The automaton state after the last scanFrom() (opaque; 0 is the start state). */
  endState = 0;
  private readonly fold: Uint8Array;
  private noStream = false;

  /**
   * `maxResults`: capacity of `results` in matches per scan. `exact`: no case folding at all (every
   * pattern case-sensitive, nothing to verify), or in a folded automaton every pattern must be
   * nocase: then a match never looks back at input bytes, so scanFrom() can carry the state
   * across separate buffers (a stream in chunks).
   */
  constructor(maxResults = 1024, readonly exact = false) {
    this.results = new Uint32Array(maxResults * 2);
    this.fold = exact ? IDENTITY : FOLD;
  }

  get patternCount(): number {
    return this.pats.length;
  }

  patternLength(id: number): number {
    return this.pats[id].length;
  }

  /**
   * Adds a pattern (bytes; a string is taken as UTF-8) and returns its id (0, 1, 2, ... in order).
   * `nocase` folds A-Z/a-z only. An empty pattern is an error naming `pos`.
   */
  add(pattern: Uint8Array | string, nocase = false, pos?: SourcePos): number {
    if (this.compiled) throw new Error('AhoCorasick.add after compile()');
    const bytes = typeof pattern === 'string' ? new Uint8Array(Buffer.from(pattern, 'utf8')) : pattern.slice();
    if (bytes.length === 0) {
      const msg = 'empty content pattern; expected at least one byte';
      throw pos ? new RulesError(pos, msg) : new RangeError(msg);
    }
    if (nocase && this.exact) throw new RangeError('a nocase pattern in an exact (case-sensitive) automaton');
    this.pats.push(bytes);
    this.nocaseList.push(nocase);
    return this.pats.length - 1;
  }

  /** Builds the automaton. Memory: states × 2^shift × 4 bytes for the table. */
  compile(): this {
    if (this.compiled) return this;
    this.compiled = true;
    const n = this.pats.length;
    // byte classes over folded bytes
    const classOfFolded = new Int32Array(256).fill(-1);
    let classes = 1;
    let total = 0;
    for (const p of this.pats) {
      total += p.length;
      for (const b of p) {
        const f = this.fold[b];
        if (classOfFolded[f] < 0) classOfFolded[f] = classes++;
      }
    }
    for (let b = 0; b < 256; b++) this.classOf[b] = Math.max(0, classOfFolded[this.fold[b]]);
    let shift = 0;
    while (1 << shift < classes) shift++;
    this.shift = shift;
    const width = 1 << shift;
    const maxStates = total + 1;
    if (maxStates * width > 1 << 28) throw new RangeError(`${n} patterns of ${total} bytes need a ${maxStates} × ${width} transition table; split them over several automata`);
    const delta = new Int32Array(maxStates * width).fill(-1);
    const own: number[][] = [[]];
    const depth = new Int32Array(maxStates);
    let states = 1;
    for (let id = 0; id < n; id++) {
      let s = 0;
      for (const b of this.pats[id]) {
        const slot = (s << shift) | this.classOf[b];
        let t = delta[slot];
        if (t < 0) {
          t = states++;
          delta[slot] = t;
          depth[t] = depth[s] + 1;
          own.push([]);
        }
        s = t;
      }
      own[s].push(id);
    }
    const fail = new Int32Array(states);
    const dict = new Int32Array(states);
    const queue = new Int32Array(states);
    let qh = 0;
    let qt = 0;
    for (let c = 0; c < width; c++) {
      const t = delta[c];
      if (t < 0) delta[c] = 0;
      else {
        fail[t] = 0;
        queue[qt++] = t;
      }
    }
    while (qh < qt) {
      const s = queue[qh++];
      const fs = fail[s];
      dict[s] = own[fs].length > 0 ? fs : dict[fs];
      for (let c = 0; c < width; c++) {
        const slot = (s << shift) | c;
        const t = delta[slot];
        const via = delta[(fs << shift) | c];
        if (t < 0) delta[slot] = via;
        else {
          fail[t] = via;
          queue[qt++] = t;
        }
      }
    }
    this.states = states;
    this.depth = depth.slice(0, states);
    this.delta = delta.slice(0, states * width);
    this.dict = dict;
    this.outStart = new Int32Array(states + 1);
    const ids: number[] = [];
    this.fires = new Uint8Array(states);
    for (let s = 0; s < states; s++) {
      this.outStart[s] = ids.length;
      // longest pattern first within a state is irrelevant: all patterns of a state have one length
      for (const id of own[s]) ids.push(id);
    }
    this.outStart[states] = ids.length;
    this.outIds = Int32Array.from(ids);
    for (let s = 0; s < states; s++) this.fires[s] = own[s].length > 0 || dict[s] !== 0 ? 1 : 0;
    if (states * 256 <= DIRECT_MAX) {
      // small enough for a column per input byte: the byte indexes the table directly (no class read)
      const wide = new Int32Array(states * 256);
      for (let st = 0; st < states; st++) {
        for (let b = 0; b < 256; b++) {
          const t = this.delta[(st << shift) | this.classOf[b]];
          wide[(st << 8) | b] = this.fires[t] !== 0 ? ~(t << 8) : t << 8;
        }
      }
      this.delta = wide;
      this.shift = 8;
      for (let b = 0; b < 256; b++) this.classOf[b] = b;
      this.direct = true;
      this.pair = startPairs(wide, depth);
      const skip = wuManberSkip(this.pats, this.fold, this.nocaseList);
      if (skip !== null) {
        this.skip = skip.table;
        this.skipLast = skip.last;
      }
    } else {
      for (let k = 0; k < this.delta.length; k++) {
        const t = this.delta[k];
        this.delta[k] = this.fires[t] !== 0 ? ~(t << shift) : t << shift;
      }
    }
    // patterns for verification
    this.patOff = new Int32Array(n);
    this.patLen = new Int32Array(n);
    this.patBytes = new Uint8Array(total);
    this.nocase = new Uint8Array(n);
    let o = 0;
    for (let id = 0; id < n; id++) {
      this.patOff[id] = o;
      this.patLen[id] = this.pats[id].length;
      this.patBytes.set(this.pats[id], o);
      this.nocase[id] = this.nocaseList[id] || this.exact ? 1 : 0; // 1: nothing to verify
      o += this.pats[id].length;
    }
    if (!this.streamable) this.noStream = true;
    return this;
  }

  /**
   * Scans `bytes[offset .. offset+length)` and writes every match (overlapping ones included) into
   * `results` in order of end offset; returns how many were stored. Offsets are absolute indices in
   * `bytes`. `bytes` is only read during the call.
   */
  scan(bytes: Uint8Array, offset: number, length: number): number {
    if (!this.compiled) throw new Error('AhoCorasick.scan before compile()');
    return this.run(bytes, offset, length, 0);
  }

  /**
   * As scan(), starting in automaton state `state` (0, or the `endState` of the previous chunk of
   * the same stream) and leaving the final state in `endState`. Only for automata whose matches need
   * no look-back: `exact`, or folded with every pattern nocase (throws otherwise).
   */
  scanFrom(bytes: Uint8Array, offset: number, length: number, state: number): number {
    if (!this.compiled || this.noStream) throw new Error('AhoCorasick.scanFrom before compile() or with case-sensitive patterns to verify');
    return this.run(bytes, offset, length, state);
  }

  /**
   * As scanFrom(), for any automaton: `hist[.. histEnd)` holds the stream bytes just before
   * `offset` (at least `endDepth` of the previous chunk's scan, capped at the longest
   * case-sensitive pattern less one), so a case-sensitive match that starts in an earlier chunk is
   * verified against them. `hist` is only read during the call.
   */
  scanStream(bytes: Uint8Array, offset: number, length: number, state: number, hist: Uint8Array, histEnd: number): number {
    if (!this.compiled) throw new Error('AhoCorasick.scanStream before compile()');
    this.hist = hist;
    this.histEnd = histEnd;
    this.chunkStart = offset;
    return this.run(bytes, offset, length, state);
  }

  /** Length of the pattern prefix the input after the last scanFrom()/scanStream() ends with. */
  get endDepth(): number {
    return this.depth[this.endState >>> this.shift];
  }

  /** Largest Wu–Manber shift in the start state (0: no skip table; patterns shorter than 3 bytes). */
  get maxSkip(): number {
    return this.skipLast;
  }

  /** Length of the longest case-sensitive pattern (0: none; nothing ever to verify). */
  get maxVerifiedLength(): number {
    let m = 0;
    for (let id = 0; id < this.pats.length; id++) if (!this.nocaseList[id] && !this.exact && this.pats[id].length > m) m = this.pats[id].length;
    return m;
  }

  private run(bytes: Uint8Array, offset: number, length: number, state: number): number {
    const delta = this.delta;
    const classOf = this.classOf;
    const shift = this.shift;
    const cap = this.results.length;
    let count = 0;
    this.dropped = 0;
    let row = state;
    const end = offset + length;
    if (this.direct) {
      // In the start state, a byte whose pair with the next byte begins no pattern leaves the state
      // where starting afresh at the next byte would: skip it without the dependent table read;
      // with a Wu–Manber table, skip whole windows that no pattern can begin in first.
      const pair = this.pair;
      const skip = this.skip;
      const w = this.skipLast;
      const lastWindow = end - w;
      const last = end - 1;
      let i = offset;
      while (i < end) {
        if (row === 0) {
          if (w > 0) {
            for (;;) {
              // whole windows first: a constant stride, so the next probe never waits for this one
              let sh = 0;
              while (i < lastWindow && (sh = skip[(bytes[i + w - 1] << 8) | bytes[i + w]]) === w) i += w;
              if (i >= lastWindow) break;
              i += sh;
              if (pair[(bytes[i] << 8) | bytes[i + 1]] !== 0) break;
              i++;
            }
          }
          while (i < last && pair[(bytes[i] << 8) | bytes[i + 1]] === 0) i++;
        }
        row = delta[row | bytes[i++]];
        if (row < 0) {
          row = ~row;
          count = this.report(bytes, i, row >>> 8, count, cap);
        }
      }
    } else {
      for (let i = offset; i < end; i++) {
        row = delta[row | classOf[bytes[i]]];
        if (row < 0) {
          row = ~row;
          count = this.report(bytes, i + 1, row >>> shift, count, cap);
        }
      }
    }
    this.endState = row;
    this.chunkStart = 0;
    this.histEnd = 0;
    return count >>> 1;
  }

  /** Can matches be found without looking back at earlier input (scanFrom allowed)? */
  get streamable(): boolean {
    return this.exact || this.nocaseList.every((n) => n);
  }

  /** True when any pattern occurs (stops at the first verified match); `results` is untouched. */
  test(bytes: Uint8Array, offset: number, length: number): boolean {
    const delta = this.delta;
    const classOf = this.classOf;
    const shift = this.shift;
    let row = 0;
    const end = offset + length;
    for (let i = offset; i < end; i++) {
      row = delta[row | classOf[bytes[i]]];
      if (row < 0) {
        row = ~row;
        if (this.report(bytes, i + 1, row >>> shift, 0, 0) > 0) return true;
      }
    }
    return false;
  }

  private report(bytes: Uint8Array, endAt: number, state: number, count: number, cap: number): number {
    const res = this.results;
    let s = state;
    let found = 0;
    while (s !== 0) {
      for (let k = this.outStart[s]; k < this.outStart[s + 1]; k++) {
        const id = this.outIds[k];
        if (this.nocase[id] === 0) {
          const len = this.patLen[id];
          const po = this.patOff[id];
          const start = endAt - len;
          let j = 0;
          if (start < this.chunkStart) {
            // starts in an earlier chunk of a stream: those bytes are at the end of `hist`
            const h = this.hist;
            const hb = this.histEnd - (this.chunkStart - start);
            if (hb < 0) continue;
            const before = this.chunkStart - start;
            while (j < before && h[hb + j] === this.patBytes[po + j]) j++;
            if (j < before) continue;
          }
          while (j < len && bytes[start + j] === this.patBytes[po + j]) j++;
          if (j < len) continue;
        }
        found++;
        if (count < cap) {
          res[count] = id;
          res[count + 1] = endAt;
          count += 2;
        } else if (cap !== 0) this.dropped++;
      }
      s = this.dict[s];
    }
    return cap === 0 ? found : count;
  }
}
