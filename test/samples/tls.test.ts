import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Rng } from '../../samples/generator/prng.js';
import {
  CLIENT_CHROME, CLIENT_GO, CLIENT_LEGACY12, CLIENT_OPENSSL, GROUP_X25519MLKEM768, clientHello,
} from '../../samples/generator/tls-client-hello.js';

interface Parsed {
  recordLen: number;
  hsLen: number;
  suites: number[];
  exts: Map<number, Uint8Array>;
  extOrder: number[];
}

/** Walks a ClientHello record (RFC 8446 section 4.1.2), checking every length on the way. */
function parse(b: Uint8Array): Parsed {
  const u16 = (o: number): number => (b[o]! << 8) | b[o + 1]!;
  assert.is(b[0], 0x16);
  const recordLen = u16(3);
  assert.is(recordLen + 5, b.length, 'record length');
  assert.is(b[5], 1);
  const hsLen = (b[6]! << 16) | u16(7);
  assert.is(hsLen + 4, recordLen, 'handshake length');
  let p = 9 + 2 + 32;
  p += 1 + b[p]!;
  const suiteLen = u16(p);
  const suites: number[] = [];
  for (let i = 0; i < suiteLen; i += 2) suites.push(u16(p + 2 + i));
  p += 2 + suiteLen;
  p += 1 + b[p]!;
  const extLen = u16(p);
  p += 2;
  assert.is(p + extLen, b.length, 'extensions length');
  const exts = new Map<number, Uint8Array>();
  const extOrder: number[] = [];
  while (p < b.length) {
    const type = u16(p);
    const len = u16(p + 2);
    assert.not.ok(exts.has(type), `duplicate extension ${type}`);
    exts.set(type, b.subarray(p + 4, p + 4 + len));
    extOrder.push(type);
    p += 4 + len;
  }
  assert.is(p, b.length);
  return { recordLen, hsLen, suites, exts, extOrder };
}

const isGrease = (v: number): boolean => (v & 0x0f0f) === 0x0a0a && v >> 8 === (v & 0xff);
const noise = { bytes: new Rng('noise').bytes(1 << 16) };

function keyShares(body: Uint8Array): Map<number, number> {
  const out = new Map<number, number>();
  for (let p = 2; p < body.length;) {
    const group = (body[p]! << 8) | body[p + 1]!;
    const len = (body[p + 2]! << 8) | body[p + 3]!;
    out.set(group, len);
    p += 4 + len;
  }
  return out;
}

test('Chrome: GREASE first and last (different types), X25519MLKEM768 share of 1216 bytes, ~1.8 KB', () => {
  const rng = new Rng('chrome');
  for (let i = 0; i < 50; i++) {
    const h = parse(clientHello(rng, noise, CLIENT_CHROME, 'api.github.com', ['h2', 'http/1.1']).bytes);
    assert.ok(isGrease(h.suites[0]!));
    const first = h.extOrder[0]!;
    const last = h.extOrder[h.extOrder.length - 1]!;
    assert.ok(isGrease(first) && isGrease(last) && first !== last);
    assert.is(keyShares(h.exts.get(51)!).get(GROUP_X25519MLKEM768), 1216);
    assert.ok(h.recordLen > 1448 + 200 && h.recordLen < 2100, `record of ${h.recordLen}`);
    assert.ok(h.exts.has(0) && h.exts.has(16) && h.exts.has(43) && h.exts.has(13) && h.exts.has(0xfe0d));
  }
});

test('Go 1.24: no GREASE, X25519MLKEM768 and X25519 shares, SNI optional (an IP target has none)', () => {
  const rng = new Rng('go');
  const h = parse(clientHello(rng, noise, CLIENT_GO, null, ['h2', 'http/1.1']).bytes);
  assert.not.ok(h.suites.some(isGrease) || h.extOrder.some(isGrease));
  assert.not.ok(h.exts.has(0));
  const shares = keyShares(h.exts.get(51)!);
  assert.is(shares.get(GROUP_X25519MLKEM768), 1216);
  assert.is(shares.get(0x001d), 32);
  assert.ok(h.recordLen > 1448, 'spans two segments');
});

test('OpenSSL 3: padded to a 512-byte handshake; TLS 1.2-only client: no supported_versions', () => {
  const rng = new Rng('openssl');
  for (const sni of ['pypi.org', 'storage.googleapis.com', null]) {
    const h = parse(clientHello(rng, noise, CLIENT_OPENSSL, sni, ['http/1.1']).bytes);
    assert.is(h.hsLen + 4, 512);
    assert.ok(h.exts.has(21));
  }
  const legacy = parse(clientHello(rng, noise, CLIENT_LEGACY12, 'sts.amazonaws.com', []).bytes);
  assert.not.ok(legacy.exts.has(43) || legacy.exts.has(51));
});

test.run();
