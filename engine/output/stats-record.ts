// End-of-run statistics: the EVE `stats` event laid out as Suricata's (stats.decoder.*, decode
// events under stats.decoder.event.<layer>.<name>) and the human summary printed on stderr.

import { COUNTER_NAMES, C_BYTES, C_PKTS } from '../../decoders/counters.js';
import { EVENT_NAMES } from '../../decoders/events.js';
import { linkTypeName } from '../../decoders/link-types.js';
import { eveTimestamp } from './eve-common.js';

export interface RunStats {
  counters: Float64Array;
  events: Float64Array;
  /** Frames per link type, indexed by LINKTYPE_* value. */
  linkTypes: Float64Array;
  alerts: number;
  elapsedMs: number;
  /** Timestamp of the last frame, for the stats record. */
  lastTsSec: number;
  /** Further stats sections (flow, tcp, defrag, app_layer), Suricata-named. */
  sections?: Record<string, Record<string, unknown>>;
}

function linkTypeObject(lt: Float64Array): Record<string, number> {
  const o: Record<string, number> = {};
  for (let i = 0; i < lt.length; i++) if (lt[i] > 0) o[linkTypeName(i)] = lt[i];
  return o;
}

/** Decode events grouped by layer: {"ipv4":{"trunc_pkt":0,...},...}, every event listed. */
function eventObject(events: Float64Array): Record<string, Record<string, number>> {
  const o: Record<string, Record<string, number>> = {};
  EVENT_NAMES.forEach((name, i) => {
    const dot = name.indexOf('.');
    const layer = name.slice(0, dot);
    (o[layer] ??= {})[name.slice(dot + 1)] = events[i];
  });
  return o;
}

export function eveStatsRecord(s: RunStats): string {
  const decoder: Record<string, unknown> = {};
  COUNTER_NAMES.forEach((name, i) => { decoder[name] = s.counters[i]; });
  decoder.avg_pkt_size = s.counters[C_PKTS] > 0 ? Math.round(s.counters[C_BYTES] / s.counters[C_PKTS]) : 0;
  decoder.link_type = linkTypeObject(s.linkTypes);
  decoder.event = eventObject(s.events);
  const stats = {
    uptime: Math.round(s.elapsedMs / 1000),
    decoder,
    ...s.sections,
    detect: { alert: s.alerts },
  };
  return `{"timestamp":"${eveTimestamp(s.lastTsSec, 0)}","event_type":"stats","stats":${JSON.stringify(stats)}}`;
}

/** The human summary: totals, link types, protocols, non-zero decode events, rate. */
export function summaryText(s: RunStats): string {
  const c = s.counters;
  const pkts = c[C_PKTS];
  const secs = s.elapsedMs / 1000;
  const pps = secs > 0 ? Math.round(pkts / secs) : 0;
  const lines = [
    `packets ${pkts}  bytes ${c[C_BYTES]}  alerts ${s.alerts}  elapsed ${secs.toFixed(3)} s  ${pps} packets/s`,
  ];
  const lt = Object.entries(linkTypeObject(s.linkTypes)).map(([k, v]) => `${k} ${v}`);
  if (lt.length) lines.push(`link types: ${lt.join(', ')}`);
  const protos: string[] = [];
  COUNTER_NAMES.forEach((name, i) => {
    if (i > 1 && name !== 'max_pkt_size' && c[i] > 0) protos.push(`${name} ${c[i]}`);
  });
  if (protos.length) lines.push(`decoded: ${protos.join(', ')}`);
  const ev: string[] = [];
  EVENT_NAMES.forEach((name, i) => { if (s.events[i] > 0) ev.push(`${name} ${s.events[i]}`); });
  lines.push(ev.length ? `decode events: ${ev.join(', ')}` : 'decode events: none');
  for (const [name, sec] of Object.entries(s.sections ?? {})) {
    // one level of nesting (app_layer.tx, app_layer.dns_names): shown as tx.tls, dns_names.size, ...
    const flat: [string, unknown][] = [];
    for (const [k, v] of Object.entries(sec)) {
      if (typeof v === 'number') flat.push([k, v]);
      else if (k !== 'event' && v !== null && typeof v === 'object') for (const [k2, v2] of Object.entries(v)) flat.push([`${k}.${k2}`, v2]);
    }
    const parts = flat.filter(([, v]) => typeof v === 'number' && v !== 0).map(([k, v]) => `${k} ${v}`);
    if (parts.length) lines.push(`${name}: ${parts.join(', ')}`);
  }
  const appEvents = (s.sections?.app_layer?.event ?? {}) as Record<string, Record<string, number>>;
  const ae: string[] = [];
  for (const [proto, evs] of Object.entries(appEvents)) for (const [k, v] of Object.entries(evs)) if (v > 0) ae.push(`${proto}.${k} ${v}`);
  if (ae.length) lines.push(`app-layer events: ${ae.join(', ')}`);
  return lines.join('\n') + '\n';
}
