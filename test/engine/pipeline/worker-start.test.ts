import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { availableParallelism } from 'node:os';
import { inspectThreadsFromArgs } from '../../../engine/pipeline/worker-start.js';

test('worker threads started ahead for kwire inspect: --workers N (N >= 2: one share on the main thread), the default, and nothing on help or a bad count', () => {
  const f = ['capture.pcap', '--policy', 'p.yaml'];
  assert.is(inspectThreadsFromArgs([...f, '--workers', '0']), 0);
  assert.is(inspectThreadsFromArgs([...f, '--workers', '1']), 1);
  assert.is(inspectThreadsFromArgs([...f, '--workers', '2']), 1);
  assert.is(inspectThreadsFromArgs([...f, '--workers=4']), 3);
  assert.is(inspectThreadsFromArgs(f), Math.max(1, availableParallelism() - 1) >= 2 ? availableParallelism() - 2 : 1);
  assert.is(inspectThreadsFromArgs([...f, '--workers', 'many']), 0);
  assert.is(inspectThreadsFromArgs([...f, '--workers', '256']), 0);
  assert.is(inspectThreadsFromArgs(['--help']), 0);
});

test.run();
