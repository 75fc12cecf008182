// The saved form of one end-to-end benchmark run (`kwire bench --save FILE`), and its validation
// when read back as a baseline.

import { execFileSync } from 'node:child_process';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { KwireError } from '../../engine/errors.js';

export const RESULT_SCHEMA = 'kwire-bench/1';

/** One program (a kwire configuration or a peer) measured on one input; best of `runs`. */
export interface ProgramResult {
  /** 'workers=0', 'workers=1', 'default', 'workers=2' for kwire; 'tcpdump', 'ndpiReader', 'tshark' for peers. */
  name: string;
  /** The command line measured, with the input file shown as FILE. */
  command: string;
  /** ok; skipped (not applicable, note says why); missing (peer not installed); failed (note says why). */
  status: 'ok' | 'skipped' | 'missing' | 'failed';
  note: string;
  runs: number;
  /** Packets per second of the fastest run, process start to exit. */
  pps: number;
  /** Wire bits (original frame lengths) per second of the fastest run. */
  bps: number;
  /** Highest peak RSS over all runs, MB. */
  peakRssMB: number;
  /** Wall and CPU seconds of the fastest run. */
  elapsedS: number;
  cpuS: number;
  /** Cores other processes kept busy during the fastest run. */
  otherCores: number;
}

export interface InputResult {
  /** Stable name, the key of a baseline comparison: 'k8s-mix-1000000', 'corpus-mix-1000000', a file's name. */
  name: string;
  description: string;
  packets: number;
  /** Sum of original (wire) frame lengths. */
  bytes: number;
  kwire: ProgramResult[];
  peers: ProgramResult[];
}

export interface TargetResult {
  name: string;
  input: string;
  status: 'pass' | 'fail' | 'skipped';
  detail: string;
}

export interface BenchResult {
  schema: typeof RESULT_SCHEMA;
  date: string;
  commit: string;
  node: string;
  machine: { cpu: string; cores: number; memoryMB: number; kernel: string; loadavg1: number };
  kwire: { entry: string; workersFlag: boolean; policy: string };
  repeat: number;
  inputs: InputResult[];
  targets: TargetResult[];
}

/** The machine this runs on, as saved with a result. */
export function machineInfo(): BenchResult['machine'] {
  const c = cpus();
  return {
    cpu: c[0]?.model ?? 'unknown',
    cores: c.length,
    memoryMB: Math.round(totalmem() / (1 << 20)),
    kernel: release(),
    loadavg1: Math.round(loadavg()[0] * 100) / 100,
  };
}

/** `git describe`-like commit of `root`: the hash, with "-dirty" when the tree has changes. */
export function gitCommit(root: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${head}-dirty` : head;
  } catch {
    return 'unknown';
  }
}

function bad(file: string, what: string): KwireError {
  return new KwireError('KWIRE_ERR_BENCH_RESULT', `not a kwire bench result (${what}); make one with kwire bench --save FILE`, file);
}

const STATUSES = new Set(['ok', 'skipped', 'missing', 'failed']);

function checkProgram(file: string, p: unknown, where: string): void {
  const o = p as Record<string, unknown>;
  if (typeof o !== 'object' || o === null) throw bad(file, `${where} is not an object`);
  if (typeof o.name !== 'string') throw bad(file, `${where}.name is not a string`);
  if (typeof o.status !== 'string' || !STATUSES.has(o.status)) throw bad(file, `${where}.status is not one of ok, skipped, missing, failed`);
  for (const k of ['pps', 'bps', 'peakRssMB']) {
    if (typeof o[k] !== 'number' || !Number.isFinite(o[k]) || (o[k] as number) < 0) throw bad(file, `${where}.${k} is not a number ≥ 0`);
  }
}

/** Parse and check a saved result; throws KWIRE_ERR_BENCH_RESULT naming the file and the first fault. */
export function parseResult(text: string, file: string): BenchResult {
  let j: unknown;
  try {
    j = JSON.parse(text);
  } catch (e) {
    throw bad(file, `invalid JSON: ${(e as Error).message}`);
  }
  const r = j as Record<string, unknown>;
  if (typeof r !== 'object' || r === null || r.schema !== RESULT_SCHEMA) throw bad(file, `schema is not "${RESULT_SCHEMA}"`);
  if (!Array.isArray(r.inputs)) throw bad(file, 'inputs is not an array');
  r.inputs.forEach((inp: Record<string, unknown>, i: number) => {
    if (typeof inp !== 'object' || inp === null || typeof inp.name !== 'string') throw bad(file, `inputs[${i}].name is not a string`);
    if (typeof inp.packets !== 'number') throw bad(file, `inputs[${i}].packets is not a number`);
    for (const list of ['kwire', 'peers']) {
      if (!Array.isArray(inp[list])) throw bad(file, `inputs[${i}].${list} is not an array`);
      (inp[list] as unknown[]).forEach((p, k) => checkProgram(file, p, `inputs[${i}].${list}[${k}]`));
    }
  });
  return j as BenchResult;
}
