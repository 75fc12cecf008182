// One thread's packet path: decode → IP defragmentation → built-in rule → flow table → app layer,
// with records handed to an emitter. Offline it runs on the main thread; workers will each own one.

import { decodeFrame } from '../../decoders/frame.js';
import { DecoderConfig, Packet, S_OK, S_TRUNCATED } from '../../decoders/packet.js';
import { PortAlertRule } from '../../rules/builtin/port-alert.js';
import { eveAlertWith, type AlertRule } from '../../rules/alert-rule.js';
import { FlowConfig } from '../flow/flow-config.js';
import { FlowTable } from '../flow/flow-table.js';
import { alertTextLine } from '../output/alert-text.js';
import { eveHeader, type RecordOrigin } from '../output/eve-common.js';
import { eveFlowRecord } from '../output/eve-flow.js';
import { IpDefrag } from '../reassembly/ip-defrag.js';
import { ReassemblyConfig, ReassemblyMemory } from '../reassembly/reassembly-config.js';
import { StreamStats } from '../reassembly/tcp-stream.js';
import { AppLayer } from '../flow/app-layer.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { TO_SERVER } from '../flow/flow-table.js';
import { TCP_SYN } from '../../decoders/tcp.js';

export interface InspectorOptions {
  decoder: DecoderConfig;
  flow: FlowConfig;
  reassembly: ReassemblyConfig;
  /** Record types to emit: alert, flow, tls, quic, dns, http. */
  events: ReadonlySet<string>;
  /** 'eve' NDJSON, or 'text' alert lines for a terminal. */
  format: 'eve' | 'text';
  /** Port bitmap of the built-in port rule, or null. */
  alertPorts: Uint8Array | null;
  /** A compiled policy; when given, its rules raise the alerts. */
  policy?: PolicyMatcher | null;
}

/** Receives each output line (without newline). */
export type Emit = (line: string) => void;

export class Inspector {
  readonly pkt: Packet;
  readonly flows: FlowTable;
  readonly defrag: IpDefrag;
  readonly memory: ReassemblyMemory;
  readonly streamStats = new StreamStats();
  readonly app: AppLayer;
  alerts = 0;
  /**
   * When set, threshold/limit decisions are left to the caller: called just before the alert's
   * record is emitted, with what RateControl.admit() needs (engine/pipeline/batch-runner.ts).
   */
  private gate: ((rule: number, key: number, nowUs: number, key2: number) => void) | null = null;
  /** The DNS-tunnel query being matched: registered-domain key × 2 + (trips on its own). */
  private tunnelKey = 0;

  /**
   * Leave threshold/limit and DNS-tunnel decisions to the caller (worker threads: decided in
   * capture order at the merge). `gate` is called just before each such alert's record is
   * emitted; the record is written only if RateControl.admit() / PolicyMatcher.tunnelAdmit() agree.
   */
  gateAlerts(gate: (rule: number, key: number, nowUs: number, key2: number) => void): void {
    this.gate = gate;
    if (this.policy !== null) {
      this.policy.tunnelGate = (_rule, domain, trip, _us) => { this.tunnelKey = domain * 2 + (trip ? 1 : 0); };
    }
  }
  /** flow_id of the flow whose end is being reported (set before its records are emitted). */
  endingFlowId = 0;
  /** The record origin of the frame being processed (reused, never reallocated). */
  readonly origin: RecordOrigin = { tsSec: 0, tsNsec: 0, pcapCnt: 0, iface: '', flowId: 0, flows: null, slot: 0 };
  private readonly portRule: PortAlertRule | null;
  private policy: PolicyMatcher | null = null;
  private readonly alertEvents: boolean;
  private readonly reassembly: ReassemblyConfig;
  private fire: ((rule: AlertRule, i: number) => void) | null = null;
  private firePayload: ((rule: AlertRule, i: number, redacted: string) => void) | null = null;
  private payloadDepth = 0;
  private nowUs = 0;
  private slot = 0;
  private readonly eve: boolean;
  private readonly flowEvents: boolean;

  constructor(opts: InspectorOptions, private readonly emit: Emit) {
    this.pkt = new Packet(opts.decoder);
    this.memory = new ReassemblyMemory(opts.reassembly.memcap);
    this.defrag = new IpDefrag(opts.reassembly, this.memory);
    this.eve = opts.format === 'eve';
    this.flowEvents = this.eve && opts.events.has('flow');
    this.portRule = opts.alertPorts !== null && opts.events.has('alert') ? new PortAlertRule(opts.alertPorts) : null;
    this.flows = new FlowTable(opts.flow, (slot, reason) => this.flowEnded(slot, reason));
    this.app = new AppLayer(opts.events, this.eve, opts.reassembly, this.memory, this.streamStats, emit);
    this.alertEvents = opts.events.has('alert');
    this.payloadDepth = opts.reassembly.streamDepth;
    this.reassembly = opts.reassembly;
    this.setPolicy(opts.policy ?? null);
  }

  /**
   * Use another compiled policy from the next frame on (a reload): flows keep their state, the
   * rules that already fired on a flow are forgotten (their indices belong to the old policy).
   */
  setPolicy(policy: PolicyMatcher | null): void {
    const replacing = this.policy !== null;
    this.policy = policy;
    this.fire = null;
    this.firePayload = null;
    this.app.onApp = null;
    this.app.fingerprints = false;
    if (replacing) this.flows.ruleHits.fill(null);
    if (policy === null || !this.alertEvents) return;
    this.fire = (rule, i) => this.policyAlert(rule, i, '');
    this.firePayload = (rule, i, redacted) => this.policyAlert(rule, i, '', redacted);
    policy.attachReassembly(this.reassembly, this.memory);
    if (this.gate !== null) this.gateAlerts(this.gate);
    this.app.fingerprints = policy.usesFingerprints;
    this.app.useHttpFields(policy.appFieldsUsed);
    const fireApp = (rule: AlertRule, i: number): void => this.policyAlert(rule, i, null);
    this.app.onApp = (kind, fields) => policy.app(kind, fields, this.pkt, fireApp, this.nowUs);
  }

  /** Process one captured frame; `bytes` stays valid only during the call. */
  frame(bytes: Uint8Array, offset: number, capLen: number, origLen: number, linkType: number,
    tsSec: number, tsNsec: number, pcapCnt: number, iface: string): void {
    const pkt = this.pkt;
    pkt.reset(bytes, offset, capLen, origLen, linkType);
    let status = decodeFrame(pkt);
    const o = this.origin;
    o.tsSec = tsSec;
    o.tsNsec = tsNsec;
    o.pcapCnt = pcapCnt;
    o.iface = iface;
    o.flows = null;
    const nowUs = tsSec * 1e6 + Math.floor(tsNsec / 1000);
    this.nowUs = nowUs;
    if (pkt.isFragment && pkt.ipVersion !== 0) {
      const r = this.defrag.fragment(pkt, nowUs);
      if (r === -1) return;
      status = r;
    }
    if (pkt.ipVersion === 0 || (status !== S_OK && status !== S_TRUNCATED)) return;
    const flows = this.flows;
    const slot = flows.track(pkt, nowUs, pkt.origLen);
    o.flowId = flows.flowId(slot);
    o.flows = flows;
    o.slot = slot;
    this.slot = slot;
    if (this.fire !== null) {
      const policy = this.policy!;
      policy.flowPacket(pkt, flows.isNew, flows.justEstablished, flows.direction === TO_SERVER, this.fire, slot * 2 + flows.direction);
      // content: TCP stream bytes in sequence order up to the stream depth; per-packet payload
      // content on the first bytes of each direction (wire bytes as the bound)
      if (policy.hasPayloadRules && (pkt.payloadLength > 0 || (pkt.ipProto === 6 && (pkt.tcpFlags & TCP_SYN) !== 0))) {
        policy.payload(pkt, this.firePayload!, slot * 2 + flows.direction, flows.isNew, this.payloadDepth,
          flows.bytes(slot, flows.direction) <= this.payloadDepth);
      }
      if (policy.hasVolumeRules) policy.volume(pkt, nowUs, this.fire, slot * 2 + flows.direction);
    }
    if (this.portRule !== null) {
      const rule = this.portRule.match(pkt, status);
      if (rule !== null) this.alert(rule, slot);
    }
    if (pkt.payloadLength > 0 || pkt.ipProto === 6) this.app.packet(pkt, flows, slot, flows.direction, o);
  }

  /** End of input: flush every flow and drop incomplete fragments. */
  finish(): void {
    this.flows.flushAll();
    this.defrag.flush();
  }

  /** Suricata-named stats sections of this thread. */
  statsSections(): Record<string, Record<string, unknown>> {
    const f = this.flows;
    const t = this.streamStats;
    const d = this.defrag.stats;
    const out: Record<string, Record<string, unknown>> = {
      flow: { created: f.created, timed_out: f.timedOut, evicted: f.evicted, shutdown: f.shutdown, active: f.active },
      tcp: {
        segments: t.segments, midstream: t.midstream, ooo: t.ooo, ooo_dropped: t.oooDropped,
        retransmissions: t.retransmissions, overlap_diff_data: t.overlapConflicts, depth_reached: t.depthReached,
      },
      defrag: {
        fragments: d.fragments, reassembled: d.reassembled, timeouts: d.timeouts, trackers_dropped: d.trackersDropped,
        overlap_conflicts: d.overlapConflicts, invalid: d.invalid,
      },
      memory: { reassembly_peak: this.memory.peak, reassembly_refused: this.memory.refused },
      app_layer: this.app.stats(),
    };
    // stream/payload content inspection: bytes through the automaton, TLS flows no longer scanned
    if (this.policy !== null) out.content = this.policy.contentStats;
    return out;
  }

  /**
   * A policy rule matched the current flow: once per flow and rule; suppressed addresses never
   * alert; threshold/limit rules count matching flows per key (here, or through `gate`).
   * `object` is the app object or ''; null: the current app event's object (AppLayer.currentObject),
   * rendered only if the alert goes out (most app alerts of a limit rule are held back).
   */
  private policyAlert(rule: AlertRule, index: number, object: string | null, redacted = ''): void {
    const policy = this.policy!;
    const rate = policy.rate(index);
    if (policy.isDnsTunnel(index)) {
      // counted per query and registered domain (PolicyMatcher.tunnelAdmit), not once per flow
      if (rate.suppressed(this.pkt)) return;
      if (this.gate !== null) this.gate(index, this.tunnelKey, this.nowUs, rate.counted ? rate.key(this.pkt, this.origin.flowId) : 0);
      else if (rate.counted && !rate.admit(rate.key(this.pkt, this.origin.flowId), this.nowUs)) return;
      this.emitPolicyAlert(rule, object, redacted, false);
      return;
    }
    const hits = this.flows.ruleHits[this.slot];
    if (hits !== null && hits.includes(index)) return;
    if (rate.suppressed(this.pkt)) return;
    if (hits === null) this.flows.ruleHits[this.slot] = [index];
    else hits.push(index);
    if (rate.counted) {
      // threshold/limit count matching flows (each flow once) per key, in capture order
      const key = rate.key(this.pkt, this.origin.flowId);
      if (this.gate !== null) this.gate(index, key, this.nowUs, 0);
      else if (!rate.admit(key, this.nowUs)) return;
    }
    this.emitPolicyAlert(rule, object, redacted, !rate.counted);
  }

  /**
   * `decided`: false for a threshold/limit or DNS-tunnel alert, which does not mark the flow as
   * alerted: with several worker threads the merge may still hold it back, and the single-thread
   * path, which decides in place, writes the same records.
   */
  private emitPolicyAlert(rule: AlertRule, object: string | null, redacted: string, decided: boolean): void {
    this.alerts++;
    if (decided) this.flows.alerted[this.slot] = 1;
    const pkt = this.pkt;
    if (!this.eve) {
      this.emit(alertTextLine(this.origin, pkt, rule));
      return;
    }
    const obj = object ?? this.app.currentObject();
    const alert = redacted === '' ? rule.eveAlert : eveAlertWith(rule, 'kwire_match', redacted);
    this.emit(eveHeader('alert', this.origin, pkt) + (obj === '' ? '' : obj + ',') + alert + '}');
  }

  private alert(rule: AlertRule, slot: number): void {
    this.alerts++;
    this.flows.alerted[slot] = 1;
    this.emit(this.eve ? eveHeader('alert', this.origin, this.pkt) + rule.eveAlert + '}' : alertTextLine(this.origin, this.pkt, rule));
  }

  private flowEnded(slot: number, reason: number): void {
    this.endingFlowId = this.flows.flowId(slot);
    const extra = this.flowEvents ? this.app.flowExtra(this.flows, slot) : '';
    const app = this.app.flowEnded(this.flows, slot);
    if (this.flowEvents) this.emit(eveFlowRecord(this.flows, slot, reason, app, extra));
  }
}
