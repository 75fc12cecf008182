// Shared by the decoder tests: hex literals of real frames, decoding one frame into a Packet, a
// snapshot of every field a decoder fills (addresses as text), the reset check and the truncation sweep.

import * as assert from 'uvu/assert';
import { C_INVALID, C_TRUNCATED } from '../../decoders/counters.js';
import { EVENT_NAMES } from '../../decoders/events.js';
import { decodeFrame } from '../../decoders/frame.js';
import { DecoderConfig, Packet, S_INVALID, S_OK, S_TRUNCATED, S_UNSUPPORTED, type Status } from '../../decoders/packet.js';
import { formatIp } from '../../engine/output/ip-format.js';

export { S_INVALID, S_OK, S_TRUNCATED, S_UNSUPPORTED };

/** Bytes of a hex literal; whitespace is ignored. Throws on a malformed literal (a test bug). */
export function hex(text: string): Uint8Array {
  const t = text.replace(/\s+/g, '');
  if (t.length % 2 !== 0 || /[^0-9a-f]/i.test(t)) throw new Error(`bad hex literal (${t.length} digits)`);
  return Uint8Array.from(Buffer.from(t, 'hex'));
}

/** A copy of `bytes` with single bytes replaced: `edit(b, [offset, value], ...)`. */
export function edit(bytes: Uint8Array, ...edits: Array<[number, number]>): Uint8Array {
  const b = bytes.slice();
  for (const [off, v] of edits) {
    if (off < 0 || off >= b.length) throw new Error(`edit offset ${off} outside ${b.length} bytes`);
    b[off] = v;
  }
  return b;
}

/** A copy of `bytes` with a big-endian 16-bit value written at `off`. */
export function put16(bytes: Uint8Array, off: number, v: number): Uint8Array {
  return edit(bytes, [off, (v >> 8) & 0xff], [off + 1, v & 0xff]);
}

/** Concatenate byte arrays. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Reset `pkt` onto `bytes` (capLen defaults to all of it, origLen to capLen) and decode the frame. */
export function decode(pkt: Packet, bytes: Uint8Array, linkType: number, capLen = bytes.length, origLen = capLen): Status {
  pkt.reset(bytes, 0, capLen, origLen, linkType);
  return decodeFrame(pkt);
}

/** Everything a decoder fills in a Packet, with the address offsets also shown as text. */
export type Fields = Record<string, number | boolean | string | number[]>;

/** Inputs of `Packet.reset()` and per-thread state, not decoder output. */
const NOT_FIELDS = new Set(['bytes', 'frameOffset', 'capLen', 'origLen', 'linkType', 'counters', 'events', 'config', 'vlan']);

/**
 * Snapshot of every own field of the packet (so a field added later is covered without editing this
 * file), VLAN ids as a list and addresses as text (`formatIp`, as tshark prints them).
 */
export function fields(pkt: Packet): Fields {
  const out: Fields = {};
  for (const [k, v] of Object.entries(pkt)) {
    if (NOT_FIELDS.has(k)) continue;
    if (typeof v !== 'number' && typeof v !== 'boolean' && typeof v !== 'string') throw new Error(`Packet.${k} has an unexpected type`);
    out[k] = v;
  }
  const b = pkt.bytes;
  out.vlan = Array.from(pkt.vlan.subarray(0, pkt.vlanCount));
  out.src = pkt.ipVersion ? formatIp(b, pkt.srcAddrOffset, pkt.ipVersion) : '';
  out.dst = pkt.ipVersion ? formatIp(b, pkt.dstAddrOffset, pkt.ipVersion) : '';
  out.outerSrc = pkt.outerIpVersion ? formatIp(b, pkt.outerSrcOffset, pkt.outerIpVersion) : '';
  out.outerDst = pkt.outerIpVersion ? formatIp(b, pkt.outerDstOffset, pkt.outerIpVersion) : '';
  out.quotedSrc = pkt.icmpQuotedIpVersion ? formatIp(b, pkt.icmpQuotedSrcOffset, pkt.icmpQuotedIpVersion) : '';
  out.quotedDst = pkt.icmpQuotedIpVersion ? formatIp(b, pkt.icmpQuotedDstOffset, pkt.icmpQuotedIpVersion) : '';
  return out;
}

/** The snapshot of a freshly reset packet: what every field must be when no decoder set it. */
export function emptyFields(): Fields {
  const p = new Packet();
  p.reset(new Uint8Array(0), 0, 0, 0, 0);
  return fields(p);
}

/**
 * Decode and compare the whole snapshot with `want` (every field not named in `want` must keep its
 * reset value), then decode the same frame again into the same packet and compare again.
 */
export function golden(bytes: Uint8Array, linkType: number, status: Status, want: Fields, config?: DecoderConfig): Packet {
  const pkt = new Packet(config);
  const empty = emptyFields();
  for (const k of Object.keys(want)) if (!(k in empty)) throw new Error(`golden(): Packet has no field ${k}`);
  const expected = { ...empty, ...want };
  for (const round of ['first', 'second']) {
    assert.is(decode(pkt, bytes, linkType), status, `${round} decode: status`);
    assert.equal(fields(pkt), expected, `${round} decode: fields`);
  }
  assert.is(pkt.counters[C_INVALID], status === S_INVALID ? 2 : 0, 'decoder.invalid');
  assert.is(pkt.counters[C_TRUNCATED], 0, 'decoder.truncated');
  return pkt;
}

export interface Frame {
  bytes: Uint8Array;
  linkType: number;
  capLen?: number;
  origLen?: number;
}

/**
 * Every field is reset: decode `a` and `b` alone into fresh packets, then a, b, a, b into one shared
 * packet; each shared decode must give the same status and snapshot as the fresh one.
 */
export function assertResets(a: Frame, b: Frame, config?: DecoderConfig): void {
  const run = (pkt: Packet, f: Frame): [Status, Fields] => {
    const s = decode(pkt, f.bytes, f.linkType, f.capLen ?? f.bytes.length, f.origLen ?? f.capLen ?? f.bytes.length);
    return [s, fields(pkt)];
  };
  const freshA = run(new Packet(config), a);
  const freshB = run(new Packet(config), b);
  assert.not.equal(freshA[1], freshB[1], 'the two frames decode differently');
  const shared = new Packet(config);
  for (const [i, f] of [a, b, a, b].entries()) {
    assert.equal(run(shared, f), i % 2 === 0 ? freshA : freshB, `shared packet, decode #${i + 1}`);
  }
}

/** Sum of every decode event counter. */
export function eventTotal(pkt: Packet): number {
  let n = 0;
  for (const v of pkt.events) n += v;
  return n;
}

/**
 * Negative test: `bytes` (capLen = origLen = its length unless given) raise exactly one decode
 * event, `event`, with `status`; `decoder.invalid` counts the frame when the status is S_INVALID.
 */
export function expectEvent(bytes: Uint8Array, linkType: number, event: number, status: Status = S_INVALID,
  capLen = bytes.length, origLen = capLen, config?: DecoderConfig): Packet {
  const pkt = new Packet(config);
  const name = EVENT_NAMES[event];
  assert.is(decode(pkt, bytes, linkType, capLen, origLen), status, `${name}: status`);
  assert.is(pkt.events[event], 1, `${name}: counted once`);
  assert.is(eventTotal(pkt), 1, `${name}: no other event`);
  assert.is(pkt.lastEvent, event, `${name}: lastEvent`);
  assert.is(pkt.counters[C_INVALID], status === S_INVALID ? 1 : 0, `${name}: decoder.invalid`);
  if (capLen >= origLen) assert.is(pkt.counters[C_TRUNCATED], 0, `${name}: not truncation`);
  return pkt;
}

/**
 * The same bytes cut by the snap length (origLen > capLen): S_TRUNCATED, `decoder.truncated` once,
 * no decode event.
 */
export function expectTruncated(bytes: Uint8Array, linkType: number, origLen: number, config?: DecoderConfig): Packet {
  const pkt = new Packet(config);
  assert.ok(origLen > bytes.length, 'origLen must exceed the captured bytes');
  assert.is(decode(pkt, bytes, linkType, bytes.length, origLen), S_TRUNCATED, 'status');
  assert.is(pkt.counters[C_TRUNCATED], 1, 'decoder.truncated once');
  assert.is(eventTotal(pkt), 0, 'no decode event');
  assert.is(pkt.lastEvent, -1, 'lastEvent');
  assert.is(pkt.counters[C_INVALID], 0, 'decoder.invalid');
  return pkt;
}

/** From this prefix length on (until the next step), decoding gives this status. */
export type Step = [from: number, status: Status];

const STATUS_NAMES = ['S_OK', 'S_TRUNCATED', 'S_INVALID', 'S_UNSUPPORTED'];

function statusAt(steps: Step[], n: number): Status {
  let s = steps[0][1];
  for (const [from, st] of steps) if (n >= from) s = st;
  return s;
}

/**
 * Truncation sweep over every prefix length n = 0..len of a real frame.
 * Snap-length cut (capLen = n, origLen = len): no throw, the status is exactly the one `steps` gives
 * for n (S_TRUNCATED inside a required header; the frame's own status once every header is
 * complete), never a decode event, and `decoder.truncated` counted exactly once when the cut falls
 * before `ipEnd` (the end of the outermost IP packet; a cut in trailing padding is not noticed).
 * Lying frame (capLen = origLen = n): S_INVALID with exactly one event before `ipEnd`, the frame's
 * own status from there on; never S_TRUNCATED.
 */
export function sweep(f: Frame, steps: Step[], ipEnd: number, config?: DecoderConfig): void {
  const b = f.bytes;
  const len = b.length;
  assert.ok(steps[0][0] === 0, 'steps start at 0');
  const full = statusAt(steps, len);
  for (let n = 0; n <= len; n++) {
    const cut = b.slice(0, n); // exactly n bytes: a read past the cut sees undefined, never the rest
    const pkt = new Packet(config);
    const want = n === len ? full : statusAt(steps, n);
    let s: Status;
    try {
      s = decode(pkt, cut, f.linkType, n, len);
    } catch (err) {
      throw new Error(`prefix ${n}/${len}: decodeFrame threw ${String(err)}`);
    }
    assert.is(STATUS_NAMES[s], STATUS_NAMES[want], `prefix ${n}/${len} (snap-length cut): status`);
    assert.is(eventTotal(pkt), 0, `prefix ${n}/${len} (snap-length cut): a cut is not a decode event (${EVENT_NAMES[pkt.lastEvent]})`);
    assert.is(pkt.counters[C_TRUNCATED], n < len && n < ipEnd ? 1 : 0, `prefix ${n}/${len}: decoder.truncated`);

    const liar = new Packet(config);
    try {
      s = decode(liar, cut, f.linkType, n, n);
    } catch (err) {
      throw new Error(`prefix ${n}/${len} with origLen ${n}: decodeFrame threw ${String(err)}`);
    }
    const wantLie = n < ipEnd ? S_INVALID : full;
    assert.is(STATUS_NAMES[s], STATUS_NAMES[wantLie], `prefix ${n}/${len} with origLen = ${n}: status`);
    assert.is(liar.counters[C_TRUNCATED], 0, `prefix ${n}/${len} with origLen = ${n}: never truncation`);
    if (s === S_INVALID) {
      assert.is(eventTotal(liar), 1, `prefix ${n}/${len} with origLen = ${n}: one event`);
      assert.ok(liar.lastEvent >= 0, `prefix ${n}/${len} with origLen = ${n}: lastEvent`);
    }
  }
}
