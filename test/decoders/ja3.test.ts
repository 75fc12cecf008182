// JA3 / JA3S (ja3.ts): real hellos against tshark's tls.handshake.ja3_full / ja3 / ja3s_full / ja3s,
// GREASE removed, empty lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ServerHello, parseServerHello } from '../../decoders/tls-server-hello.js';
import { ja3Hash, ja3String, ja3sHash, ja3sString } from '../../decoders/ja3.js';
import { APP_DONE } from '../../decoders/app-layer.js';
import { hex } from './helpers.js';

// ja4/tls-alpn-h2.pcap frame 4, TCP payload: TLS 1.2 ClientHello, SNI www.cloudflare.com, ALPN h2,http/1.1, 46 suites, no GREASE
const CH_ALPN_H2 = hex(`
16030100e8010000e40303858226c04fbaeddef4246093b4cfdab38f9dcfef14
5360e417686575cac49c7000005cc030c02cc028c024c014c00a009f006b0039
cca9cca8ccaaff8500c400880081009d003d003500c00084c02fc02bc027c023
c013c009009e0067003300be0045009c003c002f00ba0041c011c00700050004
c012c0080016000a00ff0100005f0000001700150000127777772e636c6f7564
666c6172652e636f6d000b00020100000a00080006001d00170018000d001c00
1a06010603efef0501050304010403eeeeeded03010303020102030010000e00
0c02683208687474702f312e31
`);

// ja4/tls-sni.pcapng frame 1, TCP payload: Chrome ClientHello, GREASE in suites, extensions, versions, groups; SNI clientservices.googleapis.com
const CH_GREASE = hex(`
1603010200010001fc03030f9e38acb9a54a7c6e00e29a70ac2feee180ff76d7
f25dca84932a66a42d1e5a20bc58b92f865e6b9aa4a6371cadcb0afe1da1c0f7
05209a11d52357f56d5dd9620020aaaa130113021303c02bc02fc02cc030cca9
cca8c013c014009c009d002f0035010001939a9a0000ff010001000033002b00
290a0a000100001d0020cf55af2603e92f59eb321779706a18fa6b96b16c1640
4c2264ed687a59401878002d0002010100050005010000000044690005000302
6832000d00120010040308040401050308050501080606010010000e000c0268
3208687474702f312e3100230000001b0003020002002b0007060a0a03040303
00000022002000001d636c69656e7473657276696365732e676f6f676c656170
69732e636f6d00120000000a000a00080a0a001d0017001800170000000b0002
01006a6a000100001500ba000000000000000000000000000000000000000000
0000000000000000000000000000000000000000000000000000000000000000
0000000000000000000000000000000000000000000000000000000000000000
0000000000000000000000000000000000000000000000000000000000000000
0000000000000000000000000000000000000000000000000000000000000000
0000000000000000000000000000000000000000000000000000000000000000
0000000000
`);

// ja4/tls-alpn-h2.pcap frame 6, TCP payload (first 105 bytes): the ServerHello record of the TLS 1.2 answer to CH_ALPN_H2: cipher 0xcca9, ALPN h2, extensions 0,ff01,b,10
const SH12 = hex(`
16030300640200006003035f0236c07f47bfb12dc2da706ecb3fe7f9eeac9968
cc2ddf444f574e4752440120b89ff1ab695278c69b8a73f76242ef755e0b13dc
6d459aaaa784fec9c2dfce34cca900001800000000ff01000100000b00020100
001000050003026832
`);

// ja4/tls-handshake.pcapng frame 2, TCP payload (first 127 bytes): the ServerHello record of a TLS 1.3 answer: supported_versions 0x0304, cipher 0x1301
const SH13 = hex(`
160303007a020000760303897c232e3ee313314f2b662307ff4f7e2cf1caeec1
b27711bca77f469519168520bc58b92f865e6b9aa4a6371cadcb0afe1da1c0f7
05209a11d52357f56d5dd962130100002e00330024001d002076b8b7ed0f96b6
3a773d85ab6f3a87a151c130529785b41a4defb53184055957002b00020304
`);

function client(stream: Uint8Array): ClientHello {
  const ch = new ClientHello();
  assert.is(parseClientHello(stream, 5, stream.length - 5, ch), APP_DONE);
  return ch;
}

function server(stream: Uint8Array): ServerHello {
  const sh = new ServerHello();
  assert.is(parseServerHello(stream, 5, stream.length - 5, sh), APP_DONE);
  return sh;
}

test('JA3 of ja4/tls-alpn-h2.pcap frame 4 equals tshark (ja3_full, ja3)', () => {
  const ch = client(CH_ALPN_H2);
  assert.is(ja3String(ch), '771,49200-49196-49192-49188-49172-49162-159-107-57-52393-52392-52394-65413-196-136-129-157-61-53-192-132-49199-49195-49191-49187-49171-49161-158-103-51-190-69-156-60-47-186-65-49169-49159-5-4-49170-49160-22-10-255,0-11-10-13-16,29-23-24,0');
  assert.is(ja3Hash(ch), '3faa4ad39f690c4ef1c3160caa375465');
});

test('JA3 of ja4/tls-sni.pcapng frame 1 (Chrome): GREASE suites, extensions and groups left out, as tshark', () => {
  const ch = client(CH_GREASE);
  assert.is(ja3String(ch), '771,4865-4866-4867-49195-49199-49196-49200-52393-52392-49171-49172-156-157-47-53,65281-51-45-5-17513-13-16-35-27-43-0-18-10-23-11-21,29-23-24,0');
  assert.is(ja3Hash(ch), '1c258ebef8eee2dfa3df6d8d07285af9');
});

test('JA3 with empty lists: no extensions gives empty fields; a list of only GREASE is empty', () => {
  const ch = new ClientHello();
  ch.legacyVersion = 0x0301;
  ch.cipherSuites.set([0x002f, 0x0035, 0x0a0a]);
  ch.cipherCount = 3;
  assert.is(ja3String(ch), '769,47-53,,,');
  ch.extTypes.set([0xfafa]);
  ch.extCount = 1;
  ch.supportedGroups.set([0x2a2a]);
  ch.groupCount = 1;
  ch.ecPointFormats.set([0, 1, 2]);
  ch.pointFormatCount = 3;
  assert.is(ja3String(ch), '769,47-53,,,0-1-2');
  assert.match(ja3Hash(ch), /^[0-9a-f]{32}$/);
});

test('JA3S of ja4/tls-alpn-h2.pcap frame 6 and ja4/tls-handshake.pcapng frame 2 equal tshark (ja3s_full, ja3s)', () => {
  const s12 = server(SH12);
  assert.is(ja3sString(s12), '771,52393,0-65281-11-16');
  assert.is(ja3sHash(s12), '7f76f3e952a1bc7d407366fafe1db7ed');
  const s13 = server(SH13);
  assert.is(ja3sString(s13), '771,4865,51-43');
  assert.is(ja3sHash(s13), 'eb1d94daa7e0344597e756a1fb6e7054');
});

test.run();
