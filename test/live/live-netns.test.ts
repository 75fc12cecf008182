// kwire live acceptance, as root: real servers (openssl s_server, python http.server on
// 169.254.169.254, socat on 10250 and 6443) and clients (curl, socat) in two network namespaces;
// `kwire live` captures on the client's veth with each available backend and the default policy,
// on one thread (--workers 0) and on two worker threads (--workers 2), and must raise the same
// metadata-api, control-plane-exposure and blocked-destination alerts within seconds, lose no
// packet (per-worker packets adding up to the capture), serve its counters over HTTP, survive a
// broken policy on SIGHUP, switch to a fixed one (a rule that fires only after the reload) and
// flush flows and records on SIGTERM (exit 0).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/paths.js';
import { ndjson } from '../helpers/kwire-cli.js';
import { IMDS_IP, NetnsPair, OUTSIDE_IP, POD_IP, SERVER_OUTSIDE_IP, SERVER_POD_NET_IP, netnsUnavailable } from './netns.js';

const why = netnsUnavailable();
if (why !== '') console.log(`live netns tests skipped: ${why}`);
const MINER_SNI = 'supportxmr.com'; // rules/default/lists/miner-pools.txt → miner-pool-tls-sni
const SID = { imds: 1002001, awsCreds: 1002009, kubelet: 1000003, apiServer: 1000001, minerSni: 1004003, reloaded: 9990001 };
/** A rule appended to the policy on SIGHUP: kubelet connections from anywhere. */
const RELOAD_RULE = ['', '  - name: reload-marker', `    sid: ${SID.reloaded}`, '    rev: 1', '    severity: 3', '    category: disallowed-port',
  '    msg: "kubelet port (rule added by a reload)"', '    match:', '      protocol: tcp', '      dst_port: 10250', '      flow: [new, to_server]', ''].join('\n');
/** Alerts of the first traffic by backend and worker count: each run must raise the same. */
const firstAlerts = new Map<string, string>();

let net: NetnsPair | null = null;

/** `kwire live` in the client namespace, its stderr collected. */
class LiveProcess {
  readonly child: ChildProcess;
  stderr = '';
  exit: Promise<number | null>;

  constructor(n: NetnsPair, args: string[]) {
    this.child = n.start(n.cli, [process.execPath, '--import', 'tsx', join(ROOT, 'engine/cli/main.ts'), 'live', ...args]);
    this.child.stderr!.on('data', (d: Buffer) => { this.stderr += d.toString(); });
    this.child.stdout!.resume();
    this.exit = new Promise((resolve) => this.child.on('exit', (code) => resolve(code)));
  }

  /** Wait for a line on stderr; null when the process ended first or `ms` passed. */
  async waitStderr(re: RegExp, ms = 20000): Promise<RegExpExecArray | null> {
    const until = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.stderr);
      if (m) return m;
      if (this.child.exitCode !== null || Date.now() > until) return null;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function records(file: string): Record<string, any>[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  return ndjson(text.slice(0, text.lastIndexOf('\n') + 1)); // a line being written is left out
}

function sids(file: string): number[] {
  return records(file).filter((r) => r.event_type === 'alert').map((r) => r.alert.signature_id);
}

async function waitFor(cond: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
  return true;
}

test.before(async () => {
  if (why !== '') return;
  const n = (net = new NetnsPair());
  const d = n.dir;
  execOk(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${MINER_SNI}`,
    '-addext', `subjectAltName=DNS:${MINER_SNI}`, '-keyout', join(d, 'tls.key'), '-out', join(d, 'tls.crt')]);
  mkdirSync(join(d, 'www/latest/meta-data/iam/security-credentials'), { recursive: true });
  writeFileSync(join(d, 'www/latest/meta-data/iam/security-credentials/index.html'), 'kwire-test-role\n');
  n.start(n.srv, ['openssl', 's_server', '-quiet', '-www', '-accept', '443', '-cert', join(d, 'tls.crt'), '-key', join(d, 'tls.key')]);
  n.start(n.srv, ['python3', '-m', 'http.server', '80', '--bind', IMDS_IP, '--directory', join(d, 'www')]);
  n.start(n.srv, ['socat', 'TCP-LISTEN:10250,reuseaddr,fork', 'PIPE']);
  n.start(n.srv, ['socat', 'TCP-LISTEN:6443,reuseaddr,fork', 'PIPE']);
  for (const port of [443, 80, 10250, 6443]) await n.waitListening(n.srv, port);
  // the policy kwire runs: a copy of the default one (with its lists), so SIGHUP can be tried on it
  cpSync(join(ROOT, 'rules/default'), join(d, 'policy'), { recursive: true });
  // ARP warm-up before any capture starts
  n.exec(n.cli, ['curl', '-s', '-m', '5', '-o', '/dev/null', `http://${IMDS_IP}/`]);
});

test.after(() => {
  net?.cleanup();
  net = null;
});

function execOk(argv: string[]): void {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} failed: ${r.stderr}`);
}

/** The traffic every scenario expects alerts for. */
function traffic(n: NetnsPair): void {
  // blocked destination: TLS with a mining pool's name as SNI
  n.exec(n.cli, ['curl', '-sS', '-k', '-m', '5', '-o', '/dev/null', '--resolve', `${MINER_SNI}:443:${SERVER_POD_NET_IP}`, `https://${MINER_SNI}/`]);
  // metadata API: a pod asks IMDS for IAM credentials
  n.exec(n.cli, ['curl', '-sS', '-m', '5', '-o', '/dev/null', `http://${IMDS_IP}/latest/meta-data/iam/security-credentials/`]);
  // control plane reached from outside the cluster and the trusted sources: kubelet and API server
  for (const port of [10250, 6443]) controlPlane(n, port);
}

/** A connection from outside the cluster to the server's control-plane `port`. */
function controlPlane(n: NetnsPair, port: number): void {
  n.exec(n.cli, ['socat', '-T2', '-', `TCP:${SERVER_OUTSIDE_IP}:${port},bind=${OUTSIDE_IP}`], 'GET /pods HTTP/1.0\r\n\r\n');
}

/** Backend, workers, --fanout (native with 2 workers: a socket per worker by default, or capture on the main thread). */
const RUNS = [['libpcap', 0, ''], ['libpcap', 2, ''], ['native', 0, ''], ['native', 2, 'off'], ['native', 2, '']] as const;

for (const [backend, workers, fanoutFlag] of RUNS) {
  const fanout = backend === 'native' && workers >= 2 && fanoutFlag !== 'off';
  test(`kwire live --capture ${backend} --workers ${workers}${fanoutFlag === '' ? '' : ` --fanout ${fanoutFlag}`}: alerts within seconds, no packet lost, metrics, SIGHUP, SIGTERM`, async () => {
    if (why !== '' || net === null) return;
    const n = net;
    const eve = join(n.dir, `eve-${backend}-${workers}-${fanout}.json`);
    const policy = join(n.dir, 'policy/policy.yaml');
    const good = readFileSync(policy, 'utf8');
    const k = new LiveProcess(n, ['--iface', n.cliIf, '--capture', backend, '--workers', String(workers), ...(fanoutFlag === '' ? [] : ['--fanout', fanoutFlag]), '--policy', policy, '--out', eve,
      '--events', 'alert,flow', '--stats-interval', '1', '--metrics', '127.0.0.1:0', '--node-name', 'kw-test-node']);
    try {
      const started = await k.waitStderr(/capturing on (\S+) with (\S+) (on one thread|and (\d+) worker threads?)(, one socket each in PACKET_FANOUT group \d+)?/);
      if (started === null) {
        await k.exit;
        if (backend === 'native' && /KWIRE_ERR_NATIVE_UNAVAILABLE/.test(k.stderr)) {
          console.log(`native backend not available here, its live test skipped: ${k.stderr.trim()}`);
          return;
        }
        assert.unreachable(`kwire live did not start: ${k.stderr}`);
      }
      assert.is(started![2], backend);
      assert.is(Number(started![4] ?? 0), workers);
      assert.is(started![5] !== undefined, fanout, started![0]);
      const port = Number((await k.waitStderr(/metrics on http:\/\/127\.0\.0\.1:(\d+)\/metrics/))![1]);
      const before = n.vethPackets();

      const t0 = Date.now();
      traffic(n);
      const all = [SID.imds, SID.awsCreds, SID.kubelet, SID.apiServer, SID.minerSni];
      const seen = await waitFor(() => all.every((s) => sids(eve).includes(s)), 10000);
      assert.ok(seen, `expected sids ${all} within 10 s of the traffic, got ${sids(eve)}; stderr: ${k.stderr}`);
      console.log(`  ${backend}, --workers ${workers}${fanout ? ' (fanout)' : ''}: all five alerts ${Date.now() - t0} ms after the traffic started`);
      const alerts = records(eve).filter((r) => r.event_type === 'alert');
      // the same alerts on one thread and on workers: rule, addresses, ports, once each
      await new Promise((r) => setTimeout(r, 300));
      const summary = records(eve).filter((r) => r.event_type === 'alert')
        .map((a) => `${a.alert.signature_id} ${a.src_ip} ${a.dest_ip}:${a.dest_port}`).sort().join('\n');
      if (firstAlerts.has(backend)) assert.is(summary, firstAlerts.get(backend), `--workers ${workers} raised other alerts than --workers 0`);
      else firstAlerts.set(backend, summary);
      const bySid = (s: number) => alerts.find((a) => a.alert.signature_id === s)!;
      assert.is(bySid(SID.imds).alert.category, 'metadata-api');
      assert.is(bySid(SID.imds).src_ip, POD_IP);
      assert.is(bySid(SID.imds).dest_ip, IMDS_IP);
      assert.is(bySid(SID.kubelet).alert.category, 'control-plane-exposure');
      assert.is(bySid(SID.kubelet).src_ip, OUTSIDE_IP);
      assert.is(bySid(SID.kubelet).dest_port, 10250);
      assert.is(bySid(SID.apiServer).dest_port, 6443);
      assert.is(bySid(SID.minerSni).alert.category, 'blocked-destination');
      assert.is(bySid(SID.minerSni).tls.sni, MINER_SNI);
      for (const a of alerts) {
        assert.is(a.in_iface, n.cliIf);
        assert.is(a.host, 'kw-test-node');
        assert.ok(Math.abs(Date.parse(a.timestamp.replace('+0000', 'Z')) - Date.now()) < 60000, 'receive time, not capture-file time');
      }

      // the metrics endpoint, scraped with a real HTTP GET from inside the namespace
      const text = n.exec(n.cli, ['curl', '-sS', '-m', '5', `http://127.0.0.1:${port}/metrics`]);
      const metric = (name: string): number => {
        const m = new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text);
        assert.ok(m, `${name} in the scrape`);
        return Number(m![1]);
      };
      assert.ok(metric('kwire_alerts_total') >= 5);
      assert.ok(metric(`kwire_capture_packets_total{backend="${backend}"}`) > 20);
      assert.ok(metric('kwire_decoder_total{counter="tcp"}') > 20);
      assert.is(metric('kwire_decode_events_total{event="ipv4.trunc_pkt"}'), 0);
      assert.ok(metric('kwire_flows_active') >= 4);
      for (let w = 0; w < Math.max(1, workers); w++) assert.ok(metric(`kwire_worker_packets_total{worker="${w}"}`) >= 0);
      assert.match(text, /^process_resident_memory_bytes \d+/m);

      // SIGHUP with a broken policy: logged, the old policy keeps alerting
      writeFileSync(policy, good + '\n  - name: broken\n    sid: [\n');
      k.child.kill('SIGHUP');
      assert.ok(await k.waitStderr(/SIGHUP: policy not reloaded, the previous one stays in force: .*policy\.yaml/, 10000), k.stderr);
      const credsBefore = sids(eve).filter((s) => s === SID.awsCreds).length;
      n.exec(n.cli, ['curl', '-sS', '-m', '5', '-o', '/dev/null', `http://${IMDS_IP}/latest/meta-data/iam/security-credentials/`]);
      assert.ok(await waitFor(() => sids(eve).filter((s) => s === SID.awsCreds).length > credsBefore, 10000), 'still alerting after the failed reload');
      // a fixed policy with one more rule: it fires on the next kubelet connection, not before
      assert.not.ok(sids(eve).includes(SID.reloaded));
      writeFileSync(policy, good + RELOAD_RULE);
      k.child.kill('SIGHUP');
      assert.ok(await k.waitStderr(/SIGHUP: policy reloaded/, 10000), k.stderr);
      controlPlane(n, 10250);
      assert.ok(await waitFor(() => sids(eve).includes(SID.reloaded), 10000), `rule of the reloaded policy: ${sids(eve)}`);
      assert.not.match(k.stderr, /kept its previous policy/);
      assert.is(k.child.exitCode, null, 'still running');

      // every packet the veth carried was captured (the kernel's interface counters as the oracle)
      await new Promise((r) => setTimeout(r, 500));
      // at least one interval stats event (--stats-interval 1) before the one at exit: a quiet
      // machine gets through the scenario in under a second
      for (let t = 0; t < 50 && !records(eve).some((r) => r.event_type === 'stats'); t++) await new Promise((r) => setTimeout(r, 100));
      const carried = n.vethPackets() - before;
      k.child.kill('SIGTERM');
      assert.is(await k.exit, 0, k.stderr);
      const recs = records(eve);
      const last = recs[recs.length - 1];
      assert.is(last.event_type, 'stats', 'a last stats event at exit');
      assert.is(last.host, 'kw-test-node');
      const cap = last.stats.capture;
      assert.is(cap.backend, backend);
      assert.is(cap.packets, carried, `captured ${cap.packets} of the ${carried} packets on the veth`);
      assert.is(cap.batch_drops, 0);
      assert.is(cap.kernel_drops, 0);
      if (cap.kernel_counters) assert.is(cap.kernel_packets, carried);
      assert.is(last.stats.policy.reloads, 1);
      assert.is(last.stats.policy.reload_failures, 1);
      // per-thread packets add up to what was captured
      const threads = Object.values(last.stats.workers) as { packets: number; pkts_per_s: number }[];
      assert.is(threads.length, Math.max(1, workers));
      assert.is(threads.reduce((a, t) => a + t.packets, 0), cap.packets, JSON.stringify(last.stats.workers));
      if (workers === 2) {
        assert.ok(threads.every((t) => t.packets > 0), `both workers got a share: ${JSON.stringify(last.stats.workers)}`);
        assert.equal(last.stats.dispatcher, { workers: 2, fanout, restarts: 0, lost_packets: 0 });
      }
      assert.is(last.stats.decoder.pkts, cap.packets);
      const statsTimes = recs.filter((r) => r.event_type === 'stats').map((r) => r.stats.uptime);
      assert.ok(statsTimes.length >= 2 && statsTimes.every((u, i) => i === 0 || u >= statsTimes[i - 1]), `a stats event a second and one at exit: ${statsTimes}`);
      // SIGTERM flushed the flows: the metadata flow's record, ended by the shutdown
      const flows = recs.filter((r) => r.event_type === 'flow');
      const imds = flows.find((f) => f.dest_ip === IMDS_IP && f.dest_port === 80 && f.flow.alerted);
      assert.ok(imds, 'flow record of the metadata connection');
      assert.is(imds!.flow.reason, 'shutdown');
      assert.ok(flows.length >= 5);
    } finally {
      if (k.child.exitCode === null) k.child.kill('SIGKILL');
      writeFileSync(policy, good);
    }
  });
}

test('kwire live: an unknown interface and a bad filter exit 1 naming the cause; bad --fanout and --workers exit 2', () => {
  if (why !== '' || net === null) return;
  const n = net;
  const main = join(ROOT, 'engine/cli/main.ts');
  const r1 = n.tryExec(n.cli, [process.execPath, '--import', 'tsx', main, 'live', '--iface', 'kwnope0', '--capture', 'libpcap']);
  assert.is(r1.status, 1);
  assert.match(r1.stderr, /no interface "kwnope0".*available: .*kv\w+c/);
  assert.match(r1.stderr, /KWIRE_ERR_CAPTURE_IFACE/);
  const r2 = n.tryExec(n.cli, [process.execPath, '--import', 'tsx', main, 'live', '--iface', n.cliIf, '--capture', 'libpcap', '--bpf', 'port 99999']);
  assert.is(r2.status, 1);
  assert.match(r2.stderr, /bad --bpf filter "port 99999"/);
  assert.match(r2.stderr, /KWIRE_ERR_CAPTURE_BPF/);
  const r3 = n.tryExec(n.cli, [process.execPath, '--import', 'tsx', main, 'live', '--iface', n.cliIf, '--capture', 'libpcap', '--fanout', 'on']);
  assert.is(r3.status, 2);
  assert.match(r3.stderr, /--fanout on needs the native backend/);
  const r4 = n.tryExec(n.cli, [process.execPath, '--import', 'tsx', main, 'live', '--iface', n.cliIf, '--workers', '300']);
  assert.is(r4.status, 2);
  assert.match(r4.stderr, /--workers must be an integer 0\.\.255/);
});

test.run();
