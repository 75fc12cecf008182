// IP → DNS name map fed by DNS answers (RFC 1035 §3.4, CNAME chains §3.6.2), so a flow to an
// address can be labelled with the name the client asked for. Fixed capacity, CLOCK eviction,
// expiry by each answer's TTL (RFC 2181 §8) against packet time.
//
//   index (open addressing, linear probing, ≤ 50% full)     entries (struct of arrays, `capacity` slots)
//   ┌────┬────┬────┬────┬────┬─────┐                       addr[e*16..] version[e] hash[e] expiresUs[e]
//   │ -1 │ e3 │ e0 │ -1 │ e7 │ ... │  hash(addr) & mask ─▶ ref[e] (clock bit) names[e*256..] nameLength[e]
//   └────┴────┴────┴────┴────┴─────┘                       clock hand ─▶ sweeps e = 0..capacity-1

import type { DnsMessage } from '../../decoders/dns.js';
import { DNS_MAX_ANSWERS, DNS_NAME_SLOT, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME } from '../../decoders/dns.js';
import { dnsNameText } from '../../decoders/dns-text.js';
import { mix, word } from './hash.js';

export interface DnsNameOptions {
  /** Addresses kept (default 65,536); names take DNS_NAME_SLOT bytes each, touched only as used. */
  capacity?: number;
  /** An answer is kept at least this long, whatever its TTL (default 60 s: clients connect after TTL 0 answers too). */
  minTtlSeconds?: number;
  /** And at most this long (default 1 day). */
  maxTtlSeconds?: number;
}

/** CNAME links followed from the question name (longer chains are not mapped). */
export const DNS_MAX_CHAIN = 8;

const EMPTY = -1;

/** 32-bit hash of a 4- or 16-byte address (murmur3 steps; no strings, no allocation). */
function addrHash(b: Uint8Array, o: number, version: number): number {
  let h = version === 6 ? mix(0x6b77, word(b, o)) : 0x3477;
  if (version === 6) {
    h = mix(h, word(b, o + 4));
    h = mix(h, word(b, o + 8));
    h = mix(h, word(b, o + 12));
  } else {
    h = mix(h, word(b, o));
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Decoded names `a` and `b` (in their buffers) are equal, ASCII letters compared case-insensitively. */
function sameName(ab: Uint8Array, ao: number, al: number, bb: Uint8Array, bo: number, bl: number): boolean {
  if (al !== bl) return false;
  for (let i = 0; i < al; i++) {
    let x = ab[ao + i];
    let y = bb[bo + i];
    if (x === y) continue;
    if (x >= 0x41 && x <= 0x5a) x |= 0x20;
    if (y >= 0x41 && y <= 0x5a) y |= 0x20;
    if (x !== y) return false;
  }
  return true;
}

/**
 * One map per worker thread. Entries are indices 0..capacity-1, valid until the entry is evicted or
 * expires (a later insert may reuse it): resolve the name with `name()` when the record is emitted.
 */
export class DnsNameMap {
  readonly capacity: number;
  readonly minTtlUs: number;
  readonly maxTtlUs: number;
  private readonly mask: number;
  private readonly index: Int32Array;
  private readonly addr: Uint8Array;
  private readonly version: Uint8Array;
  private readonly hash: Uint32Array;
  private readonly expiresUs: Float64Array;
  private readonly ref: Uint8Array;
  /** Name bytes of entry e at e * DNS_NAME_SLOT, `nameLength[e]` long (decoded form, see DnsMessage). */
  readonly names: Uint8Array;
  readonly nameLength: Uint16Array;
  private readonly text: (string | null)[];
  private readonly free: Int32Array;
  private freeCount = 0;
  private used = 0;
  private hand = 0;
  private readonly alias = new Uint8Array(DNS_MAX_ANSWERS);

  /** Live entries. */
  size = 0;
  /** Latest packet time seen (µs since the epoch); lookups without a time use it. */
  nowUs = 0;
  /** Counters: new addresses, refreshed addresses, entries evicted to make room, entries expired, lookups found and not found. */
  inserts = 0;
  updates = 0;
  evictions = 0;
  expired = 0;
  hits = 0;
  misses = 0;

  constructor(opts: DnsNameOptions = {}) {
    const capacity = opts.capacity ?? 65536;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`DnsNameMap capacity must be a positive integer, got ${capacity}`);
    this.capacity = capacity;
    this.minTtlUs = (opts.minTtlSeconds ?? 60) * 1e6;
    this.maxTtlUs = (opts.maxTtlSeconds ?? 86400) * 1e6;
    let size = 2;
    while (size < capacity * 2) size *= 2;
    this.mask = size - 1;
    this.index = new Int32Array(size).fill(EMPTY);
    this.addr = new Uint8Array(capacity * 16);
    this.version = new Uint8Array(capacity);
    this.hash = new Uint32Array(capacity);
    this.expiresUs = new Float64Array(capacity);
    this.ref = new Uint8Array(capacity);
    this.names = new Uint8Array(capacity * DNS_NAME_SLOT);
    this.nameLength = new Uint16Array(capacity);
    this.text = new Array<string | null>(capacity).fill(null);
    this.free = new Int32Array(capacity);
  }

  /** Table position of the address, or EMPTY; `probe` is left at the empty position ending the search. */
  private probe = 0;
  private find(b: Uint8Array, o: number, version: number, h: number): number {
    const n = version === 6 ? 16 : 4;
    for (let i = h & this.mask; ; i = (i + 1) & this.mask) {
      const e = this.index[i];
      if (e === EMPTY) { this.probe = i; return EMPTY; }
      if (this.hash[e] !== h || this.version[e] !== version) continue;
      const a = e * 16;
      let k = 0;
      while (k < n && this.addr[a + k] === b[o + k]) k++;
      if (k === n) return i;
    }
  }

  /** Take entry `e` out of the index (backward-shift deletion keeps probe chains unbroken). */
  private unlink(e: number): void {
    const mask = this.mask;
    const index = this.index;
    let i = this.hash[e] & mask;
    while (index[i] !== e) i = (i + 1) & mask;
    for (;;) {
      index[i] = EMPTY;
      let j = i;
      for (;;) {
        j = (j + 1) & mask;
        const f = index[j];
        if (f === EMPTY) {
          this.version[e] = 0;
          this.text[e] = null;
          this.size--;
          return;
        }
        const k = this.hash[f] & mask;
        // f stays when its home k lies cyclically in (i, j].
        if (i <= j ? i < k && k <= j : i < k || k <= j) continue;
        index[i] = f;
        i = j;
        break;
      }
    }
  }

  /** A free entry: never used, freed by expiry, or taken from the clock (expired first, then unreferenced). */
  private allocate(): number {
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.used < this.capacity) return this.used++;
    for (;;) {
      const e = this.hand;
      if (++this.hand === this.capacity) this.hand = 0;
      if (this.expiresUs[e] <= this.nowUs) {
        this.unlink(e);
        this.expired++;
        return e;
      }
      if (this.ref[e] !== 0) { this.ref[e] = 0; continue; }
      this.unlink(e);
      this.evictions++;
      return e;
    }
  }

  /**
   * Map the 4- or 16-byte address at `b[o]` to the name `names[nameStart, nameStart+nameLength)` for
   * `ttlSeconds` (clamped to the configured bounds) from `nowUs`. An address already mapped takes the
   * new name and expiry (the latest answer wins). Returns the entry.
   */
  insert(b: Uint8Array, o: number, version: number, names: Uint8Array, nameStart: number, nameLength: number, ttlSeconds: number, nowUs: number): number {
    if (nowUs > this.nowUs) this.nowUs = nowUs;
    const h = addrHash(b, o, version);
    const pos = this.find(b, o, version, h);
    let e: number;
    if (pos !== EMPTY) {
      e = this.index[pos];
      this.updates++;
    } else {
      e = this.allocate();
      // Allocation may have unlinked an entry and shifted the chain: probe again for the free position.
      this.find(b, o, version, h);
      this.index[this.probe] = e;
      this.version[e] = version;
      this.hash[e] = h;
      const a = e * 16;
      for (let k = 0, n = version === 6 ? 16 : 4; k < n; k++) this.addr[a + k] = b[o + k];
      this.size++;
      this.inserts++;
    }
    const slot = e * DNS_NAME_SLOT;
    const len = nameLength < DNS_NAME_SLOT ? nameLength : DNS_NAME_SLOT - 1;
    for (let k = 0; k < len; k++) this.names[slot + k] = names[nameStart + k];
    this.nameLength[e] = len;
    this.text[e] = null;
    // A fresh answer gets one sweep of grace: the connection it announces usually follows.
    this.ref[e] = 1;
    // RFC 2181 §8: a TTL with the top bit set is 0.
    let ttlUs = (ttlSeconds > 0x7fffffff ? 0 : ttlSeconds) * 1e6;
    if (ttlUs < this.minTtlUs) ttlUs = this.minTtlUs;
    if (ttlUs > this.maxTtlUs) ttlUs = this.maxTtlUs;
    this.expiresUs[e] = nowUs + ttlUs;
    return e;
  }

  /**
   * The entry mapping the 4- or 16-byte address at `b[o]`, or -1 (absent, or expired at `nowUs`:
   * then it is removed and counted). A hit marks the entry recently used for the clock.
   */
  lookup(b: Uint8Array, o: number, ipVersion: number, nowUs = this.nowUs): number {
    const h = addrHash(b, o, ipVersion);
    const pos = this.find(b, o, ipVersion, h);
    if (pos === EMPTY) { this.misses++; return -1; }
    const e = this.index[pos];
    if (this.expiresUs[e] <= nowUs) {
      this.unlink(e);
      this.free[this.freeCount++] = e;
      this.expired++;
      this.misses++;
      return -1;
    }
    this.ref[e] = 1;
    this.hits++;
    return e;
  }

  /** Name of entry `e` as text (tshark's form, see dnsNameText), made once per entry: for records only. */
  name(e: number): string {
    let s = this.text[e];
    if (s === null) {
      s = dnsNameText(this.names, e * DNS_NAME_SLOT, this.nameLength[e]);
      this.text[e] = s;
    }
    return s;
  }

  /** Absolute expiry time of entry `e`, µs. */
  expiry(e: number): number {
    return this.expiresUs[e];
  }

  /**
   * Feed a parsed DNS response: every A/AAAA answer (class IN) owned by the question name, or by a
   * name the question reaches through CNAME answers (up to DNS_MAX_CHAIN links, listed in any order),
   * maps its address to the question name with that answer's TTL. Queries, errors (rcode ≠ 0) and
   * messages without a question are ignored. Returns the number of addresses mapped.
   */
  observe(msg: DnsMessage, nowUs: number): number {
    if (!msg.qr || msg.rcode !== 0 || !msg.hasQuestion || msg.answerCount === 0) return 0;
    const n = msg.answerCount;
    const alias = this.alias;
    alias.fill(0, 0, n);
    for (let pass = 0; pass < DNS_MAX_CHAIN; pass++) {
      let changed = false;
      for (let i = 0; i < n; i++) {
        if (alias[i] === 0 && msg.ansType[i] === DNS_TYPE_CNAME && this.ownedByAlias(msg, i)) { alias[i] = 1; changed = true; }
      }
      if (!changed) break;
    }
    let mapped = 0;
    for (let i = 0; i < n; i++) {
      const t = msg.ansType[i];
      if ((t !== DNS_TYPE_A && t !== DNS_TYPE_AAAA) || (msg.ansClass[i] & 0x7fff) !== 1 || !this.ownedByAlias(msg, i)) continue;
      this.insert(msg.bytes, msg.ansRdataOffset[i], t === DNS_TYPE_A ? 4 : 6, msg.names, 0, msg.qnameLength, msg.ansTtl[i], nowUs);
      mapped++;
    }
    return mapped;
  }

  /** Answer i's owner is the question name or the target of a CNAME already known to be an alias. */
  private ownedByAlias(msg: DnsMessage, i: number): boolean {
    const names = msg.names;
    const owner = (1 + 2 * i) * DNS_NAME_SLOT;
    const ownerLen = msg.ansNameLength[i];
    if (sameName(names, owner, ownerLen, names, 0, msg.qnameLength)) return true;
    for (let j = 0; j < msg.answerCount; j++) {
      if (this.alias[j] !== 0 && sameName(names, owner, ownerLen, names, (2 + 2 * j) * DNS_NAME_SLOT, msg.ansTargetLength[j])) return true;
    }
    return false;
  }
}
