// Shared payload blocks, built once per run from the seed: random bytes (encrypted or compressed
// content), a stream of full-size TLS records (bulk TLS downloads) and Prometheus text exposition
// (metrics scrapes). Each is pooled: long transfers wrap around it.

import { ascii } from './bytes.js';
import { POOL, Payload } from './payload.js';
import type { Rng } from './prng.js';
import { recordStream } from './tls-records.js';

export interface Pools {
  /** 256 KiB of random bytes (small enough to stay in cache, with its prefix sums). */
  noise: Payload;
  /** Four 16406-byte TLS 1.3 application-data records. */
  tlsStream: Payload;
  /** Prometheus text format; `metricsLineEnds` lists the offsets just after each newline. */
  metrics: Payload;
  metricsLineEnds: number[];
  /** JSON API response bodies, ~100 B to ~20 KB (log-normal around 1.2 KB). */
  json: Uint8Array[];
  /** JSON request bodies for POSTs, 60 B to 900 B. */
  jsonRequests: Uint8Array[];
}

export function buildPools(rng: Rng): Pools {
  const noise = new Payload(rng.bytes(1 << 18), POOL);
  const tlsStream = new Payload(recordStream(rng, 4), POOL);
  const text = metricsText(rng, 300_000);
  const bytes = ascii(text.length % 2 === 0 ? text : `${text}\n`);
  const ends: number[] = [];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x0a) ends.push(i + 1);
  const json = Array.from({ length: 64 }, () => ascii(jsonBody(rng, Math.min(rng.logNormal(1200, 1.1), 20_000))));
  const jsonRequests = Array.from({ length: 64 }, () => ascii(jsonBody(rng, rng.range(60, 900))));
  return { noise, tlsStream, metrics: new Payload(bytes, POOL), metricsLineEnds: ends, json, jsonRequests };
}

/** JSON of roughly `len` bytes: a page of order items. */
function jsonBody(rng: Rng, len: number): string {
  const parts: string[] = [];
  let size = 30;
  while (size < len - 40) {
    const item = `{"id":${rng.int(1e6)},"sku":"SKU-${rng.int(1e5)}","qty":${rng.range(1, 9)},"price":${(rng.float() * 200).toFixed(2)}}`;
    parts.push(item);
    size += item.length + 1;
  }
  return `{"items":[${parts.join(',')}],"next":null}`;
}

const FAMILIES: [string, string, string, string[]][] = [
  ['http_requests_total', 'counter', 'Total number of HTTP requests.', ['code', 'handler', 'method']],
  ['http_request_duration_seconds_bucket', 'histogram', 'HTTP request latency.', ['handler', 'le']],
  ['process_cpu_seconds_total', 'counter', 'Total user and system CPU time spent in seconds.', []],
  ['process_resident_memory_bytes', 'gauge', 'Resident memory size in bytes.', []],
  ['go_goroutines', 'gauge', 'Number of goroutines that currently exist.', []],
  ['go_gc_duration_seconds', 'summary', 'A summary of the pause duration of garbage collection cycles.', ['quantile']],
  ['grpc_server_handled_total', 'counter', 'Total number of RPCs completed on the server.', ['grpc_code', 'grpc_method', 'grpc_service']],
  ['db_client_connections_usage', 'gauge', 'Connections in use by state.', ['pool_name', 'state']],
  ['kafka_consumer_lag', 'gauge', 'Consumer group lag per partition.', ['group', 'partition', 'topic']],
];
const LABEL_VALUES: Record<string, string[]> = {
  code: ['200', '201', '204', '400', '404', '500', '503'],
  handler: ['/api/v1/orders', '/api/v1/cart', '/api/v1/items', '/healthz', '/metrics', '/api/v1/checkout'],
  method: ['get', 'post', 'put', 'delete'],
  le: ['0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5', '1', '2.5', '5', '+Inf'],
  quantile: ['0', '0.25', '0.5', '0.75', '1'],
  grpc_code: ['OK', 'Canceled', 'DeadlineExceeded', 'Unavailable'],
  grpc_method: ['GetItem', 'ListItems', 'Reserve', 'Watch'],
  grpc_service: ['shop.v1.Inventory', 'shop.v1.Catalog'],
  pool_name: ['orders-primary', 'orders-replica'],
  state: ['idle', 'used'],
  group: ['order-events', 'audit'],
  partition: ['0', '1', '2', '3', '4', '5'],
  topic: ['orders', 'payments', 'shipments'],
};

function metricsText(rng: Rng, minLength: number): string {
  const lines: string[] = [];
  let length = 0;
  while (length < minLength) {
    const [name, type, help, labels] = rng.pick(FAMILIES);
    const add = (line: string): void => {
      lines.push(line);
      length += line.length + 1;
    };
    add(`# HELP ${name} ${help}`);
    add(`# TYPE ${name} ${type}`);
    const series = labels.length === 0 ? 1 : rng.range(4, 24);
    for (let i = 0; i < series; i++) {
      const set = labels.map((l) => `${l}="${rng.pick(LABEL_VALUES[l]!)}"`).join(',');
      const value = type === 'counter' ? String(rng.int(5_000_000)) : (rng.float() * 1000).toFixed(6);
      add(labels.length === 0 ? `${name} ${value}` : `${name}{${set}} ${value}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
