// Reading '-' (fd 0) in a child process: from a pipe (`cat file |`, 64 KiB per read, yet full-size
// chunks), from a redirected file, and an empty pipe; the frames equal those read from the path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CORPUS, readAll } from './helpers.js';
import type { Frame } from './helpers.js';

const execFileAsync = promisify(execFile);
const HELPERS = new URL('./helpers.ts', import.meta.url).href;

const CHILD = `
const { readAll } = await import(process.env.KW_HELPERS);
const chunkSize = Number(process.env.KW_CHUNK) || undefined;
let out;
try {
  const r = await readAll('-', { chunkSize });
  out = { format: r.reader.format, path: r.reader.path, totalBytes: r.reader.totalBytes ?? null,
    bytesRead: r.reader.bytesRead, batchSizes: r.batchSizes, frames: r.frames, error: r.error?.code ?? null };
} catch (err) {
  out = { error: err.code ?? String(err), message: err.message };
}
process.stdout.write(JSON.stringify(out));
`;

interface ChildResult {
  format?: string;
  path?: string;
  totalBytes: number | null;
  bytesRead: number;
  batchSizes: number[];
  frames: Frame[];
  error: string | null;
  message?: string;
}

/** Run the child with `shell` feeding its stdin (e.g. "cat FILE |" or "< FILE"). */
async function viaStdin(feed: string, chunkSize?: number): Promise<ChildResult> {
  const node = `"${process.execPath}" --import tsx --input-type=module -e '${CHILD.replace(/'/g, `'\\''`)}'`;
  const cmd = feed.endsWith('|') ? `${feed} ${node}` : `${node} ${feed}`;
  const { stdout } = await execFileAsync('sh', ['-c', cmd], {
    cwd: process.cwd(),
    env: { ...process.env, KW_HELPERS: HELPERS, KW_CHUNK: chunkSize === undefined ? '' : String(chunkSize) },
    maxBuffer: 256 << 20,
  });
  return JSON.parse(stdout) as ChildResult;
}

test('stdin: a pipe gives the same frames as the path, in full 1 MiB chunks despite 64 KiB pipe reads', async () => {
  const file = join(CORPUS, 'files/mercury/capture2.pcap'); // 2.3 MB
  const ref = await readAll(file, { chunkSize: 1 << 20 });
  const r = await viaStdin(`cat '${file}' |`, 1 << 20);
  assert.is(r.error, null, r.message);
  assert.is(r.path, '-');
  assert.is(r.format, 'pcap');
  assert.is(r.totalBytes, null, 'no size for a pipe');
  assert.is(r.bytesRead, 2310066);
  assert.is(r.frames.length, 5617);
  assert.equal(r.frames, ref.frames);
  assert.equal(r.batchSizes.slice(0, 2), [1 << 20, 1 << 20], 'chunks are filled across pipe reads');
});

test('stdin: pcapng from a pipe, and a file redirected to stdin (which has a size)', async () => {
  const file = join(CORPUS, 'files/gopacket/be_test202.pcapng');
  const ref = await readAll(file);
  const piped = await viaStdin(`cat '${file}' |`);
  assert.is(piped.format, 'pcapng');
  assert.equal(piped.frames, ref.frames);
  const redirected = await viaStdin(`< '${file}'`);
  assert.equal(redirected.frames, ref.frames);
  assert.is(redirected.totalBytes, 2908);
});

test('stdin: an empty pipe is KWIRE_ERR_EMPTY, a truncated one delivers frames then the error', async () => {
  const empty = await viaStdin('true |');
  assert.is(empty.error, 'KWIRE_ERR_EMPTY');
  assert.ok(empty.message?.startsWith('-: '), empty.message);
  const file = join(CORPUS, 'files/arkime/dns-udp.pcap');
  const cut = await viaStdin(`head -c 800 '${file}' |`);
  assert.is(cut.error, 'KWIRE_ERR_PCAP_TRUNC_RECORD');
  assert.is(cut.frames.length, 4);
});

test.run();
