import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { measure } from '../../../bench/end-to-end/measure.js';

const node = process.execPath;

test('peak RSS is the child\'s high-water mark, even when it falls back before exit', () => {
  // touch 160 MB, free it, then idle: the peak must still show
  const m = measure(node, ['-e', 'let b = Buffer.alloc(160 << 20, 1); b = null; globalThis.gc?.(); setTimeout(() => {}, 50)']);
  assert.is(m.status, 0);
  assert.ok(m.peakRssMB >= 160 && m.peakRssMB < 400, `peak ${m.peakRssMB} MB`);
  const small = measure(node, ['-e', '0']);
  assert.ok(small.peakRssMB < m.peakRssMB - 100, `small ${small.peakRssMB} MB vs ${m.peakRssMB} MB`);
});

test('wall and CPU time: a busy loop uses CPU, a sleep does not', () => {
  // 300 ms of the child's own CPU, however busy the machine is
  const busy = measure(node, ['-e', 'const c0 = process.cpuUsage().user; while (process.cpuUsage().user - c0 < 300000);']);
  const idle = measure(node, ['-e', 'setTimeout(() => {}, 300)']);
  assert.ok(busy.elapsedS >= 0.3 && idle.elapsedS >= 0.3);
  assert.ok(busy.cpuS >= 0.25, `busy cpu ${busy.cpuS}`);
  assert.ok(idle.cpuS < busy.cpuS - 0.15, `idle cpu ${idle.cpuS}`);
  assert.ok(busy.otherCores >= 0 && idle.otherCores >= 0);
});

test('exit status, signals, stderr and a missing program are told apart', () => {
  const three = measure(node, ['-e', 'process.stderr.write("oops\\n"); process.exit(3)']);
  assert.is(three.status, 3);
  assert.is(three.missing, false);
  assert.match(three.stderr, /oops/);
  const killed = measure(node, ['-e', 'process.kill(process.pid, "SIGKILL")']);
  assert.is(killed.status, null);
  const missing = measure('kwire-bench-no-such-program', []);
  assert.is(missing.missing, true);
  assert.is(missing.status, 127);
});

test.run();
