// Test helper run as its own process: one runInspect() with the options given as JSON in argv[2],
// printing {packets, lost, peakInFlight, error} as JSON. Worker-engine tests run it apart from the
// test process (whose other suites load native addons and install signal handlers).
import { runInspect, type InspectOptions } from '../../engine/pipeline/inspect.js';
import { C_PKTS } from '../../decoders/counters.js';

const opts = JSON.parse(process.argv[2]) as InspectOptions;
const r = await runInspect(opts);
process.stdout.write(JSON.stringify({
  packets: r.stats.counters[C_PKTS], lost: r.lost, peakInFlight: r.peakInFlight,
  error: r.inputError?.message ?? null,
}) + '\n');
