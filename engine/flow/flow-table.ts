// Bidirectional flow table: fixed capacity, struct-of-arrays, chained buckets over the symmetric
// key, an LRU list (least recently seen at the tail) for eviction and timeout sweeps.
//
//   buckets[hash & mask] ─▶ slot ─next─▶ slot ─next─▶ -1        lru: head (newest) ⇄ ... ⇄ tail (oldest)

import type { Packet } from '../../decoders/packet.js';
import { TCP_ACK, TCP_FIN, TCP_RST, TCP_SYN } from '../../decoders/tcp.js';
import { flowHash, flowId } from './hash.js';
import { FlowConfig, type FlowTimeouts } from './flow-config.js';
import { FlowKey, KEY_BYTES, KEY_WORDS } from './flow-key.js';

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

/** Upper bound on timeout checks per packet (amortised sweep). */
const SWEEP_STEPS = 8;

export class FlowTable {
  readonly config: FlowConfig;
  readonly capacity: number;
  private readonly mask: number;
  private readonly buckets: Int32Array;
  private readonly chain: Int32Array;
  private readonly keys: Int32Array;
  private readonly hashes: Uint32Array;
  private readonly lruPrev: Int32Array;
  private readonly lruNext: Int32Array;
  private lruHead = -1;
  private lruTail = -1;
  private readonly free: Int32Array;
  private freeCount: number;
  private readonly key = new FlowKey();
  private readonly minTimeoutUs: number;

  // ── per flow, indexed by slot ──
  readonly flowId: Float64Array;
  /** First and last packet time, µs since the epoch. */
  readonly firstUs: Float64Array;
  readonly lastUs: Float64Array;
  /** [slot*2 + TO_SERVER | TO_CLIENT] */
  readonly pkts: Float64Array;
  readonly bytes: Float64Array;
  readonly tcpFlags: Uint8Array;
  /** 1 when endpoint A of the key is the client (the side that sent the first packet / SYN). */
  readonly clientIsA: Uint8Array;
  readonly state: Uint8Array;
  /** TCP flow picked up without its SYN. */
  readonly midstream: Uint8Array;
  readonly ipProto: Uint8Array;
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
    this.chain = new Int32Array(c);
    this.keys = new Int32Array(c * KEY_WORDS);
    this.hashes = new Uint32Array(c);
    this.lruPrev = new Int32Array(c);
    this.lruNext = new Int32Array(c);
    this.free = new Int32Array(c);
    for (let i = 0; i < c; i++) this.free[i] = c - 1 - i;
    this.freeCount = c;
    this.flowId = new Float64Array(c);
    this.firstUs = new Float64Array(c);
    this.lastUs = new Float64Array(c);
    this.pkts = new Float64Array(c * 2);
    this.bytes = new Float64Array(c * 2);
    this.tcpFlags = new Uint8Array(c * 2);
    this.clientIsA = new Uint8Array(c);
    this.state = new Uint8Array(c);
    this.midstream = new Uint8Array(c);
    this.ipProto = new Uint8Array(c);
    this.appProto = new Uint8Array(c);
    this.alerted = new Uint8Array(c);
    this.ext = new Array<object | null>(c).fill(null);
    this.communityIds = new Array<string | null>(c).fill(null);
    this.ruleHits = new Array<number[] | null>(c).fill(null);
    this.minTimeoutUs = config.minTimeout() * 1e6;
  }

  /**
   * Find or create the flow of `pkt` (ipVersion ≠ 0), account the packet (`nowUs`, `wireLen`),
   * update TCP state, and return its slot; `direction` says which way the packet goes.
   */
  track(pkt: Packet, nowUs: number, wireLen: number): number {
    if (this.autoSweep) this.sweep(nowUs);
    const key = this.key;
    key.set(pkt);
    const kw = key.words;
    // The symmetric flow hash: the same function names flows (flow_id) and will shard packets to workers.
    const h = flowHash(pkt, this.config.hashSeed);
    let slot = this.buckets[h & this.mask];
    while (slot >= 0) {
      if (this.hashes[slot] === h && this.sameKey(slot, kw)) break;
      slot = this.chain[slot];
    }
    if (slot >= 0 && nowUs - this.lastUs[slot] >= this.minTimeoutUs && nowUs - this.lastUs[slot] >= this.limitUs(slot)) {
      // idle past its timeout but not swept yet: the old flow ends and this packet starts a new one
      this.end(slot, END_TIMEOUT);
      slot = -1;
    }
    this.isNew = slot < 0;
    if (slot < 0) slot = this.create(pkt, h, nowUs);
    else this.touch(slot);
    const stateBefore = this.state[slot];

    const srcIsClient = key.srcIsA === (this.clientIsA[slot] === 1);
    const dir = srcIsClient ? TO_SERVER : TO_CLIENT;
    this.direction = dir;
    const i = slot * 2 + dir;
    this.pkts[i]++;
    this.bytes[i] += wireLen;
    this.lastUs[slot] = nowUs;
    if (pkt.ipProto === 6 && pkt.l4Offset !== 0) this.tcpState(slot, dir, pkt.tcpFlags);
    else if (this.state[slot] === STATE_NEW && this.pkts[slot * 2 + 1] > 0 && this.pkts[slot * 2] > 0) this.state[slot] = STATE_ESTABLISHED;
    this.justEstablished = stateBefore === STATE_NEW && this.state[slot] === STATE_ESTABLISHED;
    return slot;
  }

  /** End every flow (end of input): reason shutdown, in LRU order from the oldest. */
  flushAll(): void {
    while (this.lruTail >= 0) this.end(this.lruTail, END_SHUTDOWN);
  }

  /** Timeouts of a flow's protocol. */
  private timeouts(slot: number): FlowTimeouts {
    const p = this.ipProto[slot];
    return p === 6 ? this.config.tcp : p === 17 ? this.config.udp : this.config.other;
  }

  /** Idle time after which a flow in its current state times out, µs. */
  private limitUs(slot: number): number {
    const t = this.timeouts(slot);
    const st = this.state[slot];
    return (st === STATE_NEW ? t.new : st === STATE_ESTABLISHED ? t.established : t.closed) * 1e6;
  }

  /** Expire due flows from the LRU tail, a few per call. */
  private sweep(nowUs: number): void {
    this.expireFromTail(nowUs, SWEEP_STEPS);
  }

  /**
   * End every flow idle past its timeout at capture time `nowUs` (walks the LRU tail up to the
   * shortest timeout). Returns how many ended.
   */
  expire(nowUs: number): number {
    return this.expireFromTail(nowUs, Infinity);
  }

  private expireFromTail(nowUs: number, steps: number): number {
    let slot = this.lruTail;
    let ended = 0;
    for (let n = 0; n < steps && slot >= 0; n++) {
      const idle = nowUs - this.lastUs[slot];
      if (idle < this.minTimeoutUs) break; // everything newer is younger still
      const prev = this.lruPrev[slot];
      if (idle >= this.limitUs(slot)) { this.end(slot, END_TIMEOUT); ended++; }
      slot = prev;
    }
    return ended;
  }

  private tcpState(slot: number, dir: number, flags: number): void {
    const f = slot * 2 + dir;
    this.tcpFlags[f] |= flags;
    const st = this.state[slot];
    if (flags & TCP_RST) { this.state[slot] = STATE_CLOSED; return; }
    if (st === STATE_NEW) {
      // established once both sides spoke and the handshake (or midstream data) has an ACK back
      if ((this.tcpFlags[slot * 2] & TCP_ACK) && (this.tcpFlags[slot * 2 + 1] & TCP_ACK)) this.state[slot] = STATE_ESTABLISHED;
    }
    if ((this.tcpFlags[slot * 2] & TCP_FIN) && (this.tcpFlags[slot * 2 + 1] & TCP_FIN)) this.state[slot] = STATE_CLOSED;
  }

  private create(pkt: Packet, h: number, nowUs: number): number {
    if (this.freeCount === 0) {
      this.evicted++;
      this.end(this.lruTail, END_FORCED);
    }
    const slot = this.free[--this.freeCount];
    this.keys.set(this.key.words, slot * KEY_WORDS);
    this.hashes[slot] = h;
    const b = h & this.mask;
    this.chain[slot] = this.buckets[b];
    this.buckets[b] = slot;
    // Client: the packet's source, unless the first packet is a SYN-ACK (then its destination).
    let srcIsClient = true;
    if (pkt.ipProto === 6 && (pkt.tcpFlags & (TCP_SYN | TCP_ACK)) === (TCP_SYN | TCP_ACK)) srcIsClient = false;
    this.clientIsA[slot] = this.key.srcIsA === srcIsClient ? 1 : 0;
    this.flowId[slot] = flowId(pkt, this.config.hashSeed);
    this.firstUs[slot] = nowUs;
    this.lastUs[slot] = nowUs;
    this.pkts[slot * 2] = this.pkts[slot * 2 + 1] = 0;
    this.bytes[slot * 2] = this.bytes[slot * 2 + 1] = 0;
    this.tcpFlags[slot * 2] = this.tcpFlags[slot * 2 + 1] = 0;
    this.state[slot] = STATE_NEW;
    this.midstream[slot] = pkt.ipProto === 6 && (pkt.tcpFlags & TCP_SYN) === 0 ? 1 : 0;
    this.ipProto[slot] = pkt.ipProto;
    this.appProto[slot] = 0;
    this.alerted[slot] = 0;
    this.ext[slot] = null;
    this.communityIds[slot] = null;
    this.ruleHits[slot] = null;
    // newest at the head
    this.lruPrev[slot] = -1;
    this.lruNext[slot] = this.lruHead;
    if (this.lruHead >= 0) this.lruPrev[this.lruHead] = slot;
    this.lruHead = slot;
    if (this.lruTail < 0) this.lruTail = slot;
    this.created++;
    this.active++;
    return slot;
  }

  private touch(slot: number): void {
    if (this.lruHead === slot) return;
    const p = this.lruPrev[slot];
    const n = this.lruNext[slot];
    this.lruNext[p] = n; // p ≥ 0: slot is not the head
    if (n >= 0) this.lruPrev[n] = p; else this.lruTail = p;
    this.lruPrev[slot] = -1;
    this.lruNext[slot] = this.lruHead;
    this.lruPrev[this.lruHead] = slot;
    this.lruHead = slot;
  }

  /** Report and remove a flow. */
  private end(slot: number, reason: number): void {
    if (reason === END_TIMEOUT) this.timedOut++;
    else if (reason === END_SHUTDOWN) this.shutdown++;
    this.onEnd(slot, reason);
    this.ext[slot] = null;
    // unlink from LRU
    const p = this.lruPrev[slot];
    const n = this.lruNext[slot];
    if (p >= 0) this.lruNext[p] = n; else this.lruHead = n;
    if (n >= 0) this.lruPrev[n] = p; else this.lruTail = p;
    // unlink from bucket chain
    const b = this.hashes[slot] & this.mask;
    let s = this.buckets[b];
    if (s === slot) this.buckets[b] = this.chain[slot];
    else {
      while (this.chain[s] !== slot) s = this.chain[s];
      this.chain[s] = this.chain[slot];
    }
    this.free[this.freeCount++] = slot;
    this.active--;
  }

  private sameKey(slot: number, kw: Int32Array): boolean {
    const k = this.keys;
    const o = slot * KEY_WORDS;
    for (let i = 0; i < KEY_WORDS; i++) if (k[o + i] !== kw[i]) return false;
    return true;
  }

  /** The key bytes of a slot (layout in flow-key.ts), for output. */
  keyBytes(slot: number): Uint8Array {
    return new Uint8Array(this.keys.buffer, slot * KEY_BYTES, KEY_BYTES);
  }
}
