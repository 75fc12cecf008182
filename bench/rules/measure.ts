// Shared timing for the rule-structure benchmarks: benchmark.js on a function that does `ops`
// lookups per call; reports ns per lookup.

import Benchmark from 'benchmark';

export interface Figure { name: string; nsPerOp: number; rme: number }

/** Runs `fn` (which performs `ops` operations) under benchmark.js and returns ns per operation. */
export function nsPerOp(name: string, ops: number, fn: () => void, maxTime = 1): Figure {
  const b = new Benchmark(name, fn, { minSamples: 5, maxTime });
  b.run();
  if (b.error) throw b.error;
  return { name, nsPerOp: 1e9 / b.hz / ops, rme: b.stats.rme };
}

export function printFigures(rows: Figure[]): void {
  for (const r of rows) console.log(`${r.name.padEnd(48)} ${r.nsPerOp.toFixed(1).padStart(8)} ns/op  ±${r.rme.toFixed(1)}%`);
}

/** Keeps results alive so the JIT cannot drop the work. */
export let sink = 0;
export function consume(v: number): void {
  sink = (sink + v) | 0;
}
