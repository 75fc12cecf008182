// Flags shared by `kwire inspect` and `kwire live`: record types, decoder ports and limits, flow and
// reassembly settings, the policy with its cluster-profile overrides and Suricata imports. They
// become an EngineSpec (engine/pipeline/engine-spec.ts), the plain data every thread builds from.

import { defaultWorkers, workerCount } from '../pipeline/worker-start.js';
import { parsePortList } from '../../rules/builtin/port-alert.js';
import { PROFILE_FLAGS, PROFILE_HELP } from './profile-flags.js';
import { FlowConfig } from '../flow/flow-config.js';
import type { EngineSpec, PolicySpec } from '../pipeline/engine-spec.js';

export const DEFAULT_ALERT_PORTS = '6443,2379-2380,10250,10255,10257,10259';

/** `--workers` (each command documents it in its own help): 0..255, or the usage message. */
export function parseWorkers(text: string): number | string {
  return workerCount(text) ?? '--workers must be an integer 0..255';
}

/** parseArgs option specs of the shared flags. */
export const ENGINE_FLAGS = {
  workers: { type: 'string', default: String(defaultWorkers()) },
  events: { type: 'string', default: 'alert' },
  'alert-ports': { type: 'string', default: DEFAULT_ALERT_PORTS },
  'vxlan-ports': { type: 'string', default: '4789,8472' },
  'geneve-ports': { type: 'string', default: '6081' },
  'max-tunnel-depth': { type: 'string', default: '4' },
  'max-flows': { type: 'string', default: '65536' },
  'stream-depth': { type: 'string', default: '32768' },
  memcap: { type: 'string', default: String(64 * 1024 * 1024) },
  'flow-timeouts': { type: 'string', default: '' },
  policy: { type: 'string' },
  ...PROFILE_FLAGS,
  suricata: { type: 'string', multiple: true, default: [] as string[] },
} as const;

export const ENGINE_HELP = `  --events LIST         record types to emit: alert, flow, tls, quic, dns, http, stats, or
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
`;

const KNOWN_EVENTS = new Set(['alert', 'stats', 'flow', 'tls', 'quic', 'dns', 'http']);

/** The parsed values of ENGINE_FLAGS. */
export type EngineFlagValues = { [k in 'events' | 'alert-ports' | 'vxlan-ports' | 'geneve-ports' | 'max-tunnel-depth' |
  'max-flows' | 'stream-depth' | 'memcap' | 'flow-timeouts']: string } &
  Partial<Record<keyof typeof PROFILE_FLAGS | 'policy', string | undefined>> & { suricata?: string[] };

function portArray(spec: string): number[] {
  const map = parsePortList(spec);
  const out: number[] = [];
  for (let p = 0; p < 65536; p++) if (map[p]) out.push(p);
  return out;
}

/**
 * Validate the shared flags into an EngineSpec (the policy named, not compiled: buildPolicy()) and
 * the record types asked for, `stats` included; a string is a usage error to print.
 */
export function engineSpec(v: EngineFlagValues, format: 'eve' | 'text'): { spec: EngineSpec; events: Set<string> } | string {
  const list = v.events.split(',').map((s) => s.trim()).filter(Boolean);
  const events = new Set(list.includes('all') ? [...KNOWN_EVENTS] : list);
  for (const e of events) if (!KNOWN_EVENTS.has(e)) return `unknown event type "${e}" in --events (known: ${[...KNOWN_EVENTS].join(', ')})`;
  const depth = Number(v['max-tunnel-depth']);
  if (!Number.isInteger(depth) || depth < 0 || depth > 16) return '--max-tunnel-depth must be an integer 0..16';
  const maxFlows = Number(v['max-flows']);
  if (!Number.isInteger(maxFlows) || maxFlows < 16 || maxFlows > 1 << 24) return '--max-flows must be an integer 16..16777216';
  const memcap = Number(v.memcap);
  if (!Number.isInteger(memcap) || memcap < 0) return '--memcap must be a whole number of bytes';
  const flow = new FlowConfig({ maxFlows });
  for (const part of v['flow-timeouts'].split(',').map((x) => x.trim()).filter(Boolean)) {
    const m = /^(tcp|udp|other)\.(new|established|closed)=(\d+)$/.exec(part);
    if (!m) return `bad --flow-timeouts entry "${part}" (expected e.g. tcp.established=3600)`;
    const proto = m[1] as 'tcp' | 'udp' | 'other';
    flow[proto] = { ...flow[proto], [m[2]]: Number(m[3]) };
  }
  const streamDepth = Number(v['stream-depth']);
  if (!Number.isInteger(streamDepth) || streamDepth < 0 || streamDepth > 1 << 24) return '--stream-depth must be an integer 0..16777216';
  let alertPorts: Uint8Array | null;
  let decoder: EngineSpec['decoder'];
  try {
    alertPorts = v['alert-ports'] === 'none' ? null : parsePortList(v['alert-ports']);
    decoder = { vxlanPorts: portArray(v['vxlan-ports']), genevePorts: portArray(v['geneve-ports']), maxTunnelDepth: depth };
  } catch (e) {
    return (e as Error).message;
  }
  let policy: PolicySpec | null = null;
  if (v.policy !== undefined) {
    const profileFlags: PolicySpec['profileFlags'] = {};
    for (const k of Object.keys(PROFILE_FLAGS) as (keyof typeof PROFILE_FLAGS)[]) if (v[k] !== undefined) profileFlags[k] = v[k];
    policy = { path: v.policy, profileFlags, suricata: v.suricata ?? [] };
    alertPorts = null;
  } else if ((v.suricata ?? []).length > 0) {
    return '--suricata needs --policy (its cluster profile resolves the rule variables)';
  }
  const spec: EngineSpec = {
    decoder,
    flow: { maxFlows, tcp: flow.tcp, udp: flow.udp, other: flow.other, hashSeed: 0 },
    reassembly: { streamDepth, memcap },
    events: [...events].filter((e) => e !== 'stats'),
    format,
    alertPorts,
    policy,
  };
  return { spec, events };
}
