import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIPv4 } from 'node:net';
import { CidrSet, NO_MATCH, loadCidrFile, parseCidr, parseCidrList } from '../../../rules/compile/cidr-trie.js';
import { RulesError } from '../../../rules/compile/rules-error.js';
import { int, rng } from '../../helpers/rng.js';

/** Address text to bytes (parseCidr; its forms are pinned by the byte-level asserts below). */
function addr(text: string): { b: Uint8Array; v: 4 | 6 } {
  const p = parseCidr(text, { file: 't', line: 1, column: 1 });
  return { b: p.bytes, v: p.version };
}

function look(s: CidrSet, text: string): number {
  const a = addr(text);
  // at a non-zero offset inside a larger buffer, as in a packet
  const buf = new Uint8Array(40).fill(0xee);
  buf.set(a.b, 7);
  return s.lookup(buf, 7, a.v);
}

test('cidr: longest prefix wins over overlaps, whatever the insertion order', () => {
  for (const order of [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3]]) {
    const s = new CidrSet();
    const list = ['10.0.0.0/8', '10.1.0.0/16', '10.1.2.0/23', '10.1.2.3/32', '10.1.2.0/24'];
    for (const i of order) s.insert(list[i], i);
    assert.is(look(s, '10.1.2.3'), 3);
    assert.is(s.lastPrefixLength, 32);
    assert.is(look(s, '10.1.2.4'), 4);
    assert.is(s.lastPrefixLength, 24);
    assert.is(look(s, '10.1.3.1'), 2);
    assert.is(look(s, '10.1.4.1'), 1);
    assert.is(look(s, '10.200.0.1'), 0);
    assert.is(look(s, '11.0.0.0'), NO_MATCH);
    assert.is(look(s, '9.255.255.255'), NO_MATCH);
  }
});

test('cidr: 0.0.0.0/0 and ::/0 are per family; /32 and /128 are single hosts', () => {
  const s = new CidrSet();
  s.insert('0.0.0.0/0', 1);
  assert.is(look(s, '1.2.3.4'), 1);
  assert.is(s.lastPrefixLength, 0);
  assert.is(look(s, '::1'), NO_MATCH);
  assert.ok(s.contains(addr('255.255.255.255').b, 0, 4));
  assert.not.ok(s.contains(addr('::').b, 0, 6));
  s.insert('::/0', 2);
  s.insert('fd00:ec2::254/128', 3);
  s.insert('169.254.169.254/32', 4);
  s.insert('169.254.169.254', 5);
  assert.is(look(s, '::1'), 2);
  assert.is(look(s, 'fd00:ec2::254'), 3);
  assert.is(look(s, 'fd00:ec2::255'), 2);
  assert.is(look(s, '169.254.169.254'), 5, 'bare address = /32, last insert wins');
  assert.is(look(s, '169.254.169.255'), 1);
});

test('cidr: IPv6 forms (::, embedded IPv4, uppercase hex) and contains()', () => {
  const s = new CidrSet();
  s.insert('2001:DB8::/32', 1);
  s.insert('::ffff:0.0.0.0/96', 2);
  s.insert('fe80::/10', 3);
  assert.is(look(s, '2001:db8:ffff::1'), 1);
  assert.is(look(s, '::ffff:10.0.0.1'), 2);
  assert.is(look(s, 'febf:ffff::'), 3);
  assert.is(look(s, 'fec0::'), NO_MATCH);
  assert.is(look(s, '1:2:3:4:5:6:7:8'), NO_MATCH);
  assert.ok(s.contains(addr('fe80::1').b, 0, 6));
  assert.not.ok(s.contains(addr('2001:db9::').b, 0, 6));
  assert.equal(Array.from(addr('1:2:3:4:5:6:1.2.3.4').b), [0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 1, 2, 3, 4]);
  assert.equal(Array.from(addr('1::').b), [0, 1, ...new Array(14).fill(0)]);
});

function err(content: string): RulesError {
  try {
    parseCidrList(content, 'lists/blocked.txt', 1);
  } catch (e) {
    assert.instance(e, RulesError);
    assert.is((e as RulesError).code, 'KWIRE_ERR_RULES');
    return e as RulesError;
  }
  throw new Error(`no error for ${JSON.stringify(content)}`);
}

test('cidr list: a bad line names file:line:column and what was expected', () => {
  assert.is(err('# header\n10.0.0.0/8\n  10.0.0.256/32\n').message,
    'lists/blocked.txt:3:10: IPv4 octet 256 out of range in "10.0.0.256"; expected 0-255');
  assert.is(err('10.0.0.1/8').message, 'lists/blocked.txt:1:1: host bits set in "10.0.0.1/8"; expected the network address 10.0.0.0/8');
  assert.is(err('1.2.3.0/33').message, 'lists/blocked.txt:1:9: prefix length /33 too long for IPv4; expected 0-32');
  assert.match(err('fd00::/129').message, /^lists\/blocked\.txt:1:8: prefix length \/129 too long for IPv6/);
  assert.match(err('\n\n1.2.3.4/x').message, /^lists\/blocked\.txt:3:9: bad prefix length "x"/);
  assert.match(err('1.2.3').message, /^lists\/blocked\.txt:1:1: bad address "1.2.3"; expected an IPv4 address/);
  assert.match(err('01.2.3.4').message, /leading zero/);
  assert.match(err('1:2::3::4').message, /^lists\/blocked\.txt:1:7: second "::"/);
  assert.match(err('2001:db8:zz::/48').message, /^lists\/blocked\.txt:1:10: bad IPv6 group "zz"/);
  assert.match(err('1:2:3:4:5:6:7').message, /has 7 groups; expected 8/);
  assert.match(err('fe80::1%eth0').message, /1:8: zone id/);
  assert.match(err('10.0.0.0/8 extra').message, /^lists\/blocked\.txt:1:11: unexpected text after "10.0.0.0\/8"/);
  assert.match(err('fd00::/8\r\n2001:db8::1/127').message, /2:1: host bits set in "2001:db8::1\/127"; expected the network address 2001:db8::\/127/);
  assert.match(err('10.0.0.0/8 # ok\nexample.com').message, /2:1: bad address "example.com"/);
});

test('cidr list: comments, blanks and CRLF are skipped', () => {
  const s = parseCidrList('# a\r\n\r\n  10.0.0.0/8  # pods\r\n\tfd00::/8\r\n', 'x', 7);
  assert.is(s.size, 2);
  assert.is(look(s, '10.9.9.9'), 7);
  assert.is(look(s, 'fd12::1'), 7);
});

/** Naive reference: linear scan, bit compare, longest prefix (ties: last inserted). */
function naive(list: { b: Uint8Array; p: number; v: number; val: number }[], a: Uint8Array, v: number): number {
  let best = -1;
  let bestLen = -1;
  for (const e of list) {
    if (e.v !== v || e.p < bestLen) continue;
    let ok = true;
    for (let bit = 0; bit < e.p; bit++) {
      const m = 0x80 >>> (bit & 7);
      if ((a[bit >>> 3] & m) !== (e.b[bit >>> 3] & m)) { ok = false; break; }
    }
    if (ok) { best = e.val; bestLen = e.p; }
  }
  return best;
}

test('cidr: random prefixes and addresses against a linear scan (seeded, IPv4 and IPv6)', () => {
  const r = rng(2026);
  for (let round = 0; round < 20; round++) {
    const s = new CidrSet();
    const list: { b: Uint8Array; p: number; v: number; val: number }[] = [];
    const v = round % 2 === 0 ? 4 : 6;
    const n = 1 + int(r, 300);
    // a few shared roots so that prefixes overlap
    const roots = Array.from({ length: 4 }, () => Uint8Array.from({ length: v === 4 ? 4 : 16 }, () => int(r, 256)));
    for (let i = 0; i < n; i++) {
      const b = roots[int(r, 4)].slice();
      const bits = b.length * 8;
      const p = r() < 0.05 ? 0 : int(r, bits + 1);
      for (let bit = Math.max(p - 6, 0); bit < bits; bit++) if (r() < 0.5) b[bit >>> 3] ^= 0x80 >>> (bit & 7);
      for (let bit = p; bit < bits; bit++) b[bit >>> 3] &= ~(0x80 >>> (bit & 7));
      const val = int(r, 1000);
      s.insertBytes(b, p, v as 4 | 6, val);
      list.push({ b, p, v, val });
    }
    for (let q = 0; q < 2000; q++) {
      const a = q % 2 === 0 ? list[int(r, list.length)].b.slice() : roots[int(r, 4)].slice();
      for (let bit = int(r, a.length * 8); bit < a.length * 8; bit++) if (r() < 0.5) a[bit >>> 3] ^= 0x80 >>> (bit & 7);
      const want = naive(list, a, v);
      const got = s.lookup(a, 0, v);
      if (got !== want) assert.unreachable(`round ${round} v${v}: ${Array.from(a)} got ${got} want ${want}`);
      if (s.contains(a, 0, v) !== (want !== -1)) assert.unreachable(`contains round ${round}`);
    }
  }
});

test('cidr: 10k-line list file loads; every entry and a miss resolve', () => {
  const r = rng(10);
  const lines: string[] = ['# 10k CIDRs'];
  const hosts: string[] = [];
  for (let i = 0; i < 10000; i++) {
    if (i % 4 === 3) {
      const g = Array.from({ length: 3 }, () => int(r, 65536).toString(16));
      lines.push(`2001:${g.join(':')}::/64`);
      hosts.push(`2001:${g.join(':')}:0:1:2:3`);
    } else {
      const o = [1 + int(r, 223), int(r, 256), int(r, 256)];
      lines.push(`${o.join('.')}.0/24`);
      hosts.push(`${o.join('.')}.${int(r, 256)}`);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'kwire-cidr-'));
  const file = join(dir, 'cidrs.txt');
  writeFileSync(file, lines.join('\n') + '\n');
  const s = loadCidrFile(file, 3);
  assert.is(s.size, 10000);
  for (const h of hosts) if (look(s, h) !== 3) assert.unreachable(h);
  assert.is(look(s, '0.0.0.1'), NO_MATCH);
  assert.ok(isIPv4(hosts[0]));
});

test('cidr: addresses at the very end of the buffer; empty set', () => {
  const s = new CidrSet();
  assert.is(s.lookup(new Uint8Array(4), 0, 4), NO_MATCH);
  assert.not.ok(s.contains(new Uint8Array(16), 0, 6));
  s.insert('fd00::/8', 1);
  s.insert('10.0.0.0/8', 2);
  const b = new Uint8Array(30);
  b[14] = 0xfd;
  assert.is(s.lookup(b, 14, 6), 1);
  b[26] = 10;
  assert.is(s.lookup(b, 26, 4), 2);
});

test.run();
