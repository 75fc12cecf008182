import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gitCommit, machineInfo, parseResult } from '../../../bench/end-to-end/result.js';
import { KwireError } from '../../../engine/errors.js';
import { ROOT } from '../../helpers/paths.js';

const FILE = join(ROOT, 'test', 'bench', 'end-to-end', 'fixtures', 'k8s-mini.result.json');
const TEXT = readFileSync(FILE, 'utf8');

function rejects(text: string, message: RegExp): void {
  try {
    parseResult(text, 'base.json');
  } catch (e) {
    assert.instance(e, KwireError);
    assert.is((e as KwireError).code, 'KWIRE_ERR_BENCH_RESULT');
    assert.match((e as Error).message, /^base\.json: not a kwire bench result/);
    assert.match((e as Error).message, message);
    return;
  }
  assert.unreachable(`accepted: ${text.slice(0, 80)}`);
}

test('a saved result parses back as it was written', () => {
  const r = parseResult(TEXT, FILE);
  assert.equal(r, JSON.parse(TEXT));
  assert.is(r.inputs[0].name, 'k8s-mini.pcap');
});

test('anything else is a typed error naming the file and the first fault', () => {
  rejects('', /invalid JSON/);
  rejects('{"schema":"x"}', /schema is not "kwire-bench\/1"/);
  rejects('[]', /schema/);
  rejects('null', /schema/);
  const j = JSON.parse(TEXT);
  j.inputs[0].kwire[1].pps = '3574';
  rejects(JSON.stringify(j), /inputs\[0\]\.kwire\[1\]\.pps is not a number/);
  const k = JSON.parse(TEXT);
  k.inputs[0].peers[0].status = 'great';
  rejects(JSON.stringify(k), /inputs\[0\]\.peers\[0\]\.status/);
  const m = JSON.parse(TEXT);
  delete m.inputs[0].peers;
  rejects(JSON.stringify(m), /inputs\[0\]\.peers is not an array/);
  const n = JSON.parse(TEXT);
  n.inputs[0].kwire[1].peakRssMB = -1;
  rejects(JSON.stringify(n), /peakRssMB is not a number ≥ 0/);
});

test('machine and commit describe this checkout', () => {
  const m = machineInfo();
  assert.ok(m.cores >= 1 && m.memoryMB > 0 && m.cpu.length > 0);
  assert.match(gitCommit(ROOT), /^([0-9a-f]{12}(-dirty)?|unknown)$/);
  assert.is(gitCommit('/'), 'unknown');
});

test.run();
