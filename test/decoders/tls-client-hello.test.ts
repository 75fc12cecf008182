// TLS ClientHello parser (tls-client-hello.ts): golden hellos from the shared captures (GREASE, ECH),
// every field reset, truncation sweep, reads never past the message, one negative test per event, fuzzing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE, APP_INVALID, APP_NEED_MORE, appEventId, type AppEventName } from '../../decoders/app-layer.js';
import { CH_MAX_CIPHERS, ClientHello, isGrease, parseClientHello } from '../../decoders/tls-client-hello.js';
import { concat, hex } from './helpers.js';
import { CH_ALPN_H2, CH_GREASE } from './tls-golden.js';
import { rng } from '../helpers/rng.js';



// ndpi/tls_ech.pcapng frame 4, TCP payload: ClientHelloOuter with encrypted_client_hello (0xfe0d), outer SNI performance.radar.cloudflare.com
const CH_ECH = hex(`
16030102430100023f03031d2866261a24cc0c15c6deba5b0e971a19a23b7252
4d3a1ca2acea56d01fdbbe20e09ca0ae22123a165f0100faf20dfb792cf518b9
400a8bb52ef80b3c06059cd90020aaaa130113021303c02bc02fc02cc030cca9
cca8c013c014009c009d002f0035010001d66a6a00000033002b00291a1a0001
00001d002074494288d7ffc1faa046968556f646b024a855feed27c793e80854
13aa74113600230000ff01000100002d00020101001b0003020002000a000a00
081a1a001d001700180017000000050005010000000000120000002b000706da
da03040303000d00120010040308040401050308050501080606010010000e00
0c02683208687474702f312e31000000250023000020706572666f726d616e63
652e72616461722e636c6f7564666c6172652e636f6dfe0d00fa0000010001d8
00209557c100c71bf776929056d021591f6515001dc1df1125b92408d98681a5
a16700d00df0970d9f7cb426c059b1e0fe95fd7c22f8a5444d65321496fa8578
1e4c5e31465cc703e3368adc8b46a6aab2d9d2bdee3004e5d5c0898b0355317f
3212d160e1e806aa45cc3e0a3515060718c976025afd3f04b96dbd039a99f4a7
d98821a9adaa372829dab7bc9965959a5a8f4ee36506cd1baba08bd2597f4644
03dcfeed9a3c49f2b82e53a5ca8d09ea43158b58c78786a72c6cfabb9999fa31
aaae2a2f54142f47befcf542c80530584e2583d678322700f69cb23bf6cca081
0c3def3ca164d3dfeb617e7b64dbe76e6489c4da000b00020100446900050003
026832fafa000100
`);

const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];
const st = (s: number) => STATUS[s] ?? `status ${s}`;
const latin1 = (b: Uint8Array, off: number, len: number) => Buffer.from(b.subarray(off, off + len)).toString('latin1');

/** The handshake messages (record headers stripped). */
const MSG_ALPN = CH_ALPN_H2.slice(5);
const MSG_GREASE = CH_GREASE.slice(5);
const MSG_ECH = CH_ECH.slice(5);

/** List field → the field that counts its meaningful entries. */
const COUNT_OF: Record<string, string> = {
  cipherSuites: 'cipherCount', extTypes: 'extCount', supportedVersions: 'supportedVersionCount',
  supportedGroups: 'groupCount', ecPointFormats: 'pointFormatCount', signatureAlgorithms: 'sigAlgCount',
  alpnOffsets: 'alpnCount', alpnLengths: 'alpnCount',
};
const NOT_FIELDS = new Set(['bytes', 'seen', 'seenOverflow']);

type Snap = Record<string, number | boolean | string | number[] | string[]>;

/** Every own field of `ch` (a field added later is covered), lists cut to their counts, SNI and ALPN as text. */
function snap(ch: ClientHello): Snap {
  const o = ch as unknown as Record<string, unknown>;
  const out: Snap = {};
  for (const [k, v] of Object.entries(ch)) {
    if (NOT_FIELDS.has(k)) continue;
    if (ArrayBuffer.isView(v)) {
      const n = o[COUNT_OF[k]];
      if (typeof n !== 'number') throw new Error(`ClientHello.${k}: no count field known`);
      out[k] = Array.from((v as Uint16Array).subarray(0, n));
    } else if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else throw new Error(`ClientHello.${k} has an unexpected type`);
  }
  out.sni = latin1(ch.bytes, ch.sniOffset, ch.sniLength);
  out.alpn = Array.from({ length: ch.alpnCount }, (_, i) => latin1(ch.bytes, ch.alpnOffsets[i], ch.alpnLengths[i]));
  return out;
}

function parse(msg: Uint8Array, ch = new ClientHello()): [string, ClientHello] {
  return [st(parseClientHello(msg, 0, msg.length, ch)), ch];
}

// ── builders for synthetic hellos ──
const u16 = (v: number) => [v >> 8, v & 0xff];
const bytesOf = (x: Uint8Array | number[] | string) => (typeof x === 'string' ? new TextEncoder().encode(x) : Uint8Array.from(x));
const vec8 = (x: Uint8Array | number[] | string) => { const b = bytesOf(x); return concat(Uint8Array.of(b.length), b); };
const vec16 = (x: Uint8Array | number[] | string) => { const b = bytesOf(x); return concat(Uint8Array.of(...u16(b.length)), b); };
const ext = (type: number, body: Uint8Array | number[] = []) => { const b = bytesOf(body); return concat(Uint8Array.of(...u16(type), ...u16(b.length)), b); };
const sniExt = (name: Uint8Array | string) => ext(0, vec16(concat(Uint8Array.of(0), vec16(name))));
const alpnExt = (...names: Array<Uint8Array | string>) => ext(16, vec16(concat(...names.map((n) => vec8(n)))));
const u16s = (vals: number[]) => vals.flatMap(u16);

interface Parts { version?: number; sid?: number[]; ciphers?: number[]; compression?: number[]; exts?: Uint8Array[] | null }

/** A ClientHello handshake message from parts (random = 32 × 0x11). */
function hello(p: Parts = {}): Uint8Array {
  const exts = p.exts === undefined ? [sniExt('example.com'), alpnExt('h2')] : p.exts;
  const body = concat(
    Uint8Array.of(...u16(p.version ?? 0x0303)), new Uint8Array(32).fill(0x11), vec8(p.sid ?? []),
    vec16(u16s(p.ciphers ?? [0x1301, 0x1302])), vec8(p.compression ?? [0]),
    exts === null ? new Uint8Array(0) : vec16(concat(...exts)),
  );
  return concat(Uint8Array.of(1, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff), body);
}

/** Negative test: `msg` is APP_INVALID with exactly `name`; returns the hello for further checks. */
function expectEvent(msg: Uint8Array, name: AppEventName): ClientHello {
  const [s, ch] = parse(msg);
  assert.is(s, 'APP_INVALID', `${name}: status`);
  assert.is(ch.event, appEventId(name), `${name}: event (got ${ch.event})`);
  return ch;
}

test('golden: ja4/tls-alpn-h2.pcap frame 4, every field (tshark: 46 suites, server_name, ec_point_formats, supported_groups, signature_algorithms, ALPN)', () => {
  const [s, ch] = parse(MSG_ALPN);
  assert.is(s, 'APP_DONE');
  assert.equal(snap(ch), {
    messageOffset: 0, messageLength: 232, legacyVersion: 0x0303, randomOffset: 6, sessionIdOffset: 39, sessionIdLength: 0,
    cipherSuites: [
      0xc030, 0xc02c, 0xc028, 0xc024, 0xc014, 0xc00a, 0x009f, 0x006b, 0x0039, 0xcca9, 0xcca8, 0xccaa, 0xff85, 0x00c4, 0x0088, 0x0081,
      0x009d, 0x003d, 0x0035, 0x00c0, 0x0084, 0xc02f, 0xc02b, 0xc027, 0xc023, 0xc013, 0xc009, 0x009e, 0x0067, 0x0033, 0x00be, 0x0045,
      0x009c, 0x003c, 0x002f, 0x00ba, 0x0041, 0xc011, 0xc007, 0x0005, 0x0004, 0xc012, 0xc008, 0x0016, 0x000a, 0x00ff,
    ],
    cipherCount: 46, compressionMethodsOffset: 134, compressionCount: 1,
    extTypes: [0x0000, 0x000b, 0x000a, 0x000d, 0x0010], extCount: 5,
    supportedVersionsPresent: false, supportedVersions: [], supportedVersionCount: 0,
    supportedGroups: [0x001d, 0x0017, 0x0018], groupCount: 3,
    ecPointFormats: [0], pointFormatCount: 1,
    signatureAlgorithms: [0x0601, 0x0603, 0xefef, 0x0501, 0x0503, 0x0401, 0x0403, 0xeeee, 0xeded, 0x0301, 0x0303, 0x0201, 0x0203], sigAlgCount: 13,
    sniPresent: true, sniOffset: 146, sniLength: 18,
    alpnPresent: true, alpnOffsets: [221, 224], alpnLengths: [2, 8], alpnCount: 2,
    echPresent: false, esniPresent: false, quicTransportParamsPresent: false, complete: true, event: -1,
    sni: 'www.cloudflare.com', alpn: ['h2', 'http/1.1'],
  });
  assert.is(MSG_ALPN[ch.compressionMethodsOffset], 0, 'null compression');
});

test('the offsets point into the buffer given: a hello at offset 300 of a larger buffer', () => {
  const buf = concat(new Uint8Array(300).fill(0xaa), MSG_ALPN, new Uint8Array(50).fill(0xbb));
  const ch = new ClientHello();
  assert.is(st(parseClientHello(buf, 300, MSG_ALPN.length, ch)), 'APP_DONE');
  assert.ok(ch.bytes === buf);
  assert.equal([ch.messageOffset, ch.sniOffset, ch.alpnOffsets[0]], [300, 446, 521]);
  assert.is(latin1(buf, ch.sniOffset, ch.sniLength), 'www.cloudflare.com');
});

test('every field is reset: A, B, A, B into one ClientHello equal A and B parsed fresh; reset() restores a new object', () => {
  const fresh = [snap(parse(MSG_ALPN)[1]), snap(parse(MSG_GREASE)[1]), snap(parse(MSG_ECH)[1]), snap(parse(hello({ exts: null }))[1])];
  const shared = new ClientHello();
  const msgs = [MSG_ALPN, MSG_GREASE, MSG_ECH, hello({ exts: null })];
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < msgs.length; i++) assert.equal(snap(parse(msgs[i], shared)[1]), fresh[i], `round ${round}, hello ${i}`);
  }
  const dirty = parse(MSG_GREASE)[1];
  const d = dirty as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(dirty)) {
    if (typeof v === 'number') d[k] = 7;
    else if (typeof v === 'boolean') d[k] = true;
  }
  dirty.reset();
  dirty.bytes = new Uint8Array(0);
  d.event = -1;
  const empty = new ClientHello();
  assert.equal({ ...snap(dirty), sni: '', alpn: [] }, { ...snap(empty), sni: '', alpn: [] });
});

test('isGrease: exactly the 16 RFC 8701 values', () => {
  const grease: number[] = [];
  for (let v = 0; v < 65536; v++) if (isGrease(v)) grease.push(v);
  assert.equal(grease, [0x0a0a, 0x1a1a, 0x2a2a, 0x3a3a, 0x4a4a, 0x5a5a, 0x6a6a, 0x7a7a, 0x8a8a, 0x9a9a, 0xaaaa, 0xbaba, 0xcaca, 0xdada, 0xeaea, 0xfafa]);
});

test('golden: ja4/tls-sni.pcapng frame 1 (Chrome): GREASE kept in the lists in wire order, flagged by isGrease', () => {
  const [s, ch] = parse(MSG_GREASE);
  assert.is(s, 'APP_DONE');
  const v = snap(ch);
  assert.equal(v.cipherSuites, [0xaaaa, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035]);
  assert.equal(v.extTypes, [0x9a9a, 0xff01, 0x0033, 0x002d, 0x0005, 0x4469, 0x000d, 0x0010, 0x0023, 0x001b, 0x002b, 0x0000, 0x0012, 0x000a, 0x0017, 0x000b, 0x6a6a, 0x0015]);
  assert.equal(v.supportedVersions, [0x0a0a, 0x0304, 0x0303]);
  assert.equal(v.supportedGroups, [0x0a0a, 0x001d, 0x0017, 0x0018]);
  assert.equal(v.signatureAlgorithms, [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601]);
  assert.equal([v.sni, v.alpn, v.sessionIdLength, v.supportedVersionsPresent], ['clientservices.googleapis.com', ['h2', 'http/1.1'], 32, true]);
  assert.equal([isGrease(ch.cipherSuites[0]), isGrease(ch.extTypes[0]), isGrease(ch.extTypes[16]), isGrease(ch.cipherSuites[1])], [true, true, true, false]);
  // Two GREASE extensions of the same value are not a duplicate (only real types are checked).
  assert.is(parse(hello({ exts: [ext(0x0a0a), sniExt('a.example'), ext(0x0a0a, [0])] }))[0], 'APP_DONE');
});

test('golden: ndpi/tls_ech.pcapng frame 4: echPresent, SNI is the outer (public) name', () => {
  const [s, ch] = parse(MSG_ECH);
  assert.is(s, 'APP_DONE');
  const v = snap(ch);
  assert.equal([v.echPresent, v.sni, v.alpn, v.esniPresent, v.quicTransportParamsPresent], [true, 'performance.radar.cloudflare.com', ['h2', 'http/1.1'], false, false]);
  assert.ok((v.extTypes as number[]).includes(0xfe0d));
});

test('QUIC transport parameters (0x0039 and draft 0xffa5) and the old encrypted_server_name (0xffce) are flagged', () => {
  assert.is(parse(hello({ exts: [sniExt('q.example'), ext(0x0039, [1, 2, 3])] }))[1].quicTransportParamsPresent, true);
  assert.is(parse(hello({ exts: [ext(0xffa5, [1])] }))[1].quicTransportParamsPresent, true);
  const esni = parse(hello({ exts: [ext(0xffce, [1, 2])] }))[1];
  assert.equal([esni.esniPresent, esni.sniPresent, esni.sniLength], [true, false, 0]);
});

test('a hello without extensions (pre-TLS 1.2 style) is APP_DONE with empty lists', () => {
  const [s, ch] = parse(hello({ version: 0x0301, ciphers: [0x002f, 0x0035], exts: null }));
  assert.is(s, 'APP_DONE');
  assert.equal([ch.legacyVersion, ch.cipherCount, ch.extCount, ch.sniPresent, ch.alpnCount, ch.complete], [0x0301, 2, 0, false, 0, true]);
});

test('non-ASCII ALPN values are kept as bytes (tls-non-ascii-alpn style: ba ad)', () => {
  const ch = parse(hello({ exts: [alpnExt(Uint8Array.of(0xba, 0xad), 'http/1.1')] }))[1];
  assert.equal([ch.alpnCount, ch.bytes[ch.alpnOffsets[0]], ch.bytes[ch.alpnOffsets[0] + 1], ch.alpnLengths[1]], [2, 0xba, 0xad, 8]);
  // An empty protocol name is kept too (JA4 prints "00" for it), not an error.
  const e = parse(hello({ exts: [alpnExt('', 'h2')] }));
  assert.equal([e[0], e[1].alpnLengths[0], e[1].alpnLengths[1]], ['APP_DONE', 0, 2]);
});

test('truncation sweep: every prefix of three real hellos is APP_NEED_MORE, the whole message APP_DONE (exact-length buffers)', () => {
  for (const msg of [MSG_ALPN, MSG_GREASE, MSG_ECH]) {
    const ch = new ClientHello();
    for (let n = 0; n <= msg.length; n++) {
      const cut = msg.slice(0, n);
      let s: number;
      try {
        s = parseClientHello(cut, 0, n, ch);
      } catch (e) {
        throw new Error(`prefix ${n}/${msg.length} threw ${String(e)}`);
      }
      assert.is(st(s), n < msg.length ? 'APP_NEED_MORE' : 'APP_DONE', `prefix ${n}/${msg.length}`);
      if (n < msg.length) assert.is(ch.event, -1, `prefix ${n}: no event`);
    }
  }
});

test('bytes past the message are never read: any tail, any length beyond, the same result', () => {
  for (const msg of [MSG_ALPN, MSG_GREASE, MSG_ECH]) {
    const want = snap(parse(msg)[1]);
    for (const fill of [0x00, 0x16, 0xff]) {
      const buf = concat(msg, new Uint8Array(64).fill(fill));
      const ch = new ClientHello();
      assert.is(st(parseClientHello(buf, 0, buf.length, ch)), 'APP_DONE');
      assert.equal(snap(ch), want, `tail 0x${fill.toString(16)}`);
      assert.is(st(parseClientHello(buf, 0, buf.length + 1000, ch)), 'APP_DONE', 'length past the buffer is clipped');
    }
  }
});

test('tls.invalid_handshake_message: the message is not a ClientHello', () => {
  expectEvent(Uint8Array.of(2, 0, 0, 0), 'tls.invalid_handshake_message');
  expectEvent(Uint8Array.of(0x0b), 'tls.invalid_handshake_message');
});

test('tls.invalid_client_hello: each length that does not fit', () => {
  const base = hello();
  const sidAt = 4 + 2 + 32;
  const cases: Array<[string, Uint8Array]> = [
    ['body shorter than version + random + session id length', Uint8Array.of(1, 0, 0, 2, 3, 3)],
    ['session id length 33', hello({ sid: new Array(33).fill(1) })],
    ['session id past the message', (() => { const b = base.slice(); b[sidAt] = 0xff; return b; })()],
    ['cipher suites length odd', (() => { const b = base.slice(); b[sidAt + 2] = 3; return b; })()],
    ['no cipher suites', hello({ ciphers: [] })],
    ['no compression methods', hello({ compression: [] })],
    ['message ends inside the cipher suites length', concat(Uint8Array.of(1, 0, 0, 35), base.subarray(4, 4 + 35))],
    ['message ends before the compression methods', (() => { const b = base.subarray(0, sidAt + 1 + 2 + 4); const c = b.slice(); c[3] = c.length - 4; return c; })()],
    ['extensions length one short of the message', withExtLen(hello(), -1)],
    ['extensions length past the message', withExtLen(hello(), +1)],
    ['extension body past the extensions', hello({ exts: [Uint8Array.of(0, 0x15, 0, 9, 0)] })],
    ['extension header cut', hello({ exts: [Uint8Array.of(0, 0x15, 0)] })],
    ['one byte of extensions length', concat(Uint8Array.of(1, 0, 0, hello({ exts: null }).length - 4 + 1), hello({ exts: null }).subarray(4), Uint8Array.of(0))],
    ['supported_versions of odd length', hello({ exts: [ext(0x2b, [3, 3, 4, 3])] })],
    ['supported_versions list length not the extension length', hello({ exts: [ext(0x2b, [4, 3, 4])] })],
    ['supported_groups list of odd length', hello({ exts: [ext(0x0a, [0, 3, 0, 29, 0])] })],
    ['supported_groups list length not the extension length', hello({ exts: [ext(0x0a, [0, 4, 0, 29])] })],
    ['ec_point_formats list length not the extension length', hello({ exts: [ext(0x0b, [2, 0])] })],
    ['signature_algorithms list length not the extension length', hello({ exts: [ext(0x0d, [0, 4, 4, 3])] })],
    ['signature_algorithms empty extension', hello({ exts: [ext(0x0d)] })],
  ];
  for (const [what, msg] of cases) {
    const [s, ch] = parse(msg);
    assert.is(s, 'APP_INVALID', `${what}: status`);
    assert.is(ch.event, appEventId('tls.invalid_client_hello'), `${what}: event`);
    assert.is(ch.complete, false, `${what}: not complete`);
  }
  // Real hellos with one length changed.
  const real = MSG_ALPN.slice();
  real[4 + 2 + 32 + 1 + 1] ^= 0x01; // cipher suites length 92 → 93
  expectEvent(real, 'tls.invalid_client_hello');
});

/** `msg` (a built hello with extensions) with its extensions length changed by `delta`. */
function withExtLen(msg: Uint8Array, delta: number): Uint8Array {
  const b = msg.slice();
  const sid = b[4 + 34];
  const cl = (b[4 + 35 + sid] << 8) | b[4 + 36 + sid];
  const at = 4 + 37 + sid + cl;
  const cm = b[at];
  const el = ((b[at + 1 + cm] << 8) | b[at + 2 + cm]) + delta;
  b[at + 1 + cm] = el >> 8;
  b[at + 2 + cm] = el & 0xff;
  return b;
}

test('tls.invalid_sni: NUL byte, longer than 255, empty name, bad list lengths; the rest of the hello is still parsed', () => {
  const withNul = expectEvent(hello({ exts: [sniExt(Uint8Array.of(0x61, 0x00, 0x62)), alpnExt('h2')] }), 'tls.invalid_sni');
  assert.equal([withNul.complete, withNul.sniLength, withNul.alpnCount], [true, 3, 1]);
  expectEvent(hello({ exts: [sniExt('a'.repeat(256))] }), 'tls.invalid_sni');
  assert.is(parse(hello({ exts: [sniExt('a'.repeat(255))] }))[0], 'APP_DONE', '255 bytes is fine');
  expectEvent(hello({ exts: [sniExt('')] }), 'tls.invalid_sni');
  expectEvent(hello({ exts: [ext(0, [0, 9, 0, 0, 3, 0x61])] }), 'tls.invalid_sni');
  expectEvent(hello({ exts: [ext(0, [0, 4, 0, 0, 9, 0x61])] }), 'tls.invalid_sni');
  expectEvent(hello({ exts: [ext(0, [0, 0])] }), 'tls.invalid_sni');
  expectEvent(hello({ exts: [ext(0)] }), 'tls.invalid_sni');
  expectEvent(hello({ exts: [ext(0, [0, 1, 0])] }), 'tls.invalid_sni');
  // A real hello with a NUL written into its name.
  const real = MSG_ALPN.slice();
  real[146 + 3] = 0;
  const r = expectEvent(real, 'tls.invalid_sni');
  assert.equal([r.sniOffset, r.sniLength, r.cipherCount, r.alpnCount], [146, 18, 46, 2]);
});

test('tls.invalid_alpn: list length not the extension length, a name past the list', () => {
  const a = expectEvent(hello({ exts: [sniExt('x.example'), ext(16, [0, 5, 2, 0x68, 0x32])] }), 'tls.invalid_alpn');
  assert.equal([a.complete, a.sniLength], [true, 9]);
  expectEvent(hello({ exts: [ext(16, [0, 3, 5, 0x68, 0x32])] }), 'tls.invalid_alpn');
  expectEvent(hello({ exts: [ext(16)] }), 'tls.invalid_alpn');
});

test('tls.duplicate_extension: two server_name extensions (the first name is kept), two supported_groups', () => {
  const d = expectEvent(hello({ exts: [sniExt('first.example'), sniExt('second.example')] }), 'tls.duplicate_extension');
  assert.equal([latin1(d.bytes, d.sniOffset, d.sniLength), d.extCount, d.complete], ['first.example', 2, true]);
  expectEvent(hello({ exts: [ext(0x0a, [0, 2, 0, 29]), ext(0x0a, [0, 2, 0, 23])] }), 'tls.duplicate_extension');
});

test('tls.too_many_values: more cipher suites than the cap keeps the first ones', () => {
  const ciphers = Array.from({ length: CH_MAX_CIPHERS + 76 }, (_, i) => i);
  const t = expectEvent(hello({ ciphers }), 'tls.too_many_values');
  assert.equal([t.cipherCount, t.cipherSuites[CH_MAX_CIPHERS - 1], t.complete, t.sniLength], [CH_MAX_CIPHERS, CH_MAX_CIPHERS - 1, true, 11]);
  const exts = Array.from({ length: 300 }, (_, i) => ext(0x1000 + i));
  const e = expectEvent(hello({ exts }), 'tls.too_many_values');
  assert.is(e.extCount, 256);
  // The duplicate bitset is fully cleared after an overflowing hello: the next hello with the same types is clean.
  const again = parse(hello({ exts: [ext(0x1000), ext(0x1001)] }), e);
  assert.is(again[0], 'APP_DONE');
});


test('fuzz: 30000 mutated real hellos: no throw, a valid status, event iff APP_INVALID, offsets inside the message, tail never read', () => {
  const rand = rng(42);
  const seeds = [MSG_ALPN, MSG_GREASE, MSG_ECH];
  const a = new ClientHello();
  const b = new ClientHello();
  for (let i = 0; i < 30000; i++) {
    const msg = seeds[i % 3].slice();
    const edits = 1 + Math.floor(rand() * 6);
    for (let e = 0; e < edits; e++) msg[Math.floor(rand() * msg.length)] = rand() < 0.5 ? Math.floor(rand() * 256) : msg[Math.floor(rand() * msg.length)];
    const tailA = concat(msg, new Uint8Array(32).fill(0x00));
    const tailB = concat(msg, new Uint8Array(32).fill(0xff));
    const sa = parseClientHello(tailA, 0, msg.length, a);
    const sb = parseClientHello(tailB, 0, msg.length, b);
    assert.ok(sa === APP_DONE || sa === APP_NEED_MORE || sa === APP_INVALID, `#${i}: status ${sa}`);
    assert.is(sb, sa, `#${i}: the tail changed the status`);
    assert.equal({ ...snap(b), sni: '', alpn: [] }, { ...snap(a), sni: '', alpn: [] }, `#${i}: the tail changed a field`);
    assert.is(a.event >= 0, sa === APP_INVALID, `#${i}: event iff APP_INVALID`);
    if (sa === APP_DONE || a.complete) {
      const end = a.messageOffset + a.messageLength;
      assert.ok(a.sniOffset + a.sniLength <= end, `#${i}: SNI inside the message`);
      for (let k = 0; k < a.alpnCount; k++) assert.ok(a.alpnOffsets[k] + a.alpnLengths[k] <= end, `#${i}: ALPN inside the message`);
    }
  }
});

test.run();
