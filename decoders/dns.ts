// DNS message (RFC 1035 §4.1; name compression §4.1.4, name length §3.1; TCP framing RFC 7766 §8):
// header, first question and the answer records of one message, as numbers and offsets.

import { APP_DONE, APP_INVALID, APP_NEED_MORE, appEventId, type AppStatus } from './app-layer.js';

export const EV_DNS_MALFORMED = appEventId('dns.malformed');
export const EV_DNS_NAME_TOO_LONG = appEventId('dns.name_too_long');
export const EV_DNS_COMPRESSION_LOOP = appEventId('dns.compression_loop');
export const EV_DNS_TOO_MANY_RECORDS = appEventId('dns.too_many_records');

export const DNS_HEADER_LEN = 12;
/** Answers kept per message; more are walked and checked but not kept (`dns.too_many_records`). */
export const DNS_MAX_ANSWERS = 32;
/** Longest name on the wire, length octets and root label included (RFC 1035 §3.1). */
export const DNS_MAX_NAME = 255;
/** Compression pointers followed in one name. */
export const DNS_MAX_POINTERS = 64;
/** Bytes per decoded-name slot in `DnsMessage.names` (a decoded name is at most 253 bytes). */
export const DNS_NAME_SLOT = 256;

export const DNS_TYPE_A = 1;
export const DNS_TYPE_NS = 2;
export const DNS_TYPE_CNAME = 5;
export const DNS_TYPE_PTR = 12;
export const DNS_TYPE_AAAA = 28;

/** Slot (in `DnsMessage.names`) of the question name; answer i has its owner in 1 + 2i, CNAME target in 2 + 2i. */
export const DNS_QNAME_SLOT = 0;

/**
 * One DNS message, preallocated per thread and overwritten by every `parseDns()`.
 *
 * Names are decoded (compression followed) into `names`, a fixed buffer of DNS_NAME_SLOT-byte slots:
 *
 *   names  ┌──────────┬──────────────┬───────────────┬──────────────┬───────────────┬─────
 *          │ qname    │ owner of an0 │ CNAME of an0  │ owner of an1 │ CNAME of an1  │ ...
 *          └──────────┴──────────────┴───────────────┴──────────────┴───────────────┴─────
 *          slot 0     slot 1         slot 2          slot 3         slot 4
 *
 * A decoded name is its labels' original bytes joined by '.', case kept as sent (`wpad.HOME`), no
 * escaping (a '.' inside a label is not distinguishable; render with `dnsNameText()` for records),
 * root = length 0. `names` is owned by the message and valid until the next `parseDns()` into it.
 * Rdata offsets point into `bytes` (the caller's buffer, valid as long as the caller keeps it: for a
 * capture batch, until the next batch on this thread).
 */
export class DnsMessage {
  /** Buffer the offsets point into, and where the message starts in it. */
  bytes: Uint8Array = new Uint8Array(0);
  offset = 0;
  id = 0;
  /** The 16 flag bits as sent; the fields below are decoded from them. */
  flags = 0;
  qr = false;
  opcode = 0;
  aa = false;
  tc = false;
  rd = false;
  ra = false;
  rcode = 0;
  qdCount = 0;
  anCount = 0;
  nsCount = 0;
  arCount = 0;

  /** qdCount > 0: qname, qtype and qclass describe the first question. */
  hasQuestion = false;
  qnameLength = 0;
  /** Offset of the question name on the wire, in `bytes`. */
  qnameOffset = 0;
  qtype = 0;
  /** Class as sent (mDNS sets the unicast-response bit 0x8000). */
  qclass = 0;

  /** Answers kept: min(anCount, DNS_MAX_ANSWERS). */
  answerCount = 0;
  /** anCount was above DNS_MAX_ANSWERS (the message is fine; `event` is dns.too_many_records). */
  answersCapped = false;
  readonly ansType = new Uint16Array(DNS_MAX_ANSWERS);
  readonly ansClass = new Uint16Array(DNS_MAX_ANSWERS);
  /** TTL in seconds as sent (RFC 2181 §8: a value with the top bit set means 0). */
  readonly ansTtl = new Uint32Array(DNS_MAX_ANSWERS);
  /** Offset of the rdata in `bytes` (A: 4 address bytes, AAAA: 16) and its length. */
  readonly ansRdataOffset = new Uint32Array(DNS_MAX_ANSWERS);
  readonly ansRdataLength = new Uint16Array(DNS_MAX_ANSWERS);
  /** Decoded lengths of the owner name (slot 1 + 2i) and, for CNAME, the target (slot 2 + 2i; else 0). */
  readonly ansNameLength = new Uint16Array(DNS_MAX_ANSWERS);
  readonly ansTargetLength = new Uint16Array(DNS_MAX_ANSWERS);

  /** Decoded names, DNS_NAME_SLOT bytes per slot (layout above). */
  readonly names = new Uint8Array(DNS_NAME_SLOT * (1 + 2 * DNS_MAX_ANSWERS));

  /** Offset in `bytes` just past the last record walked (trailing bytes after it are ignored). */
  end = 0;
  /**
   * App-layer event id: why the message is APP_INVALID; on APP_NEED_MORE, dns.malformed (to count
   * when no more bytes can come); on APP_DONE -1, or dns.too_many_records when answers were capped.
   */
  event = -1;

  reset(bytes: Uint8Array, offset: number): void {
    this.bytes = bytes;
    this.offset = offset;
    this.id = 0;
    this.flags = 0;
    this.qr = false;
    this.opcode = 0;
    this.aa = false;
    this.tc = false;
    this.rd = false;
    this.ra = false;
    this.rcode = 0;
    this.qdCount = 0;
    this.anCount = 0;
    this.nsCount = 0;
    this.arCount = 0;
    this.hasQuestion = false;
    this.qnameLength = 0;
    this.qnameOffset = 0;
    this.qtype = 0;
    this.qclass = 0;
    this.answerCount = 0;
    this.answersCapped = false;
    this.end = 0;
    this.event = -1;
  }
}

/** Start of slot `slot` in `DnsMessage.names`. */
export function dnsSlotStart(slot: number): number {
  return slot * DNS_NAME_SLOT;
}

// readName()/skipName() results: a position (≥ 0) or one of these, negated.
const R_SHORT = 1; // ran past the end of the bytes
const R_BAD = 2; // reserved label type, or a name that overruns its rdata
const R_LOOP = 3; // pointer forward, to itself, or too many pointers
const R_LONG = 4; // more than DNS_MAX_NAME bytes on the wire

/** Set by readName(): decoded length of the name just read. */
let nameLength = 0;

/**
 * Decode the name at `p` into `out[o...]`; returns the position after the name where it was
 * read (after its first pointer, or its root label), or -R_*. Every pointer must point strictly
 * before the previous one's target (the first: before the name's start), which ends every loop;
 * DNS_MAX_POINTERS bounds the work.
 */
function readName(b: Uint8Array, start: number, end: number, p: number, out: Uint8Array, o: number): number {
  let limit = p;
  let after = -1;
  let wire = 1;
  let n = 0;
  let hops = 0;
  for (;;) {
    if (p >= end) return -R_SHORT;
    const len = b[p];
    if (len === 0) {
      nameLength = n;
      return after < 0 ? p + 1 : after;
    }
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return -R_SHORT;
      const target = start + (((len & 0x3f) << 8) | b[p + 1]);
      if (after < 0) after = p + 2;
      if (target >= limit || ++hops > DNS_MAX_POINTERS) return -R_LOOP;
      limit = target;
      p = target;
      continue;
    }
    if (kind !== 0) return -R_BAD;
    wire += len + 1;
    if (wire > DNS_MAX_NAME) return -R_LONG;
    if (p + 1 + len > end) return -R_SHORT;
    if (n !== 0) out[o + n++] = 0x2e;
    for (let i = p + 1, e = p + 1 + len; i < e; i++) out[o + n++] = b[i];
    p += 1 + len;
  }
}

/** Walk the name at `p` without decoding it: the position after it, or -R_*. */
function skipName(b: Uint8Array, start: number, end: number, p: number): number {
  const first = p;
  let wire = 1;
  for (;;) {
    if (p >= end) return -R_SHORT;
    const len = b[p];
    if (len === 0) return p + 1;
    const kind = len & 0xc0;
    if (kind === 0xc0) {
      if (p + 1 >= end) return -R_SHORT;
      return start + (((len & 0x3f) << 8) | b[p + 1]) >= first ? -R_LOOP : p + 2;
    }
    if (kind !== 0) return -R_BAD;
    wire += len + 1;
    if (wire > DNS_MAX_NAME) return -R_LONG;
    p += 1 + len;
  }
}

function fail(msg: DnsMessage, r: number): AppStatus {
  switch (r) {
    case R_SHORT: msg.event = EV_DNS_MALFORMED; return APP_NEED_MORE;
    case R_LOOP: msg.event = EV_DNS_COMPRESSION_LOOP; break;
    case R_LONG: msg.event = EV_DNS_NAME_TOO_LONG; break;
    default: msg.event = EV_DNS_MALFORMED;
  }
  return APP_INVALID;
}

function u16(b: Uint8Array, p: number): number {
  return (b[p] << 8) | b[p + 1];
}

/**
 * Parse the DNS message `bytes[offset, offset+length)`: a UDP payload, or one TCP message without
 * its 2-byte length prefix (see `dnsTcpMessageLength()`). Fills `msg` (every field reset first).
 *
 * - APP_DONE: the header, every question and every record (answers kept up to DNS_MAX_ANSWERS,
 *   authority and additional records walked) are well formed.
 * - APP_NEED_MORE: the bytes end before the message does. For a UDP datagram no more bytes come:
 *   if the snap length cut the frame (`pkt.truncated`) it is truncation, else count `msg.event`
 *   (dns.malformed).
 * - APP_INVALID: `msg.event` is dns.malformed (reserved label type, A/AAAA rdata of the wrong size,
 *   CNAME name overrunning its rdata), dns.compression_loop or dns.name_too_long.
 * Never throws, never allocates.
 */
export function parseDns(bytes: Uint8Array, offset: number, length: number, msg: DnsMessage): AppStatus {
  msg.reset(bytes, offset);
  const end = offset + length;
  if (length < DNS_HEADER_LEN) return fail(msg, R_SHORT);
  const flags = u16(bytes, offset + 2);
  msg.id = u16(bytes, offset);
  msg.flags = flags;
  msg.qr = (flags & 0x8000) !== 0;
  msg.opcode = (flags >> 11) & 0x0f;
  msg.aa = (flags & 0x0400) !== 0;
  msg.tc = (flags & 0x0200) !== 0;
  msg.rd = (flags & 0x0100) !== 0;
  msg.ra = (flags & 0x0080) !== 0;
  msg.rcode = flags & 0x0f;
  const qd = u16(bytes, offset + 4);
  const an = u16(bytes, offset + 6);
  const ns = u16(bytes, offset + 8);
  const ar = u16(bytes, offset + 10);
  msg.qdCount = qd;
  msg.anCount = an;
  msg.nsCount = ns;
  msg.arCount = ar;

  const names = msg.names;
  let p = offset + DNS_HEADER_LEN;
  for (let i = 0; i < qd; i++) {
    const q = i === 0 ? readName(bytes, offset, end, p, names, 0) : skipName(bytes, offset, end, p);
    if (q < 0) return fail(msg, -q);
    if (q + 4 > end) return fail(msg, R_SHORT);
    if (i === 0) {
      msg.hasQuestion = true;
      msg.qnameOffset = p;
      msg.qnameLength = nameLength;
      msg.qtype = u16(bytes, q);
      msg.qclass = u16(bytes, q + 2);
    }
    p = q + 4;
  }

  const kept = an < DNS_MAX_ANSWERS ? an : DNS_MAX_ANSWERS;
  for (let i = 0; i < kept; i++) {
    const slot = (1 + 2 * i) * DNS_NAME_SLOT;
    const q = readName(bytes, offset, end, p, names, slot);
    if (q < 0) return fail(msg, -q);
    msg.ansNameLength[i] = nameLength;
    if (q + 10 > end) return fail(msg, R_SHORT);
    const type = u16(bytes, q);
    const rdlen = u16(bytes, q + 8);
    const rd = q + 10;
    const rdEnd = rd + rdlen;
    if (rdEnd > end) return fail(msg, R_SHORT);
    msg.ansType[i] = type;
    msg.ansClass[i] = u16(bytes, q + 2);
    msg.ansTtl[i] = ((bytes[q + 4] << 24) | (bytes[q + 5] << 16) | (bytes[q + 6] << 8) | bytes[q + 7]) >>> 0;
    msg.ansRdataOffset[i] = rd;
    msg.ansRdataLength[i] = rdlen;
    msg.ansTargetLength[i] = 0;
    if (type === DNS_TYPE_A) {
      if (rdlen !== 4) return fail(msg, R_BAD);
    } else if (type === DNS_TYPE_AAAA) {
      if (rdlen !== 16) return fail(msg, R_BAD);
    } else if (type === DNS_TYPE_CNAME) {
      // The rdata length bounds the name: running past it is malformed, not short.
      const t = readName(bytes, offset, rdEnd, rd, names, slot + DNS_NAME_SLOT);
      if (t < 0) return fail(msg, t === -R_SHORT ? R_BAD : -t);
      if (t !== rdEnd) return fail(msg, R_BAD);
      msg.ansTargetLength[i] = nameLength;
    }
    msg.answerCount = i + 1;
    p = rdEnd;
  }

  // Answers past the cap, then authority and additional records: walked, not kept. Every record
  // takes at least 11 bytes, so the length bounds the loop whatever the counts say.
  for (let i = kept, n = an + ns + ar; i < n; i++) {
    const q = skipName(bytes, offset, end, p);
    if (q < 0) return fail(msg, -q);
    if (q + 10 > end) return fail(msg, R_SHORT);
    p = q + 10 + u16(bytes, q + 8);
    if (p > end) return fail(msg, R_SHORT);
  }
  msg.end = p;
  if (an > DNS_MAX_ANSWERS) {
    msg.answersCapped = true;
    msg.event = EV_DNS_TOO_MANY_RECORDS;
  }
  return APP_DONE;
}

/**
 * DNS over TCP (RFC 7766 §8): every message is preceded by its 2-byte length. Given a stream's
 * bytes from a message boundary, the framed length (2 + message length) when that many bytes are
 * present, else -1. The message is `bytes[offset + 2, offset + framed)`.
 */
export function dnsTcpMessageLength(bytes: Uint8Array, offset: number, length: number): number {
  if (length < 2) return -1;
  const framed = 2 + u16(bytes, offset);
  return framed <= length ? framed : -1;
}
