// deploy/: the DaemonSet, the policy ConfigMap its generator prints, and the Dockerfile, read with a
// real YAML parser (eemeli/yaml) and checked on the fields that make kwire work and stay confined.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { ROOT } from '../helpers/paths.js';
import { LIVE_HELP } from '../../engine/cli/live-command.js';
import { loadPolicy } from '../../rules/parse/policy.js';
import { compilePolicy } from '../../rules/compile/compile-policy.js';

const DIR = join(ROOT, 'deploy');

/** Every document of a YAML text; fails on any parse error or warning. */
function docs(text: string, name: string): any[] {
  const all = parseAllDocuments(text) as unknown as { errors: unknown[]; warnings: unknown[]; toJS(): unknown }[];
  assert.ok(Array.isArray(all) && all.length > 0, `${name}: YAML documents`);
  for (const d of all) {
    assert.equal(d.errors, [], `${name}: YAML errors`);
    assert.equal(d.warnings, [], `${name}: YAML warnings`);
  }
  return all.map((d) => d.toJS());
}

const daemonSet = docs(readFileSync(join(DIR, 'kubernetes/daemonset.yaml'), 'utf8'), 'daemonset.yaml');
const gen = spawnSync(process.execPath, [join(DIR, 'kubernetes/policy-configmap.mjs')], { encoding: 'utf8' });
const configMap = docs(gen.stdout, 'policy-configmap.mjs output');

test('DaemonSet: host network, NET_RAW and NET_ADMIN only, limits, node name from the downward API', () => {
  assert.is(daemonSet.length, 1);
  const ds = daemonSet[0];
  assert.is(ds.apiVersion, 'apps/v1');
  assert.is(ds.kind, 'DaemonSet');
  assert.equal(ds.spec.selector.matchLabels, ds.spec.template.metadata.labels);
  const pod = ds.spec.template.spec;
  assert.is(pod.hostNetwork, true);
  assert.is(pod.dnsPolicy, 'ClusterFirstWithHostNet');
  assert.is(pod.automountServiceAccountToken, false);
  assert.not.ok(pod.hostPID, 'no host PID namespace');
  assert.is(pod.containers.length, 1);
  const c = pod.containers[0];
  const sc = c.securityContext;
  assert.not.ok(sc.privileged);
  assert.is(sc.allowPrivilegeEscalation, false);
  assert.is(sc.readOnlyRootFilesystem, true);
  assert.equal(sc.capabilities.drop, ['ALL']);
  assert.equal([...sc.capabilities.add].sort(), ['NET_ADMIN', 'NET_RAW']);
  for (const kind of ['requests', 'limits']) {
    assert.match(String(c.resources[kind].cpu), /^\d+(m)?$/, `${kind}.cpu`);
    assert.match(String(c.resources[kind].memory), /^\d+(Mi|Gi)$/, `${kind}.memory`);
  }
  const env = c.env.find((e: any) => e.name === 'KWIRE_NODE_NAME');
  assert.equal(env.valueFrom, { fieldRef: { fieldPath: 'spec.nodeName' } });
});

test('DaemonSet: kwire live arguments are flags kwire knows; metrics port and policy path line up', () => {
  const c = daemonSet[0].spec.template.spec.containers[0];
  const args: string[] = c.args;
  assert.is(args[0], 'live');
  for (const a of args) if (a.startsWith('--')) assert.ok(LIVE_HELP.includes(`  ${a} `), `${a} is a kwire live flag`);
  const arg = (flag: string): string => args[args.indexOf(flag) + 1];
  assert.is(arg('--iface'), 'any');
  const metricsPort = Number(arg('--metrics').split(':').pop());
  assert.is(c.ports.find((p: any) => p.name === 'metrics').containerPort, metricsPort);
  assert.is(Number(daemonSet[0].spec.template.metadata.annotations['prometheus.io/port']), metricsPort);
  assert.is(c.livenessProbe.httpGet.path, '/metrics');
  const mount = c.volumeMounts.find((m: any) => arg('--policy').startsWith(m.mountPath + '/'));
  assert.ok(mount, 'the policy file is on a mounted volume');
  const vol = daemonSet[0].spec.template.spec.volumes.find((v: any) => v.name === mount.name);
  assert.is(vol.configMap.name, configMap[0].metadata.name);
  assert.is(vol.configMap.items.find((i: any) => i.key === 'policy.yaml').path, arg('--policy').slice(mount.mountPath.length + 1));
});

test('policy ConfigMap: the mounted layout (items) holds a policy that loads and compiles with its lists', () => {
  assert.is(gen.status, 0, gen.stderr);
  assert.is(configMap.length, 1);
  const cm = configMap[0];
  assert.is(cm.kind, 'ConfigMap');
  assert.is(cm.data['policy.yaml'], readFileSync(join(ROOT, 'rules/default/policy.yaml'), 'utf8'));
  const items = daemonSet[0].spec.template.spec.volumes.find((v: any) => v.configMap).configMap.items;
  assert.equal(items.map((i: any) => i.key).sort(), Object.keys(cm.data).sort(), 'every key mounted, no key missing');
  const mnt = mkdtempSync(join(tmpdir(), 'kwire-cm-'));
  try {
    for (const i of items) {
      mkdirSync(dirname(join(mnt, i.path)), { recursive: true });
      writeFileSync(join(mnt, i.path), cm.data[i.key]);
    }
    const compiled = compilePolicy(loadPolicy(join(mnt, 'policy.yaml')));
    assert.ok(compiled.rules.length > 40, `${compiled.rules.length} rules compiled`);
  } finally {
    rmSync(mnt, { recursive: true, force: true });
  }
});

test('Dockerfile: node 20 bookworm-slim stages, build tools only in the build stage, libpcap at run time', () => {
  const text = readFileSync(join(DIR, 'Dockerfile'), 'utf8');
  const stages = text.split(/^FROM /m).slice(1);
  assert.is(stages.length, 2);
  for (const s of stages) assert.match(s, /^node:20-bookworm-slim\b/);
  assert.match(stages[0], /apt-get install[^\n]*\bg\+\+ make python3 libpcap-dev\b/);
  assert.match(stages[0], /npm ci\b/);
  assert.not.match(stages[1], /g\+\+|libpcap-dev|\bmake\b/);
  assert.match(stages[1], /apt-get install[^\n]*\blibpcap0\.8\b/);
  const entry = /^ENTRYPOINT (\[.*\])$/m.exec(stages[1]);
  assert.equal(JSON.parse(entry![1]), ['node', '/opt/kwire/dist/engine/bundle/main.js']);
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.is(pkg.bin.kwire, 'dist/engine/bundle/main.js', 'the image runs what npm installs as `kwire`');
  // every data file kwire reads at run time is in the image: the policy and the Public Suffix List
  assert.match(stages[1], /COPY --from=build \/src\/rules\/compile\/public-suffix \.\/rules\/compile\/public-suffix/);
  assert.ok(existsSync(join(ROOT, 'rules', 'compile', 'public-suffix', 'public_suffix_list.dat')));
  const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
  assert.is(tsconfig.compilerOptions.outDir, 'dist', 'tsc writes the tree the image runs');
  assert.match(stages[1], /COPY --from=build \/src\/dist \.\/dist/);
});

test.run();
