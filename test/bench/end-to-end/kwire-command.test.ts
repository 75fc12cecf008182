import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DEFAULT_POLICY, hasWorkersFlag, inspectArgs, KWIRE_CONFIGS, kwireEntry, summaryPackets } from '../../../bench/end-to-end/kwire-command.js';
import { ROOT } from '../../helpers/paths.js';

const MINI = join(ROOT, 'samples', 'k8s-mini.pcap');

test('the measured command is kwire inspect with the default policy, to /dev/null, and its summary gives the packet count', () => {
  const entry = kwireEntry('tsx');
  assert.is(entry.kind, 'tsx');
  const def = KWIRE_CONFIGS.find((c) => c.name === 'default')!;
  const args = inspectArgs(entry, MINI, def);
  assert.equal(args.slice(entry.nodeArgs.length), ['inspect', MINI, '--policy', DEFAULT_POLICY, '--out', '/dev/null']);
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stdout, '');
  assert.is(summaryPackets(r.stderr), 2000);
  assert.is(summaryPackets('kwire: warning: rule sid 1\n'), null);
});

test('--workers is detected from kwire inspect --help, and the workers configurations pass it', () => {
  const entry = kwireEntry('tsx');
  const help = spawnSync(process.execPath, [...entry.nodeArgs, 'inspect', '--help'], { cwd: ROOT, encoding: 'utf8' }).stdout;
  assert.is(hasWorkersFlag(entry), /--workers/.test(help));
  for (const c of KWIRE_CONFIGS) assert.is(c.workers, c.args.includes('--workers'));
  assert.equal(KWIRE_CONFIGS.map((c) => c.name), ['workers=0', 'workers=1', 'default', 'workers=2']);
});

test('dist/ is used only when asked for or up to date with the sources', () => {
  const auto = kwireEntry();
  assert.ok(auto.why.length > 0);
  if (auto.kind === 'dist') assert.match(auto.nodeArgs[0], /dist\/engine\/bundle\/main\.js$/);
  else assert.equal(auto.nodeArgs.slice(0, 2), ['--import', 'tsx']);
});

test.run();
