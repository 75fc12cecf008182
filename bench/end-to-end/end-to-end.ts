// End-to-end benchmark: `kwire inspect` with the default policy, whole process, in each
// configuration, and the peers on the same files in the same run, interleaved so that a change in
// machine load hits all of them alike.

import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { M_ORIGLEN, META_STRIDE } from '../../engine/capture/batch.js';
import { openCapture } from '../../engine/capture/open.js';
import { KwireError } from '../../engine/errors.js';
import { corpusMix, corpusSources, generatedMix, ROOT } from '../inputs.js';
import { PEERS, type Peer } from '../peers/peer.js';
import { DEFAULT_POLICY, hasWorkersFlag, inspectArgs, KWIRE_CONFIGS, kwireEntry, summaryPackets, type KwireConfig } from './kwire-command.js';
import { measure, type Measured } from './measure.js';
import { gitCommit, machineInfo, RESULT_SCHEMA, type BenchResult, type InputResult, type ProgramResult } from './result.js';
import { evaluateTargets } from './targets.js';

export const INPUT_SETS = ['k8s-mix', 'corpus'];

export interface EndToEndOptions {
  /** 'k8s-mix' (generated), 'corpus' (shared captures concatenated) or capture file paths. */
  inputs: string[];
  /** Packets of the generated and corpus inputs. */
  packets: number;
  /** Runs of each program on each input; the fastest counts. */
  repeat: number;
  /** Peer names to measure (subset of PEERS). */
  peers: string[];
  /** Force the compiled or the TypeScript kwire. */
  entry?: 'dist' | 'tsx';
  /** Progress lines. */
  log(line: string): void;
}

interface Prepared { name: string; description: string; file: string }

async function prepare(spec: string, packets: number): Promise<Prepared> {
  if (spec === 'k8s-mix') {
    return { name: `k8s-mix-${packets}`, description: `generated Kubernetes mix (samples/generate.ts, seed 1), ${packets} packets`, file: generatedMix(packets) };
  }
  if (spec === 'corpus') {
    const file = await corpusMix(packets);
    const n = corpusSources(file).length;
    return { name: `corpus-mix-${packets}`, file,
      description: `Ethernet frames of ${n} shared captures (../shared/pcaps) concatenated and repeated, ${packets} packets` };
  }
  const file = resolve(spec);
  if (!existsSync(file)) throw new KwireError('KWIRE_ERR_BENCH_INPUT', `no such capture (inputs are k8s-mix, corpus or a capture file)`, spec);
  return { name: basename(file), description: `capture ${basename(file)}`, file };
}

/** Frames and wire bytes of a capture, with kwire's own reader. */
async function count(file: string): Promise<{ packets: number; bytes: number }> {
  const r = await openCapture(file);
  let packets = 0;
  let bytes = 0;
  try {
    for (;;) {
      const b = await r.next();
      if (b === null) break;
      for (let i = 0; i < b.count; i++) bytes += b.meta[i * META_STRIDE + M_ORIGLEN];
      packets += b.count;
      r.recycle(b);
    }
  } finally {
    await r.close();
  }
  return { packets, bytes };
}

/** Accumulates the runs of one program on one input. */
class Runs {
  readonly result: ProgramResult;
  constructor(name: string, command: string) {
    this.result = { name, command, status: 'ok', note: '', runs: 0, pps: 0, bps: 0, peakRssMB: 0, elapsedS: 0, cpuS: 0, otherCores: 0 };
  }
  skip(status: 'skipped' | 'missing' | 'failed', note: string): void {
    this.result.status = status;
    this.result.note = note;
  }
  get active(): boolean { return this.result.status === 'ok'; }
  add(m: Measured, packets: number, bytes: number): void {
    const r = this.result;
    r.runs++;
    r.peakRssMB = Math.max(r.peakRssMB, m.peakRssMB);
    if (r.runs === 1 || m.elapsedS < r.elapsedS) {
      r.elapsedS = m.elapsedS;
      r.cpuS = m.cpuS;
      r.otherCores = m.otherCores;
      r.pps = packets / m.elapsedS;
      r.bps = (bytes * 8) / m.elapsedS;
    }
  }
}

function shown(args: string[], file: string): string {
  return args.map((a) => (a === file ? 'FILE' : a.startsWith(ROOT + '/') ? a.slice(ROOT.length + 1) : /[\s=()]/.test(a) ? `'${a}'` : a)).join(' ');
}

function runKwire(runs: Runs, nodeArgs: string[], packets: number, bytes: number): void {
  const m = measure(process.execPath, nodeArgs, ROOT);
  if (m.status !== 0) {
    runs.skip('failed', `exit ${m.status ?? 'by signal'}: ${m.stderr.trim().split('\n').slice(-3).join(' / ')}`);
    return;
  }
  const seen = summaryPackets(m.stderr);
  if (seen !== packets) {
    runs.skip('failed', `kwire reported ${seen ?? 'no'} packets, the file has ${packets}`);
    return;
  }
  runs.add(m, packets, bytes);
}

function runPeer(runs: Runs, peer: Peer, file: string, packets: number, bytes: number): void {
  const [cmd, args] = peer.command(file);
  const m = measure(cmd, args, ROOT);
  if (m.missing) runs.skip('missing', `peer missing: ${cmd} not installed (Debian package ${peer.debian})`);
  else if (m.status !== 0) runs.skip('failed', `exit ${m.status ?? 'by signal'}: ${m.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  else runs.add(m, packets, bytes);
}

/** Measure every input; returns the result with its targets evaluated. */
export async function runEndToEnd(o: EndToEndOptions): Promise<BenchResult> {
  const machine = machineInfo(); // load average before this benchmark adds its own
  const entry = kwireEntry(o.entry);
  const workersFlag = hasWorkersFlag(entry);
  o.log(`kwire: ${entry.kind} (${entry.why}); --workers ${workersFlag ? 'supported' : 'not in kwire inspect --help: workers configurations skipped'}`);
  const peers = PEERS.filter((p) => o.peers.includes(p.name));
  const inputs: InputResult[] = [];
  for (const spec of o.inputs) {
    const inp = await prepare(spec, o.packets);
    const { packets, bytes } = await count(inp.file);
    o.log(`${inp.name}: ${inp.description}; ${packets} frames, ${(bytes / 1e6).toFixed(0)} MB on the wire`);
    const kw = KWIRE_CONFIGS.map((c: KwireConfig) => {
      const args = inspectArgs(entry, inp.file, c);
      const runs = new Runs(c.name, `kwire ${shown(args.slice(entry.nodeArgs.length), inp.file)}`);
      if (c.workers && !workersFlag) runs.skip('skipped', 'kwire inspect has no --workers yet');
      return { runs, args };
    });
    const pr = peers.map((p) => {
      const [cmd, args] = p.command(inp.file);
      return { peer: p, runs: new Runs(p.name, `${cmd} ${shown(args, inp.file)}`) };
    });
    for (let rep = 0; rep < o.repeat; rep++) {
      for (const k of kw) if (k.runs.active) runKwire(k.runs, k.args, packets, bytes);
      for (const p of pr) if (p.runs.active && rep < p.peer.maxRuns) runPeer(p.runs, p.peer, inp.file, packets, bytes);
      o.log(`  run ${rep + 1}/${o.repeat} done`);
    }
    inputs.push({ name: inp.name, description: inp.description, packets, bytes, kwire: kw.map((k) => k.runs.result), peers: pr.map((p) => p.runs.result) });
  }
  return {
    schema: RESULT_SCHEMA,
    date: new Date().toISOString(),
    commit: gitCommit(ROOT),
    node: process.version,
    machine,
    kwire: { entry: entry.kind, workersFlag, policy: DEFAULT_POLICY.slice(ROOT.length + 1) },
    repeat: o.repeat,
    inputs,
    targets: evaluateTargets({ inputs, machine }),
  };
}
