// LINKTYPE_* values against the tcpdump.org registry (https://www.tcpdump.org/linktypes.html) and their names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as LT from '../../decoders/link-types.js';

test('registry values', () => {
  assert.equal(
    [LT.LINKTYPE_NULL, LT.LINKTYPE_ETHERNET, LT.LINKTYPE_RAW, LT.LINKTYPE_LOOP, LT.LINKTYPE_LINUX_SLL,
      LT.LINKTYPE_IPV4, LT.LINKTYPE_IPV6, LT.LINKTYPE_LINUX_SLL2, LT.DLT_RAW_12, LT.DLT_RAW_14],
    [0, 1, 101, 108, 113, 228, 229, 276, 12, 14],
  );
});

test('names for statistics and messages', () => {
  assert.is(LT.linkTypeName(0), 'null');
  assert.is(LT.linkTypeName(1), 'ethernet');
  for (const raw of [101, 12, 14]) assert.is(LT.linkTypeName(raw), 'raw');
  assert.is(LT.linkTypeName(108), 'loop');
  assert.is(LT.linkTypeName(113), 'sll');
  assert.is(LT.linkTypeName(276), 'sll2');
  assert.is(LT.linkTypeName(228), 'ipv4');
  assert.is(LT.linkTypeName(229), 'ipv6');
  assert.is(LT.linkTypeName(127), 'linktype_127');
});

test.run();
