// Compiling a policy: groups, domain tries and content automata actually match what the rules say.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { loadPolicy } from '../../../rules/parse/policy.js';
import { compilePolicy } from '../../../rules/compile/compile-policy.js';
import { ROOT } from '../../helpers/paths.js';

const POLICY = join(ROOT, 'rules', 'examples', 'k8s-policy.yaml');

test('every enabled rule lands in exactly one group; categories add up', () => {
  const p = loadPolicy(POLICY);
  const c = compilePolicy(p);
  const all = [...c.groups.values()].flat().sort((a, b) => a - b);
  assert.equal(all, c.rules.map((_, i) => i));
  assert.is([...c.byCategory.values()].reduce((a, b) => a + b, 0), c.rules.length);
  assert.is(c.disabled, p.rules.filter((r) => !r.enabled).length);
});

test('domain tries match the names the rules list, case-insensitively, and not an unlisted name', () => {
  const p = loadPolicy(POLICY);
  const c = compilePolicy(p);
  const sni = c.domains.get('tls.sni');
  assert.ok(sni !== undefined);
  let checked = 0;
  p.rules.forEach((r) => {
    if (!r.enabled) return;
    for (const s of r.match.strings) {
      if (s.field !== 'tls.sni') continue;
      const listed = s.domainsFile ? readFileSync(s.domainsFile.path, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')) : [];
      const suffixes = [...s.suffix, ...s.dotprefix].map((d) => d.replace(/^[.*]+/, ''));
      for (const name of [...s.exact, ...suffixes, ...suffixes.map((d) => `deep.sub.${d}`), ...listed]) {
        const b = new TextEncoder().encode(name.replace(/^[.*]+/, '').toUpperCase());
        assert.ok(sni!.match(b, 0, b.length) >= 0, name);
        checked++;
      }
    }
  });
  assert.ok(checked > 0);
  const other = new TextEncoder().encode('kwire-unlisted-name.invalid');
  assert.is(sni!.match(other, 0, other.length), -1);
});

test('content automata find each rule pattern inside a payload', () => {
  const p = loadPolicy(POLICY);
  const c = compilePolicy(p);
  let found = 0;
  for (const [, e] of c.content) {
    for (let id = 0; id < e.automaton.patternCount; id++) {
      const rule = c.rules[e.ruleOf[id]];
      const cm = rule.match.content.find((x) => x.bytes.length > 0)!;
      const buf = new Uint8Array([...new TextEncoder().encode('prefix '), ...cm.bytes, ...new TextEncoder().encode(' suffix')]);
      const n = e.automaton.scan(buf, 0, buf.length);
      assert.ok(n > 0, `${rule.name}`);
      found++;
    }
  }
  assert.ok(found >= 5);
});

test.run();
