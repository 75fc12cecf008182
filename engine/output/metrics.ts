// Prometheus text exposition of a live run (prom-client): the same figures as the EVE stats event,
// read from one snapshot per scrape, served on GET /metrics.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { COUNTER_NAMES } from '../../decoders/counters.js';
import { EVENT_NAMES } from '../../decoders/events.js';
import { KwireError } from '../errors.js';
import type { LiveSnapshot } from '../pipeline/live.js';

/** Parse HOST:PORT ("0.0.0.0:9101", "[::1]:9101", ":9101" = every address); port 0 picks a free one. */
export function parseHostPort(spec: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(spec);
  const port = m ? Number(m[3]) : -1;
  if (!m || port > 65535) throw new KwireError('KWIRE_ERR_USAGE', `--metrics wants HOST:PORT (e.g. 0.0.0.0:9101), not "${spec}"`);
  return { host: m[1] ?? (m[2] === '' ? '0.0.0.0' : m[2]), port };
}

/**
 * A cumulative figure of the snapshot as a Prometheus counter: reset and set on every scrape (the
 * engine keeps the totals; prom-client only renders them).
 */
function counter(reg: Registry, name: string, help: string, labelNames: string[], fill: (c: Counter, s: LiveSnapshot) => void, snap: () => LiveSnapshot): void {
  new Counter({
    name, help, labelNames, registers: [reg],
    collect() { this.reset(); fill(this, snap()); },
  });
}

function gauge(reg: Registry, name: string, help: string, labelNames: string[], fill: (g: Gauge, s: LiveSnapshot) => void, snap: () => LiveSnapshot): void {
  new Gauge({
    name, help, labelNames, registers: [reg],
    collect() { this.reset(); fill(this, snap()); },
  });
}

export class LiveMetrics {
  readonly registry = new Registry();
  private server: Server | null = null;
  private current: LiveSnapshot | null = null;

  constructor(private readonly read: () => LiveSnapshot) {
    const reg = this.registry;
    const snap = (): LiveSnapshot => this.current ?? read();
    collectDefaultMetrics({ register: reg });
    const cap = (c: Counter | Gauge, s: LiveSnapshot, v: number): void => { c.inc({ backend: s.backend }, v); };
    counter(reg, 'kwire_capture_packets_total', 'Frames the capture handed to kwire', ['backend'], (c, s) => cap(c, s, s.capture.packets), snap);
    counter(reg, 'kwire_capture_bytes_total', 'Captured bytes handed to kwire', ['backend'], (c, s) => cap(c, s, s.capture.bytes), snap);
    counter(reg, 'kwire_capture_kernel_packets_total', 'Frames the kernel socket received (pcap ps_recv, tp_packets); absent when the backend cannot read them', ['backend'],
      (c, s) => { if (s.capture.kernelCounters !== false) cap(c, s, s.capture.kernelPackets); }, snap);
    counter(reg, 'kwire_capture_kernel_drops_total', 'Frames the kernel dropped, ring or buffer full (pcap ps_drop, tp_drops); absent when the backend cannot read them', ['backend'],
      (c, s) => { if (s.capture.kernelCounters !== false) cap(c, s, s.capture.kernelDrops); }, snap);
    counter(reg, 'kwire_capture_iface_drops_total', 'Frames the interface or driver dropped since the capture started (libpcap: rx_missed_errors + rx_fifo_errors, as pcap ps_ifdrop)', ['backend'],
      (c, s) => cap(c, s, s.capture.ifaceDrops), snap);
    counter(reg, 'kwire_capture_batch_drops_total', 'Frames kwire dropped for want of a free batch', ['backend'], (c, s) => cap(c, s, s.capture.batchDrops), snap);
    counter(reg, 'kwire_worker_packets_total', 'Frames inspected per packet-processing thread', ['worker'],
      (c, s) => s.workers.forEach((w, i) => c.inc({ worker: String(i) }, w.packets)), snap);
    gauge(reg, 'kwire_worker_packets_per_second', 'Frames inspected per second over the last second, per thread', ['worker'],
      (g, s) => s.workers.forEach((w, i) => g.set({ worker: String(i) }, w.pps)), snap);
    gauge(reg, 'kwire_worker_flows_active', 'Flows in each thread\'s flow table (kwire_flows_active is their sum)', ['worker'],
      (g, s) => s.workers.forEach((w, i) => g.set({ worker: String(i) }, w.flowsActive)), snap);
    counter(reg, 'kwire_worker_restarts_total', 'Worker threads that crashed and were restarted', [], (c, s) => c.inc(s.restarts), snap);
    counter(reg, 'kwire_worker_lost_packets_total', 'Frames in flight to a worker thread when it crashed (not inspected)', [], (c, s) => c.inc(s.lostPackets), snap);
    counter(reg, 'kwire_decoder_total', 'Decoder counters (stats.decoder.*: pkts, bytes, ipv4, tcp, vxlan, ...)', ['counter'],
      (c, s) => COUNTER_NAMES.forEach((name, i) => { if (name !== 'max_pkt_size') c.inc({ counter: name }, s.counters[i]); }), snap);
    counter(reg, 'kwire_decode_events_total', 'Decode events (stats.decoder.event.<layer>.<name>)', ['event'],
      (c, s) => EVENT_NAMES.forEach((name, i) => c.inc({ event: name }, s.events[i])), snap);
    counter(reg, 'kwire_alerts_total', 'Alerts raised', [], (c, s) => c.inc(s.alerts), snap);
    gauge(reg, 'kwire_flows_active', 'Flows in the flow table', [], (g, s) => g.set(s.flowsActive), snap);
    gauge(reg, 'kwire_flow_table_capacity', 'Flows the flow table holds at most', [], (g, s) => g.set(s.flowCapacity), snap);
    counter(reg, 'kwire_policy_reloads_total', 'Policy reloads on SIGHUP, by result', ['result'],
      (c, s) => { c.inc({ result: 'ok' }, s.reloads); c.inc({ result: 'failed' }, s.reloadFailures); }, snap);
    counter(reg, 'kwire_records_total', 'EVE records written', [], (c, s) => c.inc(s.records), snap);
    counter(reg, 'kwire_records_dropped_total', 'EVE records refused after the output failed', [], (c, s) => c.inc(s.recordsDropped), snap);
    gauge(reg, 'kwire_uptime_seconds', 'Seconds since the capture started', [], (g, s) => g.set(s.uptimeS), snap);
  }

  /** The exposition text of one scrape (one snapshot for every metric). */
  async text(): Promise<string> {
    this.current = this.read();
    try {
      return await this.registry.metrics();
    } finally {
      this.current = null;
    }
  }

  /** Serve GET /metrics on HOST:PORT; resolves with the bound address. */
  async listen(spec: string): Promise<{ host: string; port: number }> {
    const { host, port } = parseHostPort(spec);
    const server = createServer((req, res) => {
      if (req.method !== 'GET' || (req.url !== '/metrics' && req.url !== '/')) {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found: try GET /metrics\n');
        return;
      }
      if (req.url === '/') {
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('kwire: metrics at /metrics\n');
        return;
      }
      this.text().then(
        (body) => res.writeHead(200, { 'Content-Type': this.registry.contentType }).end(body),
        (e: Error) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${e.message}\n`),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', (e: NodeJS.ErrnoException) =>
        reject(new KwireError('KWIRE_ERR_METRICS_LISTEN', `--metrics ${spec}: cannot listen (${e.code ?? e.message})`)));
      server.listen(port, host, () => resolve());
    });
    const a = server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s !== null) await new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
  }
}
