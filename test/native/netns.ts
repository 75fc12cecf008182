// Test helper: two fresh network namespaces joined by a veth pair (unique names per run, IPv6 off so
// nothing but the test's own traffic crosses), background processes inside them, and cleanup that
// always runs (also on process exit). Traffic goes only to the namespaces' own addresses.

import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';

export interface VethPair {
  nsA: string;
  nsB: string;
  /** /var/run/netns/<nsA>: the `netns` option of the capture. */
  nsPathA: string;
  nsPathB: string;
  ifA: string;
  ifB: string;
  ipA: string;
  ipB: string;
  macA: string;
  macB: string;
  /** Runs a command in a namespace, waits, returns stdout (throws on non-zero exit). */
  run(ns: string, cmd: string[], input?: string | Buffer): string;
  /** Runs a command in a namespace without blocking the event loop; resolves with stdout. */
  exec(ns: string, cmd: string[]): Promise<string>;
  /** Starts a background command in a namespace; killed by close(). */
  start(ns: string, cmd: string[]): ChildProcess;
  close(): void;
}

const live = new Set<VethPair>();
process.on('exit', () => { for (const p of live) p.close(); });

export const IP_A = '198.18.0.1';
export const IP_B = '198.18.0.2';

function sh(cmd: string[], input?: string | Buffer): string {
  return execFileSync(cmd[0], cmd.slice(1), { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'], timeout: 30_000 });
}

/** Makes namespaces kwn<id>a and kwn<id>b with veth kwn<id>a0 ↔ kwn<id>b0 (198.18.0.1 ↔ .2/24). */
export function makeVethPair(): VethPair {
  const id = randomBytes(3).toString('hex');
  const nsA = `kwn${id}a`;
  const nsB = `kwn${id}b`;
  const ifA = `kwn${id}a0`;
  const ifB = `kwn${id}b0`;
  const macA = '02:6b:77:00:00:01';
  const macB = '02:6b:77:00:00:02';
  const children: ChildProcess[] = [];
  let closed = false;
  const pair: VethPair = {
    nsA, nsB, ifA, ifB, ipA: IP_A, ipB: IP_B, macA, macB,
    nsPathA: `/var/run/netns/${nsA}`, nsPathB: `/var/run/netns/${nsB}`,
    run: (ns, cmd, input) => sh(['ip', 'netns', 'exec', ns, ...cmd], input),
    exec: (ns, cmd) => new Promise((resolve, reject) => {
      execFile('ip', ['netns', 'exec', ns, ...cmd], { encoding: 'utf8', timeout: 30_000 }, (err, stdout, stderr) => {
        if (err) reject(new Error(`${cmd.join(' ')} in ${ns}: ${err.message} ${stderr}`));
        else resolve(stdout);
      });
    }),
    start(ns, cmd) {
      const c = spawn('ip', ['netns', 'exec', ns, ...cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(c);
      return c;
    },
    close() {
      if (closed) return;
      closed = true;
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
      for (const ns of [nsA, nsB]) {
        try { sh(['ip', 'netns', 'del', ns]); } catch { /* already gone */ }
      }
      live.delete(pair);
    },
  };
  live.add(pair);
  try {
    for (const ns of [nsA, nsB]) {
      sh(['ip', 'netns', 'add', ns]);
      sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
      sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    }
    sh(['ip', '-n', nsA, 'link', 'add', ifA, 'address', macA, 'type', 'veth', 'peer', 'name', ifB, 'address', macB, 'netns', nsB]);
    sh(['ip', '-n', nsA, 'addr', 'add', `${IP_A}/24`, 'dev', ifA]);
    sh(['ip', '-n', nsB, 'addr', 'add', `${IP_B}/24`, 'dev', ifB]);
    sh(['ip', '-n', nsA, 'link', 'set', ifA, 'up']);
    sh(['ip', '-n', nsB, 'link', 'set', ifB, 'up']);
    // Static neighbours: no ARP exchange at a random moment of a test.
    sh(['ip', '-n', nsA, 'neigh', 'replace', IP_B, 'lladdr', macB, 'dev', ifA, 'nud', 'permanent']);
    sh(['ip', '-n', nsB, 'neigh', 'replace', IP_A, 'lladdr', macA, 'dev', ifB, 'nud', 'permanent']);
  } catch (e) {
    pair.close();
    throw e;
  }
  return pair;
}

/** Resolves once `child` printed `pattern` on stderr or stdout (tcpdump's "listening on"), or rejects after ms. */
export function waitFor(child: ChildProcess, pattern: RegExp, ms = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern} (got: ${seen.slice(-300)})`)), ms);
    const on = (d: Buffer): void => {
      seen += d.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stderr?.on('data', on);
    child.stdout?.on('data', on);
    child.on('exit', (code) => { clearTimeout(timer); if (!pattern.test(seen)) reject(new Error(`exited ${code} before ${pattern}: ${seen.slice(-300)}`)); });
  });
}

/** Resolves when the child has exited. */
export function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.on('exit', () => resolve());
  });
}
