// HTTP/1.x request heads: every request tshark 4.0.17 finds in the shared captures with HTTP Host
// fields (MANIFEST.tsv feature HTTP-Host, COVERAGE.md's "HTTP Host" row) parses to tshark's method,
// Host, URI and User-Agent; golden requests, one negative test per HTTP event, the prefix sweep,
// seeded fuzzing and looksLikeHttpRequest().
//
// Stand-in for TCP reassembly (engine/reassembly, not this test's): a request tshark reassembled
// from several segments (`tcp.segment`) is the concatenation of those segments' payloads in order.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_DONE, APP_EVENT_NAMES, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS } from '../../decoders/app-layer.js';
import {
  EV_HTTP_HEADER_TOO_LONG, EV_HTTP_INVALID_HEADER, EV_HTTP_INVALID_REQUEST_LINE, HTTP_CONNECT, HTTP_GET, HTTP_MAX_HEADER_BYTES,
  HTTP_OTHER, HTTP_POST, HttpRequest, looksLikeHttpRequest, parseHttpRequest,
} from '../../decoders/http1-request.js';
import { SHARED_PCAPS } from '../helpers/paths.js';
import { eachDecoded } from '../helpers/decode-file.js';
import { concat, hex } from './helpers.js';
import { rng } from '../helpers/rng.js';
import { guarded } from '../helpers/guarded.js';

const STATUS = ['APP_DONE', 'APP_NEED_MORE', 'APP_NOT_THIS', 'APP_INVALID'];

function text(b: Uint8Array, off: number, len: number): string {
  return off < 0 ? '' : Buffer.from(b.subarray(off, off + len)).toString('latin1');
}

/** Method, Host, URI, User-Agent (tshark's field order) as text; '' for an absent field. */
function fieldsOf(r: HttpRequest): string[] {
  const b = r.bytes;
  return [text(b, r.methodOffset, r.methodLength), text(b, r.hostOffset, r.hostLength), text(b, r.uriOffset, r.uriLength),
    text(b, r.userAgentOffset, r.userAgentLength)];
}

/** TCP or UDP payload of every frame of a capture, by frame number (SSDP requests are HTTP over UDP). */
async function payloads(path: string): Promise<Map<number, Uint8Array & { udp?: boolean }>> {
  const out = new Map<number, Uint8Array & { udp?: boolean }>();
  await eachDecoded(path, (pkt, frame, _status, data) => {
    if ((pkt.ipProto !== 6 && pkt.ipProto !== 17) || pkt.isFragment || pkt.payloadLength === 0) return;
    const p: Uint8Array & { udp?: boolean } = data.slice(pkt.payloadOffset, pkt.payloadOffset + pkt.payloadLength);
    if (pkt.ipProto === 17) p.udp = true;
    out.set(frame, p);
  });
  return out;
}

const httpFiles = readFileSync(join(SHARED_PCAPS, 'MANIFEST.tsv'), 'utf8').trim().split('\n').slice(1)
  .map((l) => l.split('\t')).filter((r) => r[7].includes('HTTP-Host')).map((r) => r[0]);

test('every HTTP request tshark reports in the HTTP Host captures parses to its method, Host, URI and User-Agent', async () => {
  assert.is(httpFiles.length, 24, 'files in COVERAGE.md\'s HTTP Host row');
  const req = new HttpRequest();
  const misses: string[] = [];
  let total = 0;
  let multi = 0;
  let udp = 0;
  const SEP = '\x1f';
  for (const file of httpFiles) {
    const out = execFileSync('tshark', ['-r', join(SHARED_PCAPS, file), '-Y', 'http.request', '-T', 'fields', '-E', `aggregator=${SEP}`,
      '-e', 'frame.number', '-e', 'tcp.segment', '-e', 'http.request.method', '-e', 'http.host', '-e', 'http.request.uri', '-e', 'http.user_agent'],
    { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 << 20 });
    const byFrame = await payloads(join(SHARED_PCAPS, file));
    for (const line of out.split('\n')) {
      if (line === '') continue;
      const [frame, segments, ...want] = line.split('\t');
      total++;
      const frames = segments === '' ? [Number(frame)] : segments.split(SEP).map(Number);
      if (frames.length > 1) multi++;
      if (byFrame.get(frames[0])?.udp) udp++;
      const parts = frames.map((f) => byFrame.get(f));
      if (parts.some((p) => p === undefined)) { misses.push(`${file}#${frame}: no payload in frames ${frames}`); continue; }
      const bytes = concat(...(parts as Uint8Array[]));
      const s = parseHttpRequest(bytes, 0, bytes.length, req);
      const got = fieldsOf(req);
      if (s !== APP_DONE || got.join('\t') !== want.join('\t')) {
        misses.push(`${file}#${frame}: want ${JSON.stringify(want)}, got ${STATUS[s]} ${APP_EVENT_NAMES[req.event] ?? ''} ${JSON.stringify(got)}`);
      }
    }
  }
  assert.equal(misses, [], `${misses.length} of ${total} requests missed`);
  assert.ok(total >= 2000 && multi >= 60, `requests: ${total}, reassembled from several segments: ${multi}`);
  console.log(`  http: ${total} requests matched (${multi} from several TCP segments, ${udp} SSDP over UDP)`);
});

// zeek/http-qinq-0.pcap frame 4, TCP payload; tcpdump -nn -r zeek/http-qinq-0.pcap (4th packet):
// 21:42:06.939527 IP 141.142.228.5.59856 > 192.150.187.43.80: Flags [P.], seq 1:137, ack 1, win 8235, length 136:
//   HTTP: GET /download/CHANGES.bro-aux.txt HTTP/1.1
//   GET /download/CHANGES.bro-aux.txt HTTP/1.1\r\n  User-Agent: Wget/1.14 (darwin12.2.0)\r\n  Accept: */*\r\n
//   Host: bro.org\r\n  Connection: Keep-Alive\r\n  \r\n
const WGET = hex(`
474554202f646f776e6c6f61642f4348414e4745532e62726f2d6175782e74787420485454502f312e310d0a557365722d
4167656e743a20576765742f312e3134202864617277696e31322e322e30290d0a4163636570743a202a2f2a0d0a486f73
743a2062726f2e6f72670d0a436f6e6e656374696f6e3a204b6565702d416c6976650d0a0d0a`);

// ja4/http1.pcapng frame 1, the first 220 of its 1460 TCP payload bytes (head, then the binary body):
// 16:43:43.064826 IP 192.168.1.191.48456 > 192.168.1.1.8080: Flags [.], length 1460: HTTP: POST /inform HTTP/1.1
//   0x0000: 504f 5354 202f 696e 666f 726d 2048 5454  POST /inform HTT
//   0x0080: 7465 6e74 2d4c 656e 6774 683a 2036 3431  tent-Length: 641
//   0x0090: 390d 0a0d 0a54 4e42 5500 0000 00d0 21f9  9....TNBU.....!.
const INFORM = hex(`
504f5354202f696e666f726d20485454502f312e310d0a486f73743a20756e6966693a383038300d0a4163636570743a20
2a2f2a0d0a557365722d4167656e743a20416972436f6e74726f6c204167656e742076312e300d0a436f6e74656e742d54
7970653a206170706c69636174696f6e2f782d62696e6172790d0a436f6e74656e742d4c656e6774683a20363431390d0a
0d0a544e4255000000 00d021f96e41f9000b05d51128d2750026e3bee4f22efd1a76000000010000 18eb9c8e4882d283bd
c802659c609cabdbfde59c32c150bf6327fcb308917c312c`);

type Snapshot = Record<string, unknown>;
function snapshot(r: HttpRequest): Snapshot {
  const out: Snapshot = {};
  for (const [k, v] of Object.entries(r)) if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
}

function golden(bytes: Uint8Array, status: number, want: Snapshot, fields?: string[]): HttpRequest {
  const r = new HttpRequest();
  const empty = snapshot(new HttpRequest());
  for (const k of Object.keys(want)) if (!(k in empty)) throw new Error(`golden(): HttpRequest has no field ${k}`);
  for (const round of ['first', 'second']) {
    assert.is(STATUS[parseHttpRequest(bytes, 0, bytes.length, r)], STATUS[status], `${round} parse: status`);
    assert.equal(snapshot(r), { ...empty, ...want }, `${round} parse: fields`);
  }
  if (fields) assert.equal(fieldsOf(r), fields);
  return r;
}

test('golden: zeek/http-qinq-0.pcap frame 4 (GET, Wget)', () => {
  const r = golden(WGET, APP_DONE, {
    start: 0, method: HTTP_GET, methodOffset: 0, methodLength: 3, uriOffset: 4, uriLength: 29, versionMinor: 1, versionOffset: 34,
    hostOffset: 101, hostLength: 7, hostCount: 1, userAgentOffset: 56, userAgentLength: 24, headerCount: 4, headerLength: 136,
    headersOffset: 44, headersEnd: 134,
  }, ['GET', 'bro.org', '/download/CHANGES.bro-aux.txt', 'Wget/1.14 (darwin12.2.0)']);
  assert.is(r.bytes, WGET);
});

test('golden: ja4/http1.pcapng frame 1 (POST with Content-Length, body follows the head)', () => {
  golden(INFORM, APP_DONE, {
    start: 0, method: HTTP_POST, methodOffset: 0, methodLength: 4, uriOffset: 5, uriLength: 7, versionMinor: 1, versionOffset: 13,
    hostOffset: 29, hostLength: 10, hostCount: 1, userAgentOffset: 66, userAgentLength: 21, contentLength: 6419, headerCount: 5,
    headerLength: 149, headersOffset: 23, headersEnd: 147,
  }, ['POST', 'unifi:8080', '/inform', 'AirControl Agent v1.0']);
});

function req(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s, 'latin1'));
}

test('tolerated: bare LF, leading empty lines, HTTP/1.0, case-insensitive names, OWS, folded lines, chunked, inside a larger buffer', () => {
  golden(req('\r\n\nGET /a HTTP/1.0\nhost:  x.test \t\nUSER-AGENT:ua\n X-Fold: skipped\n\tmore\nTransfer-Encoding: gzip, Chunked\n\n'), APP_DONE, {
    start: 3, method: HTTP_GET, methodOffset: 3, methodLength: 3, uriOffset: 7, uriLength: 2, versionMinor: 0, versionOffset: 10,
    hostOffset: 26, hostLength: 6, hostCount: 1, userAgentOffset: 46, userAgentLength: 2, headerCount: 3, chunked: true, headerLength: 106,
    headersOffset: 19, headersEnd: 105,
  }, ['GET', 'x.test', '/a', 'ua']);
  const r = new HttpRequest();
  const inner = req('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\nHost: other\r\n\r\n');
  const buf = concat(req('junk'), inner, req('tail'));
  assert.is(parseHttpRequest(buf, 4, inner.length + 4, r), APP_DONE);
  assert.is(r.method, HTTP_CONNECT);
  assert.equal(fieldsOf(r), ['CONNECT', 'example.com:443', 'example.com:443', '']);
  assert.is(r.hostCount, 2);
  assert.is(r.headerLength, inner.length);
  assert.is(expectStatus('M-SEARCH * HTTP/1.1\r\nContent-Length: 0\r\n\r\n', APP_DONE).method, HTTP_OTHER);
  // The same Content-Length twice is not a conflict.
  assert.is(expectStatus('GET / HTTP/1.1\r\nContent-Length: 5\r\ncontent-length: 5\r\n\r\n', APP_DONE).contentLength, 5);
});

function expectStatus(s: string | Uint8Array, status: number, event = -1): HttpRequest {
  const b = typeof s === 'string' ? req(s) : s;
  const r = new HttpRequest();
  const name = JSON.stringify(typeof s === 'string' ? s.slice(0, 60) : `${b.length} bytes`);
  assert.is(STATUS[parseHttpRequest(b, 0, b.length, r)], STATUS[status], `${name}: status`);
  assert.is(APP_EVENT_NAMES[r.event], APP_EVENT_NAMES[event], `${name}: event`);
  return r;
}

test('APP_NOT_THIS: not an upper-case method token and a space; the HTTP/2 preface', () => {
  expectStatus('\x16\x03\x01\x02\x00\x01', APP_NOT_THIS);
  expectStatus('get / HTTP/1.1\r\n\r\n', APP_NOT_THIS);
  expectStatus(' GET / HTTP/1.1\r\n\r\n', APP_NOT_THIS);
  expectStatus('GET\t/ HTTP/1.1\r\n\r\n', APP_NOT_THIS);
  expectStatus('SSH-2.0-OpenSSH_9.6\r\n', APP_NOT_THIS);
  expectStatus(`${'A'.repeat(25)} / HTTP/1.1\r\n\r\n`, APP_NOT_THIS);
  expectStatus('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', APP_NOT_THIS);
  expectStatus(`${'A'.repeat(24)} / HTTP/1.1\r\n\r\n`, APP_DONE);
});

test('http.invalid_request_line: empty or broken target, HTTP/0.9, HTTP/2.0, other versions, CR without LF', () => {
  const E = EV_HTTP_INVALID_REQUEST_LINE;
  expectStatus('GET  HTTP/1.1\r\n\r\n', APP_INVALID, E);
  expectStatus('GET /a\x01b HTTP/1.1\r\n\r\n', APP_INVALID, E);
  expectStatus('GET /\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/2.0\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.x\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / http/1.1\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1 \r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\rX\n\r\n', APP_INVALID, E);
});

test('http.invalid_header: space before the colon, no colon, control bytes, fold first, bad or conflicting Content-Length', () => {
  const E = EV_HTTP_INVALID_HEADER;
  expectStatus('GET / HTTP/1.1\r\nHost : a\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\nHost\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\n: a\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\nHost: a\x00b\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\nHost: a\x7f\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\n folded-first\r\n\r\n', APP_INVALID, E);
  expectStatus('GET / HTTP/1.1\r\nHost: a\r\n\rx', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length: 12a\r\n\r\n', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length:\r\n\r\n', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length: 1234567890123456\r\n\r\n', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', APP_INVALID, E);
  expectStatus('POST / HTTP/1.1\r\nContent-Length: 123456789012345\r\n\r\n', APP_DONE);
});

test('http.header_too_long: a head not ended within HTTP_MAX_HEADER_BYTES; one ending at the limit is fine', () => {
  const line = `GET /${'a'.repeat(100)} HTTP/1.1\r\n`;
  const filler = (n: number) => `X-Pad: ${'p'.repeat(n - 9)}\r\n`; // a field line of n bytes
  // Exactly HTTP_MAX_HEADER_BYTES including the final CRLF.
  const exact = line + filler(HTTP_MAX_HEADER_BYTES - line.length - 2) + '\r\n';
  assert.is(exact.length, HTTP_MAX_HEADER_BYTES);
  expectStatus(exact, APP_DONE);
  expectStatus(exact + 'body', APP_DONE);
  const over = line + filler(HTTP_MAX_HEADER_BYTES - line.length - 1) + '\r\n';
  expectStatus(over.slice(0, HTTP_MAX_HEADER_BYTES - 1), APP_NEED_MORE);
  expectStatus(over.slice(0, HTTP_MAX_HEADER_BYTES), APP_INVALID, EV_HTTP_HEADER_TOO_LONG);
  expectStatus(over, APP_INVALID, EV_HTTP_HEADER_TOO_LONG);
  // Endless empty lines before a request, or an endless method-less stream of CRLF.
  expectStatus('\r\n'.repeat(HTTP_MAX_HEADER_BYTES / 2), APP_INVALID, EV_HTTP_HEADER_TOO_LONG);
});


test('prefix sweep: every prefix of real requests is APP_NEED_MORE until the head ends, then APP_DONE; no read past the end', () => {
  for (const [name, full, headEnd] of [['WGET', WGET, 136], ['INFORM', INFORM, 149]] as const) {
    const r = new HttpRequest();
    for (let n = 0; n <= full.length; n++) {
      let s: number;
      try {
        s = parseHttpRequest(guarded(full.slice(0, n)), 0, n, r);
      } catch (err) {
        throw new Error(`${name} prefix ${n}: threw ${String(err)}`);
      }
      assert.is(STATUS[s], STATUS[n >= headEnd ? APP_DONE : APP_NEED_MORE], `${name} prefix ${n}/${full.length}`);
      assert.is(r.event, -1, `${name} prefix ${n}: event`);
      assert.is(looksLikeHttpRequest(full, 0, n), n > 0, `${name} prefix ${n}: looksLikeHttpRequest`);
    }
  }
});


test('seeded fuzzing: mutated real requests and random bytes never throw, never read past the end, give a valid status', () => {
  const seeds = [WGET, INFORM];
  const special = [0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x00, 0x7f, 0x41];
  const r = rng(7331);
  const h = new HttpRequest();
  const seen = new Set<string>();
  for (let iter = 0; iter < 20000; iter++) {
    let b: Uint8Array;
    if (iter % 10 === 9) {
      b = new Uint8Array(Math.floor(r() * 64));
      for (let i = 0; i < b.length; i++) b[i] = r() < 0.5 ? special[Math.floor(r() * special.length)] : Math.floor(r() * 256);
    } else {
      const src = seeds[iter % seeds.length];
      b = src.slice(0, src.length - Math.floor(r() * 40));
      const flips = 1 + Math.floor(r() * 3);
      for (let k = 0; k < flips && b.length > 0; k++) {
        const at = Math.floor(r() * b.length);
        b[at] = r() < 0.6 ? special[Math.floor(r() * special.length)] : Math.floor(r() * 256);
      }
    }
    let s: number;
    try {
      s = parseHttpRequest(guarded(b), 0, b.length, h);
      looksLikeHttpRequest(guarded(b), 0, b.length);
    } catch (err) {
      throw new Error(`iteration ${iter}: ${Buffer.from(b).toString('hex')} threw ${String(err)}`);
    }
    assert.ok(s >= APP_DONE && s <= APP_INVALID, `iteration ${iter}: status ${s}`);
    assert.is(s === APP_INVALID, h.event >= 0, `iteration ${iter}: event iff invalid`);
    if (s === APP_INVALID) assert.ok(APP_EVENT_NAMES[h.event].startsWith('http.'));
    if (s === APP_DONE) {
      assert.ok(h.headerLength <= b.length && h.uriOffset + h.uriLength <= b.length, `iteration ${iter}: bounds`);
      if (h.hostOffset >= 0) assert.ok(h.hostOffset + h.hostLength <= h.headerLength);
    }
    seen.add(`${STATUS[s]} ${APP_EVENT_NAMES[h.event] ?? ''}`);
  }
  for (const want of ['APP_DONE ', 'APP_NEED_MORE ', 'APP_NOT_THIS ', 'APP_INVALID http.invalid_request_line', 'APP_INVALID http.invalid_header']) {
    assert.ok(seen.has(want), `fuzzing reached ${want}: ${[...seen].join(', ')}`);
  }
});

test('looksLikeHttpRequest: common methods and a space, or a prefix of one', () => {
  for (const m of ['GET', 'POST', 'PUT', 'HEAD', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE']) {
    const b = req(`${m} /`);
    for (let n = 1; n <= b.length; n++) assert.ok(looksLikeHttpRequest(b, 0, n), `${m} prefix ${n}`);
  }
  for (const s of ['', 'GETX /', 'GET/', 'get /', 'POSTS', 'PU /', 'X', '\x16\x03\x01', 'PRI * HTTP/2.0', '\r\nGET /', 'M-SEARCH *']) {
    assert.not.ok(looksLikeHttpRequest(req(s), 0, s.length), JSON.stringify(s));
  }
  const b = req('xxGET /');
  assert.ok(looksLikeHttpRequest(b, 2, 5));
});

test.run();
