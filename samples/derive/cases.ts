// What a derived capture is (source session, rewrite, tunnel) and how the scripts write them: the
// catalogue test/samples/derived.test.ts reads to know what each file must decode to.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KwireError } from '../../engine/errors.js';
import { encodeSession, writePcap } from './encode.js';
import type { Tunnel } from './encode.js';
import { cloneSession, loadSession } from './session.js';
import type { Session } from './session.js';

const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** ../shared/pcaps/files beside the checkout: sources are read in place, never copied. */
export const SOURCE_DIR = join(ROOT, '..', 'shared', 'pcaps', 'files');
export const DERIVED_DIR = join(ROOT, 'samples', 'derived');

export interface Source {
  /** Path under ../shared/pcaps/files, as in sni_truth.tsv without "files/". */
  file: string;
  /** The client of the TCP connection taken (its SYN starts the session). */
  client: string;
  clientPort: number;
  what: string;
}

export const SOURCES = {
  /** curl: one 517-byte TLS 1.3 ClientHello, SNI enabled.tls13.com, in one segment. */
  curl: { file: 'arkime/curl-enabled-tls13.pcap', client: '192.168.65.3', clientPort: 46638, what: 'curl, 517-byte ClientHello' },
  /**
   * Chrome (captured 2024-11-05): a 1,798-byte ClientHello (GREASE, an ECH extension, X25519Kyber768
   * key share, 16 extensions), SNI clientservices.googleapis.com, in one 1,857-byte frame captured
   * before segmentation offload (IP total length and checksums 0: derived frames carry the real ones).
   */
  chrome: { file: 'mercury/tlsv1_3.pcap', client: '172.16.150.2', clientPort: 61509, what: 'Chrome, 1,798-byte ClientHello' },
} satisfies Record<string, Source>;

export type SourceKey = keyof typeof SOURCES;

export interface Derived {
  session: Session;
  tunnel: Tunnel;
}

export interface DerivedCase {
  /** File name under samples/derived/. */
  file: string;
  source: SourceKey;
  /** One line: what was rewritten. */
  what: string;
  /** Rewrites a private copy of the source session. */
  derive(s: Session): Derived;
  /** The innermost addresses were rewritten into 2001:db8::/32 (see toIpv6 in fragments.ts). */
  ipv6?: boolean;
  tunnel?: Tunnel;
  /** tshark preferences the case needs beyond the defaults (documented per case). */
  tsharkPrefs?: string[];
}

const sessions = new Map<SourceKey, Session>();

/** The source's session, loaded once per process; throws a KwireError naming the missing file. */
export function sourceSession(key: SourceKey): Session {
  let s = sessions.get(key);
  if (s === undefined) {
    const src = SOURCES[key];
    const path = join(SOURCE_DIR, src.file);
    if (!existsSync(path)) {
      throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', 'source capture not found; the derive scripts read ../shared/pcaps beside the checkout', path);
    }
    s = loadSession(path, src.client, src.clientPort);
    sessions.set(key, s);
  }
  return s;
}

/** The bytes of one derived capture. */
export function deriveBytes(c: DerivedCase, outDir = DERIVED_DIR): Uint8Array {
  const d = c.derive(cloneSession(sourceSession(c.source)));
  return writePcap(join(outDir, c.file), encodeSession(d.session, d.tunnel));
}

/** Entry point of every derive script: `[--out DIR]` (default samples/derived). */
export function runScript(metaUrl: string, cases: DerivedCase[]): void {
  if (process.argv[1] === undefined || pathToFileURL(process.argv[1]).href !== metaUrl) return;
  const argv = process.argv.slice(2);
  let outDir = DERIVED_DIR;
  if (argv[0] === '--out' && argv[1] !== undefined && argv.length === 2) outDir = argv[1];
  else if (argv.length > 0) {
    process.stderr.write('Usage: node --import tsx samples/derive/<script>.ts [--out DIR]\n');
    process.exitCode = 2;
    return;
  }
  try {
    for (const c of cases) {
      const bytes = deriveBytes(c, outDir);
      process.stdout.write(`${relative(process.cwd(), join(outDir, c.file))}  ${bytes.length} bytes  ${c.what}\n`);
    }
  } catch (err) {
    if (!(err instanceof KwireError)) throw err;
    process.stderr.write(`derive: ${err.message} [${err.code}]\n`);
    process.exitCode = 1;
  }
}

/** Bytes of a committed derived capture (for the determinism test). */
export function committed(c: DerivedCase): Uint8Array {
  return readFileSync(join(DERIVED_DIR, c.file));
}
