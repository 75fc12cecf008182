import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet } from '../../../decoders/packet.js';
import { flowHash, flowId } from '../../../engine/flow/hash.js';

/** Ethernet + IPv4 + TCP with the given addresses and ports (checksums irrelevant here). */
function tcp4(src: number[], dst: number[], sport: number, dport: number, vlan = -1): Uint8Array {
  const tag = vlan >= 0 ? [0x81, 0x00, vlan >> 8, vlan & 0xff] : [];
  const eth = [...Array(12).fill(2), ...tag, 0x08, 0x00];
  const ip = [0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, ...src, ...dst];
  const tcp = [sport >> 8, sport & 0xff, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0];
  return Uint8Array.from([...eth, ...ip, ...tcp]);
}

function hashOf(bytes: Uint8Array, seed = 1): number {
  const pkt = new Packet();
  pkt.reset(bytes, 0, bytes.length, bytes.length, 1);
  decodeFrame(pkt);
  return flowHash(pkt, seed);
}

test('symmetric: both directions hash alike', () => {
  const a = tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443);
  const b = tcp4([10, 0, 0, 2], [10, 0, 0, 1], 443, 40000);
  assert.is(hashOf(a), hashOf(b));
});

test('sensitive to every part of the key, the VLAN and the seed', () => {
  const base = hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443));
  assert.is.not(hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 3], 40000, 443)), base);
  assert.is.not(hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40001, 443)), base);
  assert.is.not(hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 443, 40000)), base); // ports swapped, addresses not
  assert.is.not(hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443, 7)), base);
  assert.is.not(hashOf(tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443), 2), base);
});

test('spreads over shards: 10k flows over 4 shards within 5% of even', () => {
  const shards = [0, 0, 0, 0];
  for (let i = 0; i < 10000; i++) shards[hashOf(tcp4([10, 244, i >> 8, i & 0xff], [10, 96, 0, 1], 30000 + (i % 1000), 443)) & 3]++;
  for (const n of shards) assert.ok(Math.abs(n - 2500) < 125, String(shards));
});

test('flowId: positive, < 2^53, symmetric', () => {
  const pkt = new Packet();
  const a = tcp4([10, 0, 0, 1], [10, 0, 0, 2], 40000, 443);
  pkt.reset(a, 0, a.length, a.length, 1);
  decodeFrame(pkt);
  const id = flowId(pkt, 0);
  assert.ok(id > 0 && Number.isSafeInteger(id));
  const b = tcp4([10, 0, 0, 2], [10, 0, 0, 1], 443, 40000);
  pkt.reset(b, 0, b.length, b.length, 1);
  decodeFrame(pkt);
  assert.is(flowId(pkt, 0), id);
});

test.run();
