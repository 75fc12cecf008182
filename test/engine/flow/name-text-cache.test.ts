import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { NameTextCache } from '../../../engine/flow/name-text-cache.js';
import { dnsNameText } from '../../../decoders/dns-text.js';
import { int, rng } from '../../helpers/rng.js';

const bytes = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

test('name text cache: the same text as dnsNameText for any bytes, from one buffer at many offsets (seeded)', () => {
  const r = rng(99);
  const cache = new NameTextCache();
  const names: Uint8Array[] = [];
  for (let i = 0; i < 300; i++) {
    const len = int(r, 40);
    // mostly printable ASCII, some controls, high bytes (UTF-8 and broken sequences)
    names.push(Uint8Array.from({ length: len }, () => (r() < 0.9 ? 0x20 + int(r, 95) : int(r, 256))));
  }
  const buf = new Uint8Array(4096);
  const plain = (n: Uint8Array): boolean => n.length > 0 && n.every((c) => c >= 0x20 && c < 0x7f);
  let plainLookups = 0;
  for (let round = 0; round < 5000; round++) {
    const n = names[int(r, names.length)];
    if (plain(n)) plainLookups++;
    const at = int(r, buf.length - n.length);
    buf.set(n, at);
    assert.is(cache.get(buf, at, n.length), dnsNameText(n, 0, n.length));
  }
  // every lookup of a printable name after its first is a hit, unless another name took its slot
  const distinct = names.filter(plain).length;
  assert.ok(plainLookups > 1000 && cache.hits >= plainLookups - 2 * distinct, `${cache.hits} hits of ${plainLookups} printable lookups`);
  assert.is(cache.hits + cache.misses, 5000);
});

test('name text cache: a repeated name is the same string, not a new one; names that share a slot each get their own text', () => {
  const cache = new NameTextCache();
  const a = bytes('kube-dns.kube-system.svc.cluster.local');
  const first = cache.get(a, 0, a.length);
  assert.is(cache.get(a, 0, a.length), first);
  assert.is(cache.hits, 1);
  // two names that hash to one slot (found by search) replace each other without mixing up
  const seen = new Map<number, string>();
  let pair: [string, string] | null = null;
  for (let i = 0; pair === null; i++) {
    const name = `svc-${i}.ns.svc.cluster.local`;
    let h = 0x811c9dc5;
    for (const c of bytes(name)) h = Math.imul(h ^ c, 0x01000193);
    const slot = (h >>> 0) & 1023;
    const other = seen.get(slot);
    if (other !== undefined && other.length === name.length) pair = [other, name];
    seen.set(slot, name);
  }
  for (let k = 0; k < 4; k++) {
    for (const name of pair) assert.is(cache.get(bytes(name), 0, name.length), name);
  }
  assert.is(cache.get(new Uint8Array(0), 0, 0), '<Root>');
  assert.is(cache.get(bytes('a\tb'), 0, 3), 'a\\tb', 'escapes are not cached, still rendered');
});

test.run();
