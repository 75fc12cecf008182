// The progress line: what it shows, that it is drawn on a terminal and never off one.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { ProgressLine } from '../../../engine/pipeline/progress.js';
import { kwire, ROOT } from '../../helpers/kwire-cli.js';

test('render: bar, percent of bytes, packets, rate and alerts', () => {
  let bytes = 0;
  const line = new ProgressLine({ bytes: () => bytes, total: 8 << 20, packets: () => 2_000_000, alerts: () => 17 });
  bytes = 2 << 20;
  const s = line.render(performance.now() + 1000);
  assert.match(s, /^\[######\.{18}\]  25% 2 MiB\/8 MiB  2000000 packets  \d\.\d\d Mpps  17 alerts$/);
  const pipe = new ProgressLine({ bytes: () => 5 << 20, total: undefined, packets: () => 10, alerts: () => 0 });
  assert.match(pipe.render(), /^5 MiB read  10 packets  \d+ kpps  0 alerts$/);
});

test('off a terminal: nothing on stderr but the summary', () => {
  const r = kwire(['inspect', join(ROOT, 'samples', 'k8s-mini.pcap'), '--out', '/dev/null', '--workers', '1']);
  assert.is(r.status, 0);
  assert.not.match(r.stderr, /\r|MiB\//);
  assert.match(r.stderr, /^packets 2000 /);
});

test('on a terminal: the line is drawn on stderr, then erased before the summary', () => {
  const cmd = `${process.execPath} --import tsx engine/cli/main.ts inspect samples/k8s-mini.pcap --out /dev/null --workers 0`;
  const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: ROOT, encoding: 'utf8' });
  if (r.error) return; // util-linux script(1) missing: no terminal to test with
  assert.match(r.stdout, /\r\[[#.]{24}\] +\d+% \d+ MiB\/\d+ MiB  \d+ packets/);
  assert.match(r.stdout, /\r\x1b\[Kpackets 2000 /);
});

test.run();
