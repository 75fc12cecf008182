// Peer: `ndpiReader -q -i FILE`, nDPI's full DPI over a capture (flows, protocol and risk detection).

import type { Peer } from './peer.js';

export const NDPI_READER: Peer = {
  name: 'ndpiReader',
  role: 'nDPI full DPI',
  debian: 'libndpi-bin',
  command: (file) => ['ndpiReader', ['-q', '-i', file]],
  maxRuns: Infinity,
};
