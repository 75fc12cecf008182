// TLS ClientHello records (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2) in the shapes real
// clients send: Chrome (GREASE RFC 8701, X25519MLKEM768 0x11ec, ECH GREASE, shuffled extensions),
// Go 1.24 crypto/tls (X25519MLKEM768, no GREASE), OpenSSL 3.0 (padding to 512, RFC 7685) and a
// TLS 1.2-only client resuming a session. Random fields are copied from the shared noise block.

import { ByteWriter } from './bytes.js';
import type { Rng } from './prng.js';

export const CLIENT_CHROME = 0;
export const CLIENT_GO = 1;
export const CLIENT_OPENSSL = 2;
export const CLIENT_LEGACY12 = 3;

export const GROUP_X25519 = 0x001d;
export const GROUP_X25519MLKEM768 = 0x11ec;
/** ML-KEM-768 encapsulation key (1184) followed by the X25519 share (32). */
export const MLKEM_CLIENT_SHARE = 1216;

/** A long block of random bytes; random protocol fields are slices of it. */
export interface Noise {
  bytes: Uint8Array;
}

/** `n` random-looking bytes: a view into the noise block at a random offset (not a copy). */
export function noiseBytes(rng: Rng, noise: Noise, n: number): Uint8Array {
  const off = rng.int(noise.bytes.length - n);
  return noise.bytes.subarray(off, off + n);
}

export interface ClientHello {
  /** The complete TLS record. */
  bytes: Uint8Array;
  sessionId: Uint8Array;
  tls13: boolean;
  offersPq: boolean;
  alpn: string[];
  profile: number;
}

/** An extension: fixed body bytes, or a function writing the body. */
interface Ext {
  type: number;
  body?: Uint8Array;
  write?: (w: ByteWriter) => void;
}

const GREASE = Array.from({ length: 16 }, (_, i) => ((i << 4) | 0x0a) * 0x101);

const SUITES_CHROME = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
  0x009c, 0x009d, 0x002f, 0x0035];
const SUITES_GO = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc009, 0xc013, 0xc00a,
  0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const SUITES_OPENSSL = [0x1302, 0x1303, 0x1301, 0xc02c, 0xc030, 0x009f, 0xcca9, 0xcca8, 0xccaa, 0xc02b, 0xc02f,
  0x009e, 0xc024, 0xc028, 0x006b, 0xc023, 0xc027, 0x0067, 0xc00a, 0xc014, 0x0039, 0xc009, 0xc013, 0x0033, 0x009d,
  0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff];
const SUITES_LEGACY = [0xc02c, 0xc02b, 0xc030, 0xc02f, 0x009f, 0x009e, 0xc024, 0xc023, 0xc028, 0xc027, 0xc00a,
  0xc009, 0xc014, 0xc013, 0x009d, 0x009c, 0x003d, 0x003c, 0x0035, 0x002f, 0x00ff];

function u16List(values: number[], lenBytes: 1 | 2 = 2): Uint8Array {
  const w = new ByteWriter(values.length * 2 + 2);
  const m = w.begin(lenBytes);
  for (const v of values) w.u16(v);
  w.end(m);
  return w.finish();
}

const EMPTY = new Uint8Array(0);
const STATUS_REQUEST = Uint8Array.of(1, 0, 0, 0, 0);
/** renegotiation_info for an initial handshake; also the body of Chrome's trailing GREASE extension. */
const ONE_ZERO = Uint8Array.of(0);
const PSK_DHE_KE = Uint8Array.of(1, 1);
const POINT_FORMATS = Uint8Array.of(1, 0);
const SIGALGS_CHROME = u16List([0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]);
const SIGALGS_GO = u16List([0x0804, 0x0403, 0x0807, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0503, 0x0603, 0x0201,
  0x0203]);
const SIGALGS_OPENSSL = u16List([0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081a, 0x081b, 0x081c, 0x0809, 0x080a,
  0x080b, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602]);
const SIGALGS_LEGACY = u16List([0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301, 0x0203, 0x0201]);
const GROUPS_GO = u16List([GROUP_X25519MLKEM768, GROUP_X25519, 0x0017, 0x0018, 0x0019]);
const GROUPS_OPENSSL = u16List([GROUP_X25519, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]);
const GROUPS_LEGACY = u16List([0x0017, 0x0018, 0x0019]);
const VERSIONS_13 = Uint8Array.of(4, 0x03, 0x04, 0x03, 0x03);
const ALPS_H2 = Uint8Array.of(0, 3, 2, 0x68, 0x32);
const BROTLI = Uint8Array.of(2, 0, 2);

function sniExt(name: string): Ext {
  return {
    type: 0,
    write: (w) => {
      const list = w.begin(2);
      w.u8(0);
      const n = w.begin(2);
      w.ascii(name);
      w.end(n);
      w.end(list);
    },
  };
}

function alpnExt(protocols: string[]): Ext {
  return {
    type: 16,
    write: (w) => {
      const m = w.begin(2);
      for (const p of protocols) w.u8(p.length).ascii(p);
      w.end(m);
    },
  };
}

function keyShareExt(rng: Rng, noise: Noise, shares: [number, number][]): Ext {
  return {
    type: 51,
    write: (w) => {
      const m = w.begin(2);
      for (const [group, len] of shares) w.u16(group).u16(len).bytes(noiseBytes(rng, noise, len));
      w.end(m);
    },
  };
}

export function clientHello(rng: Rng, noise: Noise, profile: number, sni: string | null, alpn: string[]): ClientHello {
  const sessionId = noiseBytes(rng, noise, 32);
  const tls13 = profile !== CLIENT_LEGACY12;
  const offersPq = profile === CLIENT_CHROME || profile === CLIENT_GO;
  const g1 = GREASE[rng.int(16)]!;
  let suites: number[];
  let exts: Ext[];
  switch (profile) {
    case CLIENT_CHROME:
      suites = SUITES_CHROME;
      exts = chromeExtensions(rng, noise, g1, sni, alpn);
      break;
    case CLIENT_GO:
      suites = SUITES_GO;
      exts = goExtensions(rng, noise, sni, alpn);
      break;
    case CLIENT_OPENSSL:
      suites = SUITES_OPENSSL;
      exts = opensslExtensions(rng, noise, sni, alpn);
      break;
    default:
      suites = SUITES_LEGACY;
      exts = legacyExtensions(sni, alpn);
  }
  const w = new ByteWriter(profile === CLIENT_CHROME ? 2048 : profile === CLIENT_GO ? 1600 : 600);
  w.u8(0x16).u16(profile === CLIENT_LEGACY12 ? 0x0303 : 0x0301);
  const rec = w.begin(2);
  const hsStart = w.len;
  w.u8(1);
  const hs = w.begin(3);
  w.u16(0x0303).bytes(noiseBytes(rng, noise, 32)).u8(32).bytes(sessionId);
  const cs = w.begin(2);
  if (profile === CLIENT_CHROME) w.u16(GREASE[rng.int(16)]!);
  for (const s of suites) w.u16(s);
  w.end(cs);
  w.u8(1).u8(0);
  const all = w.begin(2);
  for (const e of exts) {
    w.u16(e.type);
    const m = w.begin(2);
    if (e.body !== undefined) w.bytes(e.body);
    else e.write!(w);
    w.end(m);
  }
  const hsLen = w.len - hsStart;
  if (profile === CLIENT_OPENSSL && hsLen >= 256 && hsLen < 512) {
    const pad = Math.max(1, 512 - hsLen - 4);
    w.u16(21).u16(pad).zeros(pad);
  }
  w.end(all);
  w.end(hs);
  w.end(rec);
  return { bytes: w.finish(), sessionId, tls13, offersPq, alpn, profile };
}

function chromeExtensions(rng: Rng, noise: Noise, g1: number, sni: string | null, alpn: string[]): Ext[] {
  const middle: Ext[] = [
    { type: 23, body: EMPTY },
    { type: 0xff01, body: ONE_ZERO },
    { type: 10, write: (w) => w.u16(10).u16(g1).u16(GROUP_X25519MLKEM768).u16(GROUP_X25519).u16(0x0017).u16(0x0018) },
    { type: 11, body: POINT_FORMATS },
    { type: 35, body: EMPTY },
    { type: 5, body: STATUS_REQUEST },
    { type: 13, body: SIGALGS_CHROME },
    { type: 18, body: EMPTY },
    keyShareExt(rng, noise, [[g1, 1], [GROUP_X25519MLKEM768, MLKEM_CLIENT_SHARE], [GROUP_X25519, 32]]),
    { type: 45, body: PSK_DHE_KE },
    { type: 43, write: (w) => w.u8(6).u16(GREASE[rng.int(16)]!).u16(0x0304).u16(0x0303) },
    { type: 27, body: BROTLI },
    { type: 0x4469, body: ALPS_H2 },
    { type: 0xfe0d, write: (w) => echGrease(rng, noise, w) },
  ];
  if (sni !== null) middle.push(sniExt(sni));
  if (alpn.length > 0) middle.push(alpnExt(alpn));
  rng.shuffle(middle);
  const first = rng.int(16);
  const last = (first + 1 + rng.int(15)) % 16; // two extensions of one type would be illegal
  return [{ type: GREASE[first]!, body: EMPTY }, ...middle, { type: GREASE[last]!, body: ONE_ZERO }];
}

/** GREASE ECH (draft-ietf-tls-esni section 6.2): an outer extension with random enc and payload. */
function echGrease(rng: Rng, noise: Noise, w: ByteWriter): void {
  w.u8(0).u16(0x0001).u16(0x0001).u8(rng.int(256));
  w.u16(32).bytes(noiseBytes(rng, noise, 32));
  const len = rng.pick([144, 176, 208, 240]);
  w.u16(len).bytes(noiseBytes(rng, noise, len));
}

function goExtensions(rng: Rng, noise: Noise, sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push(sniExt(sni));
  exts.push(
    { type: 5, body: STATUS_REQUEST },
    { type: 10, body: GROUPS_GO },
    { type: 11, body: POINT_FORMATS },
    { type: 13, body: SIGALGS_GO },
    { type: 0xff01, body: ONE_ZERO },
  );
  if (alpn.length > 0) exts.push(alpnExt(alpn));
  exts.push(
    { type: 18, body: EMPTY },
    { type: 43, body: VERSIONS_13 },
    keyShareExt(rng, noise, [[GROUP_X25519MLKEM768, MLKEM_CLIENT_SHARE], [GROUP_X25519, 32]]),
    { type: 23, body: EMPTY },
    { type: 35, body: EMPTY },
    { type: 45, body: PSK_DHE_KE },
  );
  return exts;
}

function opensslExtensions(rng: Rng, noise: Noise, sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push(sniExt(sni));
  exts.push(
    { type: 11, body: Uint8Array.of(3, 0, 1, 2) },
    { type: 10, body: GROUPS_OPENSSL },
    { type: 35, body: EMPTY },
  );
  if (alpn.length > 0) exts.push(alpnExt(alpn));
  exts.push(
    { type: 22, body: EMPTY },
    { type: 23, body: EMPTY },
    { type: 13, body: SIGALGS_OPENSSL },
    { type: 43, body: VERSIONS_13 },
    { type: 45, body: PSK_DHE_KE },
    keyShareExt(rng, noise, [[GROUP_X25519, 32]]),
  );
  return exts;
}

function legacyExtensions(sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push(sniExt(sni));
  exts.push(
    { type: 5, body: STATUS_REQUEST },
    { type: 10, body: GROUPS_LEGACY },
    { type: 11, body: POINT_FORMATS },
    { type: 13, body: SIGALGS_LEGACY },
    { type: 23, body: EMPTY },
    { type: 0xff01, body: ONE_ZERO },
  );
  if (alpn.length > 0) exts.push(alpnExt(alpn));
  return exts;
}
