import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Packet, DecoderConfig, S_TRUNCATED, S_INVALID, UDP_TUNNEL_VXLAN, UDP_TUNNEL_GENEVE } from '../../decoders/packet.js';
import { EV_IPV4_TRUNC_PKT } from '../../decoders/events.js';
import { C_TRUNCATED } from '../../decoders/counters.js';

test('short(): snap-length cut is truncation, a lying length is an event', () => {
  const pkt = new Packet();
  pkt.reset(new Uint8Array(10), 0, 10, 100, 1);
  assert.is(pkt.short(EV_IPV4_TRUNC_PKT), S_TRUNCATED);
  assert.is(pkt.counters[C_TRUNCATED], 1);
  assert.is(pkt.events[EV_IPV4_TRUNC_PKT], 0);
  pkt.reset(new Uint8Array(10), 0, 10, 10, 1);
  assert.is(pkt.short(EV_IPV4_TRUNC_PKT), S_INVALID);
  assert.is(pkt.events[EV_IPV4_TRUNC_PKT], 1);
  assert.is(pkt.lastEvent, EV_IPV4_TRUNC_PKT);
});

test('DecoderConfig: default and custom UDP tunnel ports', () => {
  const d = new DecoderConfig();
  assert.is(d.udpTunnelByPort[4789], UDP_TUNNEL_VXLAN);
  assert.is(d.udpTunnelByPort[8472], UDP_TUNNEL_VXLAN);
  assert.is(d.udpTunnelByPort[6081], UDP_TUNNEL_GENEVE);
  const c = new DecoderConfig({ vxlanPorts: [9999], genevePorts: [] });
  assert.is(c.udpTunnelByPort[4789], 0);
  assert.is(c.udpTunnelByPort[9999], UDP_TUNNEL_VXLAN);
  assert.is(c.udpTunnelByPort[6081], 0);
});

test.run();
