// ClientHello parsing: the record walk + parser the pipeline runs once per TLS flow, on a real Chrome
// hello (ja4/tls-sni.pcapng frame 1, 517 bytes, GREASE, 18 extensions); JA3/JA4 strings for scale.
// Usage: node --import tsx bench/decoders/tls-client-hello.bench.ts [iterations]

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { openCapture } from '../../engine/capture/open.js';
import { decodeFrame } from '../../decoders/frame.js';
import { Packet } from '../../decoders/packet.js';
import { APP_DONE } from '../../decoders/app-layer.js';
import { TlsHandshakeScratch, tlsClientStream } from '../../decoders/tls-record.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { ja3Hash } from '../../decoders/ja3.js';
import { ja4 } from '../../decoders/ja4.js';
import { SHARED_PCAPS } from '../inputs.js';

/** TCP payload of frame `frame` of a shared capture (a copy). */
export async function tcpPayload(file: string, frame: number): Promise<Uint8Array> {
  const reader = await openCapture(join(SHARED_PCAPS, file));
  const pkt = new Packet();
  try {
    for (;;) {
      const b = await reader.next();
      if (b === null) break;
      const i = frame - b.firstFrame;
      if (i < 0 || i >= b.count) continue;
      const m = i * META_STRIDE;
      pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
      decodeFrame(pkt);
      return b.data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength);
    }
  } finally {
    await reader.close();
  }
  throw new Error(`${file}: no frame ${frame}`);
}

/**
 * `iterations` times: walk the records of `stream` (a fresh flow each time: `scratch.reset()`) and
 * parse the ClientHello into the same preallocated `ch`. Returns a checksum so nothing is optimised away.
 */
export function streamAndParseLoop(stream: Uint8Array, iterations: number, scratch = new TlsHandshakeScratch(), ch = new ClientHello()): number {
  let sum = 0;
  for (let i = 0; i < iterations; i++) {
    scratch.reset();
    if (tlsClientStream(stream, 0, stream.length, scratch) !== APP_DONE) throw new Error('not a ClientHello stream');
    if (parseClientHello(scratch.msgBytes, scratch.msgOffset, scratch.msgLength, ch) !== APP_DONE) throw new Error('ClientHello did not parse');
    sum += ch.sniLength + ch.extCount;
  }
  return sum;
}

/** `iterations` parses of the handshake message `bytes[offset .. offset + length)` into `ch`. */
export function parseLoop(bytes: Uint8Array, offset: number, length: number, iterations: number, ch = new ClientHello()): number {
  let sum = 0;
  for (let i = 0; i < iterations; i++) {
    if (parseClientHello(bytes, offset, length, ch) !== APP_DONE) throw new Error('ClientHello did not parse');
    sum += ch.sniLength + ch.cipherCount;
  }
  return sum;
}

export interface ClientHelloBench { iterations: number; helloBytes: number; nsPerParse: number; nsPerStreamAndParse: number; nsPerJa3: number; nsPerJa4: number }

function nsPer(iterations: number, fn: () => void): number {
  const t0 = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t0) / iterations;
}

/** Per-call times on the real hello after a warm-up run of the same size (no assertion here). */
export async function benchClientHello(iterations = 100_000): Promise<ClientHelloBench> {
  const stream = await tcpPayload('files/ja4/tls-sni.pcapng', 1);
  const ch = new ClientHello();
  const scratch = new TlsHandshakeScratch();
  streamAndParseLoop(stream, iterations, scratch, ch);
  parseLoop(stream, 5, stream.length - 5, iterations, ch);
  const nsPerParse = nsPer(iterations, () => parseLoop(stream, 5, stream.length - 5, iterations, ch));
  const nsPerStreamAndParse = nsPer(iterations, () => streamAndParseLoop(stream, iterations, scratch, ch));
  const fp = Math.max(1, Math.floor(iterations / 10));
  let out = '';
  const nsPerJa3 = nsPer(fp, () => { for (let i = 0; i < fp; i++) out = ja3Hash(ch); });
  const nsPerJa4 = nsPer(fp, () => { for (let i = 0; i < fp; i++) out = ja4(ch, 't'); });
  void out;
  return { iterations, helloBytes: stream.length, nsPerParse, nsPerStreamAndParse, nsPerJa3, nsPerJa4 };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const r = await benchClientHello(Number(process.argv[2] ?? 100_000));
  console.log(JSON.stringify(r, (_, v: unknown) => (typeof v === 'number' ? Math.round(v * 10) / 10 : v)));
}
