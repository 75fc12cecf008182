// TLS conversations: pods calling external HTTPS APIs (after a DNS lookup), containerd pulling image
// layers over TLS (bulk), and client-go watches on the API server's service VIP (no SNI, long-lived).

import type { Ctx, TcpOpts } from './conversation.js';
import { INTERNET, NEAR, bulk, msg, startTcp } from './conversation.js';
import { lookup } from './dns-lookup.js';
import { MICROS, MILLIS } from './flow.js';
import { PROTO_TCP } from './ipv4.js';
import { ephemeralPort, nodeEnd, outsideEnd, pair, podEnd, viaGateway } from './paths.js';
import type { Endpoint } from './paths.js';
import type { Rng } from './prng.js';
import { localClient } from './scenarios-cluster.js';
import { CLOSE_NONE } from './tcp-flow.js';
import type { TcpMessage } from './tcp-flow.js';
import { CLIENT_CHROME, CLIENT_GO, CLIENT_LEGACY12, CLIENT_OPENSSL, clientHello } from './tls-client-hello.js';
import type { ClientHello } from './tls-client-hello.js';
import { STREAM_RECORD_BYTES, appData, clientFinish, closeNotify, serverFlight } from './tls-records.js';
import type { RecordRun } from './tls-records.js';
import { API_VIP, EXTERNAL_HOSTS, KUBE_DNS_IP4, REGISTRY_HOSTS, externalHost } from './topology.js';
import type { ExternalHost } from './topology.js';

/** Client library mix in pods: Go, OpenSSL (Python, curl), Chrome (headless browsers), old Java. */
function podProfile(rng: Rng): number {
  const r = rng.float();
  if (r < 0.45) return CLIENT_GO;
  if (r < 0.75) return CLIENT_OPENSSL;
  if (r < 0.87) return CLIENT_CHROME;
  return CLIENT_LEGACY12;
}

function alpnFor(rng: Rng, profile: number): string[] {
  switch (profile) {
    case CLIENT_CHROME: return ['h2', 'http/1.1'];
    case CLIENT_GO: return rng.chance(0.8) ? ['h2', 'http/1.1'] : [];
    case CLIENT_OPENSSL: return rng.chance(0.5) ? ['http/1.1'] : rng.chance(0.5) ? ['h2', 'http/1.1'] : [];
    default: return rng.chance(0.5) ? ['http/1.1'] : [];
  }
}

export interface TlsPlan {
  hello: ClientHello;
  /** Request/response sizes after the handshake (plaintext bytes). */
  exchanges: [number, number][];
  serverPq: boolean;
  /** Response of the last exchange replaced by this many bytes of full-size records (bulk). */
  bulkBytes: number;
  closeNotify: boolean;
}

/**
 * A record run as a message: fully built runs are sent as they are; otherwise the random tail is
 * read from the noise pool with the head stamped over it (no copy of the random bytes).
 */
export function runMessage(ctx: Ctx, dir: number, run: RecordRun, think: number): TcpMessage {
  if (run.head.length === run.len) return msg(dir, run.head, think);
  const noise = ctx.pools.noise;
  const off = 2 * ctx.rng.int((noise.size - run.len) >> 1);
  return { dir, payload: noise, off, len: run.len, think, patch: run.head, patchAt: 0 };
}

/** The messages of a whole TLS session: handshake, exchanges, close_notify. */
export function tlsMessages(ctx: Ctx, plan: TlsPlan, serverDelay: number): TcpMessage[] {
  const rng = ctx.rng;
  const noise = ctx.pools.noise;
  const ch = plan.hello;
  const msgs: TcpMessage[] = [
    msg(0, ch.bytes, rng.jitter(30 * MICROS, 0.5)),
    runMessage(ctx, 1, serverFlight(rng, noise, ch, plan.serverPq, rng.range(2200, 5200)),
      serverDelay + rng.jitter(600 * MICROS, 0.6)),
  ];
  plan.exchanges.forEach(([req, res], i) => {
    const first = i === 0;
    msgs.push(first ? runMessage(ctx, 0, clientFinish(rng, noise, ch, req), rng.jitter(150 * MICROS, 0.5))
      : runMessage(ctx, 0, appData(rng, noise, req, ch.tls13), rng.logNormal(30 * MILLIS, 1.5)));
    const think = serverDelay + rng.logNormal(3 * MILLIS, 1);
    if (i === plan.exchanges.length - 1 && plan.bulkBytes > 0) {
      msgs.push(runMessage(ctx, 1, appData(rng, noise, res, ch.tls13), think));
      msgs.push(bulk(1, ctx.pools.tlsStream, plan.bulkBytes, 20 * MICROS));
    } else {
      // TLS 1.3 servers send two NewSessionTicket records with the first response.
      msgs.push(runMessage(ctx, 1, appData(rng, noise, res + (first && ch.tls13 ? 2 * 250 : 0), ch.tls13), think));
    }
  });
  if (plan.closeNotify) msgs.push(runMessage(ctx, 0, closeNotify(ch.tls13), rng.logNormal(5 * MILLIS, 1)));
  return msgs;
}

/** TCP parameters of a server on the internet (MSS, window scale, timestamps vary by stack). */
function internetServer(rng: Rng, host: ExternalHost): Partial<TcpOpts> {
  return {
    serverRttMs: host.rttMs,
    serverMss: rng.pick([1460, 1460, 1440, 1400]),
    serverWscale: rng.pick([7, 8, 9, 10]),
    serverSynWin: rng.pick([65535, 64240, 65160, 28960]),
    timestamps: rng.chance(0.8),
  };
}

/** A pod calling an external HTTPS API, usually right after resolving its name. */
export function externalHttps(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const host = rng.pick(EXTERNAL_HOSTS);
  let start = t;
  if (rng.chance(0.6)) {
    start = lookup(ctx, host.name, t, { client: podEnd(pod, 0), server: viaGateway(KUBE_DNS_IP4, 53), ns: pod.ns,
      aaaa: rng.chance(0.6) }) + rng.jitter(60 * MICROS, 0.5);
  }
  const profile = podProfile(rng);
  const plan: TlsPlan = {
    hello: clientHello(rng, ctx.pools.noise, profile, host.name, alpnFor(rng, profile)),
    exchanges: Array.from({ length: rng.range(1, 4) }, () => [rng.logNormal(400, 0.6), rng.logNormal(3000, 1.3)]),
    serverPq: host.pq,
    bulkBytes: 0,
    closeNotify: rng.chance(0.7),
  };
  const server = outsideOf(rng, host, 443);
  const p = pair(rng, podEnd(pod, ephemeralPort(rng)), viaGateway(server.ip, 443, server.ttl), PROTO_TCP);
  startTcp(ctx, p, tlsMessages(ctx, plan, 0), start, { client: NEAR, server: INTERNET, ...internetServer(rng, host) });
}

function outsideOf(rng: Rng, host: ExternalHost, port: number): Endpoint {
  return outsideEnd(rng.pick(host.ip4), port, rng.range(48, 58));
}

/** containerd on the node pulling an image layer: manifest request, then megabytes of TLS records. */
export function imagePull(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const host = externalHost(rng.pick(REGISTRY_HOSTS));
  const records = Math.max(1, Math.round(Math.min(rng.logNormal(3_000_000, 1.1), 60_000_000) / STREAM_RECORD_BYTES));
  const profile = rng.chance(0.85) ? CLIENT_GO : CLIENT_OPENSSL;
  const plan: TlsPlan = {
    hello: clientHello(rng, ctx.pools.noise, profile, host.name, ['h2', 'http/1.1']),
    exchanges: [[rng.logNormal(450, 0.3), rng.logNormal(2500, 0.8)], [rng.logNormal(500, 0.3), 900]],
    serverPq: host.pq,
    bulkBytes: records * STREAM_RECORD_BYTES,
    closeNotify: true,
  };
  const p = pair(rng, nodeEnd(ephemeralPort(rng)), outsideOf(rng, host, 443), PROTO_TCP);
  startTcp(ctx, p, tlsMessages(ctx, plan, 0), t, { client: NEAR, server: INTERNET, ...internetServer(rng, host) });
}

/** A controller's client-go watch on https://10.96.0.1: no SNI (an IP), HTTP/2, events now and then. */
export function apiServerWatch(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const hello = clientHello(rng, ctx.pools.noise, CLIENT_GO, null, ['h2', 'http/1.1']);
  const msgs = tlsMessages(ctx, { hello, exchanges: [[rng.range(280, 520), rng.range(900, 4000)]], serverPq: true,
    bulkBytes: 0, closeNotify: false }, 0);
  const events = rng.range(2, 12);
  for (let i = 0; i < events; i++) {
    msgs.push(runMessage(ctx, 1, appData(rng, ctx.pools.noise, rng.logNormal(900, 0.9)), rng.logNormal(400 * MILLIS, 1)));
  }
  const p = pair(rng, podEnd(pod, ephemeralPort(rng)), viaGateway(API_VIP, 443), PROTO_TCP);
  startTcp(ctx, p, msgs, t, { client: NEAR, server: NEAR, close: CLOSE_NONE });
}
