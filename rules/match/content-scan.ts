// Content rules on the stream or packet payload (Suricata `content` with offset/depth, plus kwire's
// pattern lists and bounded character-class tails): one Aho–Corasick automaton over case-folded
// bytes (case-sensitive patterns verified against the original bytes), whose state is carried from
// chunk to chunk with the last few bytes (the carry, for verifying a case-sensitive match that began
// in an earlier chunk), so a TCP stream delivered in pieces (tcp-stream-inspect.ts) is matched as one
// byte sequence in one pass; a tail is checked byte by byte after its anchor, also across chunks.
// Contexts: 0 is a single packet, 1 + s is stream s.

import { AhoCorasick } from '../compile/aho-corasick.js';
import type { ContentMatch, Tail } from '../parse/policy-schema.js';

/** Receives rules whose every content condition holds in a context. */
export interface ContentHitSink {
  /** `rule` is the caller's rule id; `redacted` the matched token, first 4 characters kept. */
  contentHit(rule: number, redacted: string): void;
}

/** Multi-content rules' hits kept per context; pending tails per context. */
const HITS = 16;
const PENDING = 4;
/** Longest redacted token in an alert (bytes after a literal may extend it up to this). */
export const REDACT_MAX = 64;

interface Entry {
  rule: number;
  /** Index of the rule in this scanner. */
  local: number;
  c: ContentMatch;
  tail: Tail | null;
}

export class ContentScanner {
  private readonly ac = new AhoCorasick(1024, false);
  private readonly entries: Entry[] = [];
  /** Per automaton pattern id: the entry, the pattern's bytes, and 1 when it is case-sensitive. */
  private readonly entryOf: number[] = [];
  private readonly patBytes: Uint8Array[] = [];
  private readonly caseSensitive: Uint8Array;
  /** Per local rule: its entries, and the caller's rule id. */
  private readonly ruleEntries: number[][] = [];
  private readonly ruleIds: number[] = [];
  private readonly single: boolean[] = [];
  /** Carry bytes per context: the longest case-sensitive pattern less one (0: no carry). */
  private readonly carrySize: number;
  // per context
  private state = new Int32Array(1);
  private carry = new Uint8Array(0);
  private carryLen = new Uint8Array(1);
  private hitCount = new Uint8Array(1);
  private hits = new Int32Array(HITS);
  private pendCount = new Uint8Array(1);
  private pendEntry = new Int32Array(PENDING);
  private pendRun = new Int32Array(PENDING);
  private pendLen = new Int32Array(PENDING);
  private pendHead = new Uint32Array(PENDING);
  /** Hits or pending tails that did not fit their per-context arrays (counted, not kept). */
  overflow = 0;
  /** Bytes scanned, all contexts together. */
  bytesScanned = 0;
  private tailRun = 0;

  /** `rules[i]` = [caller's rule id, its contents]; every content is on stream or payload. */
  constructor(rules: [number, ContentMatch[]][]) {
    const cs: number[] = [];
    rules.forEach(([id, contents], local) => {
      this.ruleIds.push(id);
      const list: number[] = [];
      for (const c of contents) {
        const e = this.entries.push({ rule: id, local, c, tail: c.tail }) - 1;
        list.push(e);
        for (const p of [c.bytes, ...c.alt]) {
          const pid = this.ac.add(p, c.nocase, c.pos);
          this.entryOf[pid] = e;
          this.patBytes[pid] = p;
          cs[pid] = c.nocase ? 0 : 1;
        }
      }
      this.ruleEntries.push(list);
      this.single.push(contents.length === 1 && !contents[0].negate);
    });
    this.caseSensitive = Uint8Array.from(cs);
    this.ac.compile();
    this.carrySize = Math.max(0, this.ac.maxVerifiedLength - 1);
    this.carry = new Uint8Array(this.carrySize);
  }

  get ruleCount(): number {
    return this.ruleIds.length;
  }

  /** Make room for contexts 0 .. n-1. */
  ensure(n: number): void {
    if (n <= this.state.length) return;
    const size = Math.max(n, this.state.length * 2, 1024);
    this.state = grow32(this.state, size);
    this.carry = grow8(this.carry, size * this.carrySize);
    this.carryLen = grow8(this.carryLen, size);
    this.hitCount = grow8(this.hitCount, size);
    this.hits = grow32(this.hits, size * HITS);
    this.pendCount = grow8(this.pendCount, size);
    this.pendEntry = grow32(this.pendEntry, size * PENDING);
    this.pendRun = grow32(this.pendRun, size * PENDING);
    this.pendLen = grow32(this.pendLen, size * PENDING);
    const h = new Uint32Array(size * PENDING);
    h.set(this.pendHead);
    this.pendHead = h;
  }

  /** Forget context `ctx` (a new flow in the slot, or a new packet for context 0). */
  reset(ctx: number): void {
    this.state[ctx] = 0;
    this.carryLen[ctx] = 0;
    this.hitCount[ctx] = 0;
    this.pendCount[ctx] = 0;
  }

  /** One packet's payload on its own (context 0): offsets count from the payload start. */
  packet(bytes: Uint8Array, off: number, len: number, sink: ContentHitSink): void {
    this.reset(0);
    this.chunk(0, bytes, off, len, 0, sink);
  }

  /**
   * The next in-order bytes `bytes[off, off+len)` of context `ctx`, starting at stream offset `rel`
   * (offset/depth count from the stream start). `bytes` is only read during the call.
   */
  chunk(ctx: number, bytes: Uint8Array, off: number, len: number, rel: number, sink: ContentHitSink): void {
    if (this.pendCount[ctx] > 0) this.continueTails(ctx, bytes, off, len, sink);
    this.bytesScanned += len;
    const ac = this.ac;
    const cs = this.carrySize;
    const n = ac.scanStream(bytes, off, len, this.state[ctx], this.carry, ctx * cs + this.carryLen[ctx]);
    this.state[ctx] = ac.endState;
    if (cs > 0) this.keepCarry(ctx, bytes, off, len, Math.min(ac.endDepth, cs));
    if (n === 0) return;
    // case-sensitive patterns' matches first, then nocase ones (each in end-offset order)
    this.report(1, n, ctx, bytes, off, len, rel, sink);
    this.report(0, n, ctx, bytes, off, len, rel, sink);
  }

  /** The last `keep` stream bytes of context `ctx` after a chunk, from the old carry and the chunk. */
  private keepCarry(ctx: number, bytes: Uint8Array, off: number, len: number, keep: number): void {
    const c = this.carry;
    const base = ctx * this.carrySize;
    let w = 0;
    if (keep > len) {
      const old = keep - len; // ≤ carryLen: the automaton depth grows by at most one a byte
      for (let k = base + this.carryLen[ctx] - old; w < old; k++) c[base + w++] = c[k];
    }
    for (let k = off + len - (keep - w); w < keep; k++) c[base + w++] = bytes[k];
    this.carryLen[ctx] = keep;
  }

  private report(caseSensitive: number, n: number, ctx: number, bytes: Uint8Array, off: number, len: number, rel: number,
    sink: ContentHitSink): void {
    const res = this.ac.results;
    for (let k = 0; k < n; k++) {
      const id = res[2 * k];
      if (this.caseSensitive[id] !== caseSensitive) continue;
      const endAt = res[2 * k + 1];
      const ei = this.entryOf[id];
      const e = this.entries[ei];
      const p = this.patBytes[id];
      const endRel = rel + (endAt - off);
      const startRel = endRel - p.length;
      const c = e.c;
      if ((c.offset > 0 && startRel < c.offset) || (c.depth > 0 && endRel > c.offset + c.depth)) continue;
      // the first 4 bytes of the match: from the input when it starts in this chunk, else the pattern
      const head = endAt - p.length >= off ? pack4(bytes, endAt - p.length, p.length) : pack4(p, 0, p.length);
      if (e.tail === null) {
        this.entryHit(ctx, ei, head, p.length, bytes, endAt, off + len, sink);
        continue;
      }
      const r = this.runTail(e.tail, bytes, endAt, off + len, 0);
      if (r === TAIL_PENDING) this.addPending(ctx, ei, this.tailRun, p.length, head);
      else if (r === TAIL_MATCH) this.entryHit(ctx, ei, head, p.length + this.tailRun, null, 0, 0, sink);
    }
  }

  /** Run of tail class bytes from `from` after `run` already seen: match, no match, or pending (tailRun set). */
  private runTail(t: Tail, bytes: Uint8Array, from: number, end: number, run: number): number {
    const cls = t.cls;
    for (let i = from; i < end; i++) {
      if (cls[bytes[i]] === 0) {
        this.tailRun = run;
        return run >= t.min ? TAIL_MATCH : TAIL_NONE;
      }
      if (++run > t.max) return TAIL_NONE;
    }
    this.tailRun = run;
    return TAIL_PENDING;
  }

  private addPending(ctx: number, e: number, run: number, anchorLen: number, head: number): void {
    const n = this.pendCount[ctx];
    if (n >= PENDING) { this.overflow++; return; }
    const j = ctx * PENDING + n;
    this.pendEntry[j] = e;
    this.pendRun[j] = run;
    this.pendLen[j] = anchorLen;
    this.pendHead[j] = head;
    this.pendCount[ctx] = n + 1;
  }

  private continueTails(ctx: number, bytes: Uint8Array, off: number, len: number, sink: ContentHitSink): void {
    const base = ctx * PENDING;
    let w = 0;
    const n = this.pendCount[ctx];
    this.pendCount[ctx] = 0;
    for (let k = 0; k < n; k++) {
      const j = base + k;
      const e = this.pendEntry[j];
      const r = this.runTail(this.entries[e].tail!, bytes, off, off + len, this.pendRun[j]);
      if (r === TAIL_MATCH) this.entryHit(ctx, e, this.pendHead[j], this.pendLen[j] + this.tailRun, null, 0, 0, sink);
      else if (r === TAIL_PENDING) {
        const t = base + w++;
        this.pendEntry[t] = e;
        this.pendRun[t] = this.tailRun;
        this.pendLen[t] = this.pendLen[j];
        this.pendHead[t] = this.pendHead[j];
      }
    }
    this.pendCount[ctx] += w;
  }

  /**
   * Content entry `e` matched in `ctx` (`length` bytes from a match starting with `head`; for a
   * literal without tail, `bytes[endAt, limit)` may extend the token for the redacted text).
   */
  private entryHit(ctx: number, e: number, head: number, length: number, bytes: Uint8Array | null, endAt: number, limit: number,
    sink: ContentHitSink): void {
    const entry = this.entries[e];
    const local = entry.local;
    if (!this.single[local]) {
      const base = ctx * HITS;
      const n = this.hitCount[ctx];
      let seen = false;
      for (let k = 0; k < n && !seen; k++) seen = this.hits[base + k] === e;
      if (!seen) {
        if (n >= HITS) { this.overflow++; return; }
        this.hits[base + n] = e;
        this.hitCount[ctx] = n + 1;
      }
      if (entry.c.negate) return;
      for (const other of this.ruleEntries[local]) {
        if (other === e) continue;
        let has = false;
        for (let k = 0; k < this.hitCount[ctx] && !has; k++) has = this.hits[base + k] === other;
        if (has === this.entries[other].c.negate) return;
      }
    }
    let extra = 0;
    if (bytes !== null) while (endAt + extra < limit && length + extra < REDACT_MAX && isTokenByte(bytes[endAt + extra])) extra++;
    sink.contentHit(entry.rule, redactHead(head, Math.min(REDACT_MAX, length + extra)));
  }
}

function grow32(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function grow8(a: Uint8Array, n: number): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  b.set(a);
  return b;
}

const TAIL_NONE = 0;
const TAIL_MATCH = 1;
const TAIL_PENDING = 2;

/** Up to 4 bytes `b[at..]` (at most `n`) packed big-endian, length in the low... (0 bytes: 0). */
function pack4(b: Uint8Array, at: number, n: number): number {
  let v = 0;
  const k = Math.min(4, n);
  for (let i = 0; i < 4; i++) v = (v << 8) | (i < k ? b[at + i] : 0);
  return v >>> 0;
}

/** The first (up to) 4 characters of a token of `length` bytes kept, the rest masked. */
function redactHead(head: number, length: number): string {
  let s = '';
  const keep = Math.min(4, length);
  for (let i = 0; i < keep; i++) s += String.fromCharCode((head >>> (24 - 8 * i)) & 0xff);
  return s + '*'.repeat(length - keep);
}

/** Letters, digits and -_/+=. (what a token of a secret is made of). */
function isTokenByte(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2f || c === 0x2b || c === 0x3d || c === 0x2e;
}
