import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KwireError } from '../../../engine/errors.js';
import { parseYaml, type YNode } from '../../../rules/parse/yaml-source.js';
import { parsePolicy } from '../../../rules/parse/policy.js';
import { parseSuricataRules } from '../../../rules/parse/suricata.js';
import { KWIRE_ERR_POLICY } from '../../../rules/parse/policy-error.js';
import { rng } from '../../helpers/rng.js';

/** Plain data with positions as "line:col" for comparison. */
function plain(n: YNode): unknown {
  const p = `${n.pos.line}:${n.pos.column}`;
  switch (n.kind) {
    case 'null': return `null@${p}`;
    case 'scalar': return `${n.style === 'plain' ? '' : n.style[0] + ':'}${n.value}@${p}`;
    case 'seq': return n.items.map(plain);
    case 'map': return Object.fromEntries(n.entries.map((e) => [`${e.key}@${e.keyPos.line}:${e.keyPos.column}`, plain(e.value)]));
  }
}

test('YAML subset: block and flow collections, scalars and their positions', () => {
  const text = [
    '# comment',
    'a: 1',
    'b: "x # not a comment" # a comment',
    "c: 'it''s'",
    'd:',
    '  - p',
    '  - [q, "r s", {t: u}]',
    '  - k: v',
    '    l: [ ]',
    'e:',
    '- compact',
    'f: ~',
    'g:',
    'h: "\\x41\\u00e9\\n"',
    'i: http://x:80/y',
    '"j k": {m: [1, 2], n: }',
  ].join('\n');
  assert.equal(plain(parseYaml(text, 't.yaml')), {
    'a@2:1': '1@2:4',
    'b@3:1': 'd:x # not a comment@3:4',
    'c@4:1': "s:it's@4:4",
    'd@5:1': ['p@6:5', ['q@7:6', 'd:r s@7:9', { 't@7:17': 'u@7:20' }], { 'k@8:5': 'v@8:8', 'l@9:5': [] }],
    'e@10:1': ['compact@11:3'],
    'f@12:1': 'null@12:4',
    'g@13:1': 'null@13:3',
    'h@14:1': 'd:Aé\n@14:4',
    'i@15:1': 'http://x:80/y@15:4',
    'j k@16:1': { 'm@16:9': ['1@16:13', '2@16:16'], 'n@16:20': 'null@16:23' },
  });
});

test('YAML subset: empty document, BOM, CRLF and a leading "---"', () => {
  assert.is(parseYaml('', 'e.yaml').kind, 'null');
  assert.is(parseYaml('# only a comment\n', 'e.yaml').kind, 'null');
  assert.equal(plain(parseYaml('\ufeff---\r\na: 1\r\n', 'e.yaml')), { 'a@2:1': '1@2:4' });
});

const ALPHABET = [':', '-', ' ', '  ', '\t', '[', ']', '{', '}', '"', "'", '!', '#', '\n', '&', '*', '|', '>', ',', '$', '\\', 'a', '0', '9', '/', '.', ';', '(', ')', '\u00e9', '\r'];

function mutate(src: string, r: () => number): string {
  let s = src;
  const n = 1 + Math.floor(r() * 4);
  for (let i = 0; i < n; i++) {
    const at = Math.floor(r() * (s.length + 1));
    switch (Math.floor(r() * 6)) {
      case 0: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(r() * 8)); break;
      case 1: s = s.slice(0, at) + ALPHABET[Math.floor(r() * ALPHABET.length)] + s.slice(at); break;
      case 2: s = s.slice(0, at); break;
      case 3: {
        const lines = s.split('\n');
        const a = Math.floor(r() * lines.length);
        const b = Math.floor(r() * lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        s = lines.join('\n');
        break;
      }
      case 4: {
        const lines = s.split('\n');
        const a = Math.floor(r() * lines.length);
        lines.splice(a, 0, lines[Math.floor(r() * lines.length)]!);
        s = lines.join('\n');
        break;
      }
      default: s = s.slice(0, at) + ' '.repeat(1 + Math.floor(r() * 3)) + s.slice(at);
    }
  }
  return s;
}

const EXAMPLE = join(import.meta.dirname, '../../../rules/examples/k8s-policy.yaml');
const exampleText = readFileSync(EXAMPLE, 'utf8');

test('fuzz: 3000 seeded mutations of the example policy throw only KwireError (KWIRE_ERR_POLICY)', () => {
  const r = rng(20261125);
  let ok = 0;
  let failed = 0;
  const read = (p: string) => readFileSync(join(dirname(EXAMPLE), p.slice(dirname(EXAMPLE).length + 1)), 'utf8');
  for (let i = 0; i < 3000; i++) {
    const text = mutate(exampleText, r);
    try {
      parsePolicy(text, EXAMPLE, { readFile: (p) => {
        try {
          return read(p);
        } catch {
          throw new KwireError(KWIRE_ERR_POLICY, `cannot read ${p}`);
        }
      } });
      ok++;
    } catch (e) {
      if (!(e instanceof KwireError) || e.code !== KWIRE_ERR_POLICY) {
        assert.unreachable(`mutation ${i} threw ${String(e)}\n--- text ---\n${text}`);
      }
      assert.match((e as KwireError).message, /:\d+:\d+: /);
      failed++;
    }
  }
  assert.ok(ok > 100 && failed > 100, `ok ${ok} failed ${failed}`);
});

test('fuzz: 3000 seeded mutations of Suricata rules throw only KwireError', () => {
  const cluster = parsePolicy(exampleText, EXAMPLE).cluster;
  const rules = [
    'alert tls $HOME_NET any -> $EXTERNAL_NET any (msg:"ET sni"; flow:established,to_server; tls.sni; content:"paste.ee"; endswith; nocase; classtype:policy-violation; sid:1; rev:2;)',
    'alert tcp $EXTERNAL_NET any -> $HOME_NET [6443,2379:2380] (msg:"burst"; dsize:0; \\',
    '  threshold: type both, track by_src, count 10, seconds 60; sid:2;)',
    'alert dns any any -> any any (msg:"q"; dns.query; content:"|03|abc"; offset:1; depth:9; sid:3;)',
    'alert http any any -> any any (msg:"body"; http.request_body; content:"x"; sid:4;)',
  ].join('\n');
  const r = rng(7);
  for (let i = 0; i < 3000; i++) {
    const text = mutate(rules, r);
    try {
      parseSuricataRules(text, 'f.rules', cluster);
    } catch (e) {
      if (!(e instanceof KwireError)) assert.unreachable(`mutation ${i} threw ${String(e)}\n--- text ---\n${text}`);
    }
  }
});


test('YAML subset: nesting is bounded (flow and block) with an error, not a stack overflow', () => {
  for (const [text, where] of [
    ['a: ' + '['.repeat(100) + ']'.repeat(100), 'd.yaml:1:'],
    [Array.from({ length: 100 }, (_, i) => ' '.repeat(i) + 'k:').join('\n') + ' 1', 'd.yaml:'],
  ] as const) {
    try {
      parseYaml(text, 'd.yaml');
      assert.unreachable();
    } catch (e) {
      assert.instance(e, KwireError);
      assert.ok((e as KwireError).message.startsWith(where), (e as KwireError).message);
      assert.match((e as KwireError).message, /nesting deeper than 64 levels/);
    }
  }
});
test.run();
