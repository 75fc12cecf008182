import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parsePortList, PortAlertRule } from '../../../rules/builtin/port-alert.js';
import { decodeFrame } from '../../../decoders/frame.js';
import { Packet } from '../../../decoders/packet.js';
import { KwireError } from '../../../engine/errors.js';

test('port list: singles, ranges, spaces; errors name the bad part', () => {
  const m = parsePortList('6443, 2379-2380,10250');
  assert.is(m[6443] + m[2379] + m[2380] + m[10250], 4);
  assert.is(m[2381] + m[2378] + m[6444], 0);
  for (const bad of ['70000', '5-3', 'x', '1-2-3', '80,,http']) {
    try {
      parsePortList(bad);
      assert.unreachable(bad);
    } catch (e) {
      assert.instance(e, KwireError);
      assert.is((e as KwireError).code, 'KWIRE_ERR_USAGE');
    }
  }
});

function tcp(flags: number, dport: number): Packet {
  const b = Uint8Array.from([...Array(12).fill(2), 8, 0, 0x45, 0, 0, 40, 0, 1, 0, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
    0x9c, 0x40, dport >> 8, dport & 0xff, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, flags, 0xff, 0xff, 0, 0, 0, 0]);
  const pkt = new Packet();
  pkt.reset(b, 0, b.length, b.length, 1);
  decodeFrame(pkt);
  return pkt;
}

test('fires on SYN without ACK to a listed port only; control-plane ports are their own category', () => {
  const rule = new PortAlertRule(parsePortList('6443,8080'));
  const syn = tcp(0x02, 6443);
  const r = rule.match(syn, 0);
  assert.ok(r);
  assert.is(r!.category, 'control-plane-exposure');
  assert.is(r!.sid, 9106443);
  assert.is(rule.match(tcp(0x12, 6443), 0), null); // SYN-ACK
  assert.is(rule.match(tcp(0x10, 6443), 0), null); // data
  assert.is(rule.match(tcp(0x02, 6444), 0), null);
  assert.is(rule.match(tcp(0x02, 8080), 0)!.category, 'disallowed-port');
  assert.is(rule.match(syn, 2), null); // not on malformed packets
});

test.run();
