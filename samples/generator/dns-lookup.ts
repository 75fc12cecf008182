// A pod resolving a name the way glibc does inside Kubernetes: resolv.conf with ndots:5 and the
// search list <ns>.svc.cluster.local svc.cluster.local cluster.local, A and AAAA sent back to back
// from one socket, CoreDNS answering for cluster.local and forwarding (or serving from cache) the rest.

import type { Ctx } from './conversation.js';
import { MEMO_DNS, MEMO_DNS_MESSAGE, memo, startUdp } from './conversation.js';
import {
  RCODE_NOERROR, RCODE_NXDOMAIN, TYPE_A, TYPE_AAAA, TYPE_CNAME, dnsQuery, dnsResponse,
} from './dns.js';
import type { DnsAnswer, DnsReply } from './dns.js';
import { MICROS, MILLIS } from './flow.js';
import { PROTO_UDP } from './ipv4.js';
import { Payload, SHARED } from './payload.js';
import { ephemeralPort, pair } from './paths.js';
import type { Endpoint, Tunnel } from './paths.js';
import { EXTERNAL_HOSTS, METADATA_IP, SERVICES } from './topology.js';
import type { Datagram } from './udp-flow.js';

export interface LookupOpts {
  /** The client as seen on the link (port is chosen here). */
  client: Endpoint;
  /** The DNS server endpoint (kube-dns VIP, or a CoreDNS pod behind a tunnel). */
  server: Endpoint;
  tunnel?: Tunnel | null;
  /** Namespace of the client pod (first search domain). */
  ns: string;
  /** Also ask for AAAA. */
  aaaa: boolean;
}

interface Shape {
  query: Payload;
  reply: Payload;
  ok: boolean;
  cluster: boolean;
}

const NAMESPACES: string[] = [];

/** The queries of one lookup: per candidate name, the A (and AAAA) query/answer pair. */
function plan(ctx: Ctx, name: string, ns: string, aaaa: boolean, edns: boolean): Shape[][] {
  let nsIdx = NAMESPACES.indexOf(ns);
  if (nsIdx < 0) nsIdx = NAMESPACES.push(ns) - 1;
  return memo(ctx, name, MEMO_DNS, nsIdx * 4 + (aaaa ? 2 : 0) + (edns ? 1 : 0), () => {
    const fqdn = name.endsWith('.');
    const bare = fqdn ? name.slice(0, -1) : name;
    const dots = bare.split('.').length - 1;
    const search = [`${ns}.svc.cluster.local`, 'svc.cluster.local', 'cluster.local'];
    const candidates = fqdn || dots >= 5 ? [bare] : [...search.map((d) => `${bare}.${d}`), bare];
    return candidates.map((qname) => (aaaa ? [TYPE_A, TYPE_AAAA] : [TYPE_A]).map((qtype) =>
      memo(ctx, qname, MEMO_DNS_MESSAGE, qtype * 2 + (edns ? 1 : 0), () => {
        const r = answer(ctx, qname, qtype);
        return {
          query: new Payload(dnsQuery(0, qname, qtype, edns), SHARED),
          reply: new Payload(dnsResponse(0, qname, qtype, edns, r), SHARED),
          ok: r.rcode === RCODE_NOERROR,
          cluster: qname.endsWith('cluster.local'),
        };
      })));
  });
}

/**
 * Sends the lookup of `name` (a constant string: it keys a cache) starting at `start`; returns the
 * time the last answer is on the wire.
 */
export function lookup(ctx: Ctx, name: string, start: number, o: LookupOpts): number {
  const rng = ctx.rng;
  const edns = rng.chance(0.2);
  const script: Datagram[] = [];
  let t = start;
  for (const shapes of plan(ctx, name, o.ns, o.aaaa, edns)) {
    // The A query, then (glibc, same socket) the AAAA query a few µs later.
    const q = script.length;
    for (const shape of shapes) {
      script.push({ dir: 0, at: t, data: shape.query, first16: rng.int(65536) });
      t += rng.jitter(12 * MICROS, 0.5);
    }
    const a0 = replyAt(ctx, shapes[0]!, script[q]!.at);
    const r0: Datagram = { dir: 1, at: a0, data: shapes[0]!.reply, first16: script[q]!.first16 };
    let found = shapes[0]!.ok;
    if (shapes.length === 1) {
      r0.at = Math.max(a0, t);
      script.push(r0);
    } else {
      const a1 = replyAt(ctx, shapes[1]!, script[q + 1]!.at);
      const r1: Datagram = { dir: 1, at: a1, data: shapes[1]!.reply, first16: script[q + 1]!.first16 };
      found ||= shapes[1]!.ok;
      // Answers come back in the order they are ready.
      const [x, y] = a1 < a0 ? [r1, r0] : [r0, r1];
      x.at = Math.max(x.at, t);
      y.at = Math.max(y.at, x.at + 1);
      script.push(x, y);
    }
    t = script[script.length - 1]!.at + 1 + rng.jitter(40 * MICROS, 0.5);
    if (found) break;
  }
  const c = o.client;
  startUdp(ctx, pair(rng, { ip: c.ip, mac: c.mac, port: ephemeralPort(rng), ttl: c.ttl }, o.server, PROTO_UDP, o.tunnel ?? null), script);
  return script[script.length - 1]!.at;
}

/** When CoreDNS's answer to a query sent at `sent` is on the wire: cached or authoritative in ~0.2 ms, forwarded in ms. */
function replyAt(ctx: Ctx, shape: Shape, sent: number): number {
  const rng = ctx.rng;
  const cached = shape.cluster || rng.chance(0.75);
  return sent + (cached ? rng.jitter(180 * MICROS, 0.6) : rng.jitter(rng.range(2, 25) * MILLIS, 0.3));
}

/** What CoreDNS answers for `qname` in this cluster. */
function answer(ctx: Ctx, qname: string, qtype: number): DnsReply {
  const rng = ctx.rng;
  if (qname.endsWith('.cluster.local')) {
    const svc = SERVICES.find((s) => qname === `${s.name}.${s.ns}.svc.cluster.local`);
    const ttl = 30;
    if (svc === undefined && qname !== 'kubernetes.default.svc.cluster.local') {
      return { rcode: RCODE_NXDOMAIN, aa: true, answers: [], soaZone: 'cluster.local' };
    }
    const v4 = svc === undefined ? Uint8Array.of(10, 96, 0, 1) : svc.vip4;
    const v6 = svc === undefined ? null : svc.vip6;
    if (qtype === TYPE_A) return { rcode: RCODE_NOERROR, aa: true, answers: [{ type: TYPE_A, ttl, addr: v4 }] };
    if (v6 !== null) return { rcode: RCODE_NOERROR, aa: true, answers: [{ type: TYPE_AAAA, ttl, addr: v6 }] };
    return { rcode: RCODE_NOERROR, aa: true, answers: [], soaZone: 'cluster.local' };
  }
  if (qname === 'metadata.google.internal') {
    if (qtype === TYPE_A) return { rcode: RCODE_NOERROR, aa: false, answers: [{ type: TYPE_A, ttl: 300, addr: METADATA_IP }] };
    return { rcode: RCODE_NOERROR, aa: false, answers: [], soaZone: 'google.internal' };
  }
  const host = EXTERNAL_HOSTS.find((h) => h.name === qname);
  const zone = qname.split('.').slice(-2).join('.');
  if (host === undefined) return { rcode: RCODE_NXDOMAIN, aa: false, answers: [], soaZone: zone };
  const ttl = rng.range(20, 300);
  const answers: DnsAnswer[] = host.cnames.map((target) => ({ type: TYPE_CNAME, ttl, target }));
  const addrs = qtype === TYPE_A ? host.ip4 : host.ip6;
  for (const addr of addrs) answers.push({ type: qtype, ttl, addr });
  if (addrs.length === 0) return { rcode: RCODE_NOERROR, aa: false, answers, soaZone: zone };
  return { rcode: RCODE_NOERROR, aa: false, answers };
}
