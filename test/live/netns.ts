// Test helper: two network namespaces joined by a veth pair, with names unique to this process,
// real servers in one and real clients in the other. Only addresses this helper adds are used, and
// everything it creates is removed by cleanup() (also on process exit).
//
//   client ns  <cli>  10.244.77.10/24 (a "pod"), 203.0.113.77/24 (outside the cluster)
//        │ veth
//   server ns  <srv>  10.244.77.1/24, 203.0.113.1/24, 169.254.169.254/32 (the "metadata service")

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const POD_IP = '10.244.77.10';
export const OUTSIDE_IP = '203.0.113.77';
export const SERVER_POD_NET_IP = '10.244.77.1';
export const SERVER_OUTSIDE_IP = '203.0.113.1';
export const IMDS_IP = '169.254.169.254';

/** Why the namespace tests cannot run here, or '' when they can. */
export function netnsUnavailable(): string {
  if (process.getuid?.() !== 0) return 'not root (CI runs them as root)';
  for (const tool of ['ip', 'openssl', 'curl', 'socat', 'python3']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `missing tool: ${tool}`;
  }
  return '';
}

export class NetnsPair {
  readonly id = `${process.pid.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
  readonly cli = `kwl-${this.id}-c`;
  readonly srv = `kwl-${this.id}-s`;
  /** The client's end of the veth (where kwire captures) and the server's. */
  readonly cliIf = `kv${this.id}c`;
  readonly srvIf = `kv${this.id}s`;
  readonly dir = mkdtempSync(join(tmpdir(), 'kwire-live-'));
  private readonly children: ChildProcess[] = [];
  private readonly exitHook = (): void => this.cleanup();

  constructor() {
    process.on('exit', this.exitHook);
    try {
      for (const ns of [this.cli, this.srv]) {
        run('ip', ['netns', 'add', ns]);
        this.exec(ns, ['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
        this.exec(ns, ['ip', 'link', 'set', 'lo', 'up']);
      }
      run('ip', ['link', 'add', this.cliIf, 'netns', this.cli, 'type', 'veth', 'peer', 'name', this.srvIf, 'netns', this.srv]);
      this.exec(this.cli, ['ip', 'addr', 'add', `${POD_IP}/24`, 'dev', this.cliIf]);
      this.exec(this.cli, ['ip', 'addr', 'add', `${OUTSIDE_IP}/24`, 'dev', this.cliIf]);
      this.exec(this.cli, ['ip', 'link', 'set', this.cliIf, 'up']);
      this.exec(this.srv, ['ip', 'addr', 'add', `${SERVER_POD_NET_IP}/24`, 'dev', this.srvIf]);
      this.exec(this.srv, ['ip', 'addr', 'add', `${SERVER_OUTSIDE_IP}/24`, 'dev', this.srvIf]);
      this.exec(this.srv, ['ip', 'addr', 'add', `${IMDS_IP}/32`, 'dev', this.srvIf]);
      this.exec(this.srv, ['ip', 'link', 'set', this.srvIf, 'up']);
      this.exec(this.cli, ['ip', 'route', 'add', `${IMDS_IP}/32`, 'via', SERVER_POD_NET_IP, 'src', POD_IP]);
    } catch (e) {
      this.cleanup();
      throw e;
    }
  }

  /** Run a command in a namespace to its end; throws with its stderr when it fails. */
  exec(ns: string, argv: string[], input?: string, timeoutMs = 15000): string {
    return run('ip', ['netns', 'exec', ns, ...argv], input, timeoutMs);
  }

  /** Like exec, but a failure is returned, not thrown. */
  tryExec(ns: string, argv: string[], input?: string, timeoutMs = 15000): { status: number | null; stdout: string; stderr: string } {
    const r = spawnSync('ip', ['netns', 'exec', ns, ...argv], { encoding: 'utf8', input, timeout: timeoutMs });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** Start a long-running process in a namespace; it is killed by cleanup(). */
  start(ns: string, argv: string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  /** Wait until something listens on TCP `port` in `ns` (bounded). */
  async waitListening(ns: string, port: number, ms = 10000): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      if (this.exec(ns, ['ss', '-Hltn', `sport = :${port}`]).trim() !== '') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`nothing listens on tcp/${port} in ${ns}`);
  }

  /** Packets the client's veth sent and received so far (the kernel's interface counters). */
  vethPackets(): number {
    const stat = (name: string): number => Number(this.exec(this.cli, ['cat', `/sys/class/net/${this.cliIf}/statistics/${name}`]));
    return stat('rx_packets') + stat('tx_packets');
  }

  cleanup(): void {
    process.off('exit', this.exitHook);
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const ns of [this.cli, this.srv]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout?.split('\n').filter(Boolean) ?? [];
      for (const pid of pids) spawnSync('kill', ['-9', pid]);
      spawnSync('ip', ['netns', 'del', ns]); // removes the veth pair with it
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function run(cmd: string, argv: string[], input?: string, timeoutMs = 15000): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', input, timeout: timeoutMs });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return r.stdout;
}
