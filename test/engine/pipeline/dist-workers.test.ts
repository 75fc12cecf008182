// The built CLI (dist/, what `npm start` and the DaemonSet run) with a worker thread: the worker
// loads from dist/ (no tsx) with every data file it needs, and agrees with the main-thread path.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kwire, ROOT } from '../../helpers/kwire-cli.js';

const MAIN = join(ROOT, 'dist', 'engine', 'cli', 'main.js');

test('npm start\'s command from dist/ with --workers 1: no worker crash, the same records as --workers 0 from the sources', () => {
  assert.ok(existsSync(MAIN), 'dist/ is built by `npm ci` (prepare) or `npm run build`');
  const args = ['inspect', join(ROOT, 'samples', 'k8s-mini.pcap'), '--policy', join(ROOT, 'rules', 'default', 'policy.yaml'), '--out', '-', '--quiet'];
  const built = spawnSync(process.execPath, [MAIN, ...args, '--workers', '1'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(built.status, 0, built.stderr);
  assert.is(built.stderr, '');
  const src = kwire([...args, '--workers', '0']);
  assert.ok(built.stdout.split('\n').length > 5);
  assert.is(built.stdout, src.stdout);
});

test.run();
