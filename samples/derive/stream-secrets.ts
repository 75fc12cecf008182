// Cleartext secrets split across reordered and retransmitted TCP segments (RFC 9293 section
// 3.10.7.4): the real HTTP POST of samples/netns/k8s-real.pcap (curl → 203.0.113.10:8080, one
// 1,244-byte segment carrying fake AWS, GitHub, Slack and PEM secrets) re-cut so the AWS key id and
// the GitHub token straddle segments that arrive out of order, with an overlapping retransmission
// across the hole. For content rules on the stream (test/rules/match/stream-content.test.ts).
// Usage: node --import tsx samples/derive/stream-secrets.ts [--out DIR]

import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DERIVED_DIR } from './cases.js';
import { encodeSession, writePcap } from './encode.js';
import { cutRanges } from './segments.js';
import type { Range } from './segments.js';
import { sendHelloAs } from './segments.js';
import { cloneSession, helloPacket, loadSession } from './session.js';
import type { Session } from './session.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const SECRETS_SOURCE = { file: 'samples/netns/k8s-real.pcap', client: '10.244.1.10', clientPort: 56098 };

export interface StreamCase {
  file: string;
  what: string;
  /** Send order of the POST segment's byte ranges (repeats and overlaps are retransmissions). */
  order(payload: Uint8Array): Range[];
}

function at(payload: Uint8Array, text: string): number {
  const i = Buffer.from(payload).indexOf(text);
  if (i < 0) throw new RangeError(`"${text}" not in the POST`);
  return i;
}

function mid(r: Range): number {
  return Math.floor((r[0] + r[1]) / 2);
}

/** The POST cut in 4: after "AK", inside the key id's tail, inside the GitHub token's tail. */
function fourParts(p: Uint8Array): [Range, Range, Range, Range] {
  const akia = at(p, 'AKIA');
  return cutRanges(p.length, [akia + 2, akia + 12, at(p, 'ghp_') + 10]) as [Range, Range, Range, Range];
}

export const STREAM_CASES: StreamCase[] = [
  {
    file: 'secrets-http-reordered.pcap',
    what: 'POST re-cut in 4 (AWS key id cut after "AK" and in its tail, GitHub token cut in its tail); sent 1 3, a retransmission overlapping the hole and half of 3, 4, then 2 last',
    order: (p) => {
      const [a, b, c, d] = fourParts(p);
      return [a, c, [mid(b), mid(c)], d, b];
    },
  },
  {
    file: 'secrets-http-inorder-split.pcap',
    what: 'POST re-cut in 4 at the same places, sent in order with segment 2 sent twice',
    order: (p) => {
      const [a, b, c, d] = fourParts(p);
      return [a, b, b, c, d];
    },
  },
];

let source: Session | null = null;

/** The real POST session, loaded once. */
export function secretsSession(): Session {
  source ??= loadSession(join(ROOT, SECRETS_SOURCE.file), SECRETS_SOURCE.client, SECRETS_SOURCE.clientPort, 'any');
  return cloneSession(source);
}

export function deriveStream(c: StreamCase, outDir = DERIVED_DIR): Uint8Array {
  const s = secretsSession();
  return writePcap(join(outDir, c.file), encodeSession(sendHelloAs(s, c.order(helloPacket(s).payload)), null));
}

if (process.argv[1] !== undefined && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const argv = process.argv.slice(2);
  const outDir = argv[0] === '--out' && argv[1] !== undefined ? argv[1] : DERIVED_DIR;
  for (const c of STREAM_CASES) {
    const bytes = deriveStream(c, outDir);
    process.stdout.write(`${relative(process.cwd(), join(outDir, c.file))}  ${bytes.length} bytes  ${c.what}\n`);
  }
}
