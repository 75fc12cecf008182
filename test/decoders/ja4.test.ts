// JA4 / JA4S (ja4.ts): the worked examples of FoxIO's JA4.md and JA4S.md, the ALPN rule's examples,
// GREASE ignored everywhere, empty lists, counts capped at 99, and real hellos against the ja4
// project's expected outputs (expected/ja4/python/tls-sni.pcapng.json, tls-alpn-h2.pcap.json).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ServerHello, parseServerHello } from '../../decoders/tls-server-hello.js';
import { ja4, ja4Alpn, ja4Original, ja4Raw, ja4RawOriginal, ja4Version, ja4s, ja4sRaw } from '../../decoders/ja4.js';
import { APP_DONE } from '../../decoders/app-layer.js';
import { CH_ALPN_H2, CH_GREASE, SH12 } from './tls-golden.js';




/** JA4.md's example: ciphers, extensions (wire order) and signature algorithms. */
const SPEC_CIPHERS = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035];
const SPEC_EXTS = [0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01, 0x000b, 0x000a, 0x0015];
const SPEC_SIGS = [0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601];

interface Fields { ciphers?: number[]; exts?: number[]; sigs?: number[]; versions?: number[] | null; legacy?: number; alpn?: Array<number[] | string> | null; sni?: boolean }

/** A ClientHello filled field by field (not parsed): the fingerprint functions read only these. */
function hello(f: Fields = {}): ClientHello {
  const ch = new ClientHello();
  const set = (arr: Uint16Array, v: number[]) => { arr.set(v); return v.length; };
  ch.cipherCount = set(ch.cipherSuites, f.ciphers ?? SPEC_CIPHERS);
  ch.extCount = set(ch.extTypes, f.exts ?? SPEC_EXTS);
  ch.sigAlgCount = set(ch.signatureAlgorithms, f.sigs ?? SPEC_SIGS);
  ch.legacyVersion = f.legacy ?? 0x0303;
  const versions = f.versions === undefined ? [0x0304, 0x0303] : f.versions;
  ch.supportedVersionsPresent = versions !== null;
  if (versions !== null) ch.supportedVersionCount = set(ch.supportedVersions, versions);
  ch.sniPresent = f.sni ?? true;
  const alpn = f.alpn === undefined ? ['h2', 'http/1.1'] : f.alpn;
  ch.alpnPresent = alpn !== null;
  const bytes: number[] = [];
  for (const a of alpn ?? []) {
    const b = typeof a === 'string' ? Array.from(new TextEncoder().encode(a)) : a;
    ch.alpnOffsets[ch.alpnCount] = bytes.length;
    ch.alpnLengths[ch.alpnCount++] = b.length;
    bytes.push(...b);
  }
  ch.bytes = Uint8Array.from(bytes);
  return ch;
}

test('JA4.md example: JA4, JA4_r, JA4_o, JA4_ro', () => {
  const ch = hello();
  assert.is(ja4(ch, 't'), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.is(ja4Raw(ch, 't'), 't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601');
  assert.is(ja4Original(ch, 't'), 't13d1516h2_acb858a92679_18f69afefd3d');
  assert.is(ja4RawOriginal(ch, 't'), 't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015_0403,0804,0401,0503,0805,0501,0806,0601');
});

test('JA4.md: no signature algorithms, the extension string ends without an underscore (6d807ffa2a79)', () => {
  assert.is(ja4(hello({ sigs: [] }), 't'), 't13d1516h2_8daaf6152771_6d807ffa2a79');
});

test('GREASE is ignored everywhere: suites, extensions, signature algorithms, supported versions, counts', () => {
  const greasy = hello({
    ciphers: [0x0a0a, ...SPEC_CIPHERS], exts: [0x1a1a, ...SPEC_EXTS, 0xfafa], sigs: [0x2a2a, ...SPEC_SIGS], versions: [0x3a3a, 0x0304, 0x0303],
  });
  assert.is(ja4(greasy, 't'), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.is(ja4Original(greasy, 't'), 't13d1516h2_acb858a92679_18f69afefd3d');
});

test('empty cipher or extension list hashes to 000000000000; SNI and ALPN alone leave the extension list empty', () => {
  assert.is(ja4(hello({ ciphers: [], exts: [], sigs: [], versions: null, alpn: null, sni: false }), 't'), 't12i000000_000000000000_000000000000');
  assert.is(ja4(hello({ exts: [0x0000, 0x0010], sigs: [], versions: null }), 't'), 't12d1502h2_8daaf6152771_000000000000');
  assert.is(ja4Original(hello({ ciphers: [0x0a0a], exts: [], sigs: [] }), 't'), 't13d0000h2_000000000000_000000000000');
});

test('counts over 99 print 99; transport letters q and d; i without the server_name extension', () => {
  const many = Array.from({ length: 120 }, (_, i) => 0x0100 + i);
  assert.match(ja4(hello({ ciphers: many, exts: many }), 'q'), /^q13d9999h2_/);
  assert.match(ja4(hello({ sni: false }), 'd'), /^d13i1516h2_/);
});

test('version: highest non-GREASE supported_versions value, else legacy_version; the code table', () => {
  assert.match(ja4(hello({ versions: [0x0303, 0x0304, 0x0302] }), 't'), /^t13/);
  assert.match(ja4(hello({ versions: null, legacy: 0x0301 }), 't'), /^t10/);
  assert.match(ja4(hello({ versions: [0x0a0a] }), 't'), /^t00/);
  const table: Array<[number, string]> = [
    [0x0304, '13'], [0x0303, '12'], [0x0302, '11'], [0x0301, '10'], [0x0300, 's3'], [0x0002, 's2'], [0x0200, 's2'],
    [0x0100, 's1'], [0xfeff, 'd1'], [0xfefd, 'd2'], [0xfefc, 'd3'], [0x7f1c, '00'], [0x0305, '00'],
  ];
  for (const [v, code] of table) assert.is(ja4Version(v), code, v.toString(16));
});

test('ALPN: first and last character; one character twice; non-alphanumeric first or last byte → first and last hex digit', () => {
  const cases: Array<[number[] | string, string]> = [
    ['h2', 'h2'], ['http/1.1', 'h1'], ['h3', 'h3'], ['a', 'aa'], ['', '00'],
    [[0xab], 'ab'], [[0xab, 0xcd], 'ad'], [[0x30, 0xab], '3b'], [[0x30, 0x31, 0xab, 0xcd], '3d'], [[0x30, 0xab, 0xcd, 0x31], '01'],
    [[0xba, 0xad], 'bd'], ['h_', '6f'], ['/x', '28'],
  ];
  for (const [value, want] of cases) {
    const b = typeof value === 'string' ? new TextEncoder().encode(value) : Uint8Array.from(value);
    assert.is(ja4Alpn(b, 0, b.length), want, JSON.stringify(value));
  }
  assert.match(ja4(hello({ alpn: null }), 't'), /^t13d151600_/);
  assert.match(ja4(hello({ alpn: [[0xba, 0xad], 'http/1.1'] }), 't'), /^t13d1516bd_/);
  assert.match(ja4(hello({ alpn: ['', 'h2'] }), 't'), /^t13d151600_/);
});

test('real: ja4/tls-sni.pcapng frame 1 (Chrome, GREASE) equals the ja4 project\'s python output', () => {
  const ch = new ClientHello();
  assert.is(parseClientHello(CH_GREASE, 5, CH_GREASE.length - 5, ch), APP_DONE);
  assert.is(ja4(ch, 't'), 't13d1516h2_8daaf6152771_e5627efa2ab1');
  assert.is(ja4Raw(ch, 't'), 't13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601');
  assert.is(ja4Original(ch, 't'), 't13d1516h2_acb858a92679_8fc3c02244b2');
  assert.is(ja4RawOriginal(ch, 't'), 't13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035_ff01,0033,002d,0005,4469,000d,0010,0023,001b,002b,0000,0012,000a,0017,000b,0015_0403,0804,0401,0503,0805,0501,0806,0601');
});

test('real: ja4/tls-alpn-h2.pcap frames 4 and 6 (JA4 and JA4S) equal the ja4 project\'s python output', () => {
  const ch = new ClientHello();
  assert.is(parseClientHello(CH_ALPN_H2, 5, CH_ALPN_H2.length - 5, ch), APP_DONE);
  assert.is(ja4(ch, 't'), 't12d4605h2_85626a9a5f7f_aaf95bb78ec9');
  assert.is(ja4Original(ch, 't'), 't12d4605h2_644f5d117d98_094daec7ec8d');
  const sh = new ServerHello();
  assert.is(parseServerHello(SH12, 5, SH12.length - 5, sh), APP_DONE);
  assert.is(ja4s(sh, 't'), 't1204h2_cca9_1428ce7b4018');
  assert.is(ja4sRaw(sh, 't'), 't1204h2_cca9_0000,ff01,000b,0010');
});

test('JA4S.md example: t120400_c030_4e8089b08790 and its raw form', () => {
  const sh = new ServerHello();
  sh.legacyVersion = sh.version = 0x0303;
  sh.cipherSuite = 0xc030;
  sh.extTypes.set([0x0005, 0x0017, 0xff01, 0x0000]);
  sh.extCount = 4;
  assert.is(ja4s(sh, 't'), 't120400_c030_4e8089b08790');
  assert.is(ja4sRaw(sh, 't'), 't120400_c030_0005,0017,ff01,0000');
  sh.version = 0x0304;
  assert.match(ja4s(sh, 'q'), /^q130400_c030_/);
});

test.run();
