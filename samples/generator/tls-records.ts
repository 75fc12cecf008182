// TLS records after the ClientHello (RFC 8446 sections 4.1.3 and 5, RFC 5246 section 7.4.1.3):
// ServerHello flights (TLS 1.3 full handshake, TLS 1.2 abbreviated handshake), the client's finishing
// flight, and encrypted application data, whose bodies are random bytes copied from a pool.

import { ByteWriter } from './bytes.js';
import type { Rng } from './prng.js';
import { CLIENT_OPENSSL, GROUP_X25519, GROUP_X25519MLKEM768, noiseBytes } from './tls-client-hello.js';
import type { ClientHello, Noise } from './tls-client-hello.js';

const CT_CCS = 20;
const CT_ALERT = 21;
const CT_HANDSHAKE = 22;
const CT_APPDATA = 23;
/** ML-KEM-768 ciphertext (1088) followed by the X25519 share (32). */
const MLKEM_SERVER_SHARE = 1120;
/** Largest TLS 1.3 ciphertext: 2^14 plaintext + content type + 16-byte AEAD tag. */
export const MAX_RECORD_BODY = 16401;
const CCS_BODY = Uint8Array.of(1);

function record(w: ByteWriter, type: number, body: Uint8Array | number, noise?: Noise, rng?: Rng): void {
  w.u8(type).u16(0x0303);
  if (typeof body === 'number') {
    w.u16(body).bytes(noiseBytes(rng!, noise!, body));
  } else {
    w.u16(body.length).bytes(body);
  }
}

/**
 * A run of records whose last record's body is random: `head` (all header and handshake bytes) is
 * followed by `len - head.length` random bytes, which the sender copies from the noise pool. When
 * head.length === len the run is fully built.
 */
export interface RecordRun {
  head: Uint8Array;
  len: number;
}

/**
 * The server's first flight: ServerHello, then for TLS 1.3 a compatibility ChangeCipherSpec and the
 * encrypted EncryptedExtensions..Finished (one record of `encryptedLen` bytes); for TLS 1.2 session
 * resumption, ChangeCipherSpec and the encrypted Finished (GCM: nonce 8 + Finished 16 + tag 16).
 */
export function serverFlight(rng: Rng, noise: Noise, ch: ClientHello, serverPq: boolean, encryptedLen: number): RecordRun {
  const w = new ByteWriter(1400);
  w.u8(CT_HANDSHAKE).u16(0x0303);
  const rec = w.begin(2);
  w.u8(2);
  const hs = w.begin(3);
  w.u16(0x0303).bytes(noiseBytes(rng, noise, 32)).u8(ch.sessionId.length).bytes(ch.sessionId);
  if (ch.tls13) {
    w.u16(ch.profile === CLIENT_OPENSSL ? 0x1302 : 0x1301).u8(0);
    const pq = serverPq && ch.offersPq;
    const share = pq ? MLKEM_SERVER_SHARE : 32;
    const exts = w.begin(2);
    w.u16(51).u16(4 + share).u16(pq ? GROUP_X25519MLKEM768 : GROUP_X25519).u16(share).bytes(noiseBytes(rng, noise, share));
    w.u16(43).u16(2).u16(0x0304);
    w.end(exts);
  } else {
    w.u16(0xc02f).u8(0);
    const exts = w.begin(2);
    w.u16(0xff01).u16(1).u8(0);
    w.u16(23).u16(0);
    if (ch.alpn.length > 0) {
      const p = ch.alpn[ch.alpn.length - 1]!;
      w.u16(16).u16(3 + p.length).u16(1 + p.length).u8(p.length).ascii(p);
    }
    w.end(exts);
  }
  w.end(hs);
  w.end(rec);
  record(w, CT_CCS, CCS_BODY);
  const body = ch.tls13 ? Math.min(encryptedLen, MAX_RECORD_BODY) : 40;
  w.u8(ch.tls13 ? CT_APPDATA : CT_HANDSHAKE).u16(0x0303).u16(body);
  const head = w.finish();
  return { head, len: head.length + body };
}

/** The client's reply to the server flight: ChangeCipherSpec, encrypted Finished, then its first request. */
export function clientFinish(rng: Rng, noise: Noise, ch: ClientHello, requestLen: number): RecordRun {
  const body = requestLen + (ch.tls13 ? 17 : 24);
  const w = new ByteWriter(body > MAX_RECORD_BODY ? body + 200 : 80);
  record(w, CT_CCS, CCS_BODY);
  if (ch.tls13) record(w, CT_APPDATA, 53, noise, rng);
  else record(w, CT_HANDSHAKE, 40, noise, rng);
  if (body > MAX_RECORD_BODY) {
    appendAppData(w, rng, noise, requestLen, ch.tls13);
    const all = w.finish();
    return { head: all, len: all.length };
  }
  w.u8(CT_APPDATA).u16(0x0303).u16(body);
  const head = w.finish();
  return { head, len: head.length + body };
}

/** `len` bytes of application data: one record, or a built run of records past the size limit. */
export function appData(rng: Rng, noise: Noise, len: number, tls13 = true): RecordRun {
  const body = len + (tls13 ? 17 : 24);
  if (body <= MAX_RECORD_BODY) return { head: Uint8Array.of(CT_APPDATA, 3, 3, body >>> 8, body & 0xff), len: 5 + body };
  const w = new ByteWriter(len + 32 * (1 + Math.floor(len / 16384)));
  appendAppData(w, rng, noise, len, tls13);
  const all = w.finish();
  return { head: all, len: all.length };
}

function appendAppData(w: ByteWriter, rng: Rng, noise: Noise, len: number, tls13: boolean): void {
  // Each record adds 17 (TLS 1.3: type byte + tag) or 24 (TLS 1.2 GCM: nonce + tag) bytes.
  const overhead = tls13 ? 17 : 24;
  let left = len;
  while (left > 0) {
    const n = Math.min(left, 16384);
    record(w, CT_APPDATA, n + overhead, noise, rng);
    left -= n;
  }
}

/** close_notify: encrypted (an application-data record) in TLS 1.3, an encrypted alert in TLS 1.2. */
export function closeNotify(tls13: boolean): RecordRun {
  return tls13 ? { head: Uint8Array.of(CT_APPDATA, 3, 3, 0, 19), len: 24 } : { head: Uint8Array.of(CT_ALERT, 3, 3, 0, 26), len: 31 };
}

/**
 * A block of whole TLS 1.3 application-data records of maximum size, for bulk transfers: reading it
 * from offset 0 (wrapping) always yields a valid record stream.
 */
export function recordStream(rng: Rng, records: number): Uint8Array {
  const size = 5 + MAX_RECORD_BODY;
  const out = new Uint8Array(size * records);
  for (let r = 0; r < records; r++) {
    const o = r * size;
    out[o] = CT_APPDATA;
    out[o + 1] = 3;
    out[o + 2] = 3;
    out[o + 3] = MAX_RECORD_BODY >>> 8;
    out[o + 4] = MAX_RECORD_BODY & 0xff;
    rng.fill(out, o + 5, MAX_RECORD_BODY);
  }
  return out;
}

export const STREAM_RECORD_BYTES = 5 + MAX_RECORD_BODY;
