// Pod traffic that leaves the node through the overlay (VXLAN to the other nodes: Flannel on UDP 8472,
// some flows on a second overlay on 4789) and pod traffic over IPv6 (dual-stack pods and services).

import type { Ctx } from './conversation.js';
import { CROSS_NODE, MEMO_MISC, NEAR, bulk, dated, memo, msg, startTcp } from './conversation.js';
import { lookup } from './dns-lookup.js';
import { MICROS, MILLIS } from './flow.js';
import { CLIENT_AGENTS, request, responseTemplate } from './http.js';
import { PROTO_TCP } from './ipv4.js';
import { ephemeralPort, pair, podEnd, tunnel, tunnelledPodEnd, viaGateway } from './paths.js';
import { ONCE, Payload, SHARED } from './payload.js';
import { httpClient, keepAlive, localClient, scrapeMessages } from './scenarios-cluster.js';
import type { TcpMessage } from './tcp-flow.js';
import { KUBE_DNS_IP6, LOCAL_PODS, PODS, REMOTE_PODS, SERVICES, podsOf } from './topology.js';
import type { Pod } from './topology.js';
import { VXLAN_PORT_IANA, VXLAN_PORT_LINUX } from './vxlan.js';

const REMOTE_SERVERS = REMOTE_PODS.filter((p) => SERVICES.some((s) => s.app === p.app));
/** Pods here that serve HTTP (everything but CoreDNS). */
const LOCAL_SERVERS = LOCAL_PODS.filter((p) => p.app !== 'coredns');
const MODEL_USERS = LOCAL_PODS.filter((p) => p.ns === 'ml' || p.app === 'worker');

/** Flannel's 8472 for most flows, the second overlay's 4789 for some (and for the first one). */
function overlayPort(ctx: Ctx): number {
  return ctx.nth > 0 && ctx.rng.chance(0.85) ? VXLAN_PORT_LINUX : VXLAN_PORT_IANA;
}

function servicePort(pod: Pod): number {
  return SERVICES.find((s) => s.app === pod.app)?.port ?? 8080;
}

const HOSTS = new Map(PODS.map((p) => [p, SERVICES.find((s) => s.app === p.app)?.host ?? `${p.app}.${p.ns}`]));

/** Host header for requests to a pod (its service's name; constant strings). */
function hostHeader(pod: Pod): string {
  return HOSTS.get(pod)!;
}

/** HTTP between a pod here and a pod on another node (either side may be the client), tunnelled. */
export function overlayHttp(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const remote = rng.pick(REMOTE_SERVERS);
  const local = localClient(rng);
  const inbound = rng.chance(0.3);
  const [client, server] = inbound ? [rng.pick(REMOTE_PODS), rng.pick(LOCAL_SERVERS)]
    : [local, remote];
  const port = servicePort(server);
  const http = httpClient(ctx, hostHeader(server), rng.int(CLIENT_AGENTS.length));
  const msgs = keepAlive(ctx, http, t, rng.range(1, 8), 15 * MILLIS);
  const tun = tunnel(rng, client.node, server.node, overlayPort(ctx));
  const p = pair(rng, tunnelledPodEnd(client, ephemeralPort(rng)), tunnelledPodEnd(server, port), PROTO_TCP, tun);
  startTcp(ctx, p, msgs, t, { client: inbound ? CROSS_NODE : NEAR, server: inbound ? NEAR : CROSS_NODE });
}

/** Bulk over the overlay: a pod here downloading a model from a remote pod, or a cross-node scrape. */
export function overlayBulk(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  let client: Pod;
  let server: Pod;
  let msgs: TcpMessage[];
  if (rng.chance(0.5)) {
    client = podsOf('prometheus', 0)[0]!;
    server = rng.pick(REMOTE_PODS);
    msgs = scrapeMessages(ctx, server, 9100, t);
  } else {
    client = rng.pick(MODEL_USERS);
    server = podsOf('model-store', 2)[0]!;
    const len = Math.min(rng.logNormal(1_500_000, 0.9), 20_000_000) & ~1;
    const req = memo(ctx, 'overlay-model', MEMO_MISC, 0, () => new Payload(request('GET', '/models/embeddings-v2.bin',
      'model-store.ml:8080', [['User-Agent', 'python-requests/2.32.3'], ['Accept', '*/*']]), SHARED));
    const head = responseTemplate(200, [['Content-Type', 'application/octet-stream']], len, undefined, ONCE);
    const reply = rng.logNormal(2 * MILLIS, 0.6);
    msgs = [msg(0, req, 20 * MICROS), dated(1, head, t + reply, reply), bulk(1, ctx.pools.noise, len, 20 * MICROS, 2 * rng.int(ctx.pools.noise.size >> 1))];
  }
  const port = server.app === 'model-store' ? 8080 : 9100;
  const tun = tunnel(rng, client.node, server.node, overlayPort(ctx));
  const p = pair(rng, tunnelledPodEnd(client, ephemeralPort(rng)), tunnelledPodEnd(server, port), PROTO_TCP, tun);
  startTcp(ctx, p, msgs, t, { client: NEAR, server: CROSS_NODE });
}

/** A lookup answered by the CoreDNS pod on node-b: the post-DNAT query crosses the overlay. */
export function overlayDns(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const coredns = podsOf('coredns', 1)[0]!;
  const svc = rng.pick(SERVICES);
  const name = rng.chance(0.7) ? svc.dnsName : rng.pick(['api.github.com', 'registry.npmjs.org', 'storage.googleapis.com']);
  lookup(ctx, name, t, {
    client: tunnelledPodEnd(pod, 0), server: tunnelledPodEnd(coredns, 53), tunnel: tunnel(rng, 0, 1, VXLAN_PORT_LINUX),
    ns: pod.ns, aaaa: rng.chance(0.5),
  });
}

const V6_SERVICES = SERVICES.filter((s) => s.vip6 !== null);

/** HTTP over IPv6: pod to pod on this node, or pod to an IPv6 service VIP. */
export function ipv6Http(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const client = localClient(rng);
  let msgs: TcpMessage[];
  let p;
  if (rng.chance(0.5)) {
    const svc = rng.pick(V6_SERVICES);
    msgs = keepAlive(ctx, httpClient(ctx, svc.host, rng.int(CLIENT_AGENTS.length)), t, rng.range(1, 6), 10 * MILLIS);
    p = pair(rng, podEnd(client, ephemeralPort(rng), true), viaGateway(svc.vip6!, svc.port), PROTO_TCP);
  } else {
    let server = rng.pick(LOCAL_SERVERS);
    if (server === client) server = LOCAL_SERVERS[(LOCAL_SERVERS.indexOf(server) + 1) % LOCAL_SERVERS.length]!;
    msgs = keepAlive(ctx, httpClient(ctx, hostHeader(server), rng.int(CLIENT_AGENTS.length)), t, rng.range(1, 6), 10 * MILLIS);
    p = pair(rng, podEnd(client, ephemeralPort(rng), true), podEnd(server, servicePort(server), true), PROTO_TCP);
  }
  startTcp(ctx, p, msgs, t, { client: NEAR, server: NEAR });
}

/** A dual-stack pod resolving through kube-dns's IPv6 service address. */
export function ipv6Dns(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const svc = rng.pick(V6_SERVICES);
  const name = rng.chance(0.6) ? svc.dnsName : rng.pick(['storage.googleapis.com', 'registry.k8s.io', 'pastebin.com']);
  lookup(ctx, name, t, { client: podEnd(pod, 0, true), server: viaGateway(KUBE_DNS_IP6, 53), ns: pod.ns, aaaa: true });
}
