// JA4 and JA4S TLS fingerprints (FoxIO, github.com/FoxIO-LLC/ja4, technical_details/JA4.md and
// JA4S.md): `t13d1516h2_8daaf6152771_e5627efa2ab1`, GREASE (RFC 8701) ignored everywhere.

import { createHash } from 'node:crypto';
import { EXT_ALPN, EXT_SERVER_NAME, isGrease, type ClientHello } from './tls-client-hello.js';
import type { ServerHello } from './tls-server-hello.js';

/** 't' TLS over TCP, 'q' QUIC, 'd' DTLS. */
export type Ja4Transport = 't' | 'q' | 'd';

const EMPTY_HASH = '000000000000';

/** Two-character version code; unknown (TLS 1.3 drafts, garbage) is "00". */
export function ja4Version(v: number): string {
  switch (v) {
    case 0x0304: return '13';
    case 0x0303: return '12';
    case 0x0302: return '11';
    case 0x0301: return '10';
    case 0x0300: return 's3';
    case 0x0200: case 0x0002: return 's2';
    case 0x0100: return 's1';
    case 0xfeff: return 'd1';
    case 0xfefd: return 'd2';
    case 0xfefc: return 'd3';
    default: return '00';
  }
}

function isAlnum(b: number): boolean {
  return (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a);
}

const HEX = '0123456789abcdef';

/**
 * First and last character of an ALPN value: "00" when absent or empty; a one-byte value is both
 * first and last; when the first or last byte is not ASCII alphanumeric, the first and last hex
 * digit of the value instead (0x30 0xAB → "3b").
 */
export function ja4Alpn(bytes: Uint8Array, offset: number, length: number): string {
  if (length <= 0) return '00';
  const f = bytes[offset];
  const l = bytes[offset + length - 1];
  if (isAlnum(f) && isAlnum(l)) return String.fromCharCode(f, l);
  return HEX[f >> 4] + HEX[l & 15];
}

function hex4(v: number): string {
  return HEX[(v >> 12) & 15] + HEX[(v >> 8) & 15] + HEX[(v >> 4) & 15] + HEX[v & 15];
}

function hash12(s: string): string {
  return createHash('sha256').update(s).digest('hex').slice(0, 12);
}

/** Non-GREASE values of a list, optionally without some, optionally sorted. */
function values(list: Uint16Array, n: number, sort: boolean, skipSniAlpn: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (isGrease(v)) continue;
    if (skipSniAlpn && (v === EXT_SERVER_NAME || v === EXT_ALPN)) continue;
    out.push(v);
  }
  if (sort) out.sort((a, b) => a - b);
  return out;
}

function hexList(v: number[]): string {
  let s = '';
  for (let i = 0; i < v.length; i++) s += i === 0 ? hex4(v[i]) : ',' + hex4(v[i]);
  return s;
}

function countNonGrease(list: Uint16Array, n: number): number {
  let c = 0;
  for (let i = 0; i < n; i++) if (!isGrease(list[i])) c++;
  return c;
}

function twoDigits(n: number): string {
  if (n > 99) n = 99;
  return n < 10 ? '0' + String(n) : String(n);
}

/**
 * The client's version: the highest non-GREASE supported_versions value when the extension is there
 * (-1 when it holds only GREASE: JA4 prints "00"), else legacy_version.
 */
export function ja4ClientVersion(ch: ClientHello): number {
  if (!ch.supportedVersionsPresent) return ch.legacyVersion;
  let best = -1;
  for (let i = 0; i < ch.supportedVersionCount; i++) {
    const v = ch.supportedVersions[i];
    if (!isGrease(v) && v > best) best = v;
  }
  return best;
}

/** JA4_a: `t13d1516h2`. */
export function ja4a(ch: ClientHello, transport: Ja4Transport): string {
  const alpn = ch.alpnCount > 0 ? ja4Alpn(ch.bytes, ch.alpnOffsets[0], ch.alpnLengths[0]) : '00';
  return transport + ja4Version(ja4ClientVersion(ch)) + (ch.sniPresent ? 'd' : 'i') +
    twoDigits(countNonGrease(ch.cipherSuites, ch.cipherCount)) + twoDigits(countNonGrease(ch.extTypes, ch.extCount)) + alpn;
}

interface Parts { a: string; ciphers: string; exts: string }

function parts(ch: ClientHello, transport: Ja4Transport, original: boolean): Parts {
  const ciphers = hexList(values(ch.cipherSuites, ch.cipherCount, !original, false));
  // Sorted: without SNI and ALPN (already in JA4_a). Original order (JA4_o): all of them.
  let exts = hexList(values(ch.extTypes, ch.extCount, !original, !original));
  const sigs = hexList(values(ch.signatureAlgorithms, ch.sigAlgCount, false, false));
  if (exts.length > 0 && sigs.length > 0) exts += '_' + sigs;
  return { a: ja4a(ch, transport), ciphers, exts };
}

function hashed(p: Parts): string {
  return `${p.a}_${p.ciphers.length === 0 ? EMPTY_HASH : hash12(p.ciphers)}_${p.exts.length === 0 ? EMPTY_HASH : hash12(p.exts)}`;
}

/**
 * JA4 of a parsed ClientHello: `a_b_c`, b = 12 hex of SHA-256 of the sorted cipher list, c = of
 * the sorted extensions (SNI and ALPN left out) `_` the signature algorithms in wire order; an
 * empty list is `000000000000`. Builds strings: call when a record is emitted.
 */
export function ja4(ch: ClientHello, transport: Ja4Transport): string {
  return hashed(parts(ch, transport, false));
}

/** JA4_r: JA4 with the lists in clear instead of hashed. */
export function ja4Raw(ch: ClientHello, transport: Ja4Transport): string {
  const p = parts(ch, transport, false);
  return `${p.a}_${p.ciphers}_${p.exts}`;
}

/** JA4_o: JA4 over the lists in wire order, SNI and ALPN included. */
export function ja4Original(ch: ClientHello, transport: Ja4Transport): string {
  return hashed(parts(ch, transport, true));
}

/** JA4_ro: JA4_o with the lists in clear. */
export function ja4RawOriginal(ch: ClientHello, transport: Ja4Transport): string {
  const p = parts(ch, transport, true);
  return `${p.a}_${p.ciphers}_${p.exts}`;
}

function ja4sParts(sh: ServerHello, transport: 't' | 'q'): [string, string] {
  const alpn = sh.alpnPresent ? ja4Alpn(sh.bytes, sh.alpnOffset, sh.alpnLength) : '00';
  const head = transport + ja4Version(sh.version) + twoDigits(sh.extCount) + alpn + '_' + hex4(sh.cipherSuite);
  let exts = '';
  for (let i = 0; i < sh.extCount; i++) exts += i === 0 ? hex4(sh.extTypes[i]) : ',' + hex4(sh.extTypes[i]);
  return [head, exts];
}

/** JA4S of a parsed ServerHello: version, extension count, ALPN, cipher, hash of the extensions in wire order. */
export function ja4s(sh: ServerHello, transport: 't' | 'q'): string {
  const [head, exts] = ja4sParts(sh, transport);
  return `${head}_${hash12(exts)}`;
}

/** JA4S_r: JA4S with the extension list in clear. */
export function ja4sRaw(sh: ServerHello, transport: 't' | 'q'): string {
  const [head, exts] = ja4sParts(sh, transport);
  return `${head}_${exts}`;
}
