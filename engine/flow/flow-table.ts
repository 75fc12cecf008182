// Bidirectional flow table: fixed capacity, chained buckets over the symmetric key, idle lists
// (idle-lists.ts: one per timeout class, least recently seen at the tail) for timeout sweeps and
// eviction. Everything a packet touches lives in one 128-byte record per slot (two adjacent cache
// lines), not in a dozen arrays.
//
//   buckets[hash & mask] ─▶ slot ─chain─▶ slot ─chain─▶ -1      idle class c: head (newest) ⇄ ... ⇄ tail (oldest)
//
//   record of a slot (bytes)                     view
//     0 hash   4 chain   8 idlePrev  12 idleNext  i32   lookup and idle lists
//    16..59  key, 11 words (flow-key.ts)          i32
//    60 tcpFlags→server 61 tcpFlags→client 62 state 63 clientIsA 64 ipProto 65 idle class   u8
//    68 touch sequence                            i32
//    72 lastUs 80 pkts→server 88 pkts→client 96 bytes→server 104 bytes→client 112 flowId 120 firstUs   f64

import type { Packet } from '../../decoders/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../decoders/tcp.js';
import { flowId } from './hash.js';
import { FlowConfig } from './flow-config.js';
import { FlowKey, KEY_BYTES, KEY_WORDS, keyWordsToBytes } from './flow-key.js';
import { IdleLists, IDLE_CLASSES } from './idle-lists.js';

export const STATE_NEW = 0;
export const STATE_ESTABLISHED = 1;
export const STATE_CLOSED = 2;
export const STATE_NAMES = ['new', 'established', 'closed'] as const;

export const END_TIMEOUT = 0;
export const END_FORCED = 1; // evicted from a full table
export const END_SHUTDOWN = 2; // end of input
export const END_REASONS = ['timeout', 'forced', 'shutdown'] as const;

/** Direction of a packet within its flow. */
export const TO_SERVER = 0;
export const TO_CLIENT = 1;

/** Called for every flow that ends, before its slot is reused. */
export type FlowEndHandler = (slot: number, reason: number) => void;

/** Record layout (see the diagram above): stride and offsets in 32-bit words, bytes and doubles. */
const REC_BYTES = 128;
const I_STRIDE = REC_BYTES / 4;
const I_HASH = 0;
const I_CHAIN = 1;
const I_PREV = 2;
const I_NEXT = 3;
const I_KEY = 4;
const B_FLAGS = 60; // + direction
const B_STATE = 62;
const B_CLIENT_IS_A = 63;
const B_PROTO = 64;
const B_CLASS = 65;
const I_SEQ = 17;
const F_STRIDE = REC_BYTES / 8;
const F_LAST = 9;
const F_PKTS = 10; // + direction
const F_BYTES = 12; // + direction
const F_FLOW_ID = 14;
const F_FIRST = 15;

/** Seeds the bucket hash apart from the flow hash. */
const BUCKET_SEED = 0x2f6c6f77;

/**
 * Bucket hash of a key (flow-key.ts words; murmur3 steps), 30 bits so it stays a small integer. Not
 * the flow hash: workers receive flows by the flow hash, so its low bits are alike on one worker.
 */
function bucketHash(w: Int32Array, seed: number): number {
  // IPv4 keys: words 3..5 and 7..9 are always 0, so only five words vary
  const v6 = w[0] >>> 24 === 6;
  let h = seed;
  for (let i = 0; i < KEY_WORDS; i++) {
    if (!v6 && ((i > 2 && i < 6) || (i > 6 && i < 10))) continue;
    let k = Math.imul(w[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 2;
}

/** Upper bound on timeout checks per packet (amortised sweep). */
const SWEEP_STEPS = 8;

export class FlowTable {
  readonly config: FlowConfig;
  readonly capacity: number;
  private readonly mask: number;
  private readonly buckets: Int32Array;
  /** The per-slot records, three views of one buffer. */
  private readonly i32: Int32Array;
  private readonly u8: Uint8Array;
  private readonly f64: Float64Array;
  private readonly idle: IdleLists;
  /** Timeout of each idle class (its protocol family × state), µs. */
  private readonly classLimitUs = new Float64Array(IDLE_CLASSES);
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly key = new FlowKey();
  private readonly keyOut = new Uint8Array(KEY_BYTES);
  private readonly bucketSeed: number;
  private readonly minTimeoutUs: number;

  // ── cold per-flow state, indexed by slot ──
  /** TCP flow picked up without its SYN. */
  readonly midstream: Uint8Array;
  /** APP_PROTO_* of the flow (engine/flow/app-proto.ts), 0 = unknown. */
  readonly appProto: Uint8Array;
  readonly alerted: Uint8Array;
  /** Per-flow objects owned by later stages (reassembly, app parsers); null when none. */
  readonly ext: (object | null)[];
  /** Community ID text, computed at the first record of the flow (engine/output/eve-flow.ts). */
  readonly communityIds: (string | null)[];
  /** Policy rules that already alerted on the flow (alerts are once per flow and rule). */
  readonly ruleHits: (number[] | null)[];

  /** Counters: flows created, ended by timeout, evicted, ended at shutdown; live flows. */
  created = 0;
  timedOut = 0;
  evicted = 0;
  shutdown = 0;
  active = 0;

  /** Set by track(): the packet's direction in its flow. */
  direction = TO_SERVER;
  /**
   * true: track() expires a few idle flows from the LRU tail per packet (one thread sees every
   * packet). false: the owner calls expire(now) at batch boundaries instead, so timeouts depend on
   * capture time alone, never on which packets a worker happened to see (engine/pipeline).
   */
  autoSweep = true;

  /** Set by track(): this packet created the flow / moved it to established. */
  isNew = false;
  justEstablished = false;

  private readonly onEnd: FlowEndHandler;

  constructor(config: FlowConfig, onEnd: FlowEndHandler) {
    this.config = config;
    this.onEnd = onEnd;
    const c = (this.capacity = Math.max(16, config.maxFlows | 0));
    let nb = 16;
    while (nb < c * 2) nb *= 2;
    this.mask = nb - 1;
    this.buckets = new Int32Array(nb).fill(-1);
    const records = new ArrayBuffer(c * REC_BYTES);
    this.i32 = new Int32Array(records);
    this.u8 = new Uint8Array(records);
    this.f64 = new Float64Array(records);
    this.free = new Int32Array(c);
    for (let i = 0; i < c; i++) this.free[i] = c - 1 - i;
    this.freeCount = c;
    this.midstream = new Uint8Array(c);
    this.appProto = new Uint8Array(c);
    this.alerted = new Uint8Array(c);
    this.ext = new Array<object | null>(c).fill(null);
    this.communityIds = new Array<string | null>(c).fill(null);
    this.ruleHits = new Array<number[] | null>(c).fill(null);
    this.minTimeoutUs = config.minTimeout() * 1e6;
    this.idle = new IdleLists(this.i32, this.u8, I_STRIDE, I_PREV, I_NEXT, I_SEQ, B_CLASS);
    [config.tcp, config.udp, config.other].forEach((t, g) => {
      this.classLimitUs[g * 3 + STATE_NEW] = t.new * 1e6;
      this.classLimitUs[g * 3 + STATE_ESTABLISHED] = t.established * 1e6;
      this.classLimitUs[g * 3 + STATE_CLOSED] = t.closed * 1e6;
    });
    this.bucketSeed = (config.hashSeed ^ BUCKET_SEED) | 0;
  }

  // ── per-flow values, by slot ──
  /** Positive 52-bit id of the flow (its flow hash, hash.ts). */
  flowId(slot: number): number { return this.f64[slot * F_STRIDE + F_FLOW_ID]; }
  /** First and last packet time, µs since the epoch. */
  firstUs(slot: number): number { return this.f64[slot * F_STRIDE + F_FIRST]; }
  lastUs(slot: number): number { return this.f64[slot * F_STRIDE + F_LAST]; }
  /** Packets and wire bytes in direction `dir` (TO_SERVER | TO_CLIENT). */
  pkts(slot: number, dir: number): number { return this.f64[slot * F_STRIDE + F_PKTS + dir]; }
  bytes(slot: number, dir: number): number { return this.f64[slot * F_STRIDE + F_BYTES + dir]; }
  /** TCP flags seen in direction `dir`, ORed. */
  tcpFlags(slot: number, dir: number): number { return this.u8[slot * REC_BYTES + B_FLAGS + dir]; }
  /** STATE_*. */
  state(slot: number): number { return this.u8[slot * REC_BYTES + B_STATE]; }
  /** True when endpoint A of the key is the client (the side that sent the first packet / SYN). */
  clientIsA(slot: number): boolean { return this.u8[slot * REC_BYTES + B_CLIENT_IS_A] === 1; }

  /**
   * Find or create the flow of `pkt` (ipVersion ≠ 0), account the packet (`nowUs`, `wireLen`),
   * update TCP state, and return its slot; `direction` says which way the packet goes.
   */
  track(pkt: Packet, nowUs: number, wireLen: number): number {
    if (this.autoSweep) this.sweep(nowUs);
    const key = this.key;
    key.set(pkt);
    const kw = key.words;
    const i32 = this.i32;
    const h = bucketHash(kw, this.bucketSeed);
    let slot = this.buckets[h & this.mask];
    while (slot >= 0) {
      const o = slot * I_STRIDE;
      if (i32[o + I_HASH] === h && this.sameKey(o + I_KEY, kw)) break;
      slot = i32[o + I_CHAIN];
    }
    if (slot >= 0) {
      const idle = nowUs - this.f64[slot * F_STRIDE + F_LAST];
      if (idle >= this.minTimeoutUs && idle >= this.limitUs(slot)) {
        // idle past its timeout but not swept yet: the old flow ends and this packet starts a new one
        this.end(slot, END_TIMEOUT);
        slot = -1;
      }
    }
    const isNew = slot < 0;
    this.isNew = isNew;
    if (isNew) slot = this.create(pkt, h, nowUs);
    const u8 = this.u8;
    const b = slot * REC_BYTES;
    const stateBefore = u8[b + B_STATE];
    const dir = key.srcIsA === (u8[b + B_CLIENT_IS_A] === 1) ? TO_SERVER : TO_CLIENT;
    this.direction = dir;
    const f64 = this.f64;
    const f = slot * F_STRIDE;
    f64[f + F_PKTS + dir]++;
    f64[f + F_BYTES + dir] += wireLen;
    f64[f + F_LAST] = nowUs;
    let state = stateBefore;
    if (pkt.ipProto === 6 && pkt.l4Offset !== 0) {
      const flags = pkt.tcpFlags;
      u8[b + B_FLAGS + dir] |= flags;
      const both = u8[b + B_FLAGS] & u8[b + B_FLAGS + 1];
      if (flags & TCP_RST) state = STATE_CLOSED;
      else {
        // established once both sides spoke and the handshake (or midstream data) has an ACK back
        if (state === STATE_NEW && (both & TCP_ACK)) state = STATE_ESTABLISHED;
        if (both & TCP_FIN) state = STATE_CLOSED;
      }
    } else if (state === STATE_NEW && f64[f + F_PKTS] > 0 && f64[f + F_PKTS + 1] > 0) state = STATE_ESTABLISHED;
    u8[b + B_STATE] = state;
    this.idle.touch(slot, classOf(pkt.ipProto, state));
    this.justEstablished = stateBefore === STATE_NEW && state === STATE_ESTABLISHED;
    return slot;
  }

  /** End every flow (end of input): reason shutdown, from the least recently seen. */
  flushAll(): void {
    for (let s = this.idle.oldest(); s >= 0; s = this.idle.oldest()) this.end(s, END_SHUTDOWN);
  }

  /** Timeouts of a flow's protocol. */
  /** Idle time after which a flow in its current state times out, µs. */
  private limitUs(slot: number): number {
    return this.classLimitUs[this.idle.classOf(slot)];
  }

  /** Expire due flows from the idle lists' tails, a few per call. */
  private sweep(nowUs: number): void {
    this.expireFromTail(nowUs, SWEEP_STEPS);
  }

  /**
   * End every flow idle past its timeout at capture time `nowUs` (each class's list from its tail
   * to its first flow still in time). Returns how many ended.
   */
  expire(nowUs: number): number {
    return this.expireFromTail(nowUs, Infinity);
  }

  private expireFromTail(nowUs: number, steps: number): number {
    let ended = 0;
    for (let c = 0; c < IDLE_CLASSES; c++) {
      const limit = this.classLimitUs[c];
      for (let slot = this.idle.tail(c); slot >= 0 && ended < steps; slot = this.idle.tail(c)) {
        if (nowUs - this.f64[slot * F_STRIDE + F_LAST] < limit) break; // the rest of the class is younger
        this.end(slot, END_TIMEOUT);
        ended++;
      }
    }
    return ended;
  }

  private create(pkt: Packet, h: number, nowUs: number): number {
    if (this.freeCount === 0) {
      this.evicted++;
      this.end(this.idle.oldest(), END_FORCED);
    }
    const slot = this.free[--this.freeCount];
    const i32 = this.i32;
    const o = slot * I_STRIDE;
    i32.set(this.key.words, o + I_KEY);
    i32[o + I_HASH] = h;
    const bk = h & this.mask;
    i32[o + I_CHAIN] = this.buckets[bk];
    this.buckets[bk] = slot;
    // Client: the packet's source, unless the first packet is a SYN-ACK (then its destination).
    let srcIsClient = true;
    if (pkt.ipProto === 6 && (pkt.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) srcIsClient = false;
    const u8 = this.u8;
    const b = slot * REC_BYTES;
    u8[b + B_CLIENT_IS_A] = this.key.srcIsA === srcIsClient ? 1 : 0;
    u8[b + B_FLAGS] = u8[b + B_FLAGS + 1] = 0;
    u8[b + B_STATE] = STATE_NEW;
    u8[b + B_PROTO] = pkt.ipProto;
    const f64 = this.f64;
    const f = slot * F_STRIDE;
    f64[f + F_FLOW_ID] = flowId(pkt, this.config.hashSeed);
    f64[f + F_FIRST] = f64[f + F_LAST] = nowUs;
    f64[f + F_PKTS] = f64[f + F_PKTS + 1] = 0;
    f64[f + F_BYTES] = f64[f + F_BYTES + 1] = 0;
    this.midstream[slot] = pkt.ipProto === 6 && (pkt.tcpFlags & TCP_SYN) === 0 ? 1 : 0;
    this.appProto[slot] = 0;
    this.alerted[slot] = 0;
    this.ext[slot] = null;
    this.communityIds[slot] = null;
    this.ruleHits[slot] = null;
    this.idle.add(slot, classOf(pkt.ipProto, STATE_NEW)); // newest at the head
    this.created++;
    this.active++;
    return slot;
  }

  /** Report and remove a flow. */
  private end(slot: number, reason: number): void {
    if (reason === END_TIMEOUT) this.timedOut++;
    else if (reason === END_SHUTDOWN) this.shutdown++;
    this.onEnd(slot, reason);
    this.ext[slot] = null;
    const i32 = this.i32;
    const o = slot * I_STRIDE;
    this.idle.unlink(slot);
    // unlink from bucket chain
    const bk = i32[o + I_HASH] & this.mask;
    let s = this.buckets[bk];
    if (s === slot) this.buckets[bk] = i32[o + I_CHAIN];
    else {
      while (i32[s * I_STRIDE + I_CHAIN] !== slot) s = i32[s * I_STRIDE + I_CHAIN];
      i32[s * I_STRIDE + I_CHAIN] = i32[o + I_CHAIN];
    }
    this.free[this.freeCount++] = slot;
    this.active--;
  }

  /** Is the key at i32[k..k+11) the one in `kw`? */
  private sameKey(k: number, kw: Int32Array): boolean {
    const r = this.i32;
    // ports and addresses first: they differ most often; IPv4 keys (same head word) leave w3..w5, w7..w9 zero
    if (r[k + 10] !== kw[10] || r[k + 2] !== kw[2] || r[k + 6] !== kw[6] || r[k] !== kw[0] || r[k + 1] !== kw[1]) return false;
    if (kw[0] >>> 24 !== 6) return true;
    return r[k + 3] === kw[3] && r[k + 4] === kw[4] && r[k + 5] === kw[5] && r[k + 7] === kw[7] && r[k + 8] === kw[8] && r[k + 9] === kw[9];
  }

  /**
   * The key bytes of a slot (layout in flow-key.ts), for output: a scratch owned by the table,
   * valid until the next keyBytes() call.
   */
  keyBytes(slot: number): Uint8Array {
    keyWordsToBytes(this.i32, slot * I_STRIDE + I_KEY, this.keyOut);
    return this.keyOut;
  }
}

/** Idle class of a flow: its protocol family (TCP, UDP, other) × its state. */
function classOf(ipProto: number, state: number): number {
  return (ipProto === 6 ? 0 : ipProto === 17 ? 3 : 6) + state;
}
