// `npm run bench`: benchmark.js suites for the hot paths, on the generated Kubernetes mix and on
// the shared real captures, with tcpdump measured in the same run; asserts the targets.
// Usage: node --import tsx bench/run.ts [--packets N] [--no-assert] [--json FILE]

import Benchmark from 'benchmark';
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Packet } from '../decoders/packet.js';
import { decodeAll } from './decoders/frame.bench.js';
import { loadBatches, readAll, readAndDecode } from './engine/capture/reader.bench.js';
import { corpusMix, generatedMix, ROOT } from './inputs.js';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { TCPDUMP_FILTER, timeTcpdump } from './peers/tcpdump.js';
import { inspectAll } from './engine/pipeline/inspector.bench.js';
import { benchMatcher } from './rules/policy-matcher.bench.js';

const TARGET_READER_MPPS = 8;
const TARGET_DECODE_MPPS = 10;
/** Memory stays bounded whatever the input size: the reader holds two 4 MiB chunks. */
const TARGET_PEAK_RSS_MB = 200;

interface ChildResult { packets: number; elapsedMs: number; maxRssMB: number }

function inspectInChild(file: string): ChildResult {
  const out = execFileSync(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'engine', 'pipeline', 'inspect-rss.ts'), file], { encoding: 'utf8' });
  return JSON.parse(out) as ChildResult;
}

interface Row { suite: string; input: string; packets: number; mpps: number; rme: number; tcpdumpRatio: number | null; target: number | null }

function runSuite(name: string, fn: (deferred: { resolve(): void }) => void): Promise<Benchmark.Target> {
  return new Promise((resolve, reject) => {
    const suite = new Benchmark.Suite(name);
    suite.add(name, { defer: true, fn, minSamples: 5, maxTime: 4 });
    suite.on('complete', function (this: Benchmark.Suite) { resolve((this as unknown as Benchmark.Target[])[0]); });
    suite.on('error', (e: { target: { error: unknown } }) => reject(e.target.error));
    suite.run({ async: true });
  });
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: {
    packets: { type: 'string', default: '1000000' },
    'no-assert': { type: 'boolean', default: false },
    json: { type: 'string' },
  } });
  const packets = Number(values.packets);
  const inputs: [string, string][] = [
    ['generated k8s mix', generatedMix(packets)],
    ['shared captures (concatenated)', await corpusMix(packets)],
  ];
  const rows: Row[] = [];
  let peakRss = 0;
  for (const [label, file] of inputs) {
    const n = await readAll(file);
    const tcpdump = timeTcpdump(file);
    const tcpdumpMpps = tcpdump === null ? null : n / tcpdump / 1e6;

    const reader = await runSuite('reader', (d) => { void readAll(file).then(() => d.resolve()); });
    const readerMpps = (n * (reader.hz ?? 0)) / 1e6;
    rows.push({ suite: 'reader', input: label, packets: n, mpps: readerMpps, rme: reader.stats?.rme ?? 0,
      tcpdumpRatio: tcpdumpMpps ? readerMpps / tcpdumpMpps : null, target: TARGET_READER_MPPS });

    // Decoding alone, on batches as the pipeline sees them: just read, so cache-resident (L3 here
    // is 32 MiB). A fixed sample of 4 batches (16 MiB) spread over the file stands in for them.
    const all = await loadBatches(file);
    const sample = [0, 1, 2, 3].map((k) => all[Math.floor((k * (all.length - 1)) / 3)]);
    const sampleN = sample.reduce((a, b) => a + b.count, 0);
    all.length = 0;
    const pkt = new Packet();
    const decode = await runSuite('decode', (d) => { decodeAll(sample, pkt); d.resolve(); });
    const decodeMpps = (sampleN * (decode.hz ?? 0)) / 1e6;
    rows.push({ suite: 'decode to L4 (cache-resident batches)', input: label, packets: sampleN, mpps: decodeMpps, rme: decode.stats?.rme ?? 0,
      tcpdumpRatio: tcpdumpMpps ? decodeMpps / tcpdumpMpps : null, target: TARGET_DECODE_MPPS });

    // Reader and decoder together, end to end over the whole file.
    const both = await runSuite('read+decode', (d) => { void readAndDecode(file, pkt).then(() => d.resolve()); });
    const bothMpps = (n * (both.hz ?? 0)) / 1e6;
    rows.push({ suite: 'read + decode', input: label, packets: n, mpps: bothMpps, rme: both.stats?.rme ?? 0,
      tcpdumpRatio: tcpdumpMpps ? bothMpps / tcpdumpMpps : null, target: null });

    // Flows, reassembly and the app layer on top, all record types rendered.
    const full = await runSuite('inspector', (d) => { void inspectAll(file).then(() => d.resolve()); });
    const fullMpps = (n * (full.hz ?? 0)) / 1e6;
    rows.push({ suite: 'read + decode + flow + reassembly + app layer', input: label, packets: n, mpps: fullMpps, rme: full.stats?.rme ?? 0,
      tcpdumpRatio: tcpdumpMpps ? fullMpps / tcpdumpMpps : null, target: null });

    // The whole offline command (built-in port rule, stats) in a fresh process: rate and peak RSS.
    const runs = [0, 1, 2].map(() => inspectInChild(file));
    const best = runs.reduce((a, b) => (b.elapsedMs < a.elapsedMs ? b : a));
    const inspectMpps = best.packets / best.elapsedMs / 1000;
    rows.push({ suite: `kwire inspect (fresh process, peak RSS ${Math.round(Math.max(...runs.map((r) => r.maxRssMB)))} MB)`,
      input: label, packets: best.packets, mpps: inspectMpps, rme: 0,
      tcpdumpRatio: tcpdumpMpps ? inspectMpps / tcpdumpMpps : null, target: null });
    peakRss = Math.max(peakRss, ...runs.map((r) => r.maxRssMB));

    if (tcpdumpMpps !== null) rows.push({ suite: 'tcpdump -r + BPF', input: label, packets: n, mpps: tcpdumpMpps, rme: 0, tcpdumpRatio: 1, target: null });
  }

  console.log(`\ntcpdump peer: tcpdump -nn -r FILE -w /dev/null '${TCPDUMP_FILTER}' (best of 3)\n`);
  console.log('| suite | input | packets | Mpps | ± | × tcpdump | target |');
  console.log('|---|---|---:|---:|---:|---:|---|');
  let failed = 0;
  for (const r of rows) {
    const ok = r.target === null || r.mpps >= r.target;
    if (!ok) failed++;
    console.log(`| ${r.suite} | ${r.input} | ${r.packets} | ${r.mpps.toFixed(2)} | ${r.rme.toFixed(1)}% | ` +
      `${r.tcpdumpRatio === null ? 'n/a' : r.tcpdumpRatio.toFixed(2)} | ${r.target === null ? '' : `≥ ${r.target} Mpps ${ok ? 'ok' : 'MISSED'}`} |`);
  }
  // Rule engine: matcher cost per packet with 10 / 1k / 10k rules and a 100k-domain list.
  const matcher = await benchMatcher();
  console.log(`\nmatcher cost per packet (${matcher.packets} packets of the generated mix; pipeline with policy − without):\n`);
  console.log('| rules | ns/packet |');
  console.log('|---:|---:|');
  for (const r of matcher.rows) console.log(`| ${r.rules}${r.bigList ? ' + 100k-domain list' : ''} | ${r.nsPerPacket.toFixed(1)} |`);
  const growth = matcher.rows[2].nsPerPacket / Math.max(matcher.rows[0].nsPerPacket, 1);
  console.log(`\n10k rules / 10 rules: ${growth.toFixed(2)}× (target < 2×) ${growth < 2 ? 'ok' : 'MISSED'}`);
  if (growth >= 2) failed++;

  if (peakRss > TARGET_PEAK_RSS_MB) {
    failed++;
    console.log(`\npeak RSS ${peakRss.toFixed(0)} MB exceeds ${TARGET_PEAK_RSS_MB} MB`);
  }
  if (values.json) writeFileSync(values.json, JSON.stringify(rows, null, 2));
  if (failed && !values['no-assert']) {
    console.error(`\n${failed} target(s) missed`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
