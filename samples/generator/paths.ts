// Addressing of a conversation on the captured link: which MAC each endpoint shows up with (pod veth,
// cni0 gateway, upstream router, node NIC, flannel.1 VTEP inside the tunnel), and the two Legs.

import { Leg } from './leg.js';
import type { Underlay } from './leg.js';
import type { Rng } from './prng.js';
import { CNI0_IP4, CNI0_IP6, CNI0_MAC, NODES, ROUTER_MAC, THIS_NODE } from './topology.js';
import type { Pod } from './topology.js';
import { VXLAN_PORT_LINUX } from './vxlan.js';

/** One end of a conversation as frames on the capture link show it. */
export interface Endpoint {
  ip: Uint8Array;
  /** Source MAC of its frames and destination MAC of frames to it, on this link. */
  mac: Uint8Array;
  port: number;
  /** TTL / hop limit its packets arrive with. */
  ttl: number;
}

/** Node-to-node VXLAN encapsulation of a conversation between pods on different nodes. */
export interface Tunnel {
  clientNode: number;
  serverNode: number;
  /** 8472 (Flannel) or 4789. */
  port: number;
  vni: number;
}

export interface Pair {
  toServer: Leg;
  toClient: Leg;
}

/** Linux's default ephemeral port range (net.ipv4.ip_local_port_range). */
export function ephemeralPort(rng: Rng): number {
  return rng.range(32768, 60999);
}

export function podEnd(pod: Pod, port: number, v6 = false): Endpoint {
  return { ip: v6 ? pod.ip6 : pod.ip4, mac: pod.mac, port, ttl: 64 };
}

/** A pod seen inside a VXLAN tunnel: its node's VTEP MAC (Flannel routes, it does not bridge). */
export function tunnelledPodEnd(pod: Pod, port: number): Endpoint {
  return { ip: pod.ip4, mac: NODES[pod.node]!.vtepMac, port, ttl: 63 }; // routed once into flannel.1
}

/** Anything reached through the pods' gateway (services, the internet, the node itself). */
export function viaGateway(ip: Uint8Array, port: number, ttl = 64): Endpoint {
  return { ip, mac: CNI0_MAC, port, ttl };
}

/** The kubelet's own address on cni0 (probes come from there). */
export function kubeletOnBridge(port: number, v6 = false): Endpoint {
  return { ip: v6 ? CNI0_IP6 : CNI0_IP4, mac: CNI0_MAC, port, ttl: 64 };
}

/** A host outside the cluster, reached through the upstream router. */
export function outsideEnd(ip: Uint8Array, port: number, ttl: number): Endpoint {
  return { ip, mac: ROUTER_MAC, port, ttl };
}

/** This node's own address on its uplink. */
export function nodeEnd(port: number): Endpoint {
  return { ip: THIS_NODE.ip, mac: THIS_NODE.mac, port, ttl: 64 };
}

export function tunnel(rng: Rng, clientNode: number, serverNode: number, port = VXLAN_PORT_LINUX): Tunnel {
  return { clientNode, serverNode, port, vni: port === VXLAN_PORT_LINUX ? 1 : 4096 };
}

function underlay(rng: Rng, t: Tunnel, from: number, to: number): Underlay {
  return {
    srcMac: NODES[from]!.mac,
    dstMac: NODES[to]!.mac,
    srcIp: NODES[from]!.ip,
    dstIp: NODES[to]!.ip,
    sport: ephemeralPort(rng),
    dport: t.port,
    vni: t.vni,
  };
}

/** Builds both directions of a conversation between `c` (client) and `s` (server). */
export function pair(rng: Rng, c: Endpoint, s: Endpoint, proto: number, t: Tunnel | null = null): Pair {
  const v6 = c.ip.length === 16;
  const toServer = new Leg({
    srcMac: c.mac, dstMac: s.mac, srcIp: c.ip, dstIp: s.ip, sport: c.port, dport: s.port, proto, ttl: c.ttl,
    flowLabel: v6 ? rng.int(1 << 20) : 0, ipId: rng.int(65536),
    underlay: t === null ? null : underlay(rng, t, t.clientNode, t.serverNode),
  }, rng.int(65536));
  const toClient = new Leg({
    srcMac: s.mac, dstMac: c.mac, srcIp: s.ip, dstIp: c.ip, sport: s.port, dport: c.port, proto, ttl: s.ttl,
    flowLabel: v6 ? rng.int(1 << 20) : 0, ipId: rng.int(65536),
    underlay: t === null ? null : underlay(rng, t, t.serverNode, t.clientNode),
  }, rng.int(65536));
  return { toServer, toClient };
}
