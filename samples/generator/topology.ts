// The cluster the generated traffic belongs to: three nodes on 192.168.49.0/24 (the capture is taken
// on node 0), pod CIDR 10.244.0.0/16 and fd00:10:244::/56 (one /24 and one /64 per node), service
// CIDR 10.96.0.0/12 (IPv6 services in fd00:10:96::/112), and the outside world the pods talk to.

import { ip4, ip6, mac, podMac } from './addresses.js';

export interface ClusterNode {
  index: number;
  name: string;
  ip: Uint8Array;
  mac: Uint8Array;
  /** MAC of the node's flannel.1 VXLAN device (inner source/destination MAC of tunnelled frames). */
  vtepMac: Uint8Array;
}

export interface Pod {
  app: string;
  ns: string;
  node: number;
  ip4: Uint8Array;
  ip6: Uint8Array;
  mac: Uint8Array;
}

export interface Service {
  name: string;
  ns: string;
  vip4: Uint8Array;
  vip6: Uint8Array | null;
  port: number;
  /** App label of the pods behind it. */
  app: string;
  /** "name.ns", what pods in other namespaces look up. */
  dnsName: string;
  /** Host header of HTTP requests to it ("name.ns" or "name.ns:port"). */
  host: string;
}

export interface ExternalHost {
  name: string;
  /** CNAME chain the resolver returns before the addresses (may be empty). */
  cnames: string[];
  ip4: Uint8Array[];
  ip6: Uint8Array[];
  /** Server answers a X25519MLKEM768 key share (it does on large CDNs). */
  pq: boolean;
  /** Round trip from the node, ms. */
  rttMs: number;
  /** The name with a trailing dot (looked up without the search list). */
  fqdn: string;
}

export const NODES: ClusterNode[] = [
  { index: 0, name: 'node-a', ip: ip4('192.168.49.2'), mac: mac('02:42:c0:a8:31:02'), vtepMac: mac('9e:4b:1f:3a:7c:01') },
  { index: 1, name: 'node-b', ip: ip4('192.168.49.3'), mac: mac('02:42:c0:a8:31:03'), vtepMac: mac('d6:21:8e:05:b4:72') },
  { index: 2, name: 'node-c', ip: ip4('192.168.49.4'), mac: mac('02:42:c0:a8:31:04'), vtepMac: mac('5a:f0:33:c7:19:e8') },
];
export const THIS_NODE = NODES[0]!;
/** The upstream router 192.168.49.1, next hop for everything outside the cluster. */
export const ROUTER_MAC = mac('02:42:7a:1c:3e:90');
/** The cni0 bridge on this node: 10.244.0.1 / fd00:10:244::1, the pods' default gateway. */
export const CNI0_MAC = mac('ce:5b:6d:8a:11:20');
export const CNI0_IP4 = ip4('10.244.0.1');
export const CNI0_IP6 = ip6('fd00:10:244::1');
export const METADATA_IP = ip4('169.254.169.254');
export const KUBE_DNS_IP4 = ip4('10.96.0.10');
export const KUBE_DNS_IP6 = ip6('fd00:10:96::a');
export const API_VIP = ip4('10.96.0.1');

/** node, app, namespace, host byte of the pod address. */
const POD_TABLE: [number, string, string, number][] = [
  [0, 'coredns', 'kube-system', 2], [0, 'prometheus', 'monitoring', 5], [0, 'frontend', 'web', 11],
  [0, 'frontend', 'web', 12], [0, 'payments', 'shop', 14], [0, 'cart', 'shop', 17], [0, 'orders', 'shop', 21],
  [0, 'catalog', 'shop', 23], [0, 'worker', 'jobs', 26], [0, 'jupyter', 'ml', 31], [0, 'build-runner', 'ci', 34],
  [0, 'grafana', 'monitoring', 37], [0, 'argocd-repo-server', 'argocd', 40], [0, 'model-store', 'ml', 43],
  [0, 'registry', 'registry', 45], [0, 'ingress-nginx', 'ingress-nginx', 47],
  [1, 'coredns', 'kube-system', 3], [1, 'payments', 'shop', 8], [1, 'inventory', 'shop', 12],
  [1, 'orders', 'shop', 15], [1, 'catalog', 'shop', 19], [1, 'postgres-proxy', 'db', 22], [1, 'trainer', 'ml', 25],
  [2, 'cart', 'shop', 4], [2, 'frontend', 'web', 9], [2, 'search', 'shop', 13], [2, 'worker', 'jobs', 20],
  [2, 'inventory', 'shop', 24], [2, 'model-store', 'ml', 28],
];

export const PODS: Pod[] = POD_TABLE.map(([node, app, ns, host]) => {
  const a = ip4(`10.244.${node}.${host}`);
  return { app, ns, node, ip4: a, ip6: ip6(`fd00:10:244:${node}::${host.toString(16)}`), mac: podMac(a) };
});

export const LOCAL_PODS = PODS.filter((p) => p.node === 0);
export const REMOTE_PODS = PODS.filter((p) => p.node !== 0);

function svc(name: string, ns: string, vip4: string, vip6: string | null, port: number, app: string): Service {
  const dnsName = `${name}.${ns}`;
  return {
    name, ns, vip4: ip4(vip4), vip6: vip6 === null ? null : ip6(vip6), port, app, dnsName,
    host: port === 80 ? dnsName : `${dnsName}:${port}`,
  };
}

export const SERVICES: Service[] = [
  svc('frontend', 'web', '10.101.34.12', 'fd00:10:96::3e8', 80, 'frontend'),
  svc('payments', 'shop', '10.104.23.7', null, 8080, 'payments'),
  svc('cart', 'shop', '10.109.140.3', null, 8080, 'cart'),
  svc('orders', 'shop', '10.98.17.250', 'fd00:10:96::1f4', 80, 'orders'),
  svc('catalog', 'shop', '10.102.9.44', 'fd00:10:96::4a1', 80, 'catalog'),
  svc('inventory', 'shop', '10.110.201.8', null, 8080, 'inventory'),
  svc('search', 'shop', '10.106.77.19', null, 8080, 'search'),
  svc('grafana', 'monitoring', '10.97.203.5', null, 3000, 'grafana'),
  svc('model-store', 'ml', '10.103.88.16', null, 8080, 'model-store'),
  svc('registry', 'registry', '10.99.12.34', null, 5000, 'registry'),
];

/** Pods that act as HTTP clients of the services. */
export const CLIENT_APPS = ['frontend', 'payments', 'cart', 'orders', 'worker', 'jupyter', 'build-runner', 'ingress-nginx'];

function ext(name: string, ips: string, opts: { cname?: string[]; v6?: string; pq?: boolean; rtt: number }): ExternalHost {
  return {
    name,
    cnames: opts.cname ?? [],
    ip4: ips.split(' ').map(ip4),
    ip6: opts.v6 ? opts.v6.split(' ').map(ip6) : [],
    pq: opts.pq ?? false,
    rttMs: opts.rtt,
    fqdn: `${name}.`,
  };
}

export const EXTERNAL_HOSTS: ExternalHost[] = [
  ext('api.github.com', '140.82.112.6', { rtt: 18 }),
  ext('github.com', '140.82.112.4', { rtt: 18 }),
  ext('registry-1.docker.io', '54.236.113.205 3.219.239.5 54.227.20.253', { rtt: 22 }),
  ext('auth.docker.io', '3.94.224.37 34.205.13.154', { rtt: 22 }),
  ext('production.cloudflare.docker.com', '104.16.100.207 104.16.101.207', { v6: '2606:4700::6810:64cf', pq: true, rtt: 6 }),
  ext('storage.googleapis.com', '142.250.72.27', { v6: '2607:f8b0:4005:80d::201b', pq: true, rtt: 9 }),
  ext('pastebin.com', '104.20.67.143 172.67.19.24', { v6: '2606:4700:10::6814:438f', pq: true, rtt: 7 }),
  ext('raw.githubusercontent.com', '185.199.108.133 185.199.109.133', { rtt: 11 }),
  ext('objects.githubusercontent.com', '185.199.111.133', { rtt: 11 }),
  ext('ghcr.io', '140.82.113.33', { rtt: 19 }),
  ext('pkg-containers.githubusercontent.com', '185.199.110.154', { rtt: 11 }),
  ext('quay.io', '44.218.127.50 52.5.206.31', { rtt: 24 }),
  ext('cdn01.quay.io', '18.160.10.18 18.160.10.112', { cname: ['d3uo42mtx6z2cr.cloudfront.net'], rtt: 8 }),
  ext('registry.k8s.io', '34.96.108.209', { v6: '2600:1901:0:bbc4::', pq: true, rtt: 10 }),
  ext('us-docker.pkg.dev', '142.250.189.180', { pq: true, rtt: 9 }),
  ext('sts.amazonaws.com', '209.54.177.164', { rtt: 26 }),
  ext('registry.npmjs.org', '104.16.26.34 104.16.27.34', { pq: true, rtt: 6 }),
  ext('files.pythonhosted.org', '151.101.0.223 151.101.64.223', { cname: ['dualstack.python.map.fastly.net'], rtt: 12 }),
  ext('o4505104.ingest.sentry.io', '34.120.195.249', { pq: true, rtt: 14 }),
  ext('transfer.sh', '144.76.136.153', { rtt: 95 }),
  ext('pool.supportxmr.com', '141.94.96.144', { rtt: 88 }),
];

/** Image registries (bulk pulls come from these). */
export const REGISTRY_HOSTS = ['registry-1.docker.io', 'production.cloudflare.docker.com', 'ghcr.io',
  'pkg-containers.githubusercontent.com', 'cdn01.quay.io', 'registry.k8s.io', 'us-docker.pkg.dev'];

/** Sources outside the cluster that probe the node (documentation ranges, RFC 5737). */
export const OUTSIDE_CLIENTS = ['198.51.100.23', '198.51.100.187', '203.0.113.45', '203.0.113.201', '192.0.2.77']
  .map(ip4);

export function externalHost(name: string): ExternalHost {
  const h = EXTERNAL_HOSTS.find((e) => e.name === name);
  if (h === undefined) throw new RangeError(`unknown external host ${name}`);
  return h;
}

export function service(name: string): Service {
  const s = SERVICES.find((e) => e.name === name);
  if (s === undefined) throw new RangeError(`unknown service ${name}`);
  return s;
}

export function podsOf(app: string, node?: number): Pod[] {
  return PODS.filter((p) => p.app === app && (node === undefined || p.node === node));
}
