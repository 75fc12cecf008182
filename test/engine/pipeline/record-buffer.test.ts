// The order keys and the merge: records of several workers come out in (k1, k2) order, a sweep's
// records sort by flow_id and keep their emission order within a flow.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { END_KEY, emptyRecords, mergeRecords, sortTail, type RecordBuffer } from '../../../engine/pipeline/record-buffer.js';

function buf(rows: [number, number, string, number?, number?][]): RecordBuffer {
  const r = emptyRecords();
  for (const [a, b, l, gate = -1, key = 0] of rows) {
    r.k1.push(a); r.k2.push(b); r.lines.push(l);
    r.gate.push(gate); r.gateKey.push(key); r.gateKey2.push(0); r.gateUs.push(a * 1e6);
  }
  return r;
}

test('merge interleaves by pcap_cnt, then rank; sweep records (L + 0.5) after the batch', () => {
  const w0 = buf([[1, 0, 'a1'], [1, 1, 'a1b'], [4, 0, 'a4'], [10.5, 7, 'sweep7'], [END_KEY, 3, 'end3']]);
  const w1 = buf([[2, 0, 'b2'], [3, 0, 'b3'], [10.5, 5, 'sweep5'], [END_KEY, 9, 'end9']]);
  const out: string[] = [];
  assert.is(mergeRecords([w0, w1], (l) => out.push(l)), 0, 'nothing gated, nothing held');
  assert.equal(out, ['a1', 'a1b', 'b2', 'b3', 'a4', 'sweep5', 'sweep7', 'end3', 'end9']);
  const rev: string[] = [];
  mergeRecords([w1, w0], (l) => rev.push(l));
  assert.equal(rev, out, 'the order of the parts does not matter');
});

test('gated alerts are decided in output order across workers: a limit of 1 per key keeps the earliest', () => {
  // rule 3, key 42 (one source) matched on two workers; rule 3 key 7 once
  const w0 = buf([[5, 0, 'w0-alert-src42', 3, 42], [6, 0, 'w0-flow']]);
  const w1 = buf([[2, 0, 'w1-alert-src42', 3, 42], [9, 0, 'w1-alert-src7', 3, 7]]);
  const seen = new Set<string>();
  const admit = (rule: number, key: number): boolean => {
    const k = `${rule}/${key}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  };
  const out: string[] = [];
  assert.is(mergeRecords([w0, w1], (l) => out.push(l), admit), 1);
  assert.equal(out, ['w1-alert-src42', 'w0-flow', 'w1-alert-src7']);
});

test('sortTail sorts by flow id from an index, stable among equal ids', () => {
  const r = buf([[1, 0, 'keep'], [5.5, 9, 'f9-flow'], [5.5, 2, 'f2-flow'], [5.5, 9, 'f9-second'], [5.5, 1, 'f1']]);
  sortTail(r, 1);
  assert.equal(r.lines, ['keep', 'f1', 'f2-flow', 'f9-flow', 'f9-second']);
  assert.equal(r.k2, [0, 1, 2, 9, 9]);
  assert.equal(r.gateUs, [1e6, 5.5e6, 5.5e6, 5.5e6, 5.5e6], 'gate columns move with their records');
});

test.run();
