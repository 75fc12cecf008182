// `kwire live`: capture on interfaces and inspect as an IDS until SIGINT/SIGTERM; backend choice,
// messages and exit codes. The loop itself is engine/pipeline/live.ts.

import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, KwireError } from '../errors.js';
import type { LiveSource } from '../capture/live-source.js';
import { LibpcapSource, type LibpcapOptions } from '../capture/libpcap.js';
import { openAfPacket, type AfPacketOptions } from '../capture/afpacket.js';
import { ERR_NATIVE_UNAVAILABLE } from '../capture/live-faults.js';
import { LiveRun, handleSignals } from '../pipeline/live.js';
import type { LiveMetrics } from '../output/metrics.js';
import { summaryText } from '../output/stats-record.js';
import { ENGINE_FLAGS, ENGINE_HELP, engineSpec, parseWorkers } from './engine-flags.js';
import { buildPolicy } from '../pipeline/engine-spec.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';

export const LIVE_HELP = `kwire live --iface IFACE[,IFACE] [options]
  Captures on network interfaces ('any' = all) and inspects like kwire inspect (same decoders,
  flows, rules and EVE records) until SIGINT or SIGTERM, which flush flows and records and exit 0.
  SIGHUP reloads the policy; one that does not compile leaves the running one in force.

  --iface LIST          interfaces to capture on, comma-separated, or any
  --capture BACKEND     native (AF_PACKET ring, default on Linux when the addon is built) or libpcap
  --bpf EXPR            capture filter (tcpdump syntax)
  --fanout on|off       native backend: each worker opens its own socket in a PACKET_FANOUT group
                        (the kernel shards by flow; default on with 2 or more workers) or off (this
                        thread captures and shards by address like kwire inspect)
  --workers N           packet-processing threads besides the capture thread, which shards frames
                        to them by the same hash as kwire inspect (default: cores - 1, at least 1);
                        0 = capture and inspect on one thread
  --out FILE|-          EVE NDJSON destination (default '-', stdout)
  --stats-interval S    an EVE stats event every S seconds (default 30; 0 = only at exit)
  --metrics HOST:PORT   serve the same figures as Prometheus text on http://HOST:PORT/metrics
  --node-name NAME      "host" field of every record, as Suricata's sensor-name (default: the
                        KWIRE_NODE_NAME environment variable, e.g. the node name from the downward API)
${ENGINE_HELP.trimEnd()}
  --quiet               no start line and no summary on stderr
  Exit codes: 0 stopped by a signal, 1 capture, policy or output failure, 2 usage.
`;

function usage(msg: string): number {
  process.stderr.write(`kwire live: ${msg}\n${LIVE_HELP}`);
  return EXIT_USAGE;
}

function describe(e: unknown): string {
  return e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
}

/** Open the asked backend; without --capture, native on Linux when it loads, else libpcap with a notice. */
function openSource(backend: string | undefined, opts: LibpcapOptions & AfPacketOptions, log: (l: string) => void): LiveSource {
  if (backend === 'libpcap') return new LibpcapSource(opts);
  if (backend === 'native') return openAfPacket(opts);
  if (process.platform === 'linux') {
    try {
      return openAfPacket(opts);
    } catch (e) {
      if (!(e instanceof KwireError) || e.code !== ERR_NATIVE_UNAVAILABLE) throw e;
      log(`native capture unavailable (${e.message}); using libpcap`);
    }
  }
  return new LibpcapSource(opts);
}

export async function runLiveCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        iface: { type: 'string' },
        capture: { type: 'string' },
        bpf: { type: 'string', default: '' },
        fanout: { type: 'string' },
        out: { type: 'string', default: '-' },
        'stats-interval': { type: 'string', default: '30' },
        metrics: { type: 'string' },
        'node-name': { type: 'string', default: process.env.KWIRE_NODE_NAME ?? '' },
        quiet: { type: 'boolean', default: false },
        ...ENGINE_FLAGS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(LIVE_HELP);
    return EXIT_OK;
  }
  const ifaces = (v.iface ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  if (ifaces.length === 0) return usage('--iface is required (an interface, several separated by commas, or any)');
  if (v.capture !== undefined && v.capture !== 'native' && v.capture !== 'libpcap') return usage(`--capture is native or libpcap, not "${v.capture}"`);
  if (v.fanout !== undefined && v.fanout !== 'on' && v.fanout !== 'off') return usage(`--fanout is on or off, not "${v.fanout}"`);
  const workers = parseWorkers(v.workers);
  if (typeof workers === 'string') return usage(workers);
  const interval = Number(v['stats-interval']);
  if (!Number.isFinite(interval) || interval < 0 || interval > 86400) return usage('--stats-interval must be 0..86400 seconds');
  const parsedSpec = engineSpec(v, 'eve');
  if (typeof parsedSpec === 'string') return usage(parsedSpec);
  const { spec, events } = parsedSpec;
  const log = (line: string): void => { process.stderr.write(`kwire: ${line}\n`); };
  const policySpec = spec.policy;
  const load = policySpec === null ? null : (): PolicyMatcher => buildPolicy(policySpec, (msg) => log(`warning: ${msg}`));

  let policy: PolicyMatcher | null = null;
  try {
    policy = load?.() ?? null;
  } catch (e) {
    log(`policy not loaded, not starting: ${describe(e)}`);
    return EXIT_BAD_INPUT;
  }
  let source: LiveSource;
  try {
    source = openSource(v.capture, { ifaces, bpf: v.bpf, promiscuous: true, shared: workers > 0 }, log);
  } catch (e) {
    log(describe(e));
    return EXIT_BAD_INPUT;
  }
  // native with several workers: one socket per worker in a PACKET_FANOUT group (the probe above
  // checked interface, filter and permissions with this thread's socket, which closes now)
  const fanout = source.backend === 'native' && workers >= 1 && (v.fanout === 'on' || (v.fanout === undefined && workers >= 2));
  if (fanout) {
    await source.close();
    if (policy?.hasVolumeRules) {
      log('note: PACKET_FANOUT spreads flows over the workers by 5-tuple: volume rules count bytes per destination in each worker, ' +
        'so a destination whose flows land on several workers reaches the threshold later (--fanout off keeps one count per destination)');
    }
  } else if (v.fanout === 'on') {
    await source.close();
    return usage('--fanout on needs the native backend and --workers 1 or more');
  }
  const group = process.pid & 0xffff;
  const run = new LiveRun({
    source: fanout ? null : source,
    fanout: fanout ? { ifaces, bpf: v.bpf, promiscuous: true, group } : undefined,
    out: v.out,
    spec,
    policy,
    workers,
    stats: events.has('stats'),
    statsIntervalS: interval,
    nodeName: v['node-name'],
    loadPolicy: load,
    log,
  });
  let metrics: LiveMetrics | null = null;
  if (v.metrics !== undefined) {
    const { LiveMetrics } = await import('../output/metrics.js'); // prom-client only when asked for
    metrics = new LiveMetrics(() => run.snapshot());
    try {
      const a = await metrics.listen(v.metrics);
      log(`metrics on http://${a.host.includes(':') ? `[${a.host}]` : a.host}:${a.port}/metrics`);
    } catch (e) {
      log(describe(e));
      await run.abort();
      return EXIT_BAD_INPUT;
    }
  }
  try {
    await run.ready();
  } catch (e) {
    log(describe(e));
    await metrics?.close();
    await run.abort();
    return EXIT_BAD_INPUT;
  }
  const unhook = handleSignals(run);
  const threads = workers === 0 ? 'on one thread'
    : `and ${workers} worker thread${workers === 1 ? '' : 's'}${fanout ? `, one socket each in PACKET_FANOUT group ${group}` : ''}`;
  if (!v.quiet) log(`capturing on ${ifaces.join(',')} with ${source.backend} ${threads}${v.bpf === '' ? '' : ` (filter: ${v.bpf})`}`);
  const result = await run.run();
  unhook();
  await metrics?.close();
  const s = result.snapshot;
  if (!v.quiet) {
    const c = s.capture;
    const kernel = c.kernelCounters === false ? 'kernel counters not available (libpcap via cap needs the native addon to read its socket: npm rebuild, see native/README.md)' : `kernel packets ${c.kernelPackets}, kernel drops ${c.kernelDrops}`;
    process.stderr.write(summaryText({ counters: s.counters, events: s.events, linkTypes: new Float64Array(0), alerts: s.alerts, elapsedMs: s.uptimeS * 1000, lastTsSec: 0 }));
    log(`capture (${s.backend}): ${kernel}, interface drops ${c.ifaceDrops}, batch drops ${c.batchDrops}`);
  }
  let code = EXIT_OK;
  for (const err of [result.inputError, result.outputError]) {
    if (err === null) continue;
    log(describe(err));
    code = EXIT_BAD_INPUT;
  }
  return code;
}
