// How the end-to-end benchmark starts `kwire inspect`: the built dist/ when it is up to date with
// the sources, otherwise the TypeScript sources through tsx; and whether `--workers` exists yet.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../inputs.js';

/** The default policy every configuration is measured with. */
export const DEFAULT_POLICY = join(ROOT, 'rules', 'default', 'policy.yaml');

/** Source folders whose .ts files end up in dist/ and on the inspect path. */
const SOURCE_DIRS = ['engine', 'decoders', 'rules', 'native'];

export interface KwireEntry {
  /** Arguments to node before the kwire subcommand. */
  nodeArgs: string[];
  /** 'dist' (compiled JavaScript) or 'tsx' (sources compiled on load, slower start). */
  kind: 'dist' | 'tsx';
  /** Why this entry was chosen, for the report. */
  why: string;
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (e.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * The built CLI as npm installs it (`bin`: dist/engine/bundle/main.js, bundled by `npm run build`) when
 * it is newer than every source file, otherwise engine/cli/main.ts via tsx.
 */
export function kwireEntry(prefer?: 'dist' | 'tsx'): KwireEntry {
  const dist = join(ROOT, 'dist', 'engine', 'bundle', 'main.js');
  const tsx: KwireEntry = { nodeArgs: ['--import', 'tsx', join(ROOT, 'engine', 'cli', 'main.ts')], kind: 'tsx', why: '' };
  if (prefer === 'tsx') return { ...tsx, why: 'asked for' };
  if (!existsSync(dist)) return { ...tsx, why: 'dist/ not built (npm run build)' };
  const newest = Math.max(...SOURCE_DIRS.filter((d) => existsSync(join(ROOT, d))).map((d) => newestSource(join(ROOT, d))));
  if (prefer !== 'dist' && statSync(dist).mtimeMs < newest) return { ...tsx, why: 'dist/ older than the sources (npm run build)' };
  return { nodeArgs: [dist], kind: 'dist', why: prefer === 'dist' ? 'asked for' : 'dist/ up to date' };
}

/** True when `kwire inspect --help` lists `--workers` (the worker engine has landed). */
export function hasWorkersFlag(entry: KwireEntry): boolean {
  const r = spawnSync(process.execPath, [...entry.nodeArgs, 'inspect', '--help'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`kwire inspect --help failed (exit ${r.status}): ${r.stderr}`);
  return /^\s*--workers\b/m.test(r.stdout);
}

/** One way of running kwire inspect that the benchmark measures. */
export interface KwireConfig {
  /** Stable name, the key of a baseline comparison: 'workers=0', 'workers=1', 'default', 'workers=2'. */
  name: string;
  /** Extra inspect arguments. */
  args: string[];
  /** Needs `--workers`. */
  workers: boolean;
}

export const KWIRE_CONFIGS: KwireConfig[] = [
  // everything on the main thread: the single-thread hot path, without the dispatcher
  { name: 'workers=0', args: ['--workers', '0'], workers: true },
  { name: 'workers=1', args: ['--workers', '1'], workers: true },
  { name: 'default', args: [], workers: false },
  { name: 'workers=2', args: ['--workers', '2'], workers: true },
];

/** `kwire inspect FILE --policy rules/default/policy.yaml --out /dev/null` plus the config's flags. */
export function inspectArgs(entry: KwireEntry, file: string, config: KwireConfig): string[] {
  return [...entry.nodeArgs, 'inspect', file, '--policy', DEFAULT_POLICY, '--out', '/dev/null', ...config.args];
}

/** The packet count of kwire's summary line on stderr ("packets N  bytes B ..."), or null. */
export function summaryPackets(stderr: string): number | null {
  const m = /^packets (\d+) {2}bytes \d+/m.exec(stderr);
  return m ? Number(m[1]) : null;
}
