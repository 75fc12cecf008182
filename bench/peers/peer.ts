// The C tools a user would pick instead of kwire, measured in the same run on the same files.

import { NDPI_READER } from './ndpi-reader.js';
import { TCPDUMP } from './tcpdump.js';
import { TSHARK } from './tshark.js';

export interface Peer {
  /** Short stable name, the key in saved results: 'tcpdump', 'ndpiReader', 'tshark'. */
  name: string;
  /** What it does, for the report. */
  role: string;
  /** The Debian package that provides it. */
  debian: string;
  /** Program and arguments for one run on `file` (stdout goes to /dev/null). */
  command(file: string): [string, string[]];
  /** Runs at most this many times whatever --repeat says (tshark is slow). */
  maxRuns: number;
}

export const PEERS: Peer[] = [TCPDUMP, NDPI_READER, TSHARK];
