// Peer measured in the same run: `tcpdump -nn -r FILE -w /dev/null <bpf>` (read + BPF filter floor).

import { spawnSync } from 'node:child_process';

export const TCPDUMP_FILTER = 'tcp dst port 6443 or udp port 53 or (ip6 and tcp)';

/** Best wall time of `runs` runs in seconds, or null when tcpdump is not installed. */
export function timeTcpdump(file: string, runs = 3): number | null {
  let best = Infinity;
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync('tcpdump', ['-nn', '-r', file, '-w', '/dev/null', TCPDUMP_FILTER], { stdio: 'ignore' });
    const dt = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.error) return null;
    if (r.status !== 0) throw new Error(`tcpdump exited ${r.status} on ${file}`);
    best = Math.min(best, dt);
  }
  return best;
}
