// Text of an end-to-end result for a person: the table of kwire and its peers, the targets, and a
// baseline comparison. Markdown tables, so that the README shows exactly what the command printed.

import type { Comparison } from './compare.js';
import type { BenchResult, ProgramResult, TargetResult } from './result.js';

function mpps(p: ProgramResult): string {
  return p.status === 'ok' ? (p.pps / 1e6).toFixed(3) : '';
}

function status(p: ProgramResult): string {
  return p.status === 'ok' ? '' : ` (${p.note || p.status})`;
}

/**
 * One row per program and input: packets/s, bits/s, peak RSS, CPU, the cores other processes kept
 * busy meanwhile, and the ratio of kwire's default configuration to that row in packets/s (above 1:
 * kwire is faster).
 */
export function formatTable(r: BenchResult): string {
  const lines = [
    '| input | program | Mpps | Gbit/s | peak RSS MB | CPU s | wall s | others\' cores | kwire default ÷ this (pps) |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const inp of r.inputs) {
    const ref = inp.kwire.find((p) => p.name === 'default');
    for (const p of [...inp.kwire, ...inp.peers]) {
      const isKwire = inp.kwire.includes(p);
      const label = isKwire ? `kwire ${p.name}` : p.name;
      const ratio = p.status === 'ok' && ref?.status === 'ok' ? (ref.pps / p.pps).toFixed(2) : '';
      lines.push(p.status === 'ok'
        ? `| ${inp.name} | ${label} | ${mpps(p)} | ${(p.bps / 1e9).toFixed(2)} | ${p.peakRssMB.toFixed(0)} | ${p.cpuS.toFixed(2)} | ${p.elapsedS.toFixed(2)} | ${p.otherCores.toFixed(2)} | ${ratio} |`
        : `| ${inp.name} | ${label}${status(p)} | | | | | | | |`);
    }
  }
  return lines.join('\n') + '\n';
}

/** The commands measured, once each (the input file shown as FILE). */
export function formatCommands(r: BenchResult): string {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const inp of r.inputs) {
    for (const p of [...inp.kwire, ...inp.peers]) {
      if (seen.has(p.name)) continue;
      seen.add(p.name);
      out.push(`  ${p.name.padEnd(11)} ${p.command}`);
    }
  }
  return out.join('\n') + '\n';
}

/** One line a target: PASS, FAIL or SKIP, the input, what was measured. */
export function formatTargets(targets: TargetResult[]): string {
  return targets.map((t) => `${t.status === 'pass' ? 'PASS' : t.status === 'fail' ? 'FAIL' : 'SKIP'}  ${t.input}: ${t.name}: ${t.detail}`).join('\n') + '\n';
}

function pct(x: number): string {
  return `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
}

/** The baseline comparison: every compared figure, then what regressed (or that nothing did). */
export function formatComparison(c: Comparison, baselineFile: string, baseline: BenchResult): string {
  const lines = [
    `baseline ${baselineFile} (commit ${baseline.commit}, ${baseline.date}); regression: more than ${(c.tolerance * 100).toFixed(0)}% fewer packets/s or more peak RSS`,
    '',
    '| input | program | metric | baseline | now | change | |',
    '|---|---|---|---:|---:|---:|---|',
  ];
  for (const row of c.rows) {
    const f = (v: number): string => (row.metric === 'pps' ? `${(v / 1e6).toFixed(3)} Mpps` : `${v.toFixed(0)} MB`);
    lines.push(`| ${row.input} | ${row.peer ? `${row.program} (peer)` : `kwire ${row.program}`} | ${row.metric} | ${f(row.baseline)} | ${f(row.current)} | ${pct(row.change)} | ${row.regressed ? 'REGRESSED' : ''} |`);
  }
  for (const u of c.unmatched) lines.push(`not compared: ${u}`);
  lines.push('');
  if (c.regressions.length === 0) lines.push('no regression');
  for (const r of c.regressions) {
    lines.push(`REGRESSION ${r.input} kwire ${r.program}: ${r.metric === 'pps' ? 'packets/s' : 'peak RSS'} ${pct(r.change)} ` +
      `(${r.metric === 'pps' ? `${(r.baseline / 1e6).toFixed(3)} → ${(r.current / 1e6).toFixed(3)} Mpps` : `${r.baseline.toFixed(0)} → ${r.current.toFixed(0)} MB`})`);
  }
  return lines.join('\n') + '\n';
}
