// What one packet-processing thread needs to build its Inspector, as plain data: it crosses to
// worker threads by structured clone, and every thread (and a policy reload) builds from it alike.

import { DecoderConfig } from '../../decoders/packet.js';
import { FlowConfig, type FlowTimeouts } from '../flow/flow-config.js';
import { ReassemblyConfig } from '../reassembly/reassembly-config.js';
import { loadPolicy } from '../../rules/parse/policy.js';
import { loadSuricataRules } from '../../rules/parse/suricata.js';
import { compilePolicy } from '../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { profileOverrides, type PROFILE_FLAGS } from '../cli/profile-flags.js';
import type { InspectorOptions } from './inspector.js';

/** A policy as the command line names it: the YAML file, profile flag values, Suricata rule files. */
export interface PolicySpec {
  path: string;
  profileFlags: Partial<Record<keyof typeof PROFILE_FLAGS, string>>;
  suricata: string[];
}

export interface EngineSpec {
  decoder: { vxlanPorts: number[]; genevePorts: number[]; maxTunnelDepth: number };
  flow: { maxFlows: number; tcp: FlowTimeouts; udp: FlowTimeouts; other: FlowTimeouts; hashSeed: number };
  reassembly: { streamDepth: number; memcap: number };
  /** Record types: alert, flow, tls, quic, dns, http (stats is the caller's). */
  events: string[];
  format: 'eve' | 'text';
  /** Port bitmap of the built-in port rule, or null. */
  alertPorts: Uint8Array | null;
  policy: PolicySpec | null;
}

/**
 * Load and compile a policy. Throws KwireError on a broken policy or rule file; Suricata import
 * warnings and rules that are not evaluated go to `warn`.
 */
export function buildPolicy(spec: PolicySpec, warn: (msg: string) => void = () => undefined): PolicyMatcher {
  const p = loadPolicy(spec.path, { profile: profileOverrides(spec.profileFlags) });
  for (const file of spec.suricata) {
    const imp = loadSuricataRules(file, p.cluster);
    for (const w of imp.warnings) warn(w.message);
    p.rules.push(...imp.rules);
  }
  const policy = new PolicyMatcher(compilePolicy(p), p.cluster);
  for (const r of policy.unsupported) {
    warn(`rule sid ${r.sid} (${r.name}) is not evaluated yet (stream/payload content, volume or DNS-tunnel conditions)`);
  }
  return policy;
}

/**
 * Inspector options of one of `shares` threads: the flow table and the reassembly memcap are split
 * between the threads so that the whole engine stays within the configured totals.
 */
export function inspectorOptions(spec: EngineSpec, policy: PolicyMatcher | null, shares = 1): InspectorOptions {
  const f = spec.flow;
  return {
    decoder: new DecoderConfig(spec.decoder),
    flow: new FlowConfig({ maxFlows: Math.max(16, Math.ceil(f.maxFlows / shares)), tcp: f.tcp, udp: f.udp, other: f.other, hashSeed: f.hashSeed }),
    reassembly: new ReassemblyConfig({ streamDepth: spec.reassembly.streamDepth, memcap: Math.floor(spec.reassembly.memcap / shares) }),
    events: new Set(spec.events),
    format: spec.format,
    alertPorts: policy === null ? spec.alertPorts : null,
    policy,
  };
}
