// The product's performance targets, checked on an end-to-end result (issue 5): pure.

import type { BenchResult, InputResult, ProgramResult, TargetResult } from './result.js';

/** kwire with the default policy and configuration against nDPI on the same file, packets/s. */
export const TARGET_VS_NDPI = 1.5;
/** Peak RSS of any kwire configuration, MB. */
export const TARGET_PEAK_RSS_MB = 200;
/** `--workers 2` over `--workers 1`, packets/s, where two cores are free. */
export const TARGET_WORKERS_SCALING = 1.6;
/** Other processes may use this many cores during the `--workers 2` run for the scaling to count. */
export const MAX_OTHER_CORES = 0.25;

function ok(p: ProgramResult | undefined): p is ProgramResult {
  return p !== undefined && p.status === 'ok';
}

function why(p: ProgramResult | undefined, name: string): string {
  if (p === undefined) return `${name} not measured`;
  return `${name} ${p.status}${p.note ? `: ${p.note}` : ''}`;
}

function vsNdpi(inp: InputResult): TargetResult {
  const name = `default ≥ ${TARGET_VS_NDPI}× ndpiReader packets/s`;
  const k = inp.kwire.find((p) => p.name === 'default');
  const n = inp.peers.find((p) => p.name === 'ndpiReader');
  if (!ok(k) || !ok(n)) return { name, input: inp.name, status: 'skipped', detail: ok(k) ? why(n, 'ndpiReader') : why(k, 'kwire default') };
  const ratio = k.pps / n.pps;
  return { name, input: inp.name, status: ratio >= TARGET_VS_NDPI ? 'pass' : 'fail',
    detail: `${ratio.toFixed(2)}× (kwire ${(k.pps / 1e6).toFixed(3)} Mpps, ndpiReader ${(n.pps / 1e6).toFixed(3)} Mpps)` };
}

function peakRss(inp: InputResult): TargetResult {
  const name = `peak RSS ≤ ${TARGET_PEAK_RSS_MB} MB`;
  const measured = inp.kwire.filter(ok);
  if (measured.length === 0) return { name, input: inp.name, status: 'skipped', detail: 'no kwire configuration ran' };
  const worst = measured.reduce((a, b) => (b.peakRssMB > a.peakRssMB ? b : a));
  return { name, input: inp.name, status: worst.peakRssMB <= TARGET_PEAK_RSS_MB ? 'pass' : 'fail',
    detail: `${worst.peakRssMB.toFixed(0)} MB (${worst.name}, ${inp.packets} packets)` };
}

function scaling(inp: InputResult, cores: number): TargetResult {
  const name = `workers=2 ≥ ${TARGET_WORKERS_SCALING}× workers=1 packets/s`;
  const one = inp.kwire.find((p) => p.name === 'workers=1');
  const two = inp.kwire.find((p) => p.name === 'workers=2');
  if (!ok(one) || !ok(two)) return { name, input: inp.name, status: 'skipped', detail: ok(one) ? why(two, 'workers=2') : why(one, 'workers=1') };
  const ratio = two.pps / one.pps;
  const measured = `${ratio.toFixed(2)}× (${(two.pps / 1e6).toFixed(3)} vs ${(one.pps / 1e6).toFixed(3)} Mpps)`;
  if (cores < 2) return { name, input: inp.name, status: 'skipped', detail: `only ${cores} core; measured ${measured}` };
  if (two.otherCores > MAX_OTHER_CORES) {
    return { name, input: inp.name, status: 'skipped',
      detail: `cores busy: other processes used ${two.otherCores.toFixed(2)} cores during the workers=2 run; measured ${measured}` };
  }
  return { name, input: inp.name, status: ratio >= TARGET_WORKERS_SCALING ? 'pass' : 'fail', detail: measured };
}

/** Every target on every input of `r`, in input order. */
export function evaluateTargets(r: Pick<BenchResult, 'inputs' | 'machine'>): TargetResult[] {
  return r.inputs.flatMap((inp) => [vsNdpi(inp), peakRss(inp), scaling(inp, r.machine.cores)]);
}
