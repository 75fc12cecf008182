// TLS ClientHello records (RFC 8446 section 4.1.2, RFC 5246 section 7.4.1.2) in the shapes real
// clients send: Chrome (GREASE RFC 8701, X25519MLKEM768 0x11ec, ECH GREASE, shuffled extensions),
// Go 1.24 crypto/tls (X25519MLKEM768, no GREASE), OpenSSL 3.0 (padding to 512, RFC 7685) and a
// TLS 1.2-only client resuming a session.

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

export interface ClientHello {
  /** The complete TLS record(s). */
  bytes: Uint8Array;
  sessionId: Uint8Array;
  tls13: boolean;
  offersPq: boolean;
  alpn: string[];
  profile: number;
}

interface Ext {
  type: number;
  body: Uint8Array;
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
const SIGALGS_CHROME = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];
const SIGALGS_GO = [0x0804, 0x0403, 0x0807, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0503, 0x0603, 0x0201, 0x0203];
const SIGALGS_OPENSSL = [0x0403, 0x0503, 0x0603, 0x0807, 0x0808, 0x081a, 0x081b, 0x081c, 0x0809, 0x080a, 0x080b,
  0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0303, 0x0301, 0x0302, 0x0402, 0x0502, 0x0602];

export function clientHello(rng: Rng, profile: number, sni: string | null, alpn: string[]): ClientHello {
  const sessionId = rng.bytes(32);
  const grease = rng.shuffle(GREASE.slice());
  const tls13 = profile !== CLIENT_LEGACY12;
  const offersPq = profile === CLIENT_CHROME || profile === CLIENT_GO;
  let suites: number[];
  let exts: Ext[];
  switch (profile) {
    case CLIENT_CHROME:
      suites = [grease[0]!, ...SUITES_CHROME];
      exts = chromeExtensions(rng, grease, sni, alpn);
      break;
    case CLIENT_GO:
      suites = SUITES_GO;
      exts = goExtensions(rng, sni, alpn);
      break;
    case CLIENT_OPENSSL:
      suites = SUITES_OPENSSL;
      exts = opensslExtensions(rng, sni, alpn);
      break;
    default:
      suites = SUITES_LEGACY;
      exts = legacyExtensions(sni, alpn);
  }
  let body = helloBody(rng.bytes(32), sessionId, suites, exts);
  if (profile === CLIENT_OPENSSL && body.length + 4 >= 256 && body.length + 4 < 512) {
    const pad = Math.max(1, 512 - (body.length + 4) - 4);
    exts.push({ type: 21, body: new Uint8Array(pad) });
    body = helloBody(body.subarray(2, 34), sessionId, suites, exts);
  }
  const w = new ByteWriter();
  w.u8(0x16).u16(profile === CLIENT_LEGACY12 ? 0x0303 : 0x0301);
  const rec = w.begin(2);
  w.u8(1).u24(body.length).bytes(body);
  w.end(rec);
  return { bytes: w.finish(), sessionId, tls13, offersPq, alpn, profile };
}

function helloBody(random: Uint8Array, sessionId: Uint8Array, suites: number[], exts: Ext[]): Uint8Array {
  const w = new ByteWriter();
  w.u16(0x0303).bytes(random).u8(sessionId.length).bytes(sessionId);
  w.u16(suites.length * 2);
  for (const s of suites) w.u16(s);
  w.u8(1).u8(0);
  const all = w.begin(2);
  for (const e of exts) w.u16(e.type).u16(e.body.length).bytes(e.body);
  w.end(all);
  return w.finish();
}

function build(fill: (w: ByteWriter) => void): Uint8Array {
  const w = new ByteWriter();
  fill(w);
  return w.finish();
}

function u16List(values: number[], lenBytes: 1 | 2 = 2): Uint8Array {
  return build((w) => {
    const m = w.begin(lenBytes);
    for (const v of values) w.u16(v);
    w.end(m);
  });
}

function serverName(name: string): Uint8Array {
  return build((w) => {
    const list = w.begin(2);
    w.u8(0);
    const n = w.begin(2);
    w.ascii(name);
    w.end(n);
    w.end(list);
  });
}

function alpnList(protocols: string[]): Uint8Array {
  return build((w) => {
    const m = w.begin(2);
    for (const p of protocols) w.u8(p.length).ascii(p);
    w.end(m);
  });
}

function keyShares(rng: Rng, shares: [number, number][]): Uint8Array {
  return build((w) => {
    const m = w.begin(2);
    for (const [group, len] of shares) w.u16(group).u16(len).bytes(rng.bytes(len));
    w.end(m);
  });
}

const EMPTY = new Uint8Array(0);
const STATUS_REQUEST = Uint8Array.of(1, 0, 0, 0, 0);
const RENEGOTIATION_INFO = Uint8Array.of(0);
const PSK_DHE_KE = Uint8Array.of(1, 1);

function chromeExtensions(rng: Rng, grease: number[], sni: string | null, alpn: string[]): Ext[] {
  const middle: Ext[] = [
    { type: 23, body: EMPTY },
    { type: 0xff01, body: RENEGOTIATION_INFO },
    { type: 10, body: u16List([grease[1]!, GROUP_X25519MLKEM768, GROUP_X25519, 0x0017, 0x0018]) },
    { type: 11, body: Uint8Array.of(1, 0) },
    { type: 35, body: EMPTY },
    { type: 5, body: STATUS_REQUEST },
    { type: 13, body: u16List(SIGALGS_CHROME) },
    { type: 18, body: EMPTY },
    { type: 51, body: keyShares(rng, [[grease[1]!, 1], [GROUP_X25519MLKEM768, MLKEM_CLIENT_SHARE], [GROUP_X25519, 32]]) },
    { type: 45, body: PSK_DHE_KE },
    { type: 43, body: build((w) => w.u8(6).u16(grease[2]!).u16(0x0304).u16(0x0303)) },
    { type: 27, body: Uint8Array.of(2, 0, 2) },
    { type: 0x4469, body: alpnList(['h2']) },
    { type: 0xfe0d, body: echGrease(rng) },
  ];
  if (sni !== null) middle.push({ type: 0, body: serverName(sni) });
  if (alpn.length > 0) middle.push({ type: 16, body: alpnList(alpn) });
  rng.shuffle(middle);
  return [{ type: grease[3]!, body: EMPTY }, ...middle, { type: grease[4]!, body: Uint8Array.of(0) }];
}

/** GREASE ECH (draft-ietf-tls-esni section 6.2): an outer extension with random enc and payload. */
function echGrease(rng: Rng): Uint8Array {
  return build((w) => {
    w.u8(0).u16(0x0001).u16(0x0001).u8(rng.int(256));
    w.u16(32).bytes(rng.bytes(32));
    const len = rng.pick([144, 176, 208, 240]);
    w.u16(len).bytes(rng.bytes(len));
  });
}

function goExtensions(rng: Rng, sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push({ type: 0, body: serverName(sni) });
  exts.push(
    { type: 5, body: STATUS_REQUEST },
    { type: 10, body: u16List([GROUP_X25519MLKEM768, GROUP_X25519, 0x0017, 0x0018, 0x0019]) },
    { type: 11, body: Uint8Array.of(1, 0) },
    { type: 13, body: u16List(SIGALGS_GO) },
    { type: 0xff01, body: RENEGOTIATION_INFO },
  );
  if (alpn.length > 0) exts.push({ type: 16, body: alpnList(alpn) });
  exts.push(
    { type: 18, body: EMPTY },
    { type: 43, body: build((w) => w.u8(4).u16(0x0304).u16(0x0303)) },
    { type: 51, body: keyShares(rng, [[GROUP_X25519MLKEM768, MLKEM_CLIENT_SHARE], [GROUP_X25519, 32]]) },
    { type: 23, body: EMPTY },
    { type: 35, body: EMPTY },
    { type: 45, body: PSK_DHE_KE },
  );
  return exts;
}

function opensslExtensions(rng: Rng, sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push({ type: 0, body: serverName(sni) });
  exts.push(
    { type: 11, body: Uint8Array.of(3, 0, 1, 2) },
    { type: 10, body: u16List([GROUP_X25519, 0x0017, 0x001e, 0x0019, 0x0018, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104]) },
    { type: 35, body: EMPTY },
  );
  if (alpn.length > 0) exts.push({ type: 16, body: alpnList(alpn) });
  exts.push(
    { type: 22, body: EMPTY },
    { type: 23, body: EMPTY },
    { type: 13, body: u16List(SIGALGS_OPENSSL) },
    { type: 43, body: build((w) => w.u8(4).u16(0x0304).u16(0x0303)) },
    { type: 45, body: PSK_DHE_KE },
    { type: 51, body: keyShares(rng, [[GROUP_X25519, 32]]) },
  );
  return exts;
}

function legacyExtensions(sni: string | null, alpn: string[]): Ext[] {
  const exts: Ext[] = [];
  if (sni !== null) exts.push({ type: 0, body: serverName(sni) });
  exts.push(
    { type: 5, body: STATUS_REQUEST },
    { type: 10, body: u16List([0x0017, 0x0018, 0x0019]) },
    { type: 11, body: Uint8Array.of(1, 0) },
    { type: 13, body: u16List([0x0603, 0x0601, 0x0503, 0x0501, 0x0403, 0x0401, 0x0303, 0x0301, 0x0203, 0x0201]) },
    { type: 23, body: EMPTY },
    { type: 0xff01, body: RENEGOTIATION_INFO },
  );
  if (alpn.length > 0) exts.push({ type: 16, body: alpnList(alpn) });
  return exts;
}
