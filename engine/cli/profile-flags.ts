// Cluster-profile values given on the command line for quick forensics (`--pod-cidrs` …): they
// replace the policy file's values before its rules' $VARIABLES are resolved.

import type { PolicyOptions } from '../../rules/parse/policy.js';
import { parseCidr } from '../../rules/parse/addresses.js';

export const PROFILE_FLAGS = {
  'pod-cidrs': { type: 'string' },
  'service-cidrs': { type: 'string' },
  'node-cidrs': { type: 'string' },
  'trusted-sources': { type: 'string' },
  'control-plane': { type: 'string' },
} as const;

export const PROFILE_HELP = `  --pod-cidrs LIST      override the policy's cluster profile (comma-separated CIDRs or addresses);
  --service-cidrs LIST  likewise --node-cidrs, --trusted-sources, --control-plane
`;

const FIELDS: Record<keyof typeof PROFILE_FLAGS, keyof NonNullable<PolicyOptions['profile']>> = {
  'pod-cidrs': 'podCidrs', 'service-cidrs': 'serviceCidrs', 'node-cidrs': 'nodeCidrs',
  'trusted-sources': 'trustedSources', 'control-plane': 'controlPlaneAddresses',
};

/** The profile overrides of parsed flags; a bad CIDR throws a KwireError naming the flag. */
export function profileOverrides(values: Partial<Record<keyof typeof PROFILE_FLAGS, string | undefined>>): NonNullable<PolicyOptions['profile']> {
  const out: NonNullable<PolicyOptions['profile']> = {};
  for (const [flag, field] of Object.entries(FIELDS) as [keyof typeof PROFILE_FLAGS, keyof NonNullable<PolicyOptions['profile']>][]) {
    const v = values[flag];
    if (v === undefined) continue;
    out[field] = v.split(',').map((x) => x.trim()).filter(Boolean).map((x) => parseCidr(x, { file: `--${flag}`, line: 1, column: v.indexOf(x) + 1 }));
  }
  return out;
}
