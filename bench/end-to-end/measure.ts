// One timed child process: wall time, CPU time and peak RSS, with the CPU that other processes
// used on the machine meanwhile (to tell a scaling result from a busy machine).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** GNU time: its `-v` report comes from wait4(), the kernel's own peak RSS of the finished child. */
export const GNU_TIME = '/usr/bin/time';

export interface Measured {
  /** Wall time from spawn to exit, seconds (startup included). */
  elapsedS: number;
  /** User + system CPU of the child and all its threads, seconds. */
  cpuS: number;
  /** Peak resident set size of the child (VmHWM at exit, all threads), MB. */
  peakRssMB: number;
  /** Average number of cores that other processes kept busy during the run (≥ 0). */
  otherCores: number;
  /** Exit status of the child, or null when it was killed by a signal. */
  status: number | null;
  /** 'ENOENT' when the program is not installed; otherwise null. */
  missing: boolean;
  /** Last 64 KiB of the child's stderr. */
  stderr: string;
}

/** Busy and total jiffies of all cores together, from the first line of /proc/stat. */
function cpuJiffies(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8');
  const v = f.slice(0, f.indexOf('\n')).trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal guest guest_nice; guests are already in user/nice
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busy: total - v[3] - v[4], total };
}

const CLK_TCK = 100;

function field(report: string, name: string): number | null {
  const i = report.indexOf(name + ': ');
  if (i < 0) return null;
  const n = Number.parseFloat(report.slice(i + name.length + 2));
  return Number.isFinite(n) ? n : null;
}

/**
 * Run `cmd args` under GNU time (stdout to /dev/null, stderr kept) and measure it. Peak RSS is
 * wait4()'s ru_maxrss as `time -v` reports it: exact (no sampling gap before exit), whole process
 * with its worker threads, and the same method for kwire and for the C peers. Because time itself
 * forks the child, the parent's own size never leaks into the figure.
 */
export function measure(cmd: string, args: string[], cwd?: string): Measured {
  const dir = mkdtempSync(join(tmpdir(), 'kwire-bench-time-'));
  const report = join(dir, 'time.txt');
  try {
    const before = cpuJiffies();
    const t0 = process.hrtime.bigint();
    const r = spawnSync(GNU_TIME, ['-v', '-o', report, cmd, ...args], {
      // no timeout: killing GNU time would orphan the child; Ctrl-C reaches the whole process group
      cwd, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20, encoding: 'utf8',
    });
    const elapsedS = Number(process.hrtime.bigint() - t0) / 1e9;
    const after = cpuJiffies();
    if (r.error) {
      const code = (r.error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new Error(`${GNU_TIME} is missing (Debian package "time"): it measures peak RSS`);
      throw r.error;
    }
    const text = readFileSync(report, 'utf8');
    const stderr = (r.stderr ?? '').slice(-65536);
    // GNU time exits 127 and says so when the command cannot be run at all
    const missing = r.status === 127 && /cannot run .*No such file/.test(text + stderr);
    const cpuS = (field(text, 'User time (seconds)') ?? 0) + (field(text, 'System time (seconds)') ?? 0);
    const busyS = (after.busy - before.busy) / CLK_TCK;
    const signalled = /Command terminated by signal/.test(text);
    return {
      elapsedS,
      cpuS,
      peakRssMB: (field(text, 'Maximum resident set size (kbytes)') ?? 0) / 1024,
      otherCores: Math.max(0, (busyS - cpuS) / elapsedS),
      status: signalled ? null : field(text, 'Exit status'),
      missing,
      stderr,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
