// Regression check of a benchmark result against a saved baseline (`kwire bench --baseline FILE`):
// pure, so that it is tested on real saved results without running anything.

import type { BenchResult, ProgramResult } from './result.js';

/** More than this fraction slower, or bigger, than the baseline is a regression. */
export const DEFAULT_TOLERANCE = 0.10;

export interface ComparedRow {
  input: string;
  /** kwire configuration ('default', 'workers=1', ...) or peer name. */
  program: string;
  /** A peer: shown for context (did the machine get slower?), never a regression. */
  peer: boolean;
  metric: 'pps' | 'peakRssMB';
  baseline: number;
  current: number;
  /** current / baseline − 1: +0.05 is 5% more packets/s, or 5% more memory. */
  change: number;
  regressed: boolean;
}

export interface Comparison {
  rows: ComparedRow[];
  /** The rows of kwire that got more than `tolerance` worse. */
  regressions: ComparedRow[];
  /** Why a current measurement had nothing to compare with (absent, skipped or a different input). */
  unmatched: string[];
  tolerance: number;
}

function usable(p: ProgramResult): boolean {
  return p.status === 'ok' && p.pps > 0;
}

/**
 * Compare `current` with `baseline`, input by input (by name) and program by program (by name).
 * A kwire configuration regresses when its packets/s fell below baseline × (1 − tolerance) or its
 * peak RSS rose above baseline × (1 + tolerance). Peers are compared too, but only for context.
 */
export function compareResults(baseline: BenchResult, current: BenchResult, tolerance = DEFAULT_TOLERANCE): Comparison {
  const rows: ComparedRow[] = [];
  const unmatched: string[] = [];
  for (const inp of current.inputs) {
    const base = baseline.inputs.find((b) => b.name === inp.name);
    if (base === undefined) {
      unmatched.push(`${inp.name}: not in the baseline`);
      continue;
    }
    if (base.packets !== inp.packets) {
      unmatched.push(`${inp.name}: ${inp.packets} packets now, ${base.packets} in the baseline (a different file)`);
      continue;
    }
    for (const [list, peer] of [['kwire', false], ['peers', true]] as const) {
      for (const cur of inp[list]) {
        if (!usable(cur)) continue;
        const old = base[list].find((b) => b.name === cur.name);
        if (old === undefined || !usable(old)) {
          if (!peer) unmatched.push(`${inp.name} ${cur.name}: ${old === undefined ? 'not in the baseline' : `${old.status} in the baseline`}`);
          continue;
        }
        const pps = cur.pps / old.pps - 1;
        rows.push({ input: inp.name, program: cur.name, peer, metric: 'pps', baseline: old.pps, current: cur.pps,
          change: pps, regressed: !peer && cur.pps < old.pps * (1 - tolerance) });
        if (old.peakRssMB > 0 && cur.peakRssMB > 0) {
          rows.push({ input: inp.name, program: cur.name, peer, metric: 'peakRssMB', baseline: old.peakRssMB, current: cur.peakRssMB,
            change: cur.peakRssMB / old.peakRssMB - 1, regressed: !peer && cur.peakRssMB > old.peakRssMB * (1 + tolerance) });
        }
      }
    }
  }
  return { rows, regressions: rows.filter((r) => r.regressed), unmatched, tolerance };
}

/** Number of kwire measurements actually compared (0 means the baseline checked nothing). */
export function comparedCount(c: Comparison): number {
  return c.rows.filter((r) => !r.peer && r.metric === 'pps').length;
}
