// Everyday traffic inside the node: DNS lookups to kube-dns, pods calling services by VIP with
// HTTP/1.1 keep-alive, kubelet health probes, Prometheus scrapes and large artifact downloads.

import { ip4Text } from './addresses.js';
import type { Ctx } from './conversation.js';
import {
  MEMO_HTTP_CLIENT, MEMO_PROBE, MEMO_RESPONSE, MEMO_SCRAPE, NEAR, bulk, dated, memo, msg, startTcp,
} from './conversation.js';
import { lookup } from './dns-lookup.js';
import { MICROS, MILLIS } from './flow.js';
import { ascii } from './bytes.js';
import { CLIENT_AGENTS, SERVER_NAMES, request, responseTemplate } from './http.js';
import { PROTO_TCP } from './ipv4.js';
import { ephemeralPort, kubeletOnBridge, pair, podEnd, viaGateway } from './paths.js';
import { ONCE, Payload, SHARED } from './payload.js';
import type { Rng } from './prng.js';
import { CLOSE_CLIENT_FIN, CLOSE_CLIENT_RST, CLOSE_SERVER_FIN } from './tcp-flow.js';
import type { TcpMessage } from './tcp-flow.js';
import {
  CLIENT_APPS, EXTERNAL_HOSTS, KUBE_DNS_IP4, LOCAL_PODS, SERVICES, podsOf, service,
} from './topology.js';
import type { Pod } from './topology.js';

const LOCAL_CLIENTS = CLIENT_APPS.map((a) => podsOf(a, 0)).filter((pods) => pods.length > 0);

/** A pod on this node that acts as a client (apps equally likely). */
export function localClient(rng: Rng): Pod {
  return rng.pick(rng.pick(LOCAL_CLIENTS));
}

const MISSING = ['elasticsearch-master.logging', 'jaeger-collector.observability', 'vault.vault', 'kafka-0.kafka'];

/** One name resolution by a pod on this node (service names, external names, typos). */
export function dnsLookup(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const r = rng.float();
  let name: string;
  if (r < 0.45) {
    const svc = rng.pick(SERVICES);
    name = svc.ns === pod.ns && rng.chance(0.6) ? svc.name : svc.dnsName;
  } else if (r < 0.85) {
    const host = rng.pick(EXTERNAL_HOSTS);
    name = rng.chance(0.25) ? host.fqdn : host.name;
  } else if (r < 0.95) {
    name = rng.pick(MISSING);
  } else {
    name = 'kubernetes.default.svc';
  }
  lookup(ctx, name, t, { client: podEnd(pod, 0), server: viaGateway(KUBE_DNS_IP4, 53), ns: pod.ns, aaaa: rng.chance(0.7) });
}

const API_PATHS = ['/api/v1/orders', '/api/v1/cart', '/api/v1/items?page=2&limit=50', '/api/v1/checkout',
  '/api/v1/inventory/sku-4471', '/api/v1/users/me', '/graphql', '/api/v2/search?q=usb-c+cable'];

/** Requests one client sends to one host, built once per shape. */
export interface HttpClient {
  host: string;
  agent: string;
  requests: Map<number, Payload>;
  /** Index in SERVER_NAMES of the software behind `host` (one per host). */
  server: number;
}

/** The cached client for (`host`, CLIENT_AGENTS[agent]); `host` should be a constant string. */
export function httpClient(ctx: Ctx, host: string, agent: number): HttpClient {
  return memo(ctx, host, MEMO_HTTP_CLIENT, agent, () => {
    let h = 0;
    for (let i = 0; i < host.length; i++) h = (h * 31 + host.charCodeAt(i)) >>> 0;
    return { host, agent: CLIENT_AGENTS[agent]!, requests: new Map(), server: h % SERVER_NAMES.length };
  });
}

/** A request/response exchange on a keep-alive connection: head+body in one message each way. */
export function httpExchange(ctx: Ctx, c: HttpClient, t: number, think: number): TcpMessage[] {
  const rng = ctx.rng;
  const pathIdx = rng.int(API_PATHS.length);
  const post = rng.chance(0.3);
  // Each endpoint sees a handful of distinct request bodies (keeps the request cache small).
  const reqIdx = (pathIdx * 4 + rng.int(4)) % ctx.pools.jsonRequests.length;
  const reqKey = post ? pathIdx * 1000 + reqIdx : -1 - pathIdx;
  let req = c.requests.get(reqKey);
  if (req === undefined) {
    const path = API_PATHS[pathIdx]!;
    req = new Payload(post
      ? request('POST', path, c.host, [['User-Agent', c.agent], ['Content-Type', 'application/json'], ['Accept', '*/*']],
        ctx.pools.jsonRequests[reqIdx])
      : request('GET', path, c.host, [['User-Agent', c.agent], ['Accept', 'application/json']]), SHARED);
    c.requests.set(reqKey, req);
  }
  const bodyIdx = rng.int(ctx.pools.json.length);
  const status = rng.chance(0.93) ? (post ? 201 : 200) : rng.pick([404, 500, 503]);
  const serverIdx = c.server;
  const res = memo(ctx, '', MEMO_RESPONSE, status * 1e5 + serverIdx * 1e3 + bodyIdx, () => {
    const body = ctx.pools.json[bodyIdx]!;
    return responseTemplate(status, [['Server', SERVER_NAMES[serverIdx]!], ['Content-Type', 'application/json']],
      body.length, body);
  });
  const reply = rng.logNormal(2 * MILLIS, 1);
  return [msg(0, req, think), dated(1, res, t + think + reply, reply)];
}

/** `n` exchanges on one keep-alive connection: the first right after the handshake, then idle gaps. */
export function keepAlive(ctx: Ctx, c: HttpClient, t: number, n: number, meanGap: number): TcpMessage[] {
  const msgs: TcpMessage[] = [];
  for (let i = 0; i < n; i++) {
    msgs.push(...httpExchange(ctx, c, t, i === 0 ? 20 * MICROS : ctx.rng.logNormal(meanGap, 1.2)));
  }
  return msgs;
}

const API_SERVICES = SERVICES.filter((s) => s.name !== 'registry' && s.name !== 'model-store');

/** A pod calling a service VIP over HTTP/1.1 keep-alive, sometimes after resolving its name. */
export function serviceCall(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  let svc = rng.pick(API_SERVICES);
  if (svc.app === pod.app) svc = API_SERVICES[(API_SERVICES.indexOf(svc) + 1) % API_SERVICES.length]!;
  let start = t;
  if (rng.chance(0.3)) {
    start = lookup(ctx, svc.ns === pod.ns ? svc.name : svc.dnsName, t,
      { client: podEnd(pod, 0), server: viaGateway(KUBE_DNS_IP4, 53), ns: pod.ns, aaaa: rng.chance(0.5) }) + 30 * MICROS;
  }
  const client = httpClient(ctx, svc.host, rng.int(CLIENT_AGENTS.length));
  const msgs = keepAlive(ctx, client, start, rng.range(1, 10), 20 * MILLIS);
  const p = pair(rng, podEnd(pod, ephemeralPort(rng)), viaGateway(svc.vip4, svc.port), PROTO_TCP);
  // A few clients abort instead of closing (SO_LINGER 0, killed workers).
  startTcp(ctx, p, msgs, start, { client: NEAR, server: NEAR, close: rng.chance(0.05) ? CLOSE_CLIENT_RST : CLOSE_CLIENT_FIN });
}

const PROBE_PORTS = [8080, 8081, 10254, 3000];
const PROBE_PATHS = ['/healthz', '/readyz', '/livez', '/api/health'];

/** The kubelet's HTTP liveness/readiness probe (Connection: close, the pod closes first). */
export function kubeletProbe(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const podIdx = rng.int(LOCAL_PODS.length);
  const pod = LOCAL_PODS[podIdx]!;
  const coredns = pod.app === 'coredns';
  const port = coredns ? 8080 : rng.pick(PROBE_PORTS);
  const pathIdx = coredns ? 0 : rng.int(PROBE_PATHS.length);
  const req = memo(ctx, 'probe', MEMO_PROBE, podIdx * 1e6 + port * 10 + pathIdx, () => {
    const path = coredns ? '/health' : PROBE_PATHS[pathIdx]!;
    return new Payload(request('GET', path, `${ip4Text(pod.ip4)}:${port}`,
      [['User-Agent', 'kube-probe/1.31'], ['Accept', '*/*'], ['Connection', 'close']]), SHARED);
  });
  const res = memo(ctx, 'probe-ok', MEMO_RESPONSE, 0, () => responseTemplate(200,
    [['Content-Type', 'text/plain; charset=utf-8'], ['Connection', 'close']], 2, ascii('ok')));
  const p = pair(rng, kubeletOnBridge(ephemeralPort(rng)), podEnd(pod, port), PROTO_TCP);
  const reply = rng.logNormal(300 * MICROS, 0.8);
  startTcp(ctx, p, [msg(0, req, 15 * MICROS), dated(1, res, t + reply, reply)], t,
    { client: NEAR, server: NEAR, close: CLOSE_SERVER_FIN, closeDelay: 20 * MICROS });
}

const PROMETHEUS = podsOf('prometheus', 0)[0]!;
const SCRAPE_TARGETS = LOCAL_PODS.filter((p) => p !== PROMETHEUS);

/** Prometheus scraping /metrics from a pod on this node: a text body of tens to hundreds of KB. */
export function metricsScrape(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const prom = PROMETHEUS;
  const target = rng.pick(SCRAPE_TARGETS);
  const port = rng.pick([8080, 9090, 9100, 9113]);
  const p = pair(rng, podEnd(prom, ephemeralPort(rng)), podEnd(target, port), PROTO_TCP);
  startTcp(ctx, p, scrapeMessages(ctx, target, port, t), t, { client: NEAR, server: NEAR });
}

/** Prometheus's GET /metrics to `target`:`port` and the text exposition it gets back. */
export function scrapeMessages(ctx: Ctx, target: Pod, port: number, t: number): TcpMessage[] {
  const rng = ctx.rng;
  const ends = ctx.pools.metricsLineEnds;
  const want = Math.min(rng.logNormal(60_000, 0.9), ctx.pools.metrics.size - 1);
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! < want) lo = mid + 1;
    else hi = mid;
  }
  const len = ends[lo]!;
  const req = memo(ctx, target.app, MEMO_SCRAPE, target.ip4[2]! * 1e8 + target.ip4[3]! * 1e5 + port, () => new Payload(request('GET', '/metrics', `${ip4Text(target.ip4)}:${port}`, [
    ['User-Agent', 'Prometheus/2.54.1'],
    ['Accept', 'application/openmetrics-text;version=1.0.0;q=0.5,text/plain;version=0.0.4;q=0.4,*/*;q=0.1'],
    ['X-Prometheus-Scrape-Timeout-Seconds', '10'],
  ]), SHARED));
  const head = responseTemplate(200, [['Content-Type', 'text/plain; version=0.0.4; charset=utf-8']], len, undefined, ONCE);
  const reply = rng.logNormal(4 * MILLIS, 0.8);
  return [msg(0, req, 20 * MICROS), dated(1, head, t + reply, reply), bulk(1, ctx.pools.metrics, len, 30 * MICROS)];
}

/** A pod downloading a model file or an image layer from an in-cluster HTTP service (bulk). */
export function artifactDownload(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const svc = service(rng.chance(0.5) ? 'model-store' : 'registry');
  const digest = Array.from(rng.bytes(32), (b) => b.toString(16).padStart(2, '0')).join('');
  const path = svc.name === 'registry' ? `/v2/shop/checkout/blobs/sha256:${digest}` : `/models/ranker-v${rng.range(3, 9)}.onnx`;
  const len = Math.min(rng.logNormal(2_500_000, 0.9) & ~1, 40_000_000);
  const req = request('GET', path, `${svc.name}.${svc.ns}:${svc.port}`, [['User-Agent', rng.pick(CLIENT_AGENTS)],
    ['Accept', '*/*']]);
  const head = responseTemplate(200, [['Content-Type', 'application/octet-stream'], ['Accept-Ranges', 'bytes']], len,
    undefined, ONCE);
  const p = pair(rng, podEnd(pod, ephemeralPort(rng)), viaGateway(svc.vip4, svc.port), PROTO_TCP);
  const reply = rng.logNormal(1 * MILLIS, 0.6);
  startTcp(ctx, p, [msg(0, req, 20 * MICROS), dated(1, head, t + reply, reply),
    bulk(1, ctx.pools.noise, len, 20 * MICROS, 2 * rng.int(ctx.pools.noise.size >> 1))], t, { client: NEAR, server: NEAR });
}
