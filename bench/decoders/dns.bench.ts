// App-layer parsers on real messages from ../shared/pcaps: parseDns (every DNS message of the
// dns_truth captures), DnsNameMap (observe every response, look up every answer address) and
// parseHttpRequest (every request head of the HTTP Host captures). Prints ns per message.
// Usage: node --import tsx bench/decoders/dns.bench.ts

import Benchmark from 'benchmark';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { APP_DONE } from '../../decoders/app-layer.js';
import { DNS_TYPE_A, DNS_TYPE_AAAA, DnsMessage, parseDns } from '../../decoders/dns.js';
import { decodeFrame } from '../../decoders/frame.js';
import { HttpRequest, looksLikeHttpRequest, parseHttpRequest } from '../../decoders/http1-request.js';
import { Packet } from '../../decoders/packet.js';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { openCapture } from '../../engine/capture/open.js';
import { DnsNameMap } from '../../engine/flow/dns-names.js';
import { SHARED_PCAPS } from '../inputs.js';

/** Messages packed into one buffer, as a capture batch holds them: [offset, length] pairs. */
export interface Messages { bytes: Uint8Array; spans: Uint32Array; count: number }

function pack(list: Uint8Array[]): Messages {
  const bytes = new Uint8Array(list.reduce((n, m) => n + m.length, 0));
  const spans = new Uint32Array(list.length * 2);
  let o = 0;
  list.forEach((m, i) => { bytes.set(m, o); spans[2 * i] = o; spans[2 * i + 1] = m.length; o += m.length; });
  return { bytes, spans, count: list.length };
}

/** UDP (and single-segment TCP) payloads of `files` that `keep` accepts. */
async function payloads(files: string[], keep: (b: Uint8Array, udp: boolean) => boolean): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const pkt = new Packet();
  for (const file of files) {
    const reader = await openCapture(join(SHARED_PCAPS, file));
    try {
      for (let b = await reader.next(); b !== null; b = await reader.next()) {
        for (let i = 0; i < b.count; i++) {
          const m = i * META_STRIDE;
          pkt.reset(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3]);
          decodeFrame(pkt);
          if (pkt.isFragment || pkt.payloadLength === 0 || (pkt.ipProto !== 6 && pkt.ipProto !== 17)) continue;
          const p = b.data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength);
          if (keep(p, pkt.ipProto === 17)) out.push(p);
        }
      }
    } finally {
      await reader.close();
    }
  }
  return out;
}

function manifestFiles(feature: string): string[] {
  return readFileSync(join(SHARED_PCAPS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split('\t')).filter((r) => r[7].includes(feature)).map((r) => r[0]);
}

/** Every DNS message (UDP payload parsing to APP_DONE) of the dns_truth captures. */
export async function dnsMessages(): Promise<Messages> {
  const files = [...new Set(readFileSync(join(SHARED_PCAPS, 'dns_truth.tsv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split('\t')[0]))];
  const msg = new DnsMessage();
  return pack(await payloads(files, (b, udp) => udp && parseDns(b, 0, b.length, msg) === APP_DONE && msg.hasQuestion));
}

/** Every request head that fits one segment in the HTTP Host captures. */
export async function httpHeads(): Promise<Messages> {
  const req = new HttpRequest();
  return pack(await payloads(manifestFiles('HTTP-Host'), (b, udp) => !udp && looksLikeHttpRequest(b, 0, b.length) && parseHttpRequest(b, 0, b.length, req) === APP_DONE));
}

/** Parse every message; returns a checksum so the work cannot be optimised away. */
export function parseAllDns(m: Messages, msg: DnsMessage): number {
  let sum = 0;
  for (let i = 0; i < m.count; i++) {
    parseDns(m.bytes, m.spans[2 * i], m.spans[2 * i + 1], msg);
    sum += msg.qnameLength + msg.answerCount;
  }
  return sum;
}

export function parseAllHttp(m: Messages, req: HttpRequest): number {
  let sum = 0;
  for (let i = 0; i < m.count; i++) {
    parseHttpRequest(m.bytes, m.spans[2 * i], m.spans[2 * i + 1], req);
    sum += req.headerLength;
  }
  return sum;
}

/** Observe every response into `map`, then look up each A/AAAA answer address once. */
export function observeAndLookup(m: Messages, msg: DnsMessage, map: DnsNameMap, nowUs: number): number {
  let hits = 0;
  for (let i = 0; i < m.count; i++) {
    if (parseDns(m.bytes, m.spans[2 * i], m.spans[2 * i + 1], msg) !== APP_DONE) continue;
    map.observe(msg, nowUs);
    for (let a = 0; a < msg.answerCount; a++) {
      const t = msg.ansType[a];
      if (t === DNS_TYPE_A || t === DNS_TYPE_AAAA) hits += map.lookup(m.bytes, msg.ansRdataOffset[a], t === DNS_TYPE_A ? 4 : 6, nowUs) >= 0 ? 1 : 0;
    }
  }
  return hits;
}

function run(name: string, fn: () => void): Promise<Benchmark.Target> {
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite(name);
    suite.add(name, { fn, minSamples: 20, maxTime: 3 });
    suite.on('complete', function (this: Benchmark.Suite) { resolve((this as unknown as Benchmark.Target[])[0]); });
    suite.on('error', (e: { target: { error: unknown } }) => reject(e.target.error));
    suite.run({ async: true });
  });
}

async function main(): Promise<void> {
  const dns = await dnsMessages();
  const http = await httpHeads();
  const msg = new DnsMessage();
  const req = new HttpRequest();
  const map = new DnsNameMap();
  let sink = 0;
  const rows: Array<[string, number, Benchmark.Target]> = [];
  rows.push(['parseDns (real messages, UDP)', dns.count, await run('dns', () => { sink += parseAllDns(dns, msg); })]);
  rows.push(['parseDns + DnsNameMap.observe + lookup of each answer address', dns.count,
    await run('names', () => { sink += observeAndLookup(dns, msg, map, 1e15); })]);
  rows.push(['parseHttpRequest (real request heads)', http.count, await run('http', () => { sink += parseAllHttp(http, req); })]);
  console.log(`${dns.count} DNS messages (${dns.bytes.length} bytes), ${http.count} HTTP heads (${http.bytes.length} bytes); checksum ${sink}`);
  console.log('| suite | messages | ns/message | ± |');
  console.log('|---|---:|---:|---:|');
  for (const [label, n, t] of rows) console.log(`| ${label} | ${n} | ${(1e9 / ((t.hz ?? 0) * n)).toFixed(0)} | ${(t.stats?.rme ?? 0).toFixed(1)}% |`);
  console.log(`DnsNameMap: ${map.size} addresses, ${map.hits} hits, ${map.misses} misses, ${map.evictions} evictions`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
