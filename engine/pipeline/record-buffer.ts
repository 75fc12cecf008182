// Records of one thread for one batch, each with its place in the run's output order, and the
// merge that interleaves the buffers of all workers into one deterministic stream.
//
// Order key (k1, k2): a record emitted while processing frame N has k1 = N (pcap_cnt) and k2 = its
// rank among that frame's records (one frame belongs to one worker). A record emitted by the
// timeout sweep at the end of the batch whose last frame is L has k1 = L + 0.5 and k2 = the
// flow_id of the flow it ends; records at the end of input have k1 = END_KEY. The keys depend on
// the capture alone, so `--workers 1, 2, 4` give the same bytes.

import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';

/** k1 of records written when input ends. */
export const END_KEY = Number.MAX_SAFE_INTEGER;

/**
 * Plain arrays: they cross threads as one msgpackr message. `gate[i]` ≥ 0: record i is an alert
 * of that policy rule index whose threshold/limit decides, in output order, whether it is written
 * (RateControl.admit(gateKey[i], gateUs[i])); -1 for every other record.
 */
export interface RecordBuffer {
  k1: number[];
  k2: number[];
  lines: string[];
  gate: number[];
  gateKey: number[];
  /** DNS-tunnel rules with a threshold/limit: its RateControl key, else 0. */
  gateKey2: number[];
  gateUs: number[];
}

export function emptyRecords(): RecordBuffer {
  return { k1: [], k2: [], lines: [], gate: [], gateKey: [], gateKey2: [], gateUs: [] };
}

/** Decides gated alerts in output order: true = write it. */
export type Admit = (rule: number, key: number, nowUs: number, key2: number) => boolean;

/** Sort records [from, end) by k2, keeping emission order among equal keys (stable). */
export function sortTail(r: RecordBuffer, from: number): void {
  const n = r.lines.length - from;
  if (n < 2) return;
  const idx = new Array<number>(n);
  for (let i = 0; i < n; i++) idx[i] = from + i;
  idx.sort((a, b) => r.k2[a] - r.k2[b] || a - b);
  for (const col of [r.k2, r.lines, r.gate, r.gateKey, r.gateKey2, r.gateUs] as unknown[][]) {
    const sorted = idx.map((i) => col[i]);
    for (let i = 0; i < n; i++) col[from + i] = sorted[i];
  }
}

/**
 * Hand every record of `parts` (each sorted by (k1, k2)) to `write` in (k1, k2) order; ties
 * between parts (which the keys rule out) fall back to the part's index. Gated alerts go through
 * `admit` (all are written without it). Returns the number of gated alerts held back.
 */
export function mergeRecords(parts: readonly RecordBuffer[], write: (line: string) => void, admit: Admit | null = null): number {
  const n = parts.length;
  let held = 0;
  const emit = (r: RecordBuffer, i: number): void => {
    const g = r.gate[i];
    if (g >= 0 && admit !== null && !admit(g, r.gateKey[i], r.gateUs[i], r.gateKey2[i])) held++;
    else write(r.lines[i]);
  };
  if (n === 1) {
    const r = parts[0];
    for (let i = 0; i < r.lines.length; i++) emit(r, i);
    return held;
  }
  const pos = new Array<number>(n).fill(0);
  for (;;) {
    let best = -1;
    for (let p = 0; p < n; p++) {
      const r = parts[p];
      const i = pos[p];
      if (i >= r.lines.length) continue;
      if (best < 0) { best = p; continue; }
      const b = parts[best];
      const j = pos[best];
      if (r.k1[i] < b.k1[j] || (r.k1[i] === b.k1[j] && r.k2[i] < b.k2[j])) best = p;
    }
    if (best < 0) return held;
    emit(parts[best], pos[best]++);
  }
}

/**
 * The merge's threshold/limit decisions for a policy's gated alerts, in output order. DNS-tunnel
 * rules: the domain's count first, then the rule's own threshold/limit (by its key2).
 */
export function policyAdmit(policy: PolicyMatcher | null): Admit | null {
  return policy === null ? null : (rule, key, nowUs, key2) => {
    const rate = policy.rate(rule);
    if (!policy.isDnsTunnel(rule)) return rate.admit(key, nowUs);
    return policy.tunnelAdmit(rule, Math.floor(key / 2), key % 2 === 1, nowUs) && (!rate.counted || rate.admit(key2, nowUs));
  };
}
