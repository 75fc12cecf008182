// Community ID v1 against the values the spec's reference tools print (tcp.pcap of the spec's testdata).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isIPv4 } from 'node:net';
import { communityId } from '../../../engine/flow/community-id.js';

function ip(s: string): Uint8Array {
  if (isIPv4(s)) return Uint8Array.from(s.split('.').map(Number));
  const [head, tail = ''] = s.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = s.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  const b = new Uint8Array(16);
  groups.forEach((g, i) => { const v = parseInt(g, 16); b[2 * i] = v >> 8; b[2 * i + 1] = v & 0xff; });
  return b;
}

function cid(src: string, dst: string, proto: number, sp: number, dp: number, seed = 0): string {
  const v = isIPv4(src) ? 4 : 6;
  return communityId(v, ip(src), 0, ip(dst), 0, proto, sp, dp, seed);
}

test('spec examples (README of corelight/community-id-spec)', () => {
  // TCP 128.232.110.120:34855 -> 66.35.250.204:80, seed 0
  assert.is(cid('128.232.110.120', '66.35.250.204', 6, 34855, 80), '1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
  // symmetric: the reply has the same id
  assert.is(cid('66.35.250.204', '128.232.110.120', 6, 80, 34855), '1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
  // a seed changes it
  assert.is.not(cid('128.232.110.120', '66.35.250.204', 6, 34855, 80, 1), '1:LQU9qZlK+B5F3KDmev6m5PMibrg=');
});

test('ICMP echo request and reply share an id; unpaired types are one-way', () => {
  const req = cid('192.168.0.89', '192.168.0.1', 1, 8, 0);
  const rep = cid('192.168.0.1', '192.168.0.89', 1, 0, 0);
  assert.is(req, rep);
  assert.is(req, '1:X0snYXpgwiv9TZtqg64sgzUn6Dk=');
  assert.is.not(cid('192.168.0.89', '192.168.0.1', 1, 3, 1), cid('192.168.0.1', '192.168.0.89', 1, 3, 1));
});

test('IPv6 UDP', () => {
  const a = cid('fe80::200:86ff:fe05:80da', 'fe80::260:97ff:fe07:69ea', 17, 5353, 5353);
  assert.match(a, /^1:[A-Za-z0-9+/]{27}=$/);
  assert.is(a, cid('fe80::260:97ff:fe07:69ea', 'fe80::200:86ff:fe05:80da', 17, 5353, 5353));
});

test.run();
