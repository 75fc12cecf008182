#!/usr/bin/env node
// kwire command line: `kwire inspect` (offline forensics), `kwire live` (IDS on interfaces), `kwire rules`.
// Each command's modules are loaded on demand; `kwire inspect` starts its worker threads first, so
// that they boot while this thread loads the rest of kwire (engine/pipeline/worker-start.ts).

import { readFileSync } from 'node:fs';
import { inspectThreadsFromArgs, prestartWorkers } from '../pipeline/worker-start.js';
import { EXIT_USAGE } from '../errors.js';

const help = async (): Promise<string> => {
  const [{ INSPECT_HELP }, { LIVE_HELP }, { RULES_HELP }] = await Promise.all([
    import('./inspect-command.js'), import('./live-command.js'), import('./rules-command.js')]);
  return `kwire — packet-level traffic inspection for Kubernetes nodes

Usage:
  kwire inspect <capture|-> [options]   decode a pcap/pcapng file (or stdin) and report alerts
  kwire live --iface IFACE[,IFACE] [options]   capture and inspect live traffic until SIGTERM
  kwire rules check POLICY [--suricata FILE]...   validate and compile a policy
  kwire bench [options]                 end-to-end throughput and memory against peers, baselines
                                        (kwire bench --help)
  kwire --help | --version

${INSPECT_HELP}
${LIVE_HELP}
${RULES_HELP}`;
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    process.stdout.write(await help());
    return cmd === undefined ? EXIT_USAGE : 0;
  }
  if (cmd === '--version' || cmd === '-V') {
    process.stdout.write(`kwire ${readVersion()}\n`);
    return 0;
  }
  if (cmd === 'inspect') {
    prestartWorkers(inspectThreadsFromArgs(rest));
    return (await import('./inspect-command.js')).runInspectCommand(rest);
  }
  if (cmd === 'live') return (await import('./live-command.js')).runLiveCommand(rest);
  if (cmd === 'rules') return (await import('./rules-command.js')).runRulesCommand(rest);
  if (cmd === 'bench') return (await import('./bench-command.js')).runBenchCommand(rest);
  process.stderr.write(`kwire: unknown command "${cmd}" (try kwire --help)\n`);
  return EXIT_USAGE;
}

function readVersion(): string {
  for (const rel of ['../../package.json', '../../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch { /* try the next layout (tsx vs dist) */ }
  }
  return 'unknown';
}

process.exitCode = await main(process.argv.slice(2));
