import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { isIPv6 } from 'node:net';
import { formatIpv4, formatIpv6 } from '../../../engine/output/ip-format.js';

function v6(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

test('IPv4 dotted quad at an offset', () => {
  assert.is(formatIpv4(Uint8Array.of(9, 10, 0, 2, 255), 1), '10.0.2.255');
});

test('IPv6 RFC 5952: longest zero run, first on ties, no :: for one group, lower case', () => {
  assert.is(formatIpv6(v6('20010db8000000000000000000000001'), 0), '2001:db8::1');
  assert.is(formatIpv6(v6('00000000000000000000000000000000'), 0), '::');
  assert.is(formatIpv6(v6('00000000000000000000000000000001'), 0), '::1');
  assert.is(formatIpv6(v6('20010db8000000010000000000000001'), 0), '2001:db8:0:1::1');
  assert.is(formatIpv6(v6('20010db8000000000001000000000001'), 0), '2001:db8::1:0:0:1');
  assert.is(formatIpv6(v6('20010db8000100010001000100010001'), 0), '2001:db8:1:1:1:1:1:1');
  assert.is(formatIpv6(v6('20010db800000001000100010001ABCD'), 0), '2001:db8:0:1:1:1:1:abcd');
  assert.is(formatIpv6(v6('fe800000000000000000000000000000'), 0), 'fe80::');
  assert.is(formatIpv6(v6('00000000000000000000ffffc0a80001'), 0), '::ffff:192.168.0.1');
});

test('IPv6 text round-trips through node:net for random addresses with zero runs', () => {
  let seed = 7;
  const rnd = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16;
  for (let i = 0; i < 2000; i++) {
    const b = new Uint8Array(16);
    for (let g = 0; g < 8; g++) if (rnd() % 3 !== 0) { b[2 * g] = rnd() & 0xff; b[2 * g + 1] = rnd() & 0xff; }
    const s = formatIpv6(b, 0);
    assert.ok(isIPv6(s), s);
    assert.ok(!/:0[0-9a-f]/.test(s), `no leading zeros: ${s}`);
    assert.ok(s.split('::').length <= 2, s);
  }
});

test.run();
