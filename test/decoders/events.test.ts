// Decode event names and ids: dotted Suricata-style names, dense ids, append only (a released id never moves).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as E from '../../decoders/events.js';

/** The event list as released; new names go after these, never between. */
const RELEASED = [
  'decoder.too_many_layers', 'ethernet.pkt_too_small', 'vlan.header_too_small', 'vlan.too_many_layers',
  'sll.pkt_too_small', 'sll2.pkt_too_small', 'null.pkt_too_small', 'null.unsupported_type', 'raw.invalid_ip_version',
  'ipv4.pkt_too_small', 'ipv4.hlen_too_small', 'ipv4.iplen_smaller_than_hlen', 'ipv4.trunc_pkt', 'ipv4.wrong_ip_version',
  'ipv4.opt_invalid_len', 'ipv6.pkt_too_small', 'ipv6.trunc_pkt', 'ipv6.wrong_ip_version', 'ipv6.trunc_exthdr',
  'ipv6.exthdr_too_many', 'tcp.pkt_too_small', 'tcp.hlen_too_small', 'tcp.invalid_optlen', 'udp.pkt_too_small',
  'udp.hlen_too_small', 'udp.hlen_invalid', 'icmpv4.pkt_too_small', 'icmpv4.ipv4_trunc_pkt', 'icmpv6.pkt_too_small',
  'icmpv6.ipv6_trunc_pkt', 'gre.pkt_too_small', 'gre.wrong_version', 'gre.version0_hdr_too_big',
  'gre.version1_wrong_protocol', 'erspan.header_too_small', 'erspan.unsupported_version', 'vxlan.pkt_too_small',
  'vxlan.invalid_flags', 'geneve.pkt_too_small', 'geneve.invalid_version', 'geneve.opt_len_too_big',
  'geneve.unknown_payload_type', 'ipip.wrong_ip_version', 'pppoe.pkt_too_small', 'cmd.pkt_too_small',
];

test('append only: every released event keeps its id', () => {
  assert.equal(E.EVENT_NAMES.slice(0, RELEASED.length), RELEASED);
  assert.is(E.EVENT_COUNT, E.EVENT_NAMES.length);
});

test('names are unique, dotted and lower case', () => {
  assert.is(new Set(E.EVENT_NAMES).size, E.EVENT_NAMES.length);
  for (const n of E.EVENT_NAMES) assert.ok(/^[a-z0-9]+\.[a-z0-9_]+$/.test(n), n);
});

test('every exported EV_ constant is the index of its name (EV_<NAME>), and every name has a constant', () => {
  const ids = new Set<number>();
  for (const [k, v] of Object.entries(E)) {
    if (!k.startsWith('EV_')) continue;
    assert.type(v, 'number');
    const id = v as number;
    assert.ok(id >= 0 && id < E.EVENT_COUNT, `${k} = ${id}`);
    // 'decoder.' events drop their prefix: EV_TOO_MANY_LAYERS.
    const words = E.EVENT_NAMES[id].replace(/^decoder\./, '').replace('.', '_').toUpperCase();
    assert.is(k, `EV_${words}`, `${k} names ${E.EVENT_NAMES[id]}`);
    ids.add(id);
  }
  assert.is(ids.size, E.EVENT_COUNT);
});

test.run();
