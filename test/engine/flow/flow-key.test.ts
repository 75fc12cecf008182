// The flow key: canonical endpoint order (bytes, then ports), both directions equal, the documented
// 44-byte layout from keyWordsToBytes, IPv6 addresses that differ only in their last word.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet } from '../../../decoders/packet.js';
import { FlowKey, KEY_BYTES, keyWordsToBytes } from '../../../engine/flow/flow-key.js';

const TCP = (sport: number, dport: number): number[] =>
  [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];

function tcp4(src: number[], dst: number[], sport: number, dport: number, vlan = -1): Uint8Array {
  const tag = vlan >= 0 ? [0x81, 0x00, vlan >> 8, vlan & 0xff] : [];
  return Uint8Array.from([...Array(12).fill(2), ...tag, 0x08, 0x00,
    0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, ...src, ...dst, ...TCP(sport, dport)]);
}

function tcp6(src: number[], dst: number[], sport: number, dport: number): Uint8Array {
  return Uint8Array.from([...Array(12).fill(2), 0x86, 0xdd, 0x60, 0, 0, 0, 0, 20, 6, 64, ...src, ...dst, ...TCP(sport, dport)]);
}

function keyOf(frame: Uint8Array): { bytes: number[]; srcIsA: boolean } {
  const pkt = new Packet();
  pkt.reset(frame, 0, frame.length, frame.length, 1);
  decodeFrame(pkt);
  const k = new FlowKey();
  k.set(pkt);
  const out = new Uint8Array(KEY_BYTES);
  keyWordsToBytes(k.words, 0, out);
  return { bytes: [...out], srcIsA: k.srcIsA };
}

test('IPv4: the documented byte layout, the lower address first', () => {
  const k = keyOf(tcp4([10, 0, 0, 9], [10, 0, 0, 2], 40000, 443, 0x123));
  const want = [4, 6, 0x01, 0x23, 0, 0, 0, 0, 10, 0, 0, 2, ...Array(12).fill(0), 10, 0, 0, 9, ...Array(12).fill(0), 0x01, 0xbb, 0x9c, 0x40];
  assert.equal(k.bytes, want);
  assert.is(k.srcIsA, false);
});

test('both directions give the same key; equal addresses order by port', () => {
  const a = keyOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443));
  const b = keyOf(tcp4([10, 0, 0, 2], [10, 0, 0, 1], 443, 40000));
  assert.equal(a.bytes, b.bytes);
  assert.is(a.srcIsA, true);
  assert.is(b.srcIsA, false);
  const lo = keyOf(tcp4([10, 0, 0, 1], [10, 0, 0, 1], 80, 8080));
  const hi = keyOf(tcp4([10, 0, 0, 1], [10, 0, 0, 1], 8080, 80));
  assert.equal(lo.bytes, hi.bytes);
  assert.is(lo.srcIsA, true);
  assert.is(hi.srcIsA, false);
});

test('addresses compare as unsigned bytes (128.x sorts after 10.x)', () => {
  assert.is(keyOf(tcp4([128, 0, 0, 1], [10, 0, 0, 1], 1, 2)).srcIsA, false);
  assert.is(keyOf(tcp4([10, 0, 0, 1], [128, 0, 0, 1], 1, 2)).srcIsA, true);
});

test('IPv6: addresses equal but for the last byte are ordered by it, both directions alike', () => {
  const x = [0xfd, 0, ...Array(13).fill(0), 7];
  const y = [0xfd, 0, ...Array(13).fill(0), 3];
  const a = keyOf(tcp6(x, y, 443, 50000));
  const b = keyOf(tcp6(y, x, 50000, 443));
  assert.equal(a.bytes, b.bytes);
  assert.is(a.srcIsA, false);
  assert.equal(a.bytes.slice(0, 2), [6, 6]);
  assert.equal(a.bytes.slice(8, 24), y);
  assert.equal(a.bytes.slice(24, 40), x);
  assert.equal(a.bytes.slice(40), [0xc3, 0x50, 0x01, 0xbb]);
});

test.run();
