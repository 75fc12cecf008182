// Peer: tshark dissecting every packet to print the SNI of each TLS ClientHello.

import type { Peer } from './peer.js';

export const TSHARK: Peer = {
  name: 'tshark',
  role: 'Wireshark dissection, TLS SNI',
  debian: 'tshark',
  command: (file) => ['tshark', ['-r', file, '-Y', 'tls.handshake.type==1', '-T', 'fields', '-e', 'tls.handshake.extensions_server_name']],
  // 17-44 CPU seconds per million packets: it runs once
  maxRuns: 1,
};
