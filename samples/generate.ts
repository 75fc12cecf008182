// Sample capture generator: a deterministic, seeded mix of Kubernetes-node traffic as pcap or pcapng.
// Usage: node --import tsx samples/generate.ts --packets N --format pcap|pcapng --seed S --out FILE|-

import { EXIT_BAD_INPUT, EXIT_USAGE, KwireError } from '../engine/errors.js';
import { generate } from './generator/generator.js';
import type { CaptureFormat } from './generator/generator.js';
import { FileSink, StdoutSink } from './generator/sink.js';

const USAGE = `Usage: node --import tsx samples/generate.ts --packets N --format pcap|pcapng --seed S --out FILE|-
  --packets N   number of frames to write (exact), 1 to 100000000
  --format F    pcap (microseconds, little-endian) or pcapng (nanoseconds, interface eth0)
  --seed S      any string; the same seed always gives the same bytes
  --out FILE    output file, or - for stdout
  --stats       print frames per scenario and the generation rate to stderr
`;

interface Args {
  packets: number;
  format: CaptureFormat;
  seed: string;
  out: string;
  stats: boolean;
}

function usageError(message: string): KwireError {
  return new KwireError('KWIRE_ERR_SAMPLES_USAGE', `${message}\n${USAGE}`);
}

export function parseArgs(argv: string[]): Args {
  const a: Partial<Args> = { stats: false };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i]!;
    if (k === '--stats') {
      a.stats = true;
      continue;
    }
    const v = argv[i + 1];
    if (v === undefined) throw usageError(`${k} needs a value`);
    i++;
    switch (k) {
      case '--packets': {
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 100_000_000) throw usageError(`--packets must be an integer from 1 to 100000000, got "${v}"`);
        a.packets = n;
        break;
      }
      case '--format':
        if (v !== 'pcap' && v !== 'pcapng') throw usageError(`--format must be pcap or pcapng, got "${v}"`);
        a.format = v;
        break;
      case '--seed':
        a.seed = v;
        break;
      case '--out':
        a.out = v;
        break;
      default:
        throw usageError(`unknown option ${k}`);
    }
  }
  for (const k of ['packets', 'format', 'seed', 'out'] as const) {
    if (a[k] === undefined) throw usageError(`--${k} is required`);
  }
  return a as Args;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (err) {
    process.stderr.write(`generate: ${(err as Error).message}`);
    return EXIT_USAGE;
  }
  let sink;
  try {
    sink = args.out === '-' ? new StdoutSink() : new FileSink(args.out);
  } catch (err) {
    if (!(err instanceof KwireError)) throw err;
    process.stderr.write(`generate: ${err.message}\n`);
    return EXIT_BAD_INPUT;
  }
  const t0 = process.hrtime.bigint();
  const stats = await generate({ packets: args.packets, format: args.format, seed: args.seed }, sink);
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (args.stats) {
    const lines = stats.perScenario.map((s) =>
      `  ${s.name.padEnd(22)} ${String(s.packets).padStart(10)}  ${((100 * s.packets) / stats.packets).toFixed(1).padStart(5)}%`);
    process.stderr.write(`${lines.join('\n')}\n${stats.packets} frames, ${stats.frameBytes} frame bytes, `
      + `${(stats.lastNs / 1e9).toFixed(3)} s of traffic, generated in ${secs.toFixed(2)} s `
      + `(${Math.round(stats.packets / secs)} frames/s)\n`);
  }
  return 0;
}

process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = await main(process.argv.slice(2));
