// JA3 / JA3S (ja3.ts): real hellos against tshark's tls.handshake.ja3_full / ja3 / ja3s_full / ja3s,
// GREASE removed, empty lists.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ServerHello, parseServerHello } from '../../decoders/tls-server-hello.js';
import { ja3Hash, ja3String, ja3sHash, ja3sString } from '../../decoders/ja3.js';
import { APP_DONE } from '../../decoders/app-layer.js';
import { CH_ALPN_H2, CH_GREASE, SH12, SH13 } from './tls-golden.js';





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
