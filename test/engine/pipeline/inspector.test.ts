// The whole per-thread path (decode, defrag, flows, reassembly, app layer, records) on real
// captures with seeded byte mutations: never throws, and every reassembly byte is given back.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openCapture } from '../../../engine/capture/open.js';
import { META_STRIDE } from '../../../engine/capture/batch.js';
import { DecoderConfig } from '../../../decoders/packet.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { Inspector } from '../../../engine/pipeline/inspector.js';
import { ReassemblyConfig } from '../../../engine/reassembly/reassembly-config.js';
import { parsePortList } from '../../../rules/builtin/port-alert.js';
import { SHARED_FILES } from '../../helpers/paths.js';

interface Frame { bytes: Uint8Array; origLen: number; linkType: number; sec: number; nsec: number }

async function frames(file: string): Promise<Frame[]> {
  const out: Frame[] = [];
  const r = await openCapture(join(SHARED_FILES, file));
  for (let b = await r.next(); b !== null; b = await r.next()) {
    for (let i = 0; i < b.count; i++) {
      const m = i * META_STRIDE;
      out.push({ bytes: b.data.slice(b.meta[m], b.meta[m] + b.meta[m + 1]), origLen: b.meta[m + 2], linkType: b.meta[m + 3], sec: b.meta[m + 5], nsec: b.meta[m + 6] });
    }
  }
  await r.close();
  return out;
}

function inspector(lines: string[]): Inspector {
  return new Inspector({
    decoder: new DecoderConfig(), flow: new FlowConfig({ maxFlows: 64 }), reassembly: new ReassemblyConfig({ memcap: 1 << 20 }),
    events: new Set(['alert', 'flow', 'tls', 'quic', 'dns', 'http']), format: 'eve', alertPorts: parsePortList('1-65535'),
  }, (l) => lines.push(l));
}

const FILES = ['arkime/tls-split-client-hello.pcap', 'ndpi/quic_frags_ch_in_multiple_packets.pcapng', 'arkime/dns-tcp.pcap',
  'ndpi/dns_fragmented.pcap', 'gopacket/test_loopback.pcap', 'ja4/gre-erspan-vxlan.pcap', 'pcapplusplus/ip6_fragments.pcap', 'ndpi/smtp-starttls.pcap'];

test('real captures as they are: records are JSON, memory returns to zero after finish()', async () => {
  for (const f of FILES) {
    const lines: string[] = [];
    const insp = inspector(lines);
    (await frames(f)).forEach((fr, i) => insp.frame(fr.bytes, 0, fr.bytes.length, fr.origLen, fr.linkType, fr.sec, fr.nsec, i + 1, ''));
    insp.finish();
    assert.ok(lines.length > 0, f);
    for (const l of lines) JSON.parse(l);
    assert.is(insp.memory.used, 0, `${f}: reassembly memory given back`);
    assert.is(insp.flows.active, 0);
  }
});

test('seeded mutations of payload bytes, truncations and duplicated frames never throw', async () => {
  let seed = 12345;
  const rnd = (n: number): number => { seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0; return seed % n; };
  let records = 0;
  for (const f of FILES) {
    const base = await frames(f);
    for (let round = 0; round < 25; round++) {
      const lines: string[] = [];
      const insp = inspector(lines);
      let cnt = 0;
      for (const fr of base) {
        const b = fr.bytes.slice();
        const flips = rnd(4);
        for (let k = 0; k < flips; k++) b[rnd(b.length)] = rnd(256);
        const cap = rnd(8) === 0 ? rnd(b.length + 1) : b.length;
        const copies = rnd(10) === 0 ? 2 : 1;
        for (let c = 0; c < copies; c++) insp.frame(b, 0, cap, Math.max(cap, fr.origLen), fr.linkType, fr.sec, fr.nsec, ++cnt, '');
      }
      insp.finish();
      for (const l of lines) JSON.parse(l);
      records += lines.length;
      assert.is(insp.memory.used, 0, `${f} round ${round}`);
    }
  }
  assert.ok(records > 1000);
});

test.run();
