// IP → DNS name map: lookups by address bytes, the capacity bound with counted CLOCK evictions,
// TTL expiry by packet time, CNAME chains from real and built responses, and an index check under
// seeded churn against a plain Map.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { APP_DONE } from '../../../decoders/app-layer.js';
import { DnsMessage, parseDns } from '../../../decoders/dns.js';
import { DNS_MAX_CHAIN, DnsNameMap } from '../../../engine/flow/dns-names.js';
import { hex } from '../../decoders/helpers.js';
import { rng } from '../../helpers/rng.js';

const S = 1e6; // µs per second

// arkime/dns-udp.pcap frame 2 (see test/decoders/dns.test.ts): www.github.com CNAME github.com,
// github.com A 192.30.252.128 (TTL 4); 4 NS and their 4 glue A records (10.2.95.12) in the other sections.
const GITHUB = hex(`
e03981800001000200040004037777770667697468756203636f6d0000010001c00c00050001000007bc0002c010c010
00010001000000040004c01efc80c01000020001000001480014036e7333037031360664796e656374036e657400c010
00020001000001480006036e7332c04ec01000020001000001480006036e7334c04ec01000020001000001480006036e
7331c04ec06a0001000100000e1000040a025f0cc04a0001000100000e1000040a025f0cc08e0001000100000e100004
0a025f0cc07c0001000100000e1000040a025f0c`);

// zeek/pcapng-multi-interface.pcapng frame 6: google.com AAAA x4, TTL 112.
const GOOGLE_AAAA = hex(`
00058180000100040000000006676f6f676c6503636f6d00001c0001c00c001c00010000007000102607f8b040232007
0000000000000066c00c001c00010000007000102607f8b040232007000000000000008bc00c001c0001000000700010
2607f8b0402320070000000000000071c00c001c00010000007000102607f8b040232007000000000000008a`);

const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.from([a, b, c, d]);
const name = (s: string) => Uint8Array.from(Buffer.from(s, 'latin1'));
function put(map: DnsNameMap, addr: Uint8Array, n: string, ttl: number, nowUs: number): number {
  const b = name(n);
  return map.insert(addr, 0, addr.length === 16 ? 6 : 4, b, 0, b.length, ttl, nowUs);
}
function get(map: DnsNameMap, addr: Uint8Array, nowUs?: number): string | null {
  const e = map.lookup(addr, 0, addr.length === 16 ? 6 : 4, nowUs);
  return e < 0 ? null : map.name(e);
}
function parsed(bytes: Uint8Array | number[]): DnsMessage {
  const b = Uint8Array.from(bytes);
  const m = new DnsMessage();
  assert.is(parseDns(b, 0, b.length, m), APP_DONE);
  return m;
}

test('insert and lookup by address bytes (IPv4 and IPv6, at an offset in a larger buffer); v4 and v6 keys never collide', () => {
  const map = new DnsNameMap({ capacity: 16 });
  put(map, v4(10, 0, 0, 1), 'api.example.com', 300, 0);
  const six = Uint8Array.from(Buffer.from('20010db8000000000000000000000001', 'hex'));
  put(map, six, 'v6.example.com', 300, 0);
  assert.is(get(map, v4(10, 0, 0, 1)), 'api.example.com');
  assert.is(get(map, six), 'v6.example.com');
  // The same bytes as the start of an IPv6 address, and as a packet field at an offset.
  const pkt = new Uint8Array(40);
  pkt.set([10, 0, 0, 1], 12);
  assert.ok(map.lookup(pkt, 12, 4) >= 0);
  assert.is(map.lookup(pkt, 8, 6), -1);
  assert.is(get(map, v4(10, 0, 0, 2)), null);
  assert.equal([map.size, map.inserts, map.updates, map.hits, map.misses], [2, 2, 0, 3, 2]);
  // A new answer for a known address replaces the name (the latest answer wins).
  put(map, v4(10, 0, 0, 1), 'other.example.com', 300, 1 * S);
  assert.is(get(map, v4(10, 0, 0, 1)), 'other.example.com');
  assert.equal([map.size, map.inserts, map.updates], [2, 2, 1]);
  assert.throws(() => new DnsNameMap({ capacity: 0 }), RangeError);
});

test('capacity bound: never more than `capacity` addresses, each eviction counted; CLOCK spares a looked-up entry', () => {
  const map = new DnsNameMap({ capacity: 4 });
  for (let i = 0; i < 4; i++) put(map, v4(10, 0, 0, i), `n${i}`, 3600, 0);
  assert.equal([map.size, map.evictions], [4, 0]);
  put(map, v4(10, 0, 0, 4), 'n4', 3600, 0); // every entry had its grace bit: one sweep, then n0 goes
  assert.equal([map.size, map.evictions], [4, 1]);
  assert.is(get(map, v4(10, 0, 0, 0)), null);
  assert.is(get(map, v4(10, 0, 0, 1)), 'n1'); // referenced
  put(map, v4(10, 0, 0, 5), 'n5', 3600, 0); // hand at n1: referenced, spared; n2 goes
  assert.is(get(map, v4(10, 0, 0, 1)), 'n1');
  assert.is(get(map, v4(10, 0, 0, 2)), null);
  assert.equal([map.size, map.evictions], [4, 2]);
  for (let i = 6; i < 1000; i++) put(map, v4(10, 0, i >> 8, i & 0xff), `n${i}`, 3600, 0);
  assert.equal([map.size, map.inserts, map.evictions], [4, 1000, 996]);
  assert.is(get(map, v4(10, 0, 3, 231)), 'n999');
});

test('TTL expiry by packet time: a hit until the TTL runs out, then a miss that removes and counts it; TTLs clamped', () => {
  const map = new DnsNameMap({ capacity: 8, minTtlSeconds: 0, maxTtlSeconds: 3600 });
  const t0 = 1_700_000_000 * S;
  put(map, v4(10, 0, 0, 1), 'short.example', 10, t0);
  assert.is(map.expiry(map.lookup(v4(10, 0, 0, 1), 0, 4)), t0 + 10 * S);
  assert.is(get(map, v4(10, 0, 0, 1), t0 + 9.999 * S), 'short.example');
  assert.is(get(map, v4(10, 0, 0, 1), t0 + 10 * S), null);
  assert.equal([map.size, map.expired], [0, 1]);
  assert.is(get(map, v4(10, 0, 0, 1), t0 + 10 * S), null);
  assert.is(map.expired, 1, 'counted once');
  // Without a time, lookups use the latest packet time the map has seen.
  put(map, v4(10, 0, 0, 2), 'later.example', 5, t0 + 100 * S);
  assert.is(get(map, v4(10, 0, 0, 2)), 'later.example');
  // Clamps: above the maximum, and the RFC 2181 top-bit TTL (= 0) raised to the minimum.
  put(map, v4(10, 0, 0, 3), 'long.example', 999999, t0);
  assert.is(map.expiry(map.lookup(v4(10, 0, 0, 3), 0, 4, t0)), t0 + 3600 * S);
  const def = new DnsNameMap({ capacity: 8 });
  put(def, v4(10, 0, 0, 4), 'zero.example', 0x80000000, t0);
  assert.is(def.expiry(def.lookup(v4(10, 0, 0, 4), 0, 4, t0)), t0 + 60 * S, 'default minimum 60 s');
  // A full map reuses expired entries before evicting live ones.
  const full = new DnsNameMap({ capacity: 2, minTtlSeconds: 0 });
  put(full, v4(1, 1, 1, 1), 'a', 1, t0);
  put(full, v4(2, 2, 2, 2), 'b', 100, t0);
  put(full, v4(3, 3, 3, 3), 'c', 100, t0 + 2 * S);
  assert.equal([full.expired, full.evictions], [1, 0]);
  assert.is(get(full, v4(2, 2, 2, 2)), 'b');
  assert.is(get(full, v4(3, 3, 3, 3)), 'c');
});

test('observe(): a real response maps the A behind www.github.com CNAME github.com to the asked name, not the glue', () => {
  const map = new DnsNameMap();
  assert.is(map.observe(parsed(GITHUB), 0), 1);
  assert.is(get(map, v4(192, 30, 252, 128)), 'www.github.com');
  assert.is(get(map, v4(10, 2, 95, 12)), null, 'additional-section glue is not an answer');
  assert.is(map.expiry(map.lookup(v4(192, 30, 252, 128), 0, 4)), 60 * S, 'TTL 4 raised to the 60 s minimum');
  assert.is(map.observe(parsed(GOOGLE_AAAA), 5 * S), 4);
  for (const last of ['66', '8b', '71', '8a']) {
    assert.is(get(map, Uint8Array.from(Buffer.from(`2607f8b0402320070000000000000${last.padStart(3, '0')}`, 'hex'))), 'google.com');
  }
});

// Responses built for the chain cases: question `q`, then answers [owner, type, rdata] (names as labels).
function labels(n: string): number[] {
  const out: number[] = [];
  for (const l of n.split('.')) out.push(l.length, ...Buffer.from(l, 'latin1'));
  out.push(0);
  return out;
}
function response(q: string, answers: Array<[string, number, number[] | string]>, rcode = 0, flags = 0x8180): number[] {
  const out = [0x12, 0x34, (flags | rcode) >> 8, (flags | rcode) & 0xff, 0, 1, 0, answers.length, 0, 0, 0, 0, ...labels(q), 0, 1, 0, 1];
  for (const [owner, type, rd] of answers) {
    const rdata = typeof rd === 'string' ? labels(rd) : rd;
    out.push(...labels(owner), 0, type, 0, 1, 0, 0, 0x0e, 0x10, 0, rdata.length, ...rdata);
  }
  return out;
}

test('observe(): CNAME chains in any order and any case; unrelated owners, long chains, queries and errors are not mapped', () => {
  const map = new DnsNameMap();
  const m = parsed(response('a.example', [
    ['C.Example', 1, [10, 0, 0, 3]],
    ['b.example', 5, 'c.example'],
    ['unrelated.example', 1, [10, 0, 0, 9]],
    ['A.EXAMPLE', 5, 'b.example'],
    ['a.example', 28, [0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
  ]));
  assert.is(map.observe(m, 0), 2);
  assert.is(get(map, v4(10, 0, 0, 3)), 'a.example');
  assert.is(get(map, Uint8Array.from(Buffer.from('20010db8000000000000000000000001', 'hex'))), 'a.example');
  assert.is(get(map, v4(10, 0, 0, 9)), null);

  // A chain of DNS_MAX_CHAIN links is followed; one more is not.
  const chain = (links: number) => {
    const answers: Array<[string, number, number[] | string]> = [[`n${links}.example`, 1, [10, 1, 0, links]]];
    for (let k = links - 1; k >= 0; k--) answers.push([`n${k}.example`, 5, `n${k + 1}.example`]);
    return parsed(response('n0.example', answers));
  };
  assert.is(map.observe(chain(DNS_MAX_CHAIN), 0), 1);
  assert.is(get(map, v4(10, 1, 0, DNS_MAX_CHAIN)), 'n0.example');
  assert.is(map.observe(chain(DNS_MAX_CHAIN + 1), 0), 0);

  const before = map.inserts + map.updates;
  assert.is(map.observe(parsed(response('x.example', [['x.example', 1, [10, 2, 0, 1]]], 0, 0x0100)), 0), 0, 'a query');
  assert.is(map.observe(parsed(response('x.example', [['x.example', 1, [10, 2, 0, 1]]], 3)), 0), 0, 'NXDOMAIN');
  assert.is(map.inserts + map.updates, before);
});


test('seeded churn: lookups agree with a plain Map (inserts, expiry removals, evictions); size never exceeds capacity', () => {
  const r = rng(42);
  for (const capacity of [64, 4096]) { // 4096 distinct addresses: the small map evicts, the full one never must
    const map = new DnsNameMap({ capacity, minTtlSeconds: 0 });
    const model = new Map<string, { name: string; expires: number }>();
    let now = 0;
    for (let iter = 0; iter < 50000; iter++) {
      now += Math.floor(r() * 0.01 * S);
      const six = r() < 0.3;
      const addr = six ? new Uint8Array(16) : new Uint8Array(4);
      addr[addr.length - 1] = Math.floor(r() * 256);
      addr[addr.length - 2] = Math.floor(r() * 8);
      const key = Buffer.from(addr).toString('hex');
      if (r() < 0.5) {
        const n = `h${iter}.example`;
        const ttl = Math.floor(r() * 30);
        put(map, addr, n, ttl, now);
        model.set(key, { name: n, expires: now + ttl * S });
      } else {
        const got = get(map, addr, now);
        const want = model.get(key);
        if (got !== null) {
          assert.ok(want !== undefined && want.name === got && want.expires > now, `iteration ${iter}: ${key} → ${got}, model ${JSON.stringify(want)}`);
        } else if (want !== undefined && want.expires > now && map.evictions === 0) {
          assert.unreachable(`iteration ${iter}: ${key} lost without eviction`);
        }
      }
      assert.ok(map.size <= capacity);
    }
    assert.ok(map.hits > 200 && map.expired > 100, `hits ${map.hits}, expired ${map.expired}`);
    // Every live entry is still reachable through the index (a broken deletion strands entries).
    let reachable = 0;
    for (const len of [4, 16]) {
      for (let k = 0; k < 8 * 256; k++) {
        const addr = new Uint8Array(len);
        addr[len - 2] = k >> 8;
        addr[len - 1] = k & 0xff;
        if (map.lookup(addr, 0, len === 16 ? 6 : 4, -Infinity) >= 0) reachable++;
      }
    }
    assert.is(reachable, map.size, 'live entries reachable by lookup');
    if (capacity === 64) assert.ok(map.evictions > 0, 'the small map evicted');
    else assert.is(map.evictions, 0, 'the large map never had to evict');
  }
});

test.run();
