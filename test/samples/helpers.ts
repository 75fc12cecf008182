// Shared helpers of the sample-generator tests: run the documented CLI, read captures back with a
// minimal pcap/pcapng parser (independent of engine/capture), and run tshark over a file.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../../samples/generator/generator.js';
import type { CaptureFormat } from '../../samples/generator/generator.js';
import { MemorySink } from '../../samples/generator/sink.js';

export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
export const TMP = mkdtempSync(join(tmpdir(), 'kwire-samples-'));
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

/** The command line the README documents, as argv after `node`. */
export function cliArgs(packets: number, format: CaptureFormat, seed: string, out: string): string[] {
  return ['--import', 'tsx', 'samples/generate.ts', '--packets', String(packets), '--format', format, '--seed', seed,
    '--out', out];
}

/** Runs the CLI from the repository root; returns stdout bytes (for --out -). */
export function runCli(args: string[]): { status: number; stdout: Buffer; stderr: string } {
  const r = spawnSync(process.execPath, args, { cwd: ROOT, maxBuffer: 1 << 30 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr.toString('utf8') };
}

/** Generates in-process into memory. */
export async function generateBytes(packets: number, format: CaptureFormat, seed: string): Promise<Buffer> {
  const sink = new MemorySink();
  await generate({ packets, format, seed }, sink);
  return sink.bytes();
}

export function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

export interface Rec {
  /** Seconds and nanoseconds since the Unix epoch. */
  sec: number;
  nsec: number;
  caplen: number;
  origlen: number;
  /** Offset of the frame in the file. */
  off: number;
}

export interface ParsedCapture {
  format: CaptureFormat;
  linkType: number;
  /** pcapng: IDB options by code (if_name = 2, if_tsresol = 9). */
  ifOptions: Map<number, Buffer>;
  records: Rec[];
}

/** Parses a little-endian pcap (µs) or pcapng capture as the generator writes them; throws on anything else. */
export function parseCapture(b: Buffer): ParsedCapture {
  const magic = b.readUInt32LE(0);
  if (magic === 0xa1b2c3d4) {
    const records: Rec[] = [];
    let p = 24;
    while (p < b.length) {
      const caplen = b.readUInt32LE(p + 8);
      records.push({ sec: b.readUInt32LE(p), nsec: b.readUInt32LE(p + 4) * 1000, caplen, origlen: b.readUInt32LE(p + 12), off: p + 16 });
      p += 16 + caplen;
    }
    if (p !== b.length) throw new Error(`trailing bytes at ${p}`);
    return { format: 'pcap', linkType: b.readUInt32LE(20), ifOptions: new Map(), records };
  }
  if (magic !== 0x0a0d0d0a) throw new Error(`unknown magic ${magic.toString(16)}`);
  const records: Rec[] = [];
  const ifOptions = new Map<number, Buffer>();
  let linkType = -1;
  let p = 0;
  while (p < b.length) {
    const type = b.readUInt32LE(p);
    const len = b.readUInt32LE(p + 4);
    if (len < 12 || len % 4 !== 0 || b.readUInt32LE(p + len - 4) !== len) throw new Error(`bad block at ${p}`);
    if (type === 1) {
      linkType = b.readUInt16LE(p + 8);
      for (let q = p + 16; q < p + len - 4;) {
        const code = b.readUInt16LE(q);
        const olen = b.readUInt16LE(q + 2);
        if (code === 0) break;
        ifOptions.set(code, b.subarray(q + 4, q + 4 + olen));
        q += 4 + ((olen + 3) & ~3);
      }
    } else if (type === 6) {
      const ns = (BigInt(b.readUInt32LE(p + 12)) << 32n) | BigInt(b.readUInt32LE(p + 16));
      records.push({ sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n), caplen: b.readUInt32LE(p + 20), origlen: b.readUInt32LE(p + 24), off: p + 28 });
    }
    p += len;
  }
  return { format: 'pcapng', linkType, ifOptions, records };
}

export function haveTshark(): boolean {
  return spawnSync('tshark', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Flannel's VXLAN port is not one tshark decodes as VXLAN by default. */
export const TSHARK_DECODE_AS = ['-d', 'udp.port==8472,vxlan'];
export const TSHARK_CHECKSUMS = ['-o', 'tcp.check_checksum:TRUE', '-o', 'udp.check_checksum:TRUE', '-o', 'ip.check_checksum:TRUE'];

export function tshark(args: string[]): string {
  const r = spawnSync('tshark', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`tshark ${args.join(' ')} failed: ${r.stderr}`);
  return r.stdout;
}

/** The expert-info summary lines of one severity section ("Errors", "Warns", ...) of `-z expert`. */
export function expertSection(out: string, section: string): string[] {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`${section} (`));
  if (start < 0) return [];
  const rows: string[] = [];
  for (let i = start + 3; i < lines.length && lines[i]!.trim() !== ''; i++) rows.push(lines[i]!.trim());
  return rows;
}

/** Values of tshark fields over a whole file: one Set per field (multi-valued fields split on ","). */
export function fieldSets(file: string, fields: string[], extra: string[] = []): Map<string, Set<string>> {
  const out = tshark(['-r', file, ...TSHARK_DECODE_AS, ...TSHARK_CHECKSUMS, ...extra, '-T', 'fields', '-E', 'separator=\t',
    ...fields.flatMap((f) => ['-e', f])]);
  const sets = new Map(fields.map((f) => [f, new Set<string>()]));
  for (const line of out.split('\n')) {
    if (line === '') continue;
    line.split('\t').forEach((v, i) => {
      if (v !== '') for (const part of v.split(',')) sets.get(fields[i]!)!.add(part);
    });
  }
  return sets;
}
