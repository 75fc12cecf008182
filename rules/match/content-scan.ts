// Content rules on the stream or packet payload (Suricata `content` with offset/depth, plus kwire's
// pattern lists and bounded character-class tails): two Aho–Corasick automata (case-sensitive
// patterns exact, nocase ones folded) whose state is carried from chunk to chunk, so a TCP stream
// delivered in pieces (tcp-stream-inspect.ts) is matched as one byte sequence; a tail is checked
// byte by byte after its anchor, also across chunks. Contexts: 0 is a single packet, 1 + s is stream s.

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
const REDACT_MAX = 64;

interface Entry {
  rule: number;
  /** Index of the rule in this scanner. */
  local: number;
  c: ContentMatch;
  tail: Tail | null;
}

export class ContentScanner {
  private readonly exact = new AhoCorasick(512, true);
  private readonly folded = new AhoCorasick(512, false);
  private readonly entries: Entry[] = [];
  /** Per automaton pattern id: the entry and the pattern's bytes. */
  private readonly exactEntry: number[] = [];
  private readonly foldedEntry: number[] = [];
  private readonly exactBytes: Uint8Array[] = [];
  private readonly foldedBytes: Uint8Array[] = [];
  /** Per local rule: its entries, and the caller's rule id. */
  private readonly ruleEntries: number[][] = [];
  private readonly ruleIds: number[] = [];
  private readonly single: boolean[] = [];
  // per context
  private stExact = new Int32Array(1);
  private stFolded = new Int32Array(1);
  private hitCount = new Uint8Array(1);
  private hits = new Int32Array(HITS);
  private pendCount = new Uint8Array(1);
  private pendEntry = new Int32Array(PENDING);
  private pendRun = new Int32Array(PENDING);
  private pendLen = new Int32Array(PENDING);
  private pendHead = new Uint32Array(PENDING);
  /** Hits or pending tails that did not fit their per-context arrays (counted, not kept). */
  overflow = 0;
  private tailRun = 0;

  /** `rules[i]` = [caller's rule id, its contents]; every content is on stream or payload. */
  constructor(rules: [number, ContentMatch[]][]) {
    rules.forEach(([id, cs], local) => {
      this.ruleIds.push(id);
      const list: number[] = [];
      for (const c of cs) {
        const e = this.entries.push({ rule: id, local, c, tail: c.tail }) - 1;
        list.push(e);
        for (const p of [c.bytes, ...c.alt]) {
          if (c.nocase) {
            this.foldedEntry[this.folded.add(p, true, c.pos)] = e;
            this.foldedBytes.push(p);
          } else {
            this.exactEntry[this.exact.add(p, false, c.pos)] = e;
            this.exactBytes.push(p);
          }
        }
      }
      this.ruleEntries.push(list);
      this.single.push(cs.length === 1 && !cs[0].negate);
    });
    this.exact.compile();
    this.folded.compile();
  }

  get ruleCount(): number {
    return this.ruleIds.length;
  }

  /** Make room for contexts 0 .. n-1. */
  ensure(n: number): void {
    if (n <= this.stExact.length) return;
    const size = Math.max(n, this.stExact.length * 2, 1024);
    const grow32 = (a: Int32Array, per: number) => { const b = new Int32Array(size * per); b.set(a); return b; };
    const grow8 = (a: Uint8Array) => { const b = new Uint8Array(size); b.set(a); return b; };
    this.stExact = grow32(this.stExact, 1);
    this.stFolded = grow32(this.stFolded, 1);
    this.hitCount = grow8(this.hitCount);
    this.hits = grow32(this.hits, HITS);
    this.pendCount = grow8(this.pendCount);
    this.pendEntry = grow32(this.pendEntry, PENDING);
    this.pendRun = grow32(this.pendRun, PENDING);
    this.pendLen = grow32(this.pendLen, PENDING);
    const h = new Uint32Array(size * PENDING);
    h.set(this.pendHead);
    this.pendHead = h;
  }

  /** Forget context `ctx` (a new flow in the slot, or a new packet for context 0). */
  reset(ctx: number): void {
    this.stExact[ctx] = 0;
    this.stFolded[ctx] = 0;
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
    this.stExact[ctx] = this.scanWith(this.exact, this.exactEntry, this.exactBytes, ctx, bytes, off, len, rel, this.stExact[ctx], sink);
    this.stFolded[ctx] = this.scanWith(this.folded, this.foldedEntry, this.foldedBytes, ctx, bytes, off, len, rel, this.stFolded[ctx], sink);
  }

  private scanWith(ac: AhoCorasick, entryOf: number[], patBytes: Uint8Array[], ctx: number, bytes: Uint8Array,
    off: number, len: number, rel: number, state: number, sink: ContentHitSink): number {
    if (ac.patternCount === 0) return 0;
    const n = ac.scanFrom(bytes, off, len, state);
    const endState = ac.endState;
    const res = ac.results;
    for (let k = 0; k < n; k++) {
      const id = res[2 * k];
      const endAt = res[2 * k + 1];
      const e = this.entries[entryOf[id]];
      const p = patBytes[id];
      const endRel = rel + (endAt - off);
      const startRel = endRel - p.length;
      const c = e.c;
      if ((c.offset > 0 && startRel < c.offset) || (c.depth > 0 && endRel > c.offset + c.depth)) continue;
      // the first 4 bytes of the match: from the input when it starts in this chunk, else the pattern
      const head = endAt - p.length >= off ? pack4(bytes, endAt - p.length, p.length) : pack4(p, 0, p.length);
      if (e.tail === null) {
        this.entryHit(ctx, entryOf[id], head, p.length, bytes, endAt, off + len, sink);
        continue;
      }
      const r = this.runTail(e.tail, bytes, endAt, off + len, 0);
      if (r === TAIL_PENDING) this.addPending(ctx, entryOf[id], this.tailRun, p.length, head);
      else if (r === TAIL_MATCH) this.entryHit(ctx, entryOf[id], head, p.length + this.tailRun, null, 0, 0, sink);
    }
    return endState;
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
