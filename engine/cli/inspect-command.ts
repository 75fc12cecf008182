// `kwire inspect`: argument parsing, output-mode choice, messages and exit codes.

import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { parsePortList } from '../../rules/builtin/port-alert.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, KwireError } from '../errors.js';
import { runInspect } from '../pipeline/inspect.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { PROFILE_FLAGS, PROFILE_HELP } from './profile-flags.js';
import { FlowConfig } from '../flow/flow-config.js';
import { summaryText } from '../output/stats-record.js';
import { buildPolicy, type EngineSpec, type PolicySpec } from '../pipeline/engine-spec.js';
import { FAULT_AT_START } from '../pipeline/fault.js';

export const DEFAULT_ALERT_PORTS = '6443,2379-2380,10250,10255,10257,10259';

export const INSPECT_HELP = `kwire inspect <capture|-> [options]
  Reads classic pcap or pcapng (detected by magic) from a file or stdin ('-'), decodes every frame
  down to the innermost transport header (VLAN, SLL/SLL2, IPv4/IPv6 extension headers, VXLAN,
  Geneve, GRE/ERSPAN, IP-in-IP), reassembles IP fragments and TCP streams, tracks flows, parses
  TLS/QUIC ClientHellos, DNS and HTTP, and reports alerts and records.

  --out FILE|-          write EVE NDJSON to FILE ('-' = stdout). Without --out: readable alert
                        lines on a terminal, EVE NDJSON when stdout is a pipe or file
  --events LIST         record types to emit: alert, flow, tls, quic, dns, http, stats, or
                        'all' (default: alert)
  --policy FILE         a YAML policy (rules/parse/README.md); its rules raise the alerts and the
                        built-in port rule is off. A policy that does not compile stops kwire (exit 1)
  --suricata FILE       Suricata rules to import into the policy (repeatable)
${PROFILE_HELP.trimEnd()}
  --alert-ports LIST    built-in port rule: alert on TCP SYN / UDP to these ports
                        (default ${DEFAULT_ALERT_PORTS}; 'none' disables)
  --vxlan-ports LIST    UDP ports decoded as VXLAN (default 4789,8472)
  --geneve-ports LIST   UDP ports decoded as Geneve (default 6081)
  --max-tunnel-depth N  nested tunnels decapsulated (default 4)
  --max-flows N         flows tracked at once; the least recently seen is evicted (default 65536)
  --stream-depth BYTES  bytes of each TCP direction reassembled for the app layer (default 32768)
  --memcap BYTES        all reassembly buffers (TCP and IP fragments) together (default 67108864)
  --flow-timeouts LIST  e.g. tcp.established=3600,udp.new=10 (protocols tcp, udp, other; states
                        new, established, closed; seconds; defaults tcp 60/600/60, udp and other 30/300/30)
  --workers N           worker threads; packets are sharded by a symmetric hash of the innermost
                        address pair, each worker owns its flows (default: cores - 1, at least 1;
                        0 = everything on the main thread). Output is the same for any N
  --quiet               no summary on stderr, no progress line
  Exit codes: 0 ok, 1 bad input or failed output, 2 usage.
`;

const KNOWN_EVENTS = new Set(['alert', 'stats', 'flow', 'tls', 'quic', 'dns', 'http']);

function usage(msg: string): number {
  process.stderr.write(`kwire inspect: ${msg}\n${INSPECT_HELP}`);
  return EXIT_USAGE;
}

function portArray(spec: string): number[] {
  const map = parsePortList(spec);
  const out: number[] = [];
  for (let p = 0; p < 65536; p++) if (map[p]) out.push(p);
  return out;
}

/** cores − 1, at least 1: the main thread reads and shards, the workers inspect. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/**
 * KWIRE_FAULT_INJECT=worker-crash:N makes a worker throw at pcap_cnt N (crash-recovery tests);
 * =worker-start makes every worker throw while starting.
 */
function faultInjection(): number {
  const v = process.env.KWIRE_FAULT_INJECT ?? '';
  if (v === 'worker-start') return FAULT_AT_START;
  const m = /^worker-crash:(\d+)$/.exec(v);
  return m ? Number(m[1]) : -1;
}

export async function runInspectCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        events: { type: 'string', default: 'alert' },
        'alert-ports': { type: 'string', default: DEFAULT_ALERT_PORTS },
        'vxlan-ports': { type: 'string', default: '4789,8472' },
        'geneve-ports': { type: 'string', default: '6081' },
        'max-tunnel-depth': { type: 'string', default: '4' },
        'max-flows': { type: 'string', default: '65536' },
        'stream-depth': { type: 'string', default: '32768' },
        memcap: { type: 'string', default: String(64 * 1024 * 1024) },
        'flow-timeouts': { type: 'string', default: '' },
        quiet: { type: 'boolean', default: false },
        workers: { type: 'string', default: String(defaultWorkers()) },
        policy: { type: 'string' },
        ...PROFILE_FLAGS,
        suricata: { type: 'string', multiple: true, default: [] },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(INSPECT_HELP);
    return EXIT_OK;
  }
  if (parsed.positionals.length !== 1) return usage('expected exactly one capture file (or - for stdin)');
  const input = parsed.positionals[0];
  const list = v.events.split(',').map((s) => s.trim()).filter(Boolean);
  const events = new Set(list.includes('all') ? [...KNOWN_EVENTS] : list);
  for (const e of events) if (!KNOWN_EVENTS.has(e)) return usage(`unknown event type "${e}" in --events (known: alert, stats)`);
  const depth = Number(v['max-tunnel-depth']);
  if (!Number.isInteger(depth) || depth < 0 || depth > 16) return usage('--max-tunnel-depth must be an integer 0..16');
  const maxFlows = Number(v['max-flows']);
  if (!Number.isInteger(maxFlows) || maxFlows < 16 || maxFlows > 1 << 24) return usage('--max-flows must be an integer 16..16777216');
  const memcap = Number(v.memcap);
  if (!Number.isInteger(memcap) || memcap < 0) return usage('--memcap must be a whole number of bytes');
  const flow = new FlowConfig({ maxFlows });
  for (const part of v['flow-timeouts'].split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(tcp|udp|other)\.(new|established|closed)=(\d+)$/.exec(part);
    if (!m) return usage(`bad --flow-timeouts entry "${part}" (expected e.g. tcp.established=3600)`);
    const proto = m[1] as 'tcp' | 'udp' | 'other';
    flow[proto] = { ...flow[proto], [m[2]]: Number(m[3]) };
  }
  const streamDepth = Number(v['stream-depth']);
  if (!Number.isInteger(streamDepth) || streamDepth < 0 || streamDepth > 1 << 24) return usage('--stream-depth must be an integer 0..16777216');

  const workers = Number(v.workers);
  if (!Number.isInteger(workers) || workers < 0 || workers > 255) return usage('--workers must be an integer 0..255');

  let alertPorts: Uint8Array | null;
  let decoder: EngineSpec['decoder'];
  try {
    alertPorts = v['alert-ports'] === 'none' ? null : parsePortList(v['alert-ports']);
    decoder = { vxlanPorts: portArray(v['vxlan-ports']), genevePorts: portArray(v['geneve-ports']), maxTunnelDepth: depth };
  } catch (e) {
    return usage((e as Error).message);
  }

  let policy: PolicyMatcher | null = null;
  let policySpec: PolicySpec | null = null;
  if (v.policy !== undefined) {
    try {
      const profileFlags: PolicySpec['profileFlags'] = {};
      for (const k of Object.keys(PROFILE_FLAGS) as (keyof typeof PROFILE_FLAGS)[]) if (v[k] !== undefined) profileFlags[k] = v[k];
      policySpec = { path: v.policy, profileFlags, suricata: v.suricata ?? [] };
      policy = buildPolicy(policySpec, (msg) => process.stderr.write(`kwire: warning: ${msg}\n`));
      alertPorts = null;
    } catch (e) {
      const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
      process.stderr.write(`kwire: policy not loaded, not starting: ${msg}\n`);
      return EXIT_BAD_INPUT;
    }
  } else if ((v.suricata ?? []).length > 0) {
    return usage('--suricata needs --policy (its cluster profile resolves the rule variables)');
  }

  const out = v.out ?? '-';
  const format = v.out === undefined && process.stdout.isTTY ? 'text' : 'eve';
  const spec: EngineSpec = {
    decoder,
    flow: { maxFlows, tcp: flow.tcp, udp: flow.udp, other: flow.other, hashSeed: 0 },
    reassembly: { streamDepth, memcap },
    events: [...events].filter((e) => e !== 'stats'),
    format,
    alertPorts,
    policy: policySpec,
  };
  const result = await runInspect({
    input, out, stats: events.has('stats'), spec, workers, policy,
    progress: !v.quiet && format === 'eve', // alert lines on the terminal would mix with the bar
    fault: faultInjection(),
  });
  if (!v.quiet) process.stderr.write(summaryText(result.stats));
  if (result.lost > 0) process.stderr.write(`kwire: ${result.lost} packets lost in ${result.restarts} worker crash(es) (stats.workers.lost_packets)\n`);
  let code = EXIT_OK;
  for (const err of [result.inputError, result.outputError]) {
    if (err === null) continue;
    const msg = err instanceof KwireError ? `${err.message} [${err.code}]` : err.message;
    process.stderr.write(`kwire: ${msg}\n`);
    code = EXIT_BAD_INPUT;
  }
  return code;
}
