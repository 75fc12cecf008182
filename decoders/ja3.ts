// JA3 / JA3S TLS fingerprints (Salesforce, github.com/salesforce/ja3): decimal values, dash-joined
// lists, comma-joined fields, GREASE (RFC 8701) removed, MD5 in hex.

import { createHash } from 'node:crypto';
import { isGrease, type ClientHello } from './tls-client-hello.js';
import type { ServerHello } from './tls-server-hello.js';

function join(list: Uint16Array | Uint8Array, n: number, dropGrease: boolean): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const v = list[i];
    if (dropGrease && isGrease(v)) continue;
    s += s.length === 0 ? String(v) : '-' + String(v);
  }
  return s;
}

/**
 * `SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats` of a parsed ClientHello,
 * e.g. `771,4865-4866-49195,0-23-65281-10-11,29-23-24,0`. Builds strings: call when a record is
 * emitted, not per packet.
 */
export function ja3String(ch: ClientHello): string {
  return `${ch.legacyVersion},${join(ch.cipherSuites, ch.cipherCount, true)},${join(ch.extTypes, ch.extCount, true)},` +
    `${join(ch.supportedGroups, ch.groupCount, true)},${join(ch.ecPointFormats, ch.pointFormatCount, false)}`;
}

/** MD5 of `ja3String(ch)`, 32 lower-case hex digits. */
export function ja3Hash(ch: ClientHello): string {
  return createHash('md5').update(ja3String(ch)).digest('hex');
}

/** JA3S: `SSLVersion,Cipher,Extensions` of a ServerHello (legacy_version, as the reference does). */
export function ja3sString(sh: ServerHello): string {
  return `${sh.legacyVersion},${sh.cipherSuite},${join(sh.extTypes, sh.extCount, true)}`;
}

/** MD5 of `ja3sString(sh)`. */
export function ja3sHash(sh: ServerHello): string {
  return createHash('md5').update(ja3sString(sh)).digest('hex');
}
