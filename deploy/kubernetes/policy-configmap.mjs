#!/usr/bin/env node
// Prints the kwire-policy ConfigMap: a policy file and the list files it names (domains_file,
// cidrs_file), so the DaemonSet mounts the same layout the policy's relative paths expect.
//
//   node deploy/kubernetes/policy-configmap.mjs [POLICY.yaml] | kubectl apply -f -
//
// Keys are file names (a ConfigMap key holds no "/"); daemonset.yaml maps each list back under
// lists/ with volume items. Default policy: rules/default/policy.yaml. Needs `npm ci` (yaml).
import { readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const policyPath = resolve(process.argv[2] ?? join(root, 'rules', 'default', 'policy.yaml'));
const policy = readFileSync(policyPath, 'utf8');
const data = { 'policy.yaml': policy };
for (const m of policy.matchAll(/\b(?:domains_file|cidrs_file):\s*["']?([^"',}\s]+)/g)) {
  data[basename(m[1])] = readFileSync(resolve(dirname(policyPath), m[1]), 'utf8');
}
const configMap = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kwire-policy', namespace: 'kube-system', labels: { 'app.kubernetes.io/name': 'kwire' } },
  data,
};
process.stdout.write(stringify(configMap, { blockQuote: 'literal', lineWidth: 0 }));
