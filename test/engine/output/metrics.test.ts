// Prometheus exposition of a live snapshot: names, labels and values as prom-client renders them,
// kernel series left out when the backend cannot read the kernel's counters, HOST:PORT parsing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveMetrics, parseHostPort } from '../../../engine/output/metrics.js';
import type { LiveSnapshot } from '../../../engine/pipeline/live.js';
import { COUNTER_NAMES } from '../../../decoders/counters.js';
import { EVENT_NAMES } from '../../../decoders/events.js';
import { KwireError } from '../../../engine/errors.js';

function snapshot(kernelCounters: boolean): LiveSnapshot {
  const counters = new Float64Array(COUNTER_NAMES.length);
  counters[COUNTER_NAMES.indexOf('tcp')] = 41;
  const events = new Float64Array(EVENT_NAMES.length);
  events[EVENT_NAMES.indexOf('ipv4.trunc_pkt')] = 3;
  return {
    uptimeS: 12.5, backend: kernelCounters ? 'native' : 'libpcap',
    capture: { packets: 100, bytes: 6400, kernelPackets: 105, kernelDrops: 5, ifaceDrops: 2, batchDrops: 1, kernelCounters },
    workers: [{ packets: 60, pps: 6, flowsActive: 5 }, { packets: 40, pps: 4, flowsActive: 4 }], restarts: 1, lostPackets: 12,
    counters, events, alerts: 7, flowsActive: 9, flowCapacity: 65536, reloads: 2, reloadFailures: 1, records: 30, recordsDropped: 0,
  };
}

function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

test('every figure of the snapshot, under its name and labels', async () => {
  let s = snapshot(true);
  const m = new LiveMetrics(() => s);
  const text = await m.text();
  assert.is(value(text, 'kwire_capture_packets_total{backend="native"}'), 100);
  assert.is(value(text, 'kwire_capture_bytes_total{backend="native"}'), 6400);
  assert.is(value(text, 'kwire_capture_kernel_packets_total{backend="native"}'), 105);
  assert.is(value(text, 'kwire_capture_kernel_drops_total{backend="native"}'), 5);
  assert.is(value(text, 'kwire_capture_iface_drops_total{backend="native"}'), 2);
  assert.is(value(text, 'kwire_capture_batch_drops_total{backend="native"}'), 1);
  assert.is(value(text, 'kwire_worker_packets_total{worker="1"}'), 40);
  assert.is(value(text, 'kwire_worker_packets_per_second{worker="0"}'), 6);
  assert.is(value(text, 'kwire_worker_flows_active{worker="1"}'), 4);
  assert.is(value(text, 'kwire_worker_restarts_total'), 1);
  assert.is(value(text, 'kwire_worker_lost_packets_total'), 12);
  assert.is(value(text, 'kwire_decoder_total{counter="tcp"}'), 41);
  assert.is(value(text, 'kwire_decode_events_total{event="ipv4.trunc_pkt"}'), 3);
  assert.is(value(text, 'kwire_decode_events_total{event="tcp.hlen_too_small"}'), 0);
  assert.is(value(text, 'kwire_alerts_total'), 7);
  assert.is(value(text, 'kwire_flows_active'), 9);
  assert.is(value(text, 'kwire_policy_reloads_total{result="failed"}'), 1);
  assert.match(text, /^# TYPE kwire_alerts_total counter$/m);
  assert.match(text, /^# TYPE kwire_flows_active gauge$/m);
  // totals move with the engine: a later scrape shows the new values, not a sum
  s = { ...s, alerts: 9 };
  assert.is(value(await m.text(), 'kwire_alerts_total'), 9);
});

test('no kernel counters (libpcap via cap): kernel series absent, not 0', async () => {
  const text = await new LiveMetrics(() => snapshot(false)).text();
  assert.is(value(text, 'kwire_capture_kernel_drops_total{backend="libpcap"}'), undefined);
  assert.is(value(text, 'kwire_capture_kernel_packets_total{backend="libpcap"}'), undefined);
  assert.is(value(text, 'kwire_capture_packets_total{backend="libpcap"}'), 100);
});

test('HOST:PORT', () => {
  assert.equal(parseHostPort('0.0.0.0:9101'), { host: '0.0.0.0', port: 9101 });
  assert.equal(parseHostPort('[::1]:0'), { host: '::1', port: 0 });
  assert.equal(parseHostPort(':9101'), { host: '0.0.0.0', port: 9101 });
  for (const bad of ['9101', 'host:', 'host:70000', 'a:b:1']) {
    assert.throws(() => parseHostPort(bad), (e: unknown) => e instanceof KwireError && /HOST:PORT/.test(e.message), bad);
  }
});

test.run();
