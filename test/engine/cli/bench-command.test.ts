import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareResults } from '../../../bench/end-to-end/compare.js';
import { parseResult, type BenchResult } from '../../../bench/end-to-end/result.js';
import { kwire, ROOT } from '../../helpers/kwire-cli.js';

const MINI = join(ROOT, 'samples', 'k8s-mini.pcap');
const tmp = mkdtempSync(join(tmpdir(), 'kwire-bench-cli-'));
const SMALL = ['bench', '--inputs', MINI, '--repeat', '1', '--kwire', 'tsx'];

/** kwire with its own environment (to hide the peers from PATH). */
function kwireEnv(args: string[], env: NodeJS.ProcessEnv): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'engine', 'cli', 'main.ts'), ...args], { cwd: ROOT, encoding: 'utf8', env });
}

const workersListed = /--workers/.test(kwire(['inspect', '--help']).stdout);
let saved: BenchResult;
const savedFile = join(tmp, 'saved.json');

test('kwire bench on a small capture: table, targets, --save with every figure; exit 1 iff a target missed', () => {
  const r = kwire([...SMALL, '--save', savedFile]);
  saved = parseResult(readFileSync(savedFile, 'utf8'), savedFile);
  const missed = saved.targets.filter((t) => t.status === 'fail').length;
  assert.is(r.status, missed ? 1 : 0, r.stdout + r.stderr);
  if (missed) assert.match(r.stdout, `\n${missed} target(s) missed\n`);
  assert.is(saved.repeat, 1);
  assert.is(saved.node, process.version);
  assert.match(saved.commit, /^([0-9a-f]{12}(-dirty)?|unknown)$/);
  assert.ok(!Number.isNaN(Date.parse(saved.date)));
  assert.is(saved.kwire.workersFlag, workersListed);
  assert.is(saved.inputs.length, 1);
  const inp = saved.inputs[0];
  assert.is(inp.name, 'k8s-mini.pcap');
  assert.is(inp.packets, 2000); // samples/README.md: 2,000 frames
  for (const p of inp.kwire) {
    if (p.name !== 'default' && !workersListed) {
      assert.is(p.status, 'skipped');
      continue;
    }
    assert.is(p.status, 'ok', `${p.name}: ${p.note}`);
    assert.is(p.runs, 1);
    assert.ok(p.pps > 0 && p.peakRssMB > 20 && p.elapsedS > 0 && p.cpuS > 0, JSON.stringify(p));
    assert.ok(Math.abs(p.pps * p.elapsedS - 2000) < 1e-6);
    assert.ok(Math.abs(p.bps / p.pps - (inp.bytes * 8) / inp.packets) < 1e-6);
  }
  assert.equal(inp.peers.map((p) => p.name), ['tcpdump', 'ndpiReader', 'tshark']);
  for (const p of inp.peers) assert.is(p.status, 'ok', `${p.name}: ${p.note}`);
  // the table has a row for each program, peers with kwire's ratio to them
  const def = inp.kwire.find((p) => p.name === 'default')!;
  for (const p of inp.peers) {
    assert.match(r.stdout, `| k8s-mini.pcap | ${p.name} | ${(p.pps / 1e6).toFixed(3)} |`);
    assert.ok(r.stdout.includes(`| ${(def.pps / p.pps).toFixed(2)} |`), p.name);
  }
  assert.match(r.stdout, /tshark +tshark -r FILE -Y 'tls.handshake.type==1' -T fields -e tls.handshake.extensions_server_name/);
  // three targets, the printed verdicts are the saved ones
  const lines = r.stdout.split('\n').filter((l) => /^(PASS|FAIL|SKIP) {2}/.test(l));
  assert.is(lines.length, 3);
  assert.equal(lines.map((l) => l.slice(0, 4).toLowerCase().replace('skip', 'skipped')), saved.targets.map((t) => t.status));
});

test('a peer not installed is reported missing and its target skipped; --no-assert never fails on targets', () => {
  const r = kwireEnv([...SMALL, '--no-assert', '--save', join(tmp, 'nopeers.json')], { ...process.env, PATH: '/nonexistent' });
  assert.is(r.status, 0, r.stdout + r.stderr);
  const result = parseResult(readFileSync(join(tmp, 'nopeers.json'), 'utf8'), 'nopeers.json');
  for (const p of result.inputs[0].peers) {
    assert.is(p.status, 'missing');
    assert.match(p.note, /^peer missing: \S+ not installed \(Debian package \S+\)$/);
  }
  assert.match(r.stdout, /\| k8s-mini\.pcap \| ndpiReader \(peer missing: ndpiReader not installed \(Debian package libndpi-bin\)\) \|/);
  assert.match(r.stdout, /SKIP {2}k8s-mini\.pcap: default ≥ 1\.5× ndpiReader packets\/s: ndpiReader missing/);
  if (result.targets.some((t) => t.status === 'fail')) assert.match(r.stdout, /target\(s\) missed \(--no-assert: not failing\)/);
});

test('--baseline: a much slower, bigger baseline passes; one twice as fast and half the size fails, naming what regressed', () => {
  const slower = structuredClone(saved);
  // a tenth of the speed: the shared machine can slow one run several-fold, not ten-fold
  for (const p of slower.inputs[0].kwire) { p.pps /= 10; p.bps /= 10; p.peakRssMB *= 2; }
  writeFileSync(join(tmp, 'slower.json'), JSON.stringify(slower));
  const ok = kwire([...SMALL, '--peers', 'none', '--no-assert', '--baseline', join(tmp, 'slower.json')]);
  assert.is(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /\nno regression\n/);
  assert.match(ok.stdout, /\| k8s-mini\.pcap \| kwire default \| pps \| [\d.]+ Mpps \| [\d.]+ Mpps \| \+\d/);

  const faster = structuredClone(saved);
  for (const p of faster.inputs[0].kwire) { p.pps *= 2; p.bps *= 2; p.peakRssMB /= 2; }
  writeFileSync(join(tmp, 'faster.json'), JSON.stringify(faster));
  const curFile = join(tmp, 'current.json');
  const bad = kwire([...SMALL, '--peers', 'none', '--no-assert', '--baseline', join(tmp, 'faster.json'), '--save', curFile]);
  assert.is(bad.status, 1, bad.stdout + bad.stderr);
  // what it printed is exactly what the comparison of the two saved files finds
  const expected = compareResults(faster, parseResult(readFileSync(curFile, 'utf8'), curFile)).regressions;
  const printed = bad.stdout.split('\n').filter((l) => l.startsWith('REGRESSION '));
  assert.is(printed.length, expected.length);
  for (const r of expected) {
    assert.ok(printed.some((l) => l.startsWith(`REGRESSION k8s-mini.pcap kwire ${r.program}: ${r.metric === 'pps' ? 'packets/s -' : 'peak RSS +'}`)), JSON.stringify(r));
  }
  // half the memory is a regression whatever the machine's speed; twice the speed, unless it sped up 1.8×
  assert.match(bad.stdout, /REGRESSION k8s-mini\.pcap kwire default: peak RSS \+\d+\.\d%/);
  assert.ok(expected.some((r) => r.program === 'default' && r.metric === 'pps') ||
    parseResult(readFileSync(curFile, 'utf8'), curFile).inputs[0].kwire.find((p) => p.name === 'default')!.pps >= 1.8 * saved.inputs[0].kwire.find((p) => p.name === 'default')!.pps);
  assert.not.match(bad.stdout, /no regression/);
});

test('a kwire run that fails is shown with its error and fails the bench, --no-assert or not', () => {
  // workers that cannot start (the worker engine's own fault injection); --workers 0 has none
  const r = kwireEnv([...SMALL, '--peers', 'none', '--no-assert'], { ...process.env, KWIRE_FAULT_INJECT: 'worker-start' });
  if (!workersListed) {
    assert.is(r.status, 0, r.stdout + r.stderr);
    return;
  }
  assert.is(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stdout, /\| k8s-mini\.pcap \| kwire default \(exit 1: .*worker 0 cannot start: fault injected at start/);
  assert.match(r.stdout, /\| k8s-mini\.pcap \| kwire workers=0 \| [\d.]+ \|/);
  assert.match(r.stdout, /\nkwire failed: k8s-mini\.pcap workers=1, k8s-mini\.pcap default, k8s-mini\.pcap workers=2\n/);
});

test('--baseline that compares nothing, or is not a result, fails; a bad one before any measuring', () => {
  const other = structuredClone(saved);
  other.inputs[0].name = 'another.pcap';
  writeFileSync(join(tmp, 'other.json'), JSON.stringify(other));
  const none = kwire([...SMALL, '--peers', 'none', '--no-assert', '--baseline', join(tmp, 'other.json')]);
  assert.is(none.status, 1);
  assert.match(none.stdout, /not compared: k8s-mini\.pcap: not in the baseline/);
  assert.match(none.stdout, /nothing compared/);

  writeFileSync(join(tmp, 'garbage.json'), '{"inputs": 3');
  const garbage = kwire([...SMALL, '--baseline', join(tmp, 'garbage.json')]);
  assert.is(garbage.status, 1);
  assert.match(garbage.stderr, /garbage\.json: not a kwire bench result \(invalid JSON.*\[KWIRE_ERR_BENCH_RESULT\]/);
  assert.not.match(garbage.stderr, /run 1\/1/);
  const missing = kwire([...SMALL, '--baseline', join(tmp, 'missing.json')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /missing\.json: baseline not found/);
});

test('usage errors exit 2; a missing input exits 1 with its name', () => {
  assert.is(kwire(['bench', '--repeat', '0']).status, 2);
  assert.is(kwire(['bench', '--peers', 'snort']).status, 2);
  assert.is(kwire(['bench', '--kwire', 'java']).status, 2);
  assert.is(kwire(['bench', '--frobnicate']).status, 2);
  const help = kwire(['bench', '--help']);
  assert.is(help.status, 0);
  assert.match(help.stdout, /--baseline FILE/);
  const r = kwire(['bench', '--inputs', join(tmp, 'nope.pcap'), '--peers', 'none']);
  assert.is(r.status, 1);
  assert.match(r.stderr, /nope\.pcap: no such capture .*\[KWIRE_ERR_BENCH_INPUT\]/);
});

test.run();
