// Flags shared by `kwire inspect` and `kwire live`: record types, decoder ports and limits, flow and
// reassembly settings, the policy with its cluster-profile overrides and Suricata imports.

import { DecoderConfig } from '../../decoders/packet.js';
import { parsePortList } from '../../rules/builtin/port-alert.js';
import { loadPolicy } from '../../rules/parse/policy.js';
import { loadSuricataRules } from '../../rules/parse/suricata.js';
import { compilePolicy } from '../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { PROFILE_FLAGS, PROFILE_HELP, profileOverrides } from './profile-flags.js';
import { FlowConfig } from '../flow/flow-config.js';
import { ReassemblyConfig } from '../reassembly/reassembly-config.js';

export const DEFAULT_ALERT_PORTS = '6443,2379-2380,10250,10255,10257,10259';

/** parseArgs option specs of the shared flags. */
export const ENGINE_FLAGS = {
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

type Str<K extends string> = { [k in K]: string };
/** The parsed values of ENGINE_FLAGS. */
export type EngineFlagValues = Str<'events' | 'alert-ports' | 'vxlan-ports' | 'geneve-ports' | 'max-tunnel-depth' |
  'max-flows' | 'stream-depth' | 'memcap' | 'flow-timeouts'> &
  Partial<Record<keyof typeof PROFILE_FLAGS | 'policy', string | undefined>> & { suricata?: string[] };

/** Everything the packet path needs from the shared flags (the policy is loaded separately). */
export interface EngineSettings {
  events: Set<string>;
  /** Port bitmap of the built-in port rule, or null ('none', or a policy is given). */
  alertPorts: Uint8Array | null;
  decoder: DecoderConfig;
  flow: FlowConfig;
  reassembly: ReassemblyConfig;
}

function portArray(spec: string): number[] {
  const map = parsePortList(spec);
  const out: number[] = [];
  for (let p = 0; p < 65536; p++) if (map[p]) out.push(p);
  return out;
}

/** Validate the shared flags; a string is a usage error to print. */
export function engineSettings(v: EngineFlagValues): EngineSettings | string {
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
  if (v.policy === undefined && (v.suricata ?? []).length > 0) return '--suricata needs --policy (its cluster profile resolves the rule variables)';
  try {
    const ports = v['alert-ports'] === 'none' ? null : parsePortList(v['alert-ports']);
    return {
      events,
      alertPorts: v.policy !== undefined ? null : ports,
      decoder: new DecoderConfig({
        vxlanPorts: portArray(v['vxlan-ports']),
        genevePorts: portArray(v['geneve-ports']),
        maxTunnelDepth: depth,
      }),
      flow,
      reassembly: new ReassemblyConfig({ streamDepth, memcap }),
    };
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Load, import and compile the policy the flags name (null without --policy). Throws a KwireError
 * naming the file, line and column when it does not compile; `warn` gets one line per warning.
 * Called again on SIGHUP by `kwire live`, so it reads the files anew each time.
 */
export function loadPolicyFlags(v: EngineFlagValues, warn: (line: string) => void): PolicyMatcher | null {
  if (v.policy === undefined) return null;
  const p = loadPolicy(v.policy, { profile: profileOverrides(v) });
  for (const file of v.suricata ?? []) {
    const imp = loadSuricataRules(file, p.cluster);
    for (const w of imp.warnings) warn(`warning: ${w.message}`);
    p.rules.push(...imp.rules);
  }
  const policy = new PolicyMatcher(compilePolicy(p), p.cluster);
  for (const r of policy.unsupported) {
    warn(`warning: rule sid ${r.sid} (${r.name}) is not evaluated yet (stream/payload content, volume or DNS-tunnel conditions)`);
  }
  return policy;
}
