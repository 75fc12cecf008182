import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EPOCH_SECONDS } from '../../samples/generator/capture-writer.js';
import { ROOT, TMP, cliArgs, generateBytes, parseCapture, runCli, sha256 } from './helpers.js';
import type { ParsedCapture } from './helpers.js';

/** The command the README documents for the bundled sample. */
const SAMPLE_COMMAND = 'node --import tsx samples/generate.ts --packets 2000 --format pcap --seed 1 --out samples/k8s-mini.pcap';

function assertWellFormed(c: ParsedCapture, packets: number): void {
  assert.is(c.records.length, packets);
  assert.is(c.linkType, 1);
  assert.is(c.records[0]!.sec, EPOCH_SECONDS);
  let prev = 0;
  for (const r of c.records) {
    const t = r.sec * 1e9 + r.nsec;
    assert.ok(t >= prev, `timestamps go backwards at offset ${r.off}`);
    prev = t;
    assert.is(r.caplen, r.origlen);
    assert.ok(r.caplen >= 54 && r.caplen <= 1514, `frame of ${r.caplen} bytes at offset ${r.off}`);
  }
}

test('CLI: exactly N frames for N = 1000 (pcap) and N = 12345 (pcapng), timestamps from 2026-01-01', () => {
  for (const [n, format] of [[1000, 'pcap'], [12345, 'pcapng']] as const) {
    const out = join(TMP, `count-${n}.${format}`);
    const r = runCli(cliArgs(n, format, '7', out));
    assert.is(r.status, 0, r.stderr);
    assertWellFormed(parseCapture(readFileSync(out)), n);
  }
});

test('in-process: exact counts for both formats and sizes', async () => {
  for (const n of [1, 1000, 12345]) {
    assertWellFormed(parseCapture(await generateBytes(n, 'pcap', '3')), n);
    assertWellFormed(parseCapture(await generateBytes(n, 'pcapng', '3')), n);
  }
});

test('pcapng: eth0 with nanosecond if_tsresol; same frames and times as the pcap of the same seed', async () => {
  const ng = await generateBytes(3000, 'pcapng', '5');
  const pc = await generateBytes(3000, 'pcap', '5');
  const a = parseCapture(ng);
  const b = parseCapture(pc);
  assert.is(a.ifOptions.get(2)?.toString('utf8'), 'eth0');
  assert.equal([...a.ifOptions.get(9)!], [9]);
  assert.ok(a.records.some((r) => r.nsec % 1000 !== 0), 'nanosecond timestamps');
  for (let i = 0; i < a.records.length; i++) {
    const x = a.records[i]!;
    const y = b.records[i]!;
    assert.is(y.sec, x.sec);
    assert.is(y.nsec, Math.floor(x.nsec / 1000) * 1000);
    assert.ok(ng.subarray(x.off, x.off + x.caplen).equals(pc.subarray(y.off, y.off + y.caplen)), `frame ${i + 1} differs`);
  }
});

test('determinism: the same seed gives the same sha256, another seed does not', async () => {
  const a = sha256(await generateBytes(20000, 'pcapng', '42'));
  const b = sha256(await generateBytes(20000, 'pcapng', '42'));
  const c = sha256(await generateBytes(20000, 'pcapng', '43'));
  assert.is(a, b);
  assert.is.not(a, c);
});

test('determinism: a shorter capture is a prefix of a longer one with the same seed', async () => {
  const short = await generateBytes(1000, 'pcapng', '9');
  const long = await generateBytes(4000, 'pcapng', '9');
  assert.ok(long.subarray(0, short.length).equals(short));
});

test('CLI: --out - writes the same bytes to stdout as to a file', () => {
  const file = join(TMP, 'stdout-check.pcapng');
  assert.is(runCli(cliArgs(5000, 'pcapng', 'pipe', file)).status, 0);
  const r = runCli(cliArgs(5000, 'pcapng', 'pipe', '-'));
  assert.is(r.status, 0, r.stderr);
  assert.is(sha256(r.stdout), sha256(readFileSync(file)));
});

test('bundled sample: samples/k8s-mini.pcap is what the documented command produces', () => {
  const readme = readFileSync(join(ROOT, 'samples', 'README.md'), 'utf8');
  assert.ok(readme.includes(SAMPLE_COMMAND), 'samples/README.md documents the regeneration command');
  const out = join(TMP, 'k8s-mini.pcap');
  const args = SAMPLE_COMMAND.split(' ').slice(1).map((a) => (a === 'samples/k8s-mini.pcap' ? out : a));
  const r = runCli(args);
  assert.is(r.status, 0, r.stderr);
  const bundled = readFileSync(join(ROOT, 'samples', 'k8s-mini.pcap'));
  assert.is(sha256(readFileSync(out)), sha256(bundled));
  assert.is(parseCapture(bundled).records.length, 2000);
});

test('CLI: usage errors exit 2 and say what is wrong', () => {
  const missing = runCli(['--import', 'tsx', 'samples/generate.ts', '--packets', '10', '--format', 'pcap']);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, '--seed is required');
  const bad = runCli(cliArgs(10, 'pcap', '1', '-').map((a) => (a === 'pcap' ? 'erf' : a)));
  assert.is(bad.status, 2);
  assert.match(bad.stderr, '--format must be pcap or pcapng');
  const zero = runCli(cliArgs(0, 'pcap', '1', '-'));
  assert.is(zero.status, 2);
  assert.match(zero.stderr, '--packets must be an integer');
});

test.run();
