// Child process for the benchmark: runs one offline inspection (default alert ports, stats) to
// /dev/null and prints packets, elapsed ms and peak RSS as JSON. Usage: inspect-rss.ts FILE

import { DecoderConfig } from '../../../decoders/packet.js';
import { DEFAULT_ALERT_PORTS } from '../../../engine/cli/inspect-command.js';
import { runInspect } from '../../../engine/pipeline/inspect.js';
import { parsePortList } from '../../../rules/builtin/port-alert.js';
import { C_PKTS } from '../../../decoders/counters.js';

const file = process.argv[2];
const r = await runInspect({
  input: file, out: '/dev/null', format: 'eve', events: new Set(['alert', 'stats']),
  alertPorts: parsePortList(DEFAULT_ALERT_PORTS), decoder: new DecoderConfig(), hashSeed: 0,
});
if (r.inputError) throw r.inputError;
process.stdout.write(JSON.stringify({
  packets: r.stats.counters[C_PKTS], elapsedMs: r.stats.elapsedMs, alerts: r.stats.alerts,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
}) + '\n');
