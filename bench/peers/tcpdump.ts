// Peer: `tcpdump -nn -r FILE -w /dev/null <bpf>`, the read-and-filter floor (libpcap + BPF, no DPI).
// Matching packets are written to /dev/null rather than printed, so text formatting is not timed.

import type { Peer } from './peer.js';

export const TCPDUMP_FILTER = 'tcp dst port 6443 or udp port 53 or (ip6 and tcp)';

export const TCPDUMP: Peer = {
  name: 'tcpdump',
  role: 'read + BPF filter floor',
  debian: 'tcpdump',
  command: (file) => ['tcpdump', ['-nn', '-r', file, '-w', '/dev/null', TCPDUMP_FILTER]],
  maxRuns: Infinity,
};
