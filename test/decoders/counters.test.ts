// Decoder counters: names as under stats.decoder in EVE, dense ids, append only.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as C from '../../decoders/counters.js';

/** The counter list as released; new names go after these, never between. */
const RELEASED = [
  'pkts', 'bytes', 'invalid', 'truncated', 'undecoded', 'ethernet', 'raw', 'null', 'sll', 'sll2',
  'vlan', 'vlan_qinq', 'vlan_qinqinq', 'ipv4', 'ipv6', 'tcp', 'udp', 'icmpv4', 'icmpv6', 'other_ip_proto',
  'arp', 'unknown_ethertype', 'gre', 'erspan', 'vxlan', 'geneve',
  'ipv4_in_ipv4', 'ipv6_in_ipv4', 'ipv4_in_ipv6', 'ipv6_in_ipv6', 'ipv4_frag', 'ipv6_frag', 'max_pkt_size',
  'teredo', 'pppoe', 'cmd',
];

test('append only: every released counter keeps its id', () => {
  assert.equal(C.COUNTER_NAMES.slice(0, RELEASED.length), RELEASED);
  assert.is(C.COUNTER_COUNT, C.COUNTER_NAMES.length);
});

test('names are unique snake_case', () => {
  assert.is(new Set(C.COUNTER_NAMES).size, C.COUNTER_NAMES.length);
  for (const n of C.COUNTER_NAMES) assert.ok(/^[a-z0-9_]+$/.test(n), n);
});

test('every exported C_ constant is the index of its name, and every name has a constant', () => {
  const ids = new Set<number>();
  for (const [k, v] of Object.entries(C)) {
    if (!k.startsWith('C_')) continue;
    const id = v as number;
    assert.is(k, `C_${C.COUNTER_NAMES[id].toUpperCase()}`);
    ids.add(id);
  }
  assert.is(ids.size, C.COUNTER_COUNT);
});

test.run();
