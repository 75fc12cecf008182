// Building blocks the scenarios share: the generation context, message constructors, timing
// profiles (on-node, cross-node, internet) and startTcp/startUdp, which fill in realistic TCP
// parameters (MSS per path MTU, window scaling, Linux SYN options) and hand the flow to the scheduler.

import { MICROS, MILLIS } from './flow.js';
import { dateBytes } from './http.js';
import type { ResponseTemplate } from './http.js';
import type { Pair } from './paths.js';
import { Payload } from './payload.js';
import type { Pools } from './pools.js';
import type { Rng } from './prng.js';
import type { Scheduler } from './scheduler.js';
import { OPT_SYN, OPT_SYN_TS } from './tcp.js';
import { CLOSE_CLIENT_FIN, OPEN_FULL, TcpFlow } from './tcp-flow.js';
import type { TcpMessage } from './tcp-flow.js';
import { UdpFlow } from './udp-flow.js';
import type { Datagram } from './udp-flow.js';

export interface Ctx {
  rng: Rng;
  sched: Scheduler;
  pools: Pools;
  /** Scenario index of the flows being started (statistics). */
  tag: number;
  /** How many times the running scenario ran before (0 on its first run: its canonical variant). */
  nth: number;
  /** Messages built once per distinct shape (HTTP heads, DNS messages); bounded by the shapes. */
  cache: Map<string, Map<number, unknown>>;
}

export const MEMO_DNS = 1;
export const MEMO_HTTP_CLIENT = 2;
export const MEMO_PROBE = 3;
export const MEMO_SCRAPE = 4;
export const MEMO_RESPONSE = 5;
export const MEMO_MISC = 6;
export const MEMO_DNS_MESSAGE = 7;

/**
 * The cached value for (`key`, `kind`, `sub`), built on first use. `key` should be a constant
 * string (its hash is then computed once); `kind` (MEMO_*) keeps the users of one key apart.
 */
export function memo<T>(ctx: Ctx, key: string, kind: number, sub: number, build: () => T): T {
  let inner = ctx.cache.get(key);
  if (inner === undefined) {
    inner = new Map();
    ctx.cache.set(key, inner);
  }
  const k = kind * 1e9 + sub;
  let v = inner.get(k) as T | undefined;
  if (v === undefined) {
    v = build();
    inner.set(k, v);
  }
  return v;
}

/** A one-off message (request, handshake, small response); pass a Payload to share cached bytes. */
export function msg(dir: number, bytes: Uint8Array | Payload, think = 0): TcpMessage {
  const payload = bytes instanceof Payload ? bytes : new Payload(bytes);
  return { dir, payload, off: 0, len: payload.size, think, patch: null, patchAt: 0 };
}

/** A cached HTTP response whose Date is stamped on the wire (the template is shared, not copied). */
export function dated(dir: number, t: ResponseTemplate, nowNs: number, think = 0): TcpMessage {
  return { dir, payload: t.payload, off: 0, len: t.bytes.length, think, patch: dateBytes(nowNs), patchAt: t.dateAt };
}

/** `len` bytes read from a pooled block from offset `off` (even). */
export function bulk(dir: number, pool: Payload, len: number, think = 0, off = 0): TcpMessage {
  return { dir, payload: pool, off, len, think, patch: null, patchAt: 0 };
}

/** Where an endpoint sits relative to the capture point, for round trips and sending rates. */
export const NEAR = 0;
export const CROSS_NODE = 1;
export const INTERNET = 2;

/** Round trip from the capture point to an endpoint at `where` (rttMs for INTERNET), ns. */
export function latency(rng: Rng, where: number, rttMs = 20): number {
  if (where === NEAR) return rng.jitter(40 * MICROS, 0.5);
  if (where === CROSS_NODE) return rng.jitter(350 * MICROS, 0.4);
  return rng.jitter(rttMs * MILLIS, 0.15);
}

/** Spacing of full-size back-to-back segments from a sender at `where`, ns. */
export function segmentGap(rng: Rng, where: number): number {
  if (where === NEAR) return rng.jitter(2 * MICROS, 0.4);
  if (where === CROSS_NODE) return rng.jitter(13 * MICROS, 0.3);
  return rng.jitter(40 * MICROS, 0.7);
}

export interface TcpOpts {
  client: number;
  server: number;
  clientRttMs?: number;
  serverRttMs?: number;
  /** Default: Linux on the node (MSS 1460 / 1440 over IPv6 / 1410 over VXLAN). */
  serverMss?: number;
  serverWscale?: number;
  serverSynWin?: number;
  timestamps?: boolean;
  open?: number;
  close?: number;
  closeDelay?: number;
  quickAck?: boolean;
  synOpt?: number;
  clientMss?: number;
  /** Window of the client's SYN (default: Linux's); scanners send 1024. */
  clientSynWin?: number;
}

/** Linux's SYN window: the largest multiple of the MSS that fits in 16 bits. */
function linuxSynWin(mss: number): number {
  return Math.floor(65535 / mss) * mss;
}

function linuxMss(p: Pair): number {
  if (p.toServer.tunnelled) return 1410;
  return p.toServer.v6 ? 1440 : 1460;
}

/** Starts a TCP conversation at `start` over `p`. */
export function startTcp(ctx: Ctx, p: Pair, msgs: TcpMessage[], start: number, o: TcpOpts): void {
  const rng = ctx.rng;
  const mss = linuxMss(p);
  const timestamps = o.timestamps ?? true;
  p.toServer.mss = o.clientMss ?? mss;
  p.toServer.wscale = 7;
  p.toClient.mss = o.serverMss ?? mss;
  p.toClient.wscale = o.serverWscale ?? 7;
  const flow = new TcpFlow({
    client: {
      leg: p.toServer,
      lat: latency(rng, o.client, o.clientRttMs),
      gap: segmentGap(rng, o.client),
      synWin: o.clientSynWin ?? linuxSynWin(p.toServer.mss),
      maxWindow: 3 << 20,
    },
    server: {
      leg: p.toClient,
      lat: latency(rng, o.server, o.serverRttMs),
      gap: segmentGap(rng, o.server),
      synWin: o.serverSynWin ?? linuxSynWin(p.toClient.mss),
      maxWindow: 3 << 20,
    },
    msgs,
    open: o.open ?? OPEN_FULL,
    close: o.close ?? CLOSE_CLIENT_FIN,
    timestamps,
    synOpt: o.synOpt ?? (timestamps ? OPT_SYN_TS : OPT_SYN),
    quickAck: o.quickAck ?? rng.chance(0.5),
    closeDelay: o.closeDelay ?? rng.jitter(200 * MICROS, 0.8),
  }, rng, ctx.tag, start);
  ctx.sched.add(flow);
}

export function startUdp(ctx: Ctx, p: Pair, script: Datagram[]): void {
  ctx.sched.add(new UdpFlow(p.toServer, p.toClient, script, ctx.tag));
}
