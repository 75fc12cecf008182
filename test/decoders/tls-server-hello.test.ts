// TLS ServerHello parser (tls-server-hello.ts): golden TLS 1.2 / TLS 1.3 / HelloRetryRequest from the
// shared captures, reset, truncation sweep, one negative test per event, fuzzing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE, APP_INVALID, APP_NEED_MORE, appEventId, type AppEventName } from '../../decoders/app-layer.js';
import { SH_MAX_EXTENSIONS, ServerHello, parseServerHello } from '../../decoders/tls-server-hello.js';
import { concat } from './helpers.js';
import { HRR, SH12, SH13 } from './tls-golden.js';




const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];
const st = (s: number) => STATUS[s] ?? `status ${s}`;
const MSG12 = SH12.slice(5);
const MSG13 = SH13.slice(5);
const MSG_HRR = HRR.slice(5, 5 + 0x58);

type Snap = Record<string, number | boolean | string | number[]>;

function snap(sh: ServerHello): Snap {
  const out: Snap = {};
  for (const [k, v] of Object.entries(sh)) {
    if (k === 'bytes') continue;
    if (k === 'extTypes') out[k] = Array.from(sh.extTypes.subarray(0, sh.extCount));
    else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else throw new Error(`ServerHello.${k} has an unexpected type`);
  }
  out.alpn = Buffer.from(sh.bytes.subarray(sh.alpnOffset, sh.alpnOffset + sh.alpnLength)).toString('latin1');
  return out;
}

function parse(msg: Uint8Array, sh = new ServerHello()): [string, ServerHello] {
  return [st(parseServerHello(msg, 0, msg.length, sh)), sh];
}

const u16 = (v: number) => [v >> 8, v & 0xff];
const ext = (type: number, body: number[] = []) => Uint8Array.of(...u16(type), ...u16(body.length), ...body);

/** A ServerHello message: TLS 1.2, random 32 × 0x22, no session id, cipher 0xc02f, null compression, `exts` (null: no block). */
function serverHello(exts: Uint8Array[] | null, sid: number[] = []): Uint8Array {
  const e = exts === null ? new Uint8Array(0) : concat(Uint8Array.of(...u16(exts.reduce((n, x) => n + x.length, 0))), ...exts);
  const body = concat(Uint8Array.of(3, 3), new Uint8Array(32).fill(0x22), Uint8Array.of(sid.length, ...sid, 0xc0, 0x2f, 0), e);
  return concat(Uint8Array.of(2, 0, body.length >> 8, body.length & 0xff), body);
}

function expectEvent(msg: Uint8Array, name: AppEventName): ServerHello {
  const [s, sh] = parse(msg);
  assert.is(s, 'APP_INVALID', `${name}: status`);
  assert.is(sh.event, appEventId(name), `${name}: event`);
  return sh;
}

test('golden: ja4/tls-alpn-h2.pcap frame 6: TLS 1.2, cipher 0xcca9, ALPN h2', () => {
  const [s, sh] = parse(MSG12);
  assert.is(s, 'APP_DONE');
  assert.equal(snap(sh), {
    messageOffset: 0, messageLength: 100, legacyVersion: 0x0303, version: 0x0303, selectedVersion: 0,
    randomOffset: 6, sessionIdOffset: 39, sessionIdLength: 32, cipherSuite: 0xcca9, compressionMethod: 0,
    helloRetryRequest: false, extTypes: [0x0000, 0xff01, 0x000b, 0x0010], extCount: 4,
    alpnPresent: true, alpnOffset: 98, alpnLength: 2, complete: true, event: -1, alpn: 'h2',
  });
});

test('golden: ja4/tls-handshake.pcapng frame 2: TLS 1.3, supported_versions 0x0304 overrides legacy 0x0303', () => {
  const [s, sh] = parse(MSG13);
  assert.is(s, 'APP_DONE');
  assert.equal([sh.legacyVersion, sh.selectedVersion, sh.version, sh.cipherSuite, snap(sh).extTypes, sh.alpnPresent, sh.helloRetryRequest],
    [0x0303, 0x0304, 0x0304, 0x1301, [0x0033, 0x002b], false, false]);
});

test('golden: ja4/tls-handshake.pcapng frame 124: HelloRetryRequest is recognised by its random', () => {
  const [s, sh] = parse(MSG_HRR);
  assert.is(s, 'APP_DONE');
  assert.equal([sh.helloRetryRequest, sh.version, sh.cipherSuite, snap(sh).extTypes], [true, 0x0304, 0x1302, [0x002b, 0x0033]]);
  // One byte of the random changed: an ordinary ServerHello.
  const m = MSG_HRR.slice();
  m[6 + 31] ^= 1;
  assert.is(parse(m)[1].helloRetryRequest, false);
});

test('every field is reset: 12, 13, HRR, no-extension hello, in turn into one ServerHello', () => {
  const msgs = [MSG12, MSG13, MSG_HRR, serverHello(null)];
  const fresh = msgs.map((m) => snap(parse(m)[1]));
  const shared = new ServerHello();
  for (let r = 0; r < 2; r++) for (let i = 0; i < msgs.length; i++) assert.equal(snap(parse(msgs[i], shared)[1]), fresh[i], `round ${r}, hello ${i}`);
  assert.equal([fresh[3].extCount, fresh[3].version, fresh[3].cipherSuite], [0, 0x0303, 0xc02f]);
});

test('truncation sweep: every prefix is APP_NEED_MORE, the whole message APP_DONE', () => {
  for (const msg of [MSG12, MSG13, MSG_HRR]) {
    const sh = new ServerHello();
    for (let n = 0; n <= msg.length; n++) {
      assert.is(st(parseServerHello(msg.slice(0, n), 0, n, sh)), n < msg.length ? 'APP_NEED_MORE' : 'APP_DONE', `prefix ${n}/${msg.length}`);
    }
  }
});

test('tls.invalid_handshake_message: not a ServerHello', () => {
  expectEvent(MSG12.slice().fill(1, 0, 1), 'tls.invalid_handshake_message');
});

test('tls.invalid_server_hello: lengths that do not fit, supported_versions not 2 bytes', () => {
  const cases: Array<[string, Uint8Array]> = [
    ['body too short', Uint8Array.of(2, 0, 0, 3, 3, 3, 0)],
    ['session id 33', serverHello([], new Array(33).fill(7))],
    ['ends before cipher and compression', (() => { const m = serverHello(null).subarray(0, 4 + 35 + 1); const c = m.slice(); c[3] = c.length - 4; return c; })()],
    ['extensions length past the message', (() => { const m = serverHello([ext(0xff01, [0])]).slice(); m[m.length - 6] += 1; return m; })()],
    ['extension body past the block', serverHello([Uint8Array.of(0xff, 0x01, 0, 5, 0)])],
    ['extension header cut', serverHello([Uint8Array.of(0xff, 0x01, 0)])],
    ['supported_versions of 3 bytes', serverHello([ext(0x2b, [3, 4, 0])])],
  ];
  for (const [what, msg] of cases) {
    const [s, sh] = parse(msg);
    assert.is(s, 'APP_INVALID', `${what}: status`);
    assert.is(sh.event, appEventId('tls.invalid_server_hello'), `${what}: event`);
  }
});

test('tls.invalid_alpn: the server must select exactly one non-empty protocol', () => {
  expectEvent(serverHello([ext(16, [0, 6, 2, 0x68, 0x32, 2, 0x68, 0x33])]), 'tls.invalid_alpn');
  expectEvent(serverHello([ext(16, [0, 1, 0])]), 'tls.invalid_alpn');
  expectEvent(serverHello([ext(16, [0, 4, 2, 0x68, 0x32])]), 'tls.invalid_alpn');
  const ok = parse(serverHello([ext(16, [0, 3, 2, 0x68, 0x32])]));
  assert.equal([ok[0], ok[1].alpnLength], ['APP_DONE', 2]);
});

test('tls.duplicate_extension and tls.too_many_values', () => {
  const d = expectEvent(serverHello([ext(0xff01, [0]), ext(0x0b, [1, 0]), ext(0xff01, [0])]), 'tls.duplicate_extension');
  assert.is(d.complete, true);
  const t = expectEvent(serverHello(Array.from({ length: SH_MAX_EXTENSIONS + 1 }, (_, i) => ext(0x3000 + i))), 'tls.too_many_values');
  assert.is(t.extCount, SH_MAX_EXTENSIONS);
});

test('fuzz: 20000 mutated ServerHellos: no throw, valid status, event iff APP_INVALID, tail never read', () => {
  let seed = 99;
  const rand = () => { seed = (Math.imul(seed, 1103515245) + 12345) >>> 0; return seed / 4294967296; };
  const a = new ServerHello();
  const b = new ServerHello();
  for (let i = 0; i < 20000; i++) {
    const msg = [MSG12, MSG13, MSG_HRR][i % 3].slice();
    for (let e = 0, n = 1 + Math.floor(rand() * 4); e < n; e++) msg[Math.floor(rand() * msg.length)] = Math.floor(rand() * 256);
    const sa = parseServerHello(concat(msg, new Uint8Array(16)), 0, msg.length, a);
    const sb = parseServerHello(concat(msg, new Uint8Array(16).fill(0xff)), 0, msg.length, b);
    assert.ok(sa === APP_DONE || sa === APP_NEED_MORE || sa === APP_INVALID, `#${i}`);
    assert.is(sb, sa, `#${i}: tail`);
    assert.equal({ ...snap(b), alpn: '' }, { ...snap(a), alpn: '' }, `#${i}: tail`);
    assert.is(a.event >= 0, sa === APP_INVALID, `#${i}: event iff APP_INVALID`);
  }
});

test.run();
