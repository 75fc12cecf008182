// `npm run bench`: the end-to-end benchmark of `kwire bench` (kwire inspect with the default policy
// against tcpdump, ndpiReader and tshark, targets, --save/--baseline), then benchmark.js suites for
// the hot paths on the same generated and corpus inputs, with tcpdump's rate from the same run.
// Usage: node --import tsx bench/run.ts [kwire bench options] [--json FILE] [--no-micro]

import Benchmark from 'benchmark';
import { writeFileSync } from 'node:fs';
import { Packet } from '../decoders/packet.js';
import { benchEndToEnd } from '../engine/cli/bench-command.js';
import { decodeAll } from './decoders/frame.bench.js';
import { loadBatches, readAll, readAndDecode } from './engine/capture/reader.bench.js';
import { corpusMix, generatedMix } from './inputs.js';
import { inspectAll } from './engine/pipeline/inspector.bench.js';
import { benchMatcher } from './rules/policy-matcher.bench.js';

const TARGET_READER_MPPS = 8;
const TARGET_DECODE_MPPS = 10;

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

/** Takes `--json FILE`, `--no-micro` and `--no-assert` for itself; the rest goes to kwire bench. */
function splitArgs(argv: string[]): { json: string | undefined; micro: boolean; noAssert: boolean; packets: number; e2e: string[] } {
  const e2e: string[] = [];
  let json: string | undefined;
  let micro = true;
  let noAssert = false;
  let packets = 1_000_000;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--json') json = argv[++i];
    else if (argv[i] === '--no-micro') micro = false;
    else {
      if (argv[i] === '--no-assert') noAssert = true;
      if (argv[i] === '--packets') packets = Number(argv[i + 1]);
      e2e.push(argv[i]);
    }
  }
  return { json, micro, noAssert, packets, e2e };
}

async function micro(packets: number, tcpdumpMpps: Map<string, number>): Promise<{ rows: Row[]; failed: number }> {
  const inputs: [string, string][] = [
    [`k8s-mix-${packets}`, generatedMix(packets)],
    [`corpus-mix-${packets}`, await corpusMix(packets)],
  ];
  const rows: Row[] = [];
  for (const [label, file] of inputs) {
    const n = await readAll(file);
    const peer = tcpdumpMpps.get(label) ?? null;
    const ratio = (mpps: number): number | null => (peer ? mpps / peer : null);

    const reader = await runSuite('reader', (d) => { void readAll(file).then(() => d.resolve()); });
    const readerMpps = (n * (reader.hz ?? 0)) / 1e6;
    rows.push({ suite: 'reader', input: label, packets: n, mpps: readerMpps, rme: reader.stats?.rme ?? 0, tcpdumpRatio: ratio(readerMpps), target: TARGET_READER_MPPS });

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
      tcpdumpRatio: ratio(decodeMpps), target: TARGET_DECODE_MPPS });

    const both = await runSuite('read+decode', (d) => { void readAndDecode(file, pkt).then(() => d.resolve()); });
    const bothMpps = (n * (both.hz ?? 0)) / 1e6;
    rows.push({ suite: 'read + decode', input: label, packets: n, mpps: bothMpps, rme: both.stats?.rme ?? 0, tcpdumpRatio: ratio(bothMpps), target: null });

    // Flows, reassembly and the app layer on top, all record types rendered, in this process.
    const full = await runSuite('inspector', (d) => { void inspectAll(file).then(() => d.resolve()); });
    const fullMpps = (n * (full.hz ?? 0)) / 1e6;
    rows.push({ suite: 'read + decode + flow + reassembly + app layer', input: label, packets: n, mpps: fullMpps, rme: full.stats?.rme ?? 0,
      tcpdumpRatio: ratio(fullMpps), target: null });
  }
  console.log('\nhot paths in this process (benchmark.js), × tcpdump of the end-to-end table:\n');
  console.log('| suite | input | packets | Mpps | ± | × tcpdump | target |');
  console.log('|---|---|---:|---:|---:|---:|---|');
  let failed = 0;
  for (const r of rows) {
    const ok = r.target === null || r.mpps >= r.target;
    if (!ok) failed++;
    console.log(`| ${r.suite} | ${r.input} | ${r.packets} | ${r.mpps.toFixed(2)} | ${r.rme.toFixed(1)}% | ` +
      `${r.tcpdumpRatio === null ? 'n/a' : r.tcpdumpRatio.toFixed(2)} | ${r.target === null ? '' : `≥ ${r.target} Mpps ${ok ? 'PASS' : 'FAIL'}`} |`);
  }
  // Rule engine: matcher cost per packet with 10 / 1k / 10k rules and a 100k-domain list.
  const matcher = await benchMatcher();
  console.log(`\nmatcher cost per packet (pipeline with policy − without, ${matcher.packets} packets of the generated mix; matcher alone on ${matcher.recorded} recorded packets):\n`);
  console.log('| rules | pipeline ns/packet | matcher alone ns/packet |');
  console.log('|---:|---:|---:|');
  for (const r of matcher.rows) console.log(`| ${r.rules}${r.bigList ? ' + 100k-domain list' : ''} | ${r.nsPerPacket.toFixed(1)} | ${r.matcherOnlyNs.toFixed(1)} |`);
  const growth = matcher.rows[2].matcherOnlyNs / Math.max(matcher.rows[0].matcherOnlyNs, 0.001);
  console.log(`\n10k rules / 10 rules (matcher alone): ${growth.toFixed(2)}× (target < 2×) ${growth < 2 ? 'PASS' : 'FAIL'}`);
  if (growth >= 2) failed++;
  return { rows, failed };
}

async function main(): Promise<number> {
  const a = splitArgs(process.argv.slice(2));
  const e2e = await benchEndToEnd(a.e2e);
  if (e2e.result === null) return e2e.code;
  if (!a.micro) return e2e.code;
  const tcpdump = new Map<string, number>();
  for (const inp of e2e.result.inputs) {
    const t = inp.peers.find((p) => p.name === 'tcpdump');
    if (t?.status === 'ok') tcpdump.set(inp.name, t.pps / 1e6);
  }
  const m = await micro(a.packets, tcpdump);
  if (a.json) writeFileSync(a.json, JSON.stringify(m.rows, null, 2));
  if (m.failed && !a.noAssert) {
    console.error(`\n${m.failed} hot-path target(s) missed`);
    return 1;
  }
  return e2e.code;
}

process.exitCode = await main();
