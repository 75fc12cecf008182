// `kwire inspect`: argument parsing, output-mode choice, messages and exit codes.

import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, KwireError } from '../errors.js';
import { runInspect } from '../pipeline/inspect.js';
import { inspectThreads, prestartWorkers } from '../pipeline/worker-start.js';
import type { PolicyMatcher } from '../../rules/match/policy-matcher.js';
import { summaryText } from '../output/stats-record.js';
import { buildPolicy } from '../pipeline/engine-spec.js';
import { FAULT_AT_START } from '../pipeline/fault.js';
import { ENGINE_FLAGS, ENGINE_HELP, engineSpec, parseWorkers } from './engine-flags.js';

export { DEFAULT_ALERT_PORTS } from './engine-flags.js';

export const INSPECT_HELP = `kwire inspect <capture|-> [options]
  Reads classic pcap or pcapng (detected by magic) from a file or stdin ('-'), decodes every frame
  down to the innermost transport header (VLAN, SLL/SLL2, IPv4/IPv6 extension headers, VXLAN,
  Geneve, GRE/ERSPAN, IP-in-IP), reassembles IP fragments and TCP streams, tracks flows, parses
  TLS/QUIC ClientHellos, DNS and HTTP, and reports alerts and records.

  --out FILE|-          write EVE NDJSON to FILE ('-' = stdout). Without --out: readable alert
                        lines on a terminal, EVE NDJSON when stdout is a pipe or file
${ENGINE_HELP.trimEnd()}
  --workers N           inspecting threads; packets are sharded by a symmetric hash of the innermost
                        address pair, each owns its flows (default: cores - 1, at least 1; 0 =
                        everything on the main thread; with 2 or more the main thread inspects one
                        share itself, beside N - 1 worker threads). Output is the same for any N
  --quiet               no summary on stderr, no progress line
  Exit codes: 0 ok, 1 bad input or failed output, 2 usage.
`;

function usage(msg: string): number {
  process.stderr.write(`kwire inspect: ${msg}\n${INSPECT_HELP}`);
  return EXIT_USAGE;
}

/**
 * KWIRE_FAULT_INJECT=worker-crash:N makes a worker throw at pcap_cnt N (crash-recovery tests);
 * =worker-start makes every worker throw while starting.
 */
function faultInjection(): number {
  const v = process.env.KWIRE_FAULT_INJECT ?? '';
  if (v === 'worker-start') return FAULT_AT_START;
  const m = /^worker-crash:(\d+)$/.exec(v);
  return m ? Number(m[1]) : -1;
}

export async function runInspectCommand(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        quiet: { type: 'boolean', default: false },
        ...ENGINE_FLAGS,
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return usage((e as Error).message);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(INSPECT_HELP);
    return EXIT_OK;
  }
  if (parsed.positionals.length !== 1) return usage('expected exactly one capture file (or - for stdin)');
  const input = parsed.positionals[0];
  const out = v.out ?? '-';
  const format = v.out === undefined && process.stdout.isTTY ? 'text' : 'eve';
  const parsedSpec = engineSpec(v, format);
  if (typeof parsedSpec === 'string') return usage(parsedSpec);
  const { spec, events } = parsedSpec;
  const workers = parseWorkers(v.workers);
  if (typeof workers === 'string') return usage(workers);

  if (workers > 0) prestartWorkers(inspectThreads(workers)); // started by cli/main.ts already, unless run otherwise
  let policy: PolicyMatcher | null = null;
  if (spec.policy !== null) {
    try {
      policy = buildPolicy(spec.policy, (msg) => process.stderr.write(`kwire: warning: ${msg}\n`));
    } catch (e) {
      const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
      process.stderr.write(`kwire: policy not loaded, not starting: ${msg}\n`);
      return EXIT_BAD_INPUT;
    }
  }

  const result = await runInspect({
    input, out, stats: events.has('stats'), spec, workers, policy,
    progress: !v.quiet && format === 'eve', // alert lines on the terminal would mix with the bar
    fault: faultInjection(),
  });
  if (!v.quiet) process.stderr.write(summaryText(result.stats));
  if (result.lost > 0) process.stderr.write(`kwire: ${result.lost} packets lost in ${result.restarts} worker crash(es) (stats.workers.lost_packets)\n`);
  let code = EXIT_OK;
  for (const err of [result.inputError, result.outputError]) {
    if (err === null) continue;
    const msg = err instanceof KwireError ? `${err.message} [${err.code}]` : err.message;
    process.stderr.write(`kwire: ${msg}\n`);
    code = EXIT_BAD_INPUT;
  }
  return code;
}
