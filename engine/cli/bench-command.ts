// `kwire bench`: end-to-end throughput and peak RSS of `kwire inspect` against its C peers, the
// performance targets, and the regression check against a saved baseline.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, KwireError } from '../errors.js';
import { compareResults, comparedCount, DEFAULT_TOLERANCE } from '../../bench/end-to-end/compare.js';
import { INPUT_SETS, runEndToEnd } from '../../bench/end-to-end/end-to-end.js';
import { formatCommands, formatComparison, formatTable, formatTargets } from '../../bench/end-to-end/report.js';
import { parseResult, type BenchResult } from '../../bench/end-to-end/result.js';
import { PEERS } from '../../bench/peers/peer.js';

export const BENCH_HELP = `kwire bench [options]
  Measures \`kwire inspect FILE --policy rules/default/policy.yaml --out /dev/null\` end to end
  (process start to exit): packets/s, bits/s and peak RSS, for --workers 0 (main thread only), 1,
  the default and 2, and the peers tcpdump, ndpiReader and tshark on the same files in the same run.
  Prints a table, checks the targets (PASS/FAIL/SKIP) and optionally a baseline.

  --inputs LIST         k8s-mix (generated), corpus (shared captures concatenated) and/or capture
                        files (default k8s-mix,corpus; generated inputs are cached in /tmp/kwire-bench)
  --packets N           packets of the k8s-mix and corpus inputs (default 1000000)
  --repeat N            runs of each program on each input, the fastest counts (default 3; tshark once)
  --peers LIST          ${PEERS.map((p) => p.name).join(',')} (default all) or none
  --save FILE           write the result as JSON (machine, node, date, commit, every figure)
  --baseline FILE       compare with a saved result: exit 1 when kwire lost more than the tolerance
                        in packets/s or grew more in peak RSS on any input and configuration
  --tolerance PCT       regression threshold in percent (default ${DEFAULT_TOLERANCE * 100})
  --no-assert           report missed targets without failing
  --kwire dist|tsx      run the compiled dist/ or the TypeScript sources (default: dist/ when up to date)
  Exit codes: 0 ok, 1 a target missed, a regression, a kwire run failed, or bad input, 2 usage.
`;

function usage(msg: string): number {
  process.stderr.write(`kwire bench: ${msg}\n${BENCH_HELP}`);
  return EXIT_USAGE;
}

function fail(e: unknown): number {
  const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
  process.stderr.write(`kwire bench: ${msg}\n`);
  return EXIT_BAD_INPUT;
}

function list(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

export async function runBenchCommand(args: string[]): Promise<number> {
  return (await benchEndToEnd(args)).code;
}

/** `kwire bench` with its arguments: prints everything, returns the exit code and the result (null on a usage or input error). */
export async function benchEndToEnd(args: string[]): Promise<{ code: number; result: BenchResult | null }> {
  const done = (code: number): { code: number; result: null } => ({ code, result: null });
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        inputs: { type: 'string', default: INPUT_SETS.join(',') },
        packets: { type: 'string', default: '1000000' },
        repeat: { type: 'string', default: '3' },
        peers: { type: 'string', default: PEERS.map((p) => p.name).join(',') },
        save: { type: 'string' },
        baseline: { type: 'string' },
        tolerance: { type: 'string', default: String(DEFAULT_TOLERANCE * 100) },
        'no-assert': { type: 'boolean', default: false },
        kwire: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    return done(usage((e as Error).message));
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(BENCH_HELP);
    return done(EXIT_OK);
  }
  const packets = Number(v.packets);
  if (!Number.isInteger(packets) || packets < 1 || packets > 100_000_000) return done(usage('--packets must be an integer 1..100000000'));
  const repeat = Number(v.repeat);
  if (!Number.isInteger(repeat) || repeat < 1 || repeat > 100) return done(usage('--repeat must be an integer 1..100'));
  const tolerance = Number(v.tolerance) / 100;
  if (!(tolerance >= 0 && tolerance < 10)) return done(usage('--tolerance must be a percentage ≥ 0'));
  const inputs = list(v.inputs);
  if (inputs.length === 0) return done(usage('--inputs is empty'));
  const peers = v.peers === 'none' ? [] : list(v.peers);
  for (const p of peers) if (!PEERS.some((k) => k.name === p)) return done(usage(`unknown peer "${p}" (known: ${PEERS.map((k) => k.name).join(', ')}, none)`));
  if (v.kwire !== undefined && v.kwire !== 'dist' && v.kwire !== 'tsx') return done(usage('--kwire must be dist or tsx'));

  // A bad baseline stops before minutes of measuring, not after.
  let baseline: BenchResult | null = null;
  if (v.baseline !== undefined) {
    try {
      baseline = parseResult(readFileSync(v.baseline, 'utf8'), v.baseline);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return done(fail(new KwireError('KWIRE_ERR_BENCH_RESULT', 'baseline not found', v.baseline)));
      return done(fail(e));
    }
  }

  let result: BenchResult;
  try {
    result = await runEndToEnd({
      inputs, packets, repeat, peers, entry: v.kwire as 'dist' | 'tsx' | undefined,
      log: (line) => process.stderr.write(`kwire bench: ${line}\n`),
    });
  } catch (e) {
    return done(fail(e));
  }

  const m = result.machine;
  process.stdout.write(`\n${m.cpu}, ${m.cores} cores, ${m.memoryMB} MB, Linux ${m.kernel}, node ${result.node}, ` +
    `load average ${m.loadavg1} at start, commit ${result.commit}, ${result.date}\n`);
  for (const inp of result.inputs) process.stdout.write(`${inp.name}: ${inp.description}\n`);
  process.stdout.write(`\ncommands (best of ${repeat} runs each, process start to exit; peak RSS from wait4 via /usr/bin/time -v):\n`);
  process.stdout.write(formatCommands(result) + '\n' + formatTable(result) + '\n' + formatTargets(result.targets));

  let code = EXIT_OK;
  // kwire itself failing is an error, never a skipped target
  const broken = result.inputs.flatMap((i) => i.kwire.filter((p) => p.status === 'failed').map((p) => `${i.name} ${p.name}`));
  if (broken.length > 0) {
    process.stdout.write(`kwire failed: ${broken.join(', ')}\n`);
    code = EXIT_BAD_INPUT;
  }
  const missed = result.targets.filter((t) => t.status === 'fail').length;
  if (missed > 0) {
    process.stdout.write(`${missed} target(s) missed${v['no-assert'] ? ' (--no-assert: not failing)' : ''}\n`);
    if (!v['no-assert']) code = EXIT_BAD_INPUT;
  }

  if (v.save !== undefined) {
    try {
      writeFileSync(v.save, JSON.stringify(result, null, 2) + '\n');
      process.stdout.write(`saved ${v.save}\n`);
    } catch (e) {
      process.stderr.write(`kwire bench: cannot save ${v.save}: ${(e as Error).message}\n`);
      code = EXIT_BAD_INPUT;
    }
  }

  if (baseline !== null) {
    const c = compareResults(baseline, result, tolerance);
    process.stdout.write('\n' + formatComparison(c, v.baseline!, baseline));
    if (comparedCount(c) === 0) {
      process.stdout.write('nothing compared: the baseline has none of these inputs and configurations\n');
      code = EXIT_BAD_INPUT;
    }
    if (c.regressions.length > 0) code = EXIT_BAD_INPUT;
  }
  return { code, result };
}
