// Child process for the benchmark: runs one offline inspection (default alert ports, stats) to
// /dev/null and prints packets, elapsed ms and peak RSS as JSON. Usage: inspect-rss.ts FILE

import { readFileSync } from 'node:fs';
import { DEFAULT_ALERT_PORTS } from '../../../engine/cli/inspect-command.js';
import { runInspect } from '../../../engine/pipeline/inspect.js';
import { parsePortList } from '../../../rules/builtin/port-alert.js';
import { C_PKTS } from '../../../decoders/counters.js';

/**
 * Peak RSS of this process image: VmHWM, which exec resets (getrusage's maxRSS keeps the high-water
 * mark of the forking parent's copy, so a child of a big parent would report the parent's size).
 */
function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.resourceUsage().maxRSS / 1024;
}

const file = process.argv[2];
const r = await runInspect({
  input: file, out: '/dev/null', stats: true, workers: 0,
  spec: {
    decoder: { vxlanPorts: [4789, 8472], genevePorts: [6081], maxTunnelDepth: 4 },
    flow: { maxFlows: 65536, tcp: { new: 60, established: 600, closed: 60 }, udp: { new: 30, established: 300, closed: 30 }, other: { new: 30, established: 300, closed: 30 }, hashSeed: 0 },
    reassembly: { streamDepth: 32768, memcap: 64 << 20 },
    events: ['alert'], format: 'eve', alertPorts: parsePortList(DEFAULT_ALERT_PORTS), policy: null,
  },
});
if (r.inputError) throw r.inputError;
process.stdout.write(JSON.stringify({
  packets: r.stats.counters[C_PKTS], elapsedMs: r.stats.elapsedMs, alerts: r.stats.alerts,
  maxRssMB: peakRssMB(),
}) + '\n');
