// Traffic a Kubernetes node firewall must flag: the control plane reached from outside (API server
// 6443, etcd 2379/2380, kubelet 10250/10255), NodePorts (30000-32767) hit by outside scanners, and pods
// reaching the cloud metadata API 169.254.169.254 (AWS IMDSv1/v2, GCP, Azure) for credentials.

import type { Ctx, TcpOpts } from './conversation.js';
import { INTERNET, MEMO_MISC, MEMO_RESPONSE, NEAR, dated, memo, msg, startTcp } from './conversation.js';
import { lookup } from './dns-lookup.js';
import { MICROS, MILLIS } from './flow.js';
import { request, responseTemplate } from './http.js';
import type { Header } from './http.js';
import { ascii } from './bytes.js';
import { PROTO_TCP } from './ipv4.js';
import { ONCE } from './payload.js';
import { ephemeralPort, nodeEnd, outsideEnd, pair, podEnd, viaGateway } from './paths.js';
import type { Endpoint } from './paths.js';
import type { Rng } from './prng.js';
import { localClient } from './scenarios-cluster.js';
import { tlsMessages } from './scenarios-tls.js';
import { OPT_SYN_MSS } from './tcp.js';
import { CLOSE_SERVER_FIN, OPEN_HALF, OPEN_REFUSED, OPEN_SILENT } from './tcp-flow.js';
import type { TcpMessage } from './tcp-flow.js';
import { CLIENT_GO, CLIENT_OPENSSL, clientHello } from './tls-client-hello.js';
import { KUBE_DNS_IP4, METADATA_IP, OUTSIDE_CLIENTS, THIS_NODE } from './topology.js';

function outsider(rng: Rng): Endpoint {
  return outsideEnd(rng.pick(OUTSIDE_CLIENTS), ephemeralPort(rng), rng.range(44, 60));
}

const FROM_OUTSIDE: TcpOpts = { client: INTERNET, server: NEAR, clientRttMs: 35 };

/**
 * A SYN scan probe (nmap -sS: window 1024, MSS only): open ports answer SYN-ACK and get an RST,
 * closed ones answer RST; `open` null means filtered (no answer).
 */
function synProbe(ctx: Ctx, src: Endpoint, port: number, open: boolean | null, t: number): void {
  const rng = ctx.rng;
  const p = pair(rng, { ...src, port: rng.chance(0.5) ? src.port : ephemeralPort(rng) }, nodeEnd(port), PROTO_TCP);
  startTcp(ctx, p, [], t, {
    ...FROM_OUTSIDE, open: open === null ? OPEN_SILENT : open ? OPEN_HALF : OPEN_REFUSED, synOpt: OPT_SYN_MSS,
    timestamps: false, clientSynWin: 1024,
  });
}

/** A TLS session to a control-plane port of this node (kubectl, curl -k, or a probe of the port). */
function controlPlaneTls(ctx: Ctx, client: Endpoint, port: number, sni: string | null, t: number, opts: TcpOpts): void {
  const rng = ctx.rng;
  const profile = rng.chance(0.6) ? CLIENT_GO : CLIENT_OPENSSL;
  const hello = clientHello(rng, ctx.pools.noise, profile, sni, profile === CLIENT_GO ? ['h2', 'http/1.1'] : ['http/1.1']);
  const exchanges = Array.from({ length: rng.range(1, 3) }, (): [number, number] => [rng.logNormal(300, 0.5), rng.logNormal(2500, 1)]);
  const msgs = tlsMessages(ctx, { hello, exchanges, serverPq: true, bulkBytes: 0, closeNotify: rng.chance(0.6) }, 0);
  startTcp(ctx, pair(rng, client, nodeEnd(port), PROTO_TCP), msgs, t, opts);
}

/** The API server (6443) reached from outside the cluster: kubectl-style sessions and scans. */
export function apiServerFromOutside(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const src = outsider(rng);
  if (ctx.nth > 0 && rng.chance(0.4)) {
    synProbe(ctx, src, 6443, true, t);
    return;
  }
  const sni = ctx.nth === 0 ? 'kubernetes' : rng.pick([null, 'kubernetes', 'control-plane.minikube.internal', 'node-a']);
  controlPlaneTls(ctx, src, 6443, sni, t, FROM_OUTSIDE);
}

/** etcd's client (2379) and peer (2380) ports: scanned from outside, or dialled by a pod. */
export function etcdAccess(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const r = ctx.nth === 0 ? 0 : rng.float();
  if (r < 0.5) {
    const src = outsider(rng);
    synProbe(ctx, src, 2379, true, t);
    synProbe(ctx, src, 2380, rng.chance(0.5), t + rng.jitter(3 * MILLIS, 0.5));
    return;
  }
  if (r < 0.75) {
    controlPlaneTls(ctx, outsider(rng), 2379, null, t, FROM_OUTSIDE);
    return;
  }
  const pod = localClient(rng);
  controlPlaneTls(ctx, podEnd(pod, ephemeralPort(rng)), 2379, null, t, { client: NEAR, server: NEAR });
}

/** The kubelet API: 10250 over TLS from outside or from a pod, the read-only 10255 probed. */
export function kubeletAccess(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const r = ctx.nth === 0 ? 0 : rng.float();
  if (r < 0.4) {
    controlPlaneTls(ctx, outsider(rng), 10250, null, t, FROM_OUTSIDE);
  } else if (r < 0.7) {
    const pod = localClient(rng);
    controlPlaneTls(ctx, podEnd(pod, ephemeralPort(rng)), 10250, rng.chance(0.5) ? null : 'node-a', t, { client: NEAR, server: NEAR });
  } else {
    const src = outsider(rng);
    synProbe(ctx, src, 10255, false, t);
    synProbe(ctx, src, 10250, true, t + rng.jitter(2 * MILLIS, 0.5));
  }
}

const NODEPORTS = [30080, 30443, 31380, 32000, 30900];
const SCAN_AGENTS = ['Mozilla/5.0 zgrab/0.x', 'Mozilla/5.0 (compatible; CensysInspect/1.1; +https://about.censys.io/)',
  'curl/7.88.1', 'python-requests/2.31.0', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'];
const INDEX_HTML = '<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n</body>\n</html>\n';

/** NodePorts hit from outside: HTTP requests to exposed services and SYN sweeps over the range. */
export function nodePortFromOutside(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const src = outsider(rng);
  if (ctx.nth > 0 && rng.chance(0.4)) {
    let at = t;
    for (let i = rng.range(3, 8); i > 0; i--) {
      const port = rng.chance(0.3) ? rng.pick(NODEPORTS) : rng.range(30000, 32767);
      synProbe(ctx, src, port, NODEPORTS.includes(port) ? true : rng.chance(0.3) ? null : false, at);
      at += rng.jitter(1500 * MICROS, 0.8);
    }
    return;
  }
  const port = rng.pick(NODEPORTS);
  const agent = rng.pick(SCAN_AGENTS);
  const path = ctx.nth === 0 ? '/' : rng.pick(['/', '/', '/.env', '/actuator/health', '/api/v1/pods', '/wp-login.php']);
  const host = `${THIS_NODE.ip.join('.')}:${port}`;
  const req = memo(ctx, `${host} ${path} ${agent}`, MEMO_MISC, 0, () => ascii(
    `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${agent}\r\nAccept: */*\r\nConnection: close\r\n\r\n`));
  const ok = path === '/';
  const res = memo(ctx, 'nodeport', MEMO_RESPONSE, ok ? 1 : 0, () => ok
    ? responseTemplate(200, [['Server', 'nginx/1.27.2'], ['Content-Type', 'text/html']], INDEX_HTML.length, ascii(INDEX_HTML))
    : responseTemplate(404, [['Server', 'nginx/1.27.2'], ['Content-Type', 'text/html']], 0));
  const reply = rng.logNormal(600 * MICROS, 0.6);
  startTcp(ctx, pair(rng, src, nodeEnd(port), PROTO_TCP), [msg(0, req, 30 * MICROS), dated(1, res, t + reply, reply)], t,
    { ...FROM_OUTSIDE, close: CLOSE_SERVER_FIN, closeDelay: 30 * MICROS });
}

const ROLE = 'eks-node-group-role-9f3c2a';

interface MetadataCall {
  method: string;
  path: string;
  headers: Header[];
  status: number;
  body: string;
  server: string;
}

function awsCredentials(rng: Rng): string {
  const key = `ASIA${Array.from({ length: 16 }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'[rng.int(32)]).join('')}`;
  return `{\n  "Code" : "Success",\n  "LastUpdated" : "2026-01-01T00:00:00Z",\n  "Type" : "AWS-HMAC",\n  "AccessKeyId" : "${key}",\n`
    + `  "SecretAccessKey" : "${Buffer.from(rng.bytes(30)).toString('base64')}",\n  "Token" : "${Buffer.from(rng.bytes(96)).toString('base64')}",\n`
    + '  "Expiration" : "2026-01-01T06:12:44Z"\n}';
}

const RECON = 0;
const IMDS_V1 = 1;
const IMDS_V2 = 2;
const GCP = 3;
const AZURE = 4;

/** One of the credential-theft sequences against the metadata API. */
function metadataCalls(rng: Rng, variant: number): MetadataCall[] {
  const aws = 'EC2ws';
  const creds = '/latest/meta-data/iam/security-credentials/';
  switch (variant) {
    case RECON:
    case IMDS_V1:
      return [
        { method: 'GET', path: '/latest/meta-data/', headers: [], status: 200, server: aws,
          body: 'ami-id\nhostname\niam/\ninstance-id\ninstance-type\nlocal-ipv4\nplacement/\nsecurity-groups' },
        { method: 'GET', path: creds, headers: [], status: 200, server: aws, body: ROLE },
        { method: 'GET', path: creds + ROLE, headers: [], status: 200, server: aws, body: awsCredentials(rng) },
      ];
    case IMDS_V2: {
      const token = Buffer.from(rng.bytes(42)).toString('base64');
      return [
        { method: 'PUT', path: '/latest/api/token', headers: [['X-aws-ec2-metadata-token-ttl-seconds', '21600']], status: 200,
          server: aws, body: token },
        { method: 'GET', path: creds, headers: [['X-aws-ec2-metadata-token', token]], status: 200, server: aws, body: ROLE },
        { method: 'GET', path: creds + ROLE, headers: [['X-aws-ec2-metadata-token', token]], status: 200, server: aws,
          body: awsCredentials(rng) },
      ];
    }
    case GCP:
      return [{ method: 'GET', path: '/computeMetadata/v1/instance/service-accounts/default/token',
        headers: [['Metadata-Flavor', 'Google']], status: 200, server: 'Metadata Server for VM',
        body: `{"access_token":"ya29.c.${Buffer.from(rng.bytes(120)).toString('base64url')}","expires_in":3599,"token_type":"Bearer"}` }];
    case AZURE:
    default:
      return [{ method: 'GET', path: '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/',
        headers: [['Metadata', 'true']], status: 200, server: 'Microsoft-IIS/10.0',
        body: `{"access_token":"eyJ0eXAiOiJKV1Qi${Buffer.from(rng.bytes(180)).toString('base64url')}","expires_in":"86399","token_type":"Bearer"}` }];
  }
}

/**
 * A pod reading instance credentials from 169.254.169.254. The first run is a cloud-agnostic recon
 * script (resolves metadata.google.internal, then walks AWS IMDSv1 to the role's keys); later runs
 * pick AWS IMDSv1, IMDSv2, GCP (after resolving metadata.google.internal) or Azure.
 */
export function metadataAccess(ctx: Ctx, t: number): void {
  const rng = ctx.rng;
  const pod = localClient(rng);
  const variant = ctx.nth === 0 ? RECON : rng.pick([IMDS_V1, IMDS_V2, GCP, AZURE]);
  const calls = metadataCalls(rng, variant);
  const gcp = variant === GCP;
  let start = t;
  const host = gcp ? 'metadata.google.internal' : '169.254.169.254';
  if (gcp || variant === RECON) {
    start = lookup(ctx, 'metadata.google.internal', t, { client: podEnd(pod, 0), server: viaGateway(KUBE_DNS_IP4, 53),
      ns: pod.ns, aaaa: rng.chance(0.5) }) + 40 * MICROS;
  }
  const agent = rng.pick(['curl/8.5.0', 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5', 'python-requests/2.32.3',
    'Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#6.8.0 lang/python#3.12.5']);
  const msgs: TcpMessage[] = [];
  let at = start;
  for (const c of calls) {
    const think = msgs.length === 0 ? 20 * MICROS : rng.logNormal(2 * MILLIS, 1);
    const reply = rng.logNormal(400 * MICROS, 0.5);
    at += think + reply;
    msgs.push(msg(0, request(c.method, c.path, host, [['User-Agent', agent], ['Accept', '*/*'], ...c.headers]), think));
    const body = ascii(c.body);
    msgs.push(dated(1, responseTemplate(c.status, [['Server', c.server], ['Content-Type', 'text/plain']], body.length, body,
      ONCE), at, reply));
  }
  const p = pair(rng, podEnd(pod, ephemeralPort(rng)), viaGateway(METADATA_IP, 80, 254), PROTO_TCP);
  startTcp(ctx, p, msgs, start, { client: NEAR, server: NEAR });
}
