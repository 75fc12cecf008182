// The whole per-thread packet path in-process: read, decode, defragment, flow table, TCP
// reassembly and app-layer parsing (tls/dns/http records rendered but not written).

import { openCapture } from '../../../engine/capture/open.js';
import { META_STRIDE } from '../../../engine/capture/batch.js';
import { DecoderConfig } from '../../../decoders/packet.js';
import { FlowConfig } from '../../../engine/flow/flow-config.js';
import { Inspector } from '../../../engine/pipeline/inspector.js';
import { ReassemblyConfig } from '../../../engine/reassembly/reassembly-config.js';
import { parsePortList } from '../../../rules/builtin/port-alert.js';
import { DEFAULT_ALERT_PORTS } from '../../../engine/cli/inspect-command.js';

/** Run a fresh Inspector over `file`; returns the number of frames. */
export async function inspectAll(file: string): Promise<number> {
  let records = 0;
  const insp = new Inspector({
    decoder: new DecoderConfig(), flow: new FlowConfig(), reassembly: new ReassemblyConfig(),
    events: new Set(['alert', 'flow', 'tls', 'quic', 'dns', 'http']), format: 'eve',
    alertPorts: parsePortList(DEFAULT_ALERT_PORTS),
  }, () => { records++; });
  const r = await openCapture(file);
  let n = 0;
  try {
    for (let b = await r.next(); b !== null; b = await r.next()) {
      const { data, meta, count, firstFrame } = b;
      for (let i = 0; i < count; i++) {
        const m = i * META_STRIDE;
        insp.frame(data, meta[m], meta[m + 1], meta[m + 2], meta[m + 3], meta[m + 5], meta[m + 6], firstFrame + i, '');
      }
      n += count;
      r.recycle(b);
    }
  } finally {
    await r.close();
  }
  insp.finish();
  if (records === 0 && n > 0) throw new Error('no records: the app layer did not run');
  return n;
}
