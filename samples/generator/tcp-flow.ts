// One TCP conversation as seen at the node's capture point (RFC 9293): handshake, a script of
// messages cut into MSS-sized segments in slow-start bursts, delayed ACKs from each receiver, and a
// FIN (or RST) teardown. Sequence and acknowledgment numbers are exact; an endpoint only acknowledges
// data that had time to reach it (its round trip from the capture point, `lat`).

import { AckQueue } from './ack-queue.js';
import type { Flow } from './flow.js';
import { MICROS, MILLIS } from './flow.js';
import { writeTcpFrame } from './frame.js';
import type { Leg } from './leg.js';
import type { Payload } from './payload.js';
import type { Rng } from './prng.js';
import { OPT_NONE, OPT_SYN, OPT_SYN_TS, OPT_TS, TCP_ACK, TCP_FIN, TCP_PSH, TCP_RST, TCP_SYN } from './tcp.js';

/** A chunk of application data written by one side: `len` bytes of `payload` from offset `off`. */
export interface TcpMessage {
  /** 0: client to server, 1: server to client. */
  dir: number;
  payload: Payload;
  off: number;
  len: number;
  /** Application delay before the first byte leaves the sender, in ns. */
  think: number;
  /** Bytes that replace message bytes from offset `patchAt` on the wire (a Date, a record header); shared. */
  patch: Uint8Array | null;
  patchAt: number;
}

export const OPEN_FULL = 0;
/** SYN answered by RST-ACK (closed port). */
export const OPEN_REFUSED = 1;
/** SYN, SYN-ACK, RST from the client (half-open scan). */
export const OPEN_HALF = 2;
/** SYN with no answer (filtered). */
export const OPEN_SILENT = 3;

export const CLOSE_CLIENT_FIN = 0;
export const CLOSE_SERVER_FIN = 1;
export const CLOSE_CLIENT_RST = 2;
/** Still open when the script ends (long-lived connection). */
export const CLOSE_NONE = 3;

export interface SideSpec {
  leg: Leg;
  /** Round trip capture point → endpoint → capture point, ns (tens of µs on the node, ms outside). */
  lat: number;
  /** Spacing of back-to-back segments from this endpoint (its bottleneck rate), ns. */
  gap: number;
  /** Window field of the SYN / SYN-ACK (not scaled). */
  synWin: number;
  /** Largest receive window this endpoint grows to, bytes. */
  maxWindow: number;
}

export interface TcpSpec {
  client: SideSpec;
  server: SideSpec;
  msgs: TcpMessage[];
  open: number;
  close: number;
  /** Both ends use RFC 7323 timestamps (12 option bytes on every segment). */
  timestamps: boolean;
  /** Options of the client's SYN (OPT_SYN_TS for Linux, OPT_SYN_MSS for scanners). */
  synOpt: number;
  /** Receivers ACK the end of each message at once instead of after the 40 ms delayed-ACK timer. */
  quickAck: boolean;
  /** Delay before the closing side sends its FIN or RST, ns. */
  closeDelay: number;
}

const P_SYN = 0;
const P_SYNACK = 1;
const P_HS_ACK = 2;
const P_REFUSE = 3;
const P_HALF_RST = 4;
const P_DATA = 5;
const P_FIN1 = 6;
const P_FIN2 = 7;
const P_FIN3 = 8;
const P_DONE = 9;

const CWND_INIT = 10;
const CWND_MAX = 64;
const ACK_QUICK = 25 * MICROS;
const ACK_DELAYED = 40 * MILLIS;

class Peer {
  readonly leg: Leg;
  readonly lat: number;
  readonly gap: number;
  readonly synWin: number;
  readonly winMax: number;
  /** Segments travelling towards this endpoint, until it acknowledges them. */
  readonly rq = new AckQueue();
  isn = 0;
  seq = 0;
  lastAck = 0;
  /** Receive window field (scaled by leg.wscale). */
  win: number;
  tsBase = 0;
  /** Last two TSvals this endpoint sent and when the newer one was first seen. */
  tsNew = 0;
  tsOld = 0;
  tsNewAt = -Infinity;
  cwnd = CWND_INIT;
  burstLeft = CWND_INIT;
  burstStart = 0;

  constructor(s: SideSpec) {
    this.leg = s.leg;
    this.lat = s.lat;
    this.gap = s.gap;
    this.synWin = s.synWin;
    this.win = Math.ceil(64240 / 2 ** s.leg.wscale);
    this.winMax = Math.floor(s.maxWindow / 2 ** s.leg.wscale);
  }
}

export class TcpFlow implements Flow {
  at: number;
  order = 0;
  readonly tag: number;
  private readonly rng: Rng;
  private readonly c: Peer;
  private readonly s: Peer;
  private readonly msgs: TcpMessage[];
  private readonly open: number;
  private readonly close: number;
  private readonly synOpt: number;
  private readonly dataOpt: number;
  private readonly quickAck: boolean;
  private readonly closeDelay: number;
  /** Payload bytes per full segment. */
  private readonly seg: number;
  private phase = P_SYN;
  private dataAt: number;
  private mi = 0;
  private moff = 0;

  constructor(spec: TcpSpec, rng: Rng, tag: number, start: number) {
    this.rng = rng;
    this.tag = tag;
    this.c = new Peer(spec.client);
    this.s = new Peer(spec.server);
    this.msgs = spec.msgs;
    this.open = spec.open;
    this.close = spec.close;
    this.synOpt = spec.synOpt;
    this.dataOpt = spec.timestamps ? OPT_TS : OPT_NONE;
    this.quickAck = spec.quickAck;
    this.closeDelay = spec.closeDelay;
    this.seg = Math.min(spec.client.leg.mss, spec.server.leg.mss) - (spec.timestamps ? 12 : 0);
    for (const p of [this.c, this.s]) {
      p.isn = rng.u32();
      p.seq = p.isn;
      p.tsBase = rng.u32();
    }
    this.at = start;
    this.dataAt = start;
  }

  step(b: Uint8Array, pos: number, now: number): number {
    const c = this.c;
    const s = this.s;
    let len: number;
    if (c.rq.due <= now) len = this.pureAck(c, s, b, pos, now);
    else if (s.rq.due <= now) len = this.pureAck(s, c, b, pos, now);
    else len = this.script(b, pos, now);
    let next = this.dataAt;
    if (c.rq.due < next) next = c.rq.due;
    if (s.rq.due < next) next = s.rq.due;
    this.at = next < now ? now : next;
    return len;
  }

  private script(b: Uint8Array, pos: number, now: number): number {
    const c = this.c;
    const s = this.s;
    let len = 0;
    switch (this.phase) {
      case P_SYN:
        len = this.emit(c, s, b, pos, now, TCP_SYN, c.isn, 0, this.synOpt, c.synWin);
        c.seq = (c.isn + 1) >>> 0;
        if (this.open === OPEN_SILENT) {
          this.finish();
        } else {
          this.phase = this.open === OPEN_REFUSED ? P_REFUSE : P_SYNACK;
          this.dataAt = now + s.lat + this.rng.jitter(20 * MICROS, 0.5);
        }
        break;
      case P_SYNACK:
        len = this.emit(s, c, b, pos, now, TCP_SYN | TCP_ACK, s.isn, c.seq,
          this.dataOpt === OPT_TS ? OPT_SYN_TS : OPT_SYN, s.synWin);
        s.seq = (s.isn + 1) >>> 0;
        s.lastAck = c.seq;
        this.phase = this.open === OPEN_HALF ? P_HALF_RST : P_HS_ACK;
        this.dataAt = now + c.lat + this.rng.jitter(10 * MICROS, 0.5);
        break;
      case P_REFUSE:
        len = this.emit(s, c, b, pos, now, TCP_RST | TCP_ACK, 0, c.seq, OPT_NONE, 0);
        this.finish();
        break;
      case P_HALF_RST:
        len = this.emit(c, s, b, pos, now, TCP_RST, c.seq, 0, OPT_NONE, 0);
        this.finish();
        break;
      case P_HS_ACK:
        len = this.emit(c, s, b, pos, now, TCP_ACK, c.seq, s.seq, this.dataOpt, c.win);
        c.lastAck = s.seq;
        this.phase = P_DATA;
        this.nextMessage(now, 0, -1);
        break;
      case P_DATA:
        len = this.sendData(b, pos, now);
        break;
      case P_FIN1: {
        const [k, o] = this.closer();
        if (this.close === CLOSE_CLIENT_RST) {
          len = this.emit(k, o, b, pos, now, TCP_RST | TCP_ACK, k.seq, this.ackFor(k, now), OPT_NONE, 0);
          this.finish();
          break;
        }
        len = this.emit(k, o, b, pos, now, TCP_FIN | TCP_ACK, k.seq, this.ackFor(k, now), this.dataOpt, k.win);
        k.seq = (k.seq + 1) >>> 0;
        this.phase = P_FIN2;
        this.dataAt = now + o.lat + this.rng.jitter(30 * MICROS, 0.5);
        break;
      }
      case P_FIN2: {
        const [k, o] = this.closer();
        this.ackFor(o, now);
        o.lastAck = k.seq;
        len = this.emit(o, k, b, pos, now, TCP_FIN | TCP_ACK, o.seq, k.seq, this.dataOpt, o.win);
        o.seq = (o.seq + 1) >>> 0;
        this.phase = P_FIN3;
        this.dataAt = now + k.lat + this.rng.jitter(10 * MICROS, 0.5);
        break;
      }
      case P_FIN3: {
        const [k, o] = this.closer();
        len = this.emit(k, o, b, pos, now, TCP_ACK, k.seq, o.seq, this.dataOpt, k.win);
        this.finish();
        break;
      }
      default:
        this.dataAt = Infinity;
    }
    return len;
  }

  private sendData(b: Uint8Array, pos: number, now: number): number {
    const m = this.msgs[this.mi]!;
    const me = m.dir === 0 ? this.c : this.s;
    const peer = m.dir === 0 ? this.s : this.c;
    const len = Math.min(this.seg, m.len - this.moff);
    const inflight = (me.seq - peer.lastAck) >>> 0;
    if (inflight + len > peer.win * 2 ** peer.leg.wscale - this.seg) {
      // Receive window nearly full: wait for the peer's next ACK (never send into a full window).
      if (peer.rq.due === Infinity) peer.rq.wantNewest(peer.lat + ACK_QUICK);
      this.dataAt = Math.max(now, peer.rq.due) + me.gap;
      return 0;
    }
    const last = this.moff + len === m.len;
    const ack = this.ackFor(me, now);
    const out = this.emit(me, peer, b, pos, now, last ? TCP_ACK | TCP_PSH : TCP_ACK, me.seq, ack, this.dataOpt,
      me.win, m.payload, m.off + this.moff, len, m.patch, m.off + m.patchAt);
    me.seq = (me.seq + len) >>> 0;
    this.moff += len;
    let due = Infinity;
    if (last) due = now + peer.lat + (this.quickAck ? ACK_QUICK : ACK_DELAYED);
    else if (peer.rq.sinceWant >= 1) due = now + peer.lat + ACK_QUICK;
    peer.rq.push(now, me.seq, due);
    if (last) {
      this.nextMessage(now, m.dir, this.mi);
    } else if (--me.burstLeft > 0) {
      this.dataAt = now + this.rng.jitter(me.gap, 0.1);
    } else {
      me.cwnd = Math.min(me.cwnd * 2, CWND_MAX);
      me.burstLeft = me.cwnd;
      me.burstStart = Math.max(now + me.gap, me.burstStart + this.c.lat + this.s.lat);
      this.dataAt = me.burstStart;
    }
    return out;
  }

  /** Schedules the message after index `done` (sent last by side `from`), or the teardown. */
  private nextMessage(now: number, from: number, done: number): void {
    this.mi = done + 1;
    this.moff = 0;
    if (this.mi < this.msgs.length) {
      const n = this.msgs[this.mi]!;
      const sender = n.dir === 0 ? this.c : this.s;
      const t = now + n.think + (n.dir === from ? 0 : sender.lat);
      sender.burstLeft = sender.cwnd;
      sender.burstStart = t;
      this.dataAt = t;
      return;
    }
    if (this.close === CLOSE_NONE) {
      this.phase = P_DONE;
      this.dataAt = Infinity;
      return;
    }
    const closer = this.close === CLOSE_SERVER_FIN ? 1 : 0;
    const k = closer === 0 ? this.c : this.s;
    this.phase = P_FIN1;
    this.dataAt = now + this.closeDelay + (closer === from ? 0 : k.lat);
  }

  private closer(): [Peer, Peer] {
    return this.close === CLOSE_SERVER_FIN ? [this.s, this.c] : [this.c, this.s];
  }

  /** A delayed ACK fell due: acknowledge what reached `me`, unless already acknowledged. */
  private pureAck(me: Peer, peer: Peer, b: Uint8Array, pos: number, now: number): number {
    const before = me.lastAck;
    const ack = this.ackFor(me, now);
    if (ack === before) return 0;
    return this.emit(me, peer, b, pos, now, TCP_ACK, me.seq, ack, this.dataOpt, me.win);
  }

  /** The acknowledgment number `me` sends at `now`; consumes what reached it and grows its window. */
  private ackFor(me: Peer, now: number): number {
    const a = me.rq.consume(now - me.lat);
    if (a >= 0 && a !== me.lastAck) {
      me.lastAck = a;
      if (me.win < me.winMax) me.win = Math.min(me.winMax, me.win + Math.max(1, (2 * this.seg) >>> me.leg.wscale));
    }
    return me.lastAck;
  }

  private emit(
    me: Peer, peer: Peer, b: Uint8Array, pos: number, now: number, flags: number, seq: number, ack: number,
    opt: number, win: number, payload: Payload | null = null, off = 0, len = 0,
    patch: Uint8Array | null = null, patchAt = 0,
  ): number {
    const tsval = (me.tsBase + Math.floor(now / MILLIS)) >>> 0;
    let tsecr = 0;
    if (flags !== TCP_SYN) tsecr = peer.tsNewAt + me.lat <= now ? peer.tsNew : peer.tsOld;
    if (tsval !== me.tsNew) {
      me.tsOld = me.tsNew;
      me.tsNew = tsval;
      me.tsNewAt = now;
    }
    return writeTcpFrame(b, pos, me.leg, seq, ack, flags, win, opt, tsval, tsecr, payload, off, len, patch, patchAt);
  }

  private finish(): void {
    this.phase = P_DONE;
    this.dataAt = Infinity;
    this.c.rq.clear();
    this.s.rq.clear();
  }
}
