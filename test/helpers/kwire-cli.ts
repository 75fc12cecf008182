// Test helper: run the kwire CLI (through tsx) as a child process.

import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';
import { ROOT, SHARED_FILES } from './paths.js';

export { ROOT };
export const SHARED = SHARED_FILES;

/**
 * Run `kwire ARGS`. `inspect` runs on the main thread (`--workers 0`) unless the test names
 * --workers: the same BatchRunner path, without starting a tsx worker per call (seconds each);
 * test/engine/pipeline covers the worker threads and checks their output is identical.
 */
export function kwire(args: string[], input?: Buffer): SpawnSyncReturns<string> {
  if (args[0] === 'inspect' && !args.includes('--workers')) args = [...args, '--workers', '0'];
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'engine', 'cli', 'main.ts'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input,
    maxBuffer: 256 << 20,
  });
}

/** Parse NDJSON output into objects (throws on any line that is not JSON). */
export function ndjson(text: string): Record<string, any>[] {
  return text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l));
}

/** tshark -T fields output as rows of columns. */
export function tsharkFields(file: string, filter: string, fields: string[], extra: string[] = []): string[][] {
  const args = ['-r', file, ...extra, '-T', 'fields'];
  if (filter) args.push('-Y', filter);
  for (const f of fields) args.push('-e', f);
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`tshark failed: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}
