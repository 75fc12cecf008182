// Scenarios of the live loop (engine/pipeline/live.ts) on a real capture of loopback TCP
// connections to ports of our own (libpcap on the main thread, or native PACKET_FANOUT sockets in
// the workers): a policy reload changes which rule fires from the next batch on, a reload that does
// not compile keeps the old rules, records carry "host", idle flows end on the wall clock without
// traffic, per-worker packets add up to the capture, and stop() flushes flows and stats. Needs root
// (CAP_NET_RAW), as CI runs. live.test.ts and live-fanout.test.ts register them for their modes,
// each in a process of its own (test/run.mjs): tsx's loader in worker threads can hang when one
// process starts many TypeScript workers of both kinds (compiled workers do not: 36 runs in a row).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type Server } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibpcapSource, libpcapUnavailable } from '../../../engine/capture/libpcap.js';
import { LiveRun } from '../../../engine/pipeline/live.js';
import { loadAfPacketAddon } from '../../../native/addon.js';
import type { EngineSpec } from '../../../engine/pipeline/engine-spec.js';
import { FlowConfig, type FlowTimeouts } from '../../../engine/flow/flow-config.js';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { ndjson } from '../../helpers/kwire-cli.js';

const usable = process.getuid?.() === 0 && libpcapUnavailable() === '';
if (!usable) console.log('live loop tests skipped: needs root and the cap module');
const nativeUsable = usable && nativeAddonLoads();
if (usable && !nativeUsable) console.log('live loop tests with PACKET_FANOUT skipped: the native addon is not built');

function nativeAddonLoads(): boolean {
  try {
    loadAfPacketAddon();
    return true;
  } catch {
    return false;
  }
}
const P1 = 30000 + (process.pid % 15000);
const P2 = P1 + 1;
const flowDefaults = new FlowConfig({});

function policyYaml(port: number, sid: number): string {
  return ['version: 1', 'cluster:', '  pod_cidrs: [10.244.0.0/16]', '  service_cidrs: [10.96.0.0/12]', 'rules:',
    `  - name: port-${port}`, `    sid: ${sid}`, '    rev: 1', '    severity: 2', '    category: disallowed-port',
    `    msg: "connection to ${port}"`, '    match:', '      protocol: tcp', `      dst_port: ${port}`, '      flow: [new, to_server]', ''].join('\n');
}

function compile(path: string): PolicyMatcher {
  const p = loadPolicy(path);
  return new PolicyMatcher(compilePolicy(p), p.cluster);
}

async function connectTo(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => { s.end('hello'); });
    s.on('close', () => resolve());
    s.on('error', reject);
  });
}

function sids(file: string): number[] {
  const t = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return ndjson(t.slice(0, t.lastIndexOf('\n') + 1)).filter((r) => r.event_type === 'alert').map((r) => r.alert.signature_id);
}

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

function spec(policyFile: string, tcp: FlowTimeouts = flowDefaults.tcp): EngineSpec {
  return {
    decoder: { vxlanPorts: [4789], genevePorts: [6081], maxTunnelDepth: 4 },
    flow: { maxFlows: 1024, tcp, udp: flowDefaults.udp, other: flowDefaults.other, hashSeed: 0 },
    reassembly: { streamDepth: 32768, memcap: 1 << 24 },
    events: ['alert', 'flow'], format: 'eve', alertPorts: null, policy: { path: policyFile, profileFlags: {}, suricata: [] },
  };
}

/**
 * A LiveRun on `lo` filtered to P1 and P2, with servers on both ports: libpcap on this thread,
 * or with `fanout` native sockets in the workers.
 */
async function start(workers: number, fanout: boolean, tcp?: FlowTimeouts) {
  const dir = mkdtempSync(join(tmpdir(), 'kwire-live-loop-'));
  const policyFile = join(dir, 'policy.yaml');
  const eve = join(dir, 'eve.json');
  writeFileSync(policyFile, policyYaml(P1, 9900001));
  const log: string[] = [];
  const bpf = `tcp port ${P1} or tcp port ${P2}`;
  const run = new LiveRun({
    source: fanout ? null : new LibpcapSource({ ifaces: ['lo'], bpf, promiscuous: true, shared: workers > 0 }),
    fanout: fanout ? { ifaces: ['lo'], bpf, promiscuous: false, group: (process.pid + 7) & 0xffff } : undefined,
    out: eve, statsIntervalS: 0, nodeName: 'node-7', workers,
    spec: spec(policyFile, tcp),
    policy: compile(policyFile),
    stats: true,
    loadPolicy: () => compile(policyFile),
    log: (l) => log.push(l),
  });
  await run.ready();
  const done = run.run();
  const servers: Server[] = [];
  for (const port of [P1, P2]) {
    const srv = createServer((s) => s.resume().on('end', () => s.end())).listen(port, '127.0.0.1');
    servers.push(srv);
    await new Promise((r) => srv.once('listening', r));
  }
  const stop = async () => {
    run.stop();
    const result = await done;
    for (const s of servers) s.close();
    const recs = ndjson(readFileSync(eve, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    return { result, recs };
  };
  return { run, policyFile, eve, log, stop };
}

/** Register the scenarios for each [workers, fanout] mode. */
export function liveLoopTests(modes: readonly (readonly [number, boolean])[]): void {
  for (const [workers, fanout] of modes) {
    const name = `--workers ${workers}${fanout ? ' with PACKET_FANOUT' : ''}`;
    test(`${name}: reload swaps the rules between batches; a broken policy keeps them; stop flushes`, async () => {
      if (!usable) return;
      if (fanout && !nativeUsable) return;
      const { run, policyFile, eve, log, stop } = await start(workers, fanout);
      try {
        await connectTo(P1);
        await connectTo(P2);
        assert.ok(await until(() => sids(eve).includes(9900001)), 'first policy fires on P1');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(sids(eve), [9900001], 'and not on P2');

        writeFileSync(policyFile, 'version: 1\nrules: [\n');
        run.requestReload();
        assert.ok(await until(() => log.some((l) => l.includes('policy not reloaded'))), log.join('\n'));
        assert.match(log.find((l) => l.includes('policy not reloaded'))!, /policy\.yaml/);
        await connectTo(P1);
        assert.ok(await until(() => sids(eve).filter((s) => s === 9900001).length === 2), 'old rules still in force');

        writeFileSync(policyFile, policyYaml(P2, 9900002));
        run.requestReload();
        assert.ok(await until(() => log.includes('SIGHUP: policy reloaded')), log.join('\n'));
        await connectTo(P1);
        await connectTo(P2);
        assert.ok(await until(() => sids(eve).includes(9900002)), 'new policy fires on P2');
        await new Promise((r) => setTimeout(r, 300));
        assert.equal(sids(eve), [9900001, 9900001, 9900002], 'and no longer on P1');
      } finally {
        const { result, recs } = await stop();
        assert.is(result.inputError, null);
        assert.is(result.outputError, null);
        assert.ok(recs.every((r) => r.host === 'node-7'), 'host on every record');
        const flows = recs.filter((r) => r.event_type === 'flow');
        assert.is(flows.length, 5, 'every connection flushed as a flow record');
        assert.is(recs[recs.length - 1].event_type, 'stats');
        assert.is(recs[recs.length - 1].stats.policy.reloads, 1);
        assert.is(recs[recs.length - 1].stats.policy.reload_failures, 1);
        const w = result.snapshot.workers;
        assert.is(w.length, Math.max(1, workers));
        assert.is(w.reduce((a, x) => a + x.packets, 0), result.snapshot.capture.packets, 'per-thread packets add up to the capture');
        assert.ok(result.snapshot.capture.packets >= 40, `${result.snapshot.capture.packets} packets`);
        const st = recs[recs.length - 1].stats;
        assert.is(Object.keys(st.workers).length, Math.max(1, workers));
        assert.is(st.decoder.pkts, result.snapshot.capture.packets);
        if (workers > 0) assert.equal(st.dispatcher, { workers, fanout, restarts: 0, lost_packets: 0 });
      }
    });

    test(`${name}: an idle flow ends on the wall clock, without traffic after it`, async () => {
      if (!usable) return;
      if (fanout && !nativeUsable) return;
      const { eve, stop } = await start(workers, fanout, { new: 1, established: 1, closed: 1 });
      let recs: Record<string, any>[] = [];
      try {
        await connectTo(P1);
        const closedAt = Date.now();
        const flowRecs = (): Record<string, any>[] => {
          const t = existsSync(eve) ? readFileSync(eve, 'utf8') : '';
          return ndjson(t.slice(0, t.lastIndexOf('\n') + 1)).filter((r) => r.event_type === 'flow');
        };
        assert.ok(await until(() => flowRecs().length === 1, 6000), 'the flow record comes while nothing is captured');
        const f = flowRecs()[0];
        assert.is(f.flow.reason, 'timeout');
        assert.is(f.dest_port, P1);
        assert.ok(Date.now() - closedAt >= 900, 'not before its 1 s timeout');
      } finally {
        ({ recs } = await stop());
      }
      assert.is(recs.filter((r) => r.event_type === 'flow').length, 1, 'ended once, nothing left for the shutdown');
      assert.is(recs[recs.length - 1].stats.flow.timed_out, 1);
    });
  }
}
