// Test and bench helper: drives cap-child.ts (a LibpcapSource) inside a namespace of a VethPair.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { LibpcapOptions } from '../../engine/capture/libpcap.js';
import type { LiveSourceStats } from '../../engine/capture/live-source.js';

export interface CapReply {
  ready?: boolean;
  unavailable?: string;
  stats?: LiveSourceStats;
  cpuMs?: number;
}

export class CapProcess {
  readonly child: ChildProcess;
  private readonly replies: CapReply[] = [];
  private wake: (() => void) | null = null;
  private stderr = '';

  constructor(ns: string, opts: LibpcapOptions) {
    const file = fileURLToPath(new URL('./cap-child.ts', import.meta.url));
    this.child = spawn('ip', ['netns', 'exec', ns, process.execPath, '--import', 'tsx', file, JSON.stringify(opts)], { stdio: ['pipe', 'pipe', 'pipe'] });
    process.on('exit', this.kill);
    this.child.stdin?.on('error', () => { /* the child died: reply() says so */ });
    createInterface({ input: this.child.stdout! }).on('line', (l) => { this.replies.push(JSON.parse(l) as CapReply); this.wake?.(); });
    this.child.stderr!.on('data', (d) => { this.stderr += d; });
    this.child.on('exit', () => { process.off('exit', this.kill); this.wake?.(); });
  }

  /** The next reply line; throws with the child's stderr if it exits first or takes over 20 s. */
  async reply(): Promise<CapReply> {
    const until = Date.now() + 20_000;
    while (this.replies.length === 0) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`cap-child exited: ${this.stderr}`);
      if (Date.now() > until) throw new Error(`cap-child did not answer: ${this.stderr}`);
      await new Promise<void>((r) => { this.wake = r; setTimeout(r, 200); });
      this.wake = null;
    }
    return this.replies.shift()!;
  }

  /** SIGKILL if still running (also at process exit). */
  readonly kill = (): void => {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  };

  async send(cmd: string): Promise<CapReply> {
    this.child.stdin!.write(cmd + '\n');
    return this.reply();
  }
}
