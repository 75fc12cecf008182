// Test helper: run the offline Inspector over a capture in-process and collect its records.

import { openCapture } from '../../engine/capture/open.js';
import { META_STRIDE } from '../../engine/capture/batch.js';
import { DecoderConfig } from '../../decoders/packet.js';
import { FlowConfig } from '../../engine/flow/flow-config.js';
import { Inspector } from '../../engine/pipeline/inspector.js';
import { ReassemblyConfig } from '../../engine/reassembly/reassembly-config.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';

export async function inspectFile(path: string, events: string[], opts: { alertPorts?: Uint8Array; reassembly?: ReassemblyConfig; policy?: PolicyMatcher } = {}):
  Promise<{ records: Record<string, any>[]; inspector: Inspector }> {
  const lines: string[] = [];
  const insp = new Inspector({
    decoder: new DecoderConfig(), flow: new FlowConfig(), reassembly: opts.reassembly ?? new ReassemblyConfig(),
    events: new Set(events), format: 'eve', alertPorts: opts.alertPorts ?? null, policy: opts.policy ?? null,
  }, (l) => lines.push(l));
  const r = await openCapture(path);
  try {
    for (let b = await r.next(); b !== null; b = await r.next()) {
      const names = r.interfaces.map((i) => i.name);
      for (let i = 0; i < b.count; i++) {
        const m = i * META_STRIDE;
        insp.frame(b.data, b.meta[m], b.meta[m + 1], b.meta[m + 2], b.meta[m + 3], b.meta[m + 5], b.meta[m + 6], b.firstFrame + i, names[b.meta[m + 4]] ?? '');
      }
    }
  } finally {
    await r.close();
  }
  insp.finish();
  return { records: lines.map((l) => JSON.parse(l)), inspector: insp };
}
