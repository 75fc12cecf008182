// The worker engine end to end: byte-identical records for any worker count, a crashed worker
// restarted with its in-flight packets counted as lost, and a bounded number of batches in flight.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kwire, ndjson } from '../../helpers/kwire-cli.js';
import { ROOT, SHARED_FILES } from '../../helpers/paths.js';
import { MAX_IN_FLIGHT } from '../../../engine/pipeline/dispatcher.js';

const POLICY = join(ROOT, 'rules', 'default', 'policy.yaml');

function records(file: string, workers: number): string {
  const r = kwire(['inspect', file, '--policy', POLICY, '--events', 'all', '--out', '-', '--quiet', '--workers', String(workers)]);
  assert.is(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '' && !l.includes('"event_type":"stats"')).join('\n');
}

const FILES = [
  join(ROOT, 'samples', 'netns', 'k8s-real.pcap'), // every default-policy category, real traffic
  join(ROOT, 'samples', 'netns', 'k8s-vxlan.pcap'), // tunnelled pods
  join(SHARED_FILES, 'mercury', 'capture2.pcap'), // one source to many NodePorts: limit by src across workers
  join(SHARED_FILES, 'pcapplusplus', 'ip-frag.pcap'), // IPv4 fragments
  join(SHARED_FILES, 'zeek', 'erspan.pcap'), // ERSPAN whose outer GRE datagrams are fragmented
];

for (const file of FILES) {
  test(`--workers 0, 1, 2, 4 give byte-identical records: ${file.split('/').slice(-2).join('/')}`, () => {
    const one = records(file, 0);
    assert.ok(one.split('\n').length > 5);
    for (const n of [1, 2, 4]) assert.is(records(file, n), one, `--workers ${n}`);
  });
}

test('the frames really spread: with 4 workers at least 3 get a share (stats.workers.packets)', () => {
  const r = kwire(['inspect', FILES[0], '--policy', POLICY, '--events', 'stats', '--out', '-', '--quiet', '--workers', '4']);
  const w = ndjson(r.stdout)[0].stats.workers;
  assert.is(w.packets.length, 4);
  assert.ok(w.packets.filter((n: number) => n > 0).length >= 3, JSON.stringify(w));
  assert.is(w.packets.reduce((a: number, b: number) => a + b, 0), ndjson(r.stdout)[0].stats.decoder.pkts);
});

test('stats.content (stream bytes through the automaton, TLS flows no longer scanned) adds up across workers', () => {
  const content = (workers: number) => {
    const r = kwire(['inspect', join(SHARED_FILES, 'pcapplusplus', 'tls2.pcap'), '--policy', POLICY, '--events', 'stats,alert', '--out', '-', '--quiet', '--workers', String(workers)]);
    assert.is(r.status, 0, r.stderr);
    return ndjson(r.stdout).find((e) => e.event_type === 'stats')!.stats.content;
  };
  const one = content(0);
  assert.ok(one.bytes_scanned > 100_000 && one.tls_encrypted_flows > 100, JSON.stringify(one));
  assert.equal(content(2), one);
});

test('a worker that crashes is reported and restarted; its in-flight packets are counted lost, the run goes on', () => {
  // --workers 3: worker threads 0 and 1, and share 2 inspected on the reading thread; frame 300 is in a thread's share
  const file = join(ROOT, 'samples', 'netns', 'k8s-real.pcap');
  const args = ['--import', 'tsx', join(ROOT, 'engine', 'cli', 'main.ts'), 'inspect', file, '--policy', POLICY,
    '--events', 'alert,flow,stats', '--out', '-', '--workers', '3', '--quiet'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, KWIRE_FAULT_INJECT: 'worker-crash:300' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /worker [01] crashed: fault injected at pcap_cnt 300 \(KWIRE_FAULT_INJECT\); \d+ packets in flight lost, restarting it/);
  const recs = ndjson(r.stdout);
  const stats = recs.find((x) => x.event_type === 'stats')!.stats;
  assert.is(stats.workers.restarts, 1);
  assert.ok(stats.workers.lost_packets > 0);
  const total = ndjson(records(file, 0)).length;
  assert.ok(total > 0);
  // every frame is either processed or counted lost
  const frames = Number(spawnSync('capinfos', ['-Mc', file], { encoding: 'utf8' }).stdout.match(/(\d+)\s*$/m)![1]);
  assert.is(stats.decoder.pkts + stats.workers.lost_packets, frames);
  // records after the crash still come: flows end at shutdown in both workers
  assert.ok(recs.some((x) => x.event_type === 'flow' && x.flow.reason === 'shutdown'));
});

test('workers that cannot start end the run with a clear error and exit 1, not a hang', () => {
  const args = ['--import', 'tsx', join(ROOT, 'engine', 'cli', 'main.ts'), 'inspect', join(ROOT, 'samples', 'k8s-mini.pcap'),
    '--out', '-', '--workers', '2', '--quiet'];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, KWIRE_FAULT_INJECT: 'worker-start' } });
  assert.is(r.status, 1, r.stderr);
  assert.match(r.stderr, /kwire: worker [01] cannot start: fault injected at start \(KWIRE_FAULT_INJECT=worker-start\)/);
});

test('backpressure: small batches, two workers: never more than MAX_IN_FLIGHT batches in flight, every frame processed', () => {
  const file = join(ROOT, 'samples', 'netns', 'k8s-real.pcap');
  const opts = {
    input: file, out: '/dev/null', stats: false, workers: 2, chunkSize: 4096,
    spec: {
      decoder: { vxlanPorts: [4789, 8472], genevePorts: [6081], maxTunnelDepth: 4 },
      flow: { maxFlows: 4096, tcp: { new: 60, established: 600, closed: 60 }, udp: { new: 30, established: 300, closed: 30 }, other: { new: 30, established: 300, closed: 30 }, hashSeed: 0 },
      reassembly: { streamDepth: 32768, memcap: 1 << 24 },
      events: ['alert', 'flow'], format: 'eve', alertPorts: null,
      policy: { path: POLICY, profileFlags: {}, suricata: [] },
    },
  };
  // in a process of its own, with a deadline: a stuck pipeline fails here instead of hanging the suite
  const child = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test', 'helpers', 'inspect-child.ts'), JSON.stringify(opts)],
    { cwd: ROOT, encoding: 'utf8', timeout: 180_000 });
  assert.is(child.status, 0, `${child.error?.message ?? ''} ${child.stderr}`);
  const r = JSON.parse(child.stdout) as { packets: number; lost: number; peakInFlight: number; error: string | null };
  assert.is(r.error, null);
  assert.ok(r.peakInFlight >= 2, `peak ${r.peakInFlight}`);
  assert.ok(r.peakInFlight <= MAX_IN_FLIGHT, `peak ${r.peakInFlight}`);
  assert.ok(r.packets > 1000);
  assert.is(r.lost, 0);
});

test.run();
