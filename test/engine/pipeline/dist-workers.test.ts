// The built CLI (dist/): what `npm start`, `kwire` (package.json `bin`) and the DaemonSet image run is
// the bundle (dist/engine/bundle/, esbuild over tsc's output, by `npm run build`); tsc's tree
// (dist/engine/cli/main.js) runs too. Either way the workers load from dist/ (no tsx) with every data
// file they need, and agree with the main-thread path run from the sources.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { kwire, ROOT } from '../../helpers/kwire-cli.js';

const TREE = join(ROOT, 'dist', 'engine', 'cli', 'main.js');
const BUNDLE = join(ROOT, 'dist', 'engine', 'bundle', 'main.js');
const ARGS = ['inspect', join(ROOT, 'samples', 'k8s-mini.pcap'), '--policy', join(ROOT, 'rules', 'default', 'policy.yaml'), '--out', '-', '--quiet'];

function run(main: string, workers: number): string {
  assert.ok(existsSync(main), `${main}: dist/ is built by \`npm ci\` (prepare) or \`npm run build\``);
  const r = spawnSync(process.execPath, [main, ...ARGS, '--workers', String(workers)], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.is(r.stderr, '');
  return r.stdout;
}

test('npm start, bin and the image run the bundle', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  assert.is(pkg.bin.kwire, 'dist/engine/bundle/main.js');
  assert.match(pkg.scripts.start, /^node dist\/engine\/bundle\/main\.js inspect /);
  assert.match(pkg.scripts.build, /esbuild dist\/engine\/cli\/main\.js dist\/engine\/pipeline\/worker-main\.js .*--outdir=dist\/engine\/bundle\b/);
});

for (const [name, main] of [['tsc tree', TREE], ['bundle', BUNDLE]] as const) {
  test(`${name} with --workers 1 and 2: no worker crash, the same records as --workers 0 from the sources`, () => {
    const src = kwire([...ARGS, '--workers', '0']);
    assert.ok(src.stdout.split('\n').length > 5);
    assert.is(run(main, 1), src.stdout);
    assert.is(run(main, 2), src.stdout);
  });
}

test('bundle: --version reads package.json, and --workers 0 does not load the worker pipeline (no msgpackr)', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
  const v = spawnSync(process.execPath, [BUNDLE, '--version'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(v.stdout.trim(), `kwire ${pkg.version}`);
  // a module-loading hook that lists every module the run loads
  const hook = `data:text/javascript,${encodeURIComponent("export async function load(u, c, n) { if (u.includes('msgpackr') || u.includes('dispatcher')) process.stderr.write('LOADED ' + u + '\\n'); return n(u, c); }")}`;
  const reg = `data:text/javascript,${encodeURIComponent(`import { register } from 'node:module'; register(${JSON.stringify(hook)});`)}`;
  const r = spawnSync(process.execPath, ['--import', reg, BUNDLE, ...ARGS, '--workers', '0'], { cwd: ROOT, encoding: 'utf8' });
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stderr, /LOADED/);
  const w = spawnSync(process.execPath, ['--import', reg, BUNDLE, ...ARGS, '--workers', '1'], { cwd: ROOT, encoding: 'utf8' });
  assert.match(w.stderr, /LOADED .*msgpackr/, 'the hook sees msgpackr when workers are used (so its silence above means something)');
});

test.run();
