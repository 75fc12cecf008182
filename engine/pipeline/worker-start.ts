// Starting worker threads, ahead of the Dispatcher that will use them. This module loads nothing
// but node:worker_threads and node:os, so that the command line can start the workers of
// `kwire inspect` before it loads the rest of kwire (cli/main.ts): a worker boots and loads its
// modules (about 0.2 s) while the main thread loads its own and compiles the policy.

import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './worker-main.ts' : './worker-main.js', import.meta.url);

/**
 * Young generation of a worker's heap, MB. V8's default lets it grow to 48 MB per isolate; the
 * inspector's garbage dies young, so 12 MB costs no measurable time and keeps 10-40 MB of peak RSS
 * off each run with workers (k8s mix, 1M packets: --workers 2 256-269 -> 214-230 MB).
 */
const WORKER_YOUNG_MB = 12;

/** A worker thread on worker-main; run from TypeScript sources (tests), it registers tsx first. */
export function startWorker(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_MB } });
  const api = import.meta.resolve('tsx/esm/api');
  return new Worker(`import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(WORKER_URL.href)}); });`, { eval: true });
}

/** Workers started ahead of a Dispatcher (prestartWorkers), adopted by its first spawns. */
const prestarted: { worker: Worker; early: Error | null }[] = [];

/** A prestarted worker for a Dispatcher to adopt (with the error it met while booting), if any is left. */
export function takePrestarted(): { worker: Worker; early: Error | null } | undefined {
  return prestarted.shift();
}

/**
 * Have `n` worker threads started ahead (those already prestarted count), so that they boot and
 * load their modules while this thread does other work (loading its own modules, compiling the
 * policy, opening the capture); the next Dispatcher adopts them.
 * Unreferenced until adopted: a run that stops before (a broken policy) exits without them.
 */
export function prestartWorkers(n: number): void {
  for (let i = prestarted.length; i < n; i++) {
    const p = { worker: startWorker(), early: null as Error | null };
    p.worker.unref();
    p.worker.once('error', (e) => { p.early = e; });
    prestarted.push(p);
  }
}

/** cores − 1, at least 1: the main thread reads (or captures) and shards, the workers inspect. */
export function defaultWorkers(): number {
  return Math.max(1, availableParallelism() - 1);
}

/** A `--workers` value: 0..255, or null when it is not one (the command then says so). */
export function workerCount(text: string): number | null {
  const n = Number(text);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
}

/**
 * Worker threads `kwire inspect` will start for `--workers n`: n, except that with 2 or more the
 * main thread inspects one share itself (dispatcher.ts `inThread`).
 */
export function inspectThreads(n: number): number {
  return n >= 2 ? n - 1 : n;
}

/**
 * Worker threads `kwire inspect ARGS` will use, from `--workers N` / `--workers=N` in `args`
 * (default cores − 1); 0 when the value is not a valid count or help is asked for (the command
 * then reports those without workers).
 */
export function inspectThreadsFromArgs(args: readonly string[]): number {
  if (args.includes('--help') || args.includes('-h')) return 0;
  let n = defaultWorkers();
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const v = a === '--workers' ? args[i + 1] : a.startsWith('--workers=') ? a.slice('--workers='.length) : undefined;
    if (v === undefined) continue;
    const c = workerCount(v);
    if (c === null) return 0;
    n = c;
  }
  return inspectThreads(n);
}
