// `kwire rules check POLICY [--suricata FILE]...`: validate a policy (and Suricata rules to import),
// compile it, print a summary. Exit 0 when it compiles, 1 when it does not, 2 on usage errors.

import { parseArgs } from 'node:util';
import { loadPolicy } from '../../rules/parse/policy.js';
import { loadSuricataRules } from '../../rules/parse/suricata.js';
import { compiledSummary, compilePolicy } from '../../rules/compile/compile-policy.js';
import { EXIT_BAD_INPUT, EXIT_OK, EXIT_USAGE, KwireError } from '../errors.js';
import { PROFILE_FLAGS, profileOverrides } from './profile-flags.js';

export const RULES_HELP = `kwire rules check POLICY [--suricata FILE]... [--pod-cidrs LIST] [--node-cidrs LIST] ...
  Validates a YAML policy (schema: rules/parse/README.md) and Suricata rules to import against its
  cluster profile, compiles them, and prints a summary. Errors name file, line and column; an
  unsupported Suricata keyword skips its rule with a warning. Exit 0 ok, 1 invalid, 2 usage.
`;

export function runRulesCommand(args: string[]): number {
  const [sub, ...rest] = args;
  if (sub !== 'check') {
    process.stderr.write(`kwire rules: expected "check"\n${RULES_HELP}`);
    return EXIT_USAGE;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { suricata: { type: 'string', multiple: true, default: [] }, ...PROFILE_FLAGS } });
  } catch (e) {
    process.stderr.write(`kwire rules check: ${(e as Error).message}\n${RULES_HELP}`);
    return EXIT_USAGE;
  }
  if (parsed.positionals.length !== 1) {
    process.stderr.write(`kwire rules check: expected exactly one policy file\n${RULES_HELP}`);
    return EXIT_USAGE;
  }
  try {
    const policy = loadPolicy(parsed.positionals[0], { profile: profileOverrides(parsed.values) });
    let skipped = 0;
    for (const file of parsed.values.suricata ?? []) {
      const imp = loadSuricataRules(file, policy.cluster);
      for (const w of imp.warnings) process.stderr.write(`kwire rules check: warning: ${w.message}\n`);
      skipped += imp.skipped;
      policy.rules.push(...imp.rules);
      process.stdout.write(`suricata ${file}: ${imp.rules.length} rules imported, ${imp.skipped} skipped\n`);
    }
    const sids = new Set<number>();
    for (const r of policy.rules) {
      if (sids.has(r.sid)) throw new KwireError('KWIRE_ERR_POLICY', `${r.pos.file}:${r.pos.line}:${r.pos.column}: duplicate sid ${r.sid}`);
      sids.add(r.sid);
    }
    process.stdout.write(compiledSummary(policy, compilePolicy(policy)));
    if (skipped > 0) process.stdout.write(`${skipped} Suricata rule(s) skipped (see warnings)\n`);
    return EXIT_OK;
  } catch (e) {
    const msg = e instanceof KwireError ? `${e.message} [${e.code}]` : (e as Error).message;
    process.stderr.write(`kwire rules check: ${msg}\n`);
    return EXIT_BAD_INPUT;
  }
}
