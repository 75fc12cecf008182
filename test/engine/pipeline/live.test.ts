// The live loop (engine/pipeline/live.ts) on a real libpcap capture of loopback TCP connections to
// ports of our own: a policy reload changes which rule fires from the next batch on, a reload that
// does not compile keeps the old rules, records carry "host", and stop() flushes flows and stats.
// Needs root (CAP_NET_RAW), as CI runs.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, connect, type Server } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibpcapSource, libpcapUnavailable } from '../../../engine/capture/libpcap.js';
import { LiveRun } from '../../../engine/pipeline/live.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { PolicyMatcher } from '../../../rules/match/policy-matcher.js';
import { ndjson } from '../../helpers/kwire-cli.js';

const usable = process.getuid?.() === 0 && libpcapUnavailable() === '';
if (!usable) console.log('live loop tests skipped: needs root and the cap module');
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
  const t = readFileSync(file, 'utf8');
  return ndjson(t.slice(0, t.lastIndexOf('\n') + 1)).filter((r) => r.event_type === 'alert').map((r) => r.alert.signature_id);
}

async function until(cond: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!cond() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return cond();
}

test('reload swaps the rules between batches; a broken policy keeps them; stop flushes', async () => {
  if (!usable) return;
  const dir = mkdtempSync(join(tmpdir(), 'kwire-live-loop-'));
  const servers: Server[] = [];
  const policyFile = join(dir, 'policy.yaml');
  const eve = join(dir, 'eve.json');
  writeFileSync(policyFile, policyYaml(P1, 9900001));
  const log: string[] = [];
  const source = new LibpcapSource({ ifaces: ['lo'], bpf: `tcp port ${P1} or tcp port ${P2}`, promiscuous: true });
  const run = new LiveRun({
    source, out: eve, statsIntervalS: 0, nodeName: 'node-7',
    spec: {
      decoder: { vxlanPorts: [4789], genevePorts: [6081], maxTunnelDepth: 4 },
      flow: { maxFlows: 1024, tcp: flowDefaults.tcp, udp: flowDefaults.udp, other: flowDefaults.other, hashSeed: 0 },
      reassembly: { streamDepth: 32768, memcap: 1 << 24 },
      events: ['alert', 'flow'], format: 'eve', alertPorts: null, policy: null,
    },
    policy: compile(policyFile),
    stats: true,
    loadPolicy: () => compile(policyFile),
    log: (l) => log.push(l),
  });
  const done = run.run();
  try {
    for (const port of [P1, P2]) {
      const srv = createServer((s) => s.resume().on('end', () => s.end())).listen(port, '127.0.0.1');
      servers.push(srv);
      await new Promise((r) => srv.once('listening', r));
    }
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
    run.stop();
    const result = await done;
    for (const s of servers) s.close();
    const recs = ndjson(readFileSync(eve, 'utf8'));
    rmSync(dir, { recursive: true, force: true });
    assert.is(result.inputError, null);
    assert.is(result.outputError, null);
    assert.ok(recs.every((r) => r.host === 'node-7'), 'host on every record');
    const flows = recs.filter((r) => r.event_type === 'flow');
    assert.is(flows.length, 5, 'every connection flushed as a flow record');
    assert.is(recs[recs.length - 1].event_type, 'stats');
    assert.is(recs[recs.length - 1].stats.policy.reloads, 1);
    assert.is(recs[recs.length - 1].stats.policy.reload_failures, 1);
    assert.is(result.snapshot.capture.packets, result.snapshot.workers[0].packets);
  }
});

test.run();
