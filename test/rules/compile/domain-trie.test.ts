import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DomainTrie, NO_MATCH, loadDomainFile, parseDomainList } from '../../../rules/compile/domain-trie.js';
import { RulesError } from '../../../rules/compile/rules-error.js';
import { int, rng } from '../../helpers/rng.js';

/** The name placed inside a larger buffer, as the SNI sits inside a ClientHello. */
function m(t: DomainTrie, name: string | Uint8Array): number {
  const b = typeof name === 'string' ? Buffer.from(name, 'latin1') : name;
  const buf = new Uint8Array(b.length + 10).fill(0x41);
  buf.set(b, 5);
  return t.match(buf, 5, b.length);
}

test('domain: exact, dot-prefix and wildcard suffix; label boundaries', () => {
  const t = new DomainTrie();
  t.insert('metadata.google.internal', 1);
  t.insert('.pastebin.com', 2);
  t.insert('*.ngrok.io', 3);
  t.insert('example.com', 4);
  assert.is(m(t, 'metadata.google.internal'), 1);
  assert.is(m(t, 'x.metadata.google.internal'), NO_MATCH, 'exact is exact');
  assert.is(m(t, 'google.internal'), NO_MATCH);
  assert.is(m(t, 'pastebin.com'), 2, 'dotprefix: the domain itself');
  assert.is(m(t, 'a.pastebin.com'), 2);
  assert.is(m(t, 'a.b.c.pastebin.com'), 2);
  assert.is(m(t, 'badpastebin.com'), NO_MATCH, 'never inside a label');
  assert.is(m(t, 'pastebin.com.evil.net'), NO_MATCH);
  assert.is(m(t, 'ngrok.io'), 3, '*.x is documented as the domain and all subdomains');
  assert.is(m(t, 'abc.eu.ngrok.io'), 3);
  assert.is(m(t, 'www.example.com'), NO_MATCH);
  assert.is(m(t, 'com'), NO_MATCH);
});

test('domain: precedence: exact for the whole name, then the deepest suffix', () => {
  const t = new DomainTrie();
  t.insert('.example.com', 1);
  t.insert('.corp.example.com', 2);
  t.insert('api.corp.example.com', 3);
  t.insert('example.com', 4);
  assert.is(m(t, 'example.com'), 4);
  assert.is(m(t, 'www.example.com'), 1);
  assert.is(m(t, 'corp.example.com'), 2);
  assert.is(m(t, 'x.corp.example.com'), 2);
  assert.is(m(t, 'api.corp.example.com'), 3);
  assert.is(m(t, 'v1.api.corp.example.com'), 2);
  t.insert('example.com', 9);
  assert.is(m(t, 'EXAMPLE.com'), 9, 'same pattern again: last value');
});

test('domain: case, trailing dots, IDN/punycode, malformed names', () => {
  const t = new DomainTrie();
  t.insert('Metadata.GOOG.', 1);
  t.insert('münchen.de', 2);
  t.insert('.xn--80ak6aa92e.com', 3);
  t.insert('_dmarc.example.org', 4);
  assert.is(m(t, 'metadata.goog'), 1);
  assert.is(m(t, 'METADATA.GOOG'), 1);
  assert.is(m(t, 'metadata.goog.'), 1, 'one trailing dot is the root');
  assert.is(m(t, 'metadata.goog..'), NO_MATCH);
  assert.is(m(t, 'xn--mnchen-3ya.de'), 2, 'Unicode pattern → A-label');
  assert.is(m(t, 'XN--MNCHEN-3YA.DE'), 2);
  assert.is(m(t, Buffer.from('münchen.de', 'utf8')), NO_MATCH, 'raw UTF-8 on the wire is not the A-label');
  assert.is(m(t, 'www.xn--80ak6aa92e.com'), 3);
  assert.is(m(t, '_DMARC.example.org'), 4);
  for (const bad of ['', '.', '.metadata.goog', 'metadata..goog', 'a'.repeat(254)]) assert.is(m(t, bad), NO_MATCH, JSON.stringify(bad));
  assert.is(m(t, `${'a'.repeat(64)}.metadata.goog`), NO_MATCH);
});

function err(content: string): RulesError {
  try {
    parseDomainList(content, 'lists/paste.txt', 1);
  } catch (e) {
    assert.instance(e, RulesError);
    assert.is((e as RulesError).code, 'KWIRE_ERR_RULES');
    return e as RulesError;
  }
  throw new Error(`no error for ${JSON.stringify(content)}`);
}

test('domain list: bad lines name file:line:column and what was expected', () => {
  assert.is(err('# paste sites\npastebin.com\n  paste bin.com\n').message,
    'lists/paste.txt:3:8: unexpected text after "paste"; expected one domain per line (comments start with #)');
  assert.is(err('a.*.example.com').message,
    'lists/paste.txt:1:3: unexpected "*" in "a.*.example.com"; expected a wildcard is only allowed as the whole first label (*.example.com)');
  assert.is(err('ok.com\nexa$mple.com').message, 'lists/paste.txt:2:4: unexpected "$" in "exa$mple.com"; expected letters, digits, "-" or "_"');
  assert.match(err('a..b').message, /^lists\/paste\.txt:1:3: empty label in "a\.\.b"/);
  assert.match(err('*.').message, /^lists\/paste\.txt:1:1: "\*\." names no domain/);
  assert.match(err('..com').message, /1:2: empty label/);
  assert.match(err(`x.${'a'.repeat(64)}.com`).message, /1:3: label "a+\.\.\." is 64 characters; expected at most 63/);
  assert.match(err(`${'abcdefghi.'.repeat(26)}com`).message, /expected at most 253/);
  assert.match(err('*').message, /unexpected "\*"/);
  assert.match(err('xn--ab\u00ad\u0000.com').message, /not a valid internationalized domain name|unexpected/);
});

/** Naive reference: strings, every pattern checked. */
function naive(pats: { text: string; suffix: boolean; val: number }[], name: string): number {
  const n = name.toLowerCase().replace(/\.$/, '');
  let best = -1;
  let bestLabels = -1;
  let exact = -1;
  for (const p of pats) {
    if (!p.suffix) {
      if (n === p.text) exact = p.val;
    } else if (n === p.text || n.endsWith('.' + p.text)) {
      const labels = p.text.split('.').length;
      if (labels >= bestLabels) { best = p.val; bestLabels = labels; }
    }
  }
  return exact >= 0 ? exact : best;
}

test('domain: random names against a naive string matcher (seeded)', () => {
  const r = rng(99);
  const alpha = ['a', 'b', 'ab', 'ba', 'xn--c', 'A', 'aB', '_', '0-1'];
  const name = (k: number): string => Array.from({ length: k }, () => alpha[int(r, alpha.length)]).join('.');
  for (let round = 0; round < 30; round++) {
    const t = new DomainTrie();
    const pats: { text: string; suffix: boolean; val: number }[] = [];
    const seen = new Map<string, number>();
    for (let i = 0; i < 1 + int(r, 60); i++) {
      const text = name(1 + int(r, 4));
      const kind = int(r, 3);
      const key = `${kind === 0 ? 'e' : 's'}:${text.toLowerCase()}`;
      const val = int(r, 1000);
      t.insert((kind === 1 ? '.' : kind === 2 ? '*.' : '') + text, val);
      // last insert of the same (kind, name) wins in the trie; keep the reference the same
      if (seen.has(key)) pats.splice(seen.get(key)!, 1, { text: '\u0000', suffix: false, val: -1 });
      seen.set(key, pats.length);
      pats.push({ text: text.toLowerCase(), suffix: kind !== 0, val });
    }
    for (let q = 0; q < 3000; q++) {
      let n = name(1 + int(r, 6));
      if (r() < 0.1) n += '.';
      const want = naive(pats, n);
      const got = m(t, n);
      if (got !== want) assert.unreachable(`round ${round}: ${n} got ${got} want ${want}`);
    }
  }
});

test('domain: a 100k-line list file loads; every entry and misses resolve', () => {
  const r = rng(5);
  const tlds = ['com', 'net', 'io', 'org', 'xn--p1ai', 'co.uk'];
  const names: string[] = [];
  const lines = ['# 100k domains'];
  for (let i = 0; i < 100000; i++) {
    const label = i.toString(36) + (int(r, 3) === 0 ? '-x' : '');
    const d = `${label}.${tlds[i % tlds.length]}`;
    names.push(d);
    lines.push(i % 2 === 0 ? d : `.${d}`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'kwire-domains-'));
  const file = join(dir, 'domains.txt');
  writeFileSync(file, lines.join('\n'));
  const t = loadDomainFile(file, 7);
  assert.is(t.size, 100000);
  for (let i = 0; i < names.length; i++) {
    if (m(t, names[i]) !== 7) assert.unreachable(names[i]);
    if (m(t, `www.${names[i]}`) !== (i % 2 === 0 ? NO_MATCH : 7)) assert.unreachable(`www.${names[i]}`);
  }
  assert.is(m(t, 'not-listed.com'), NO_MATCH);
});

test('domain: empty trie, empty name, name filling the whole buffer', () => {
  const t = new DomainTrie();
  assert.is(m(t, 'example.com'), NO_MATCH);
  t.insert('.svc.cluster.local', 1);
  assert.is(t.match(new Uint8Array(0), 0, 0), NO_MATCH);
  const b = new Uint8Array(Buffer.from('kube-dns.kube-system.svc.cluster.local'));
  assert.is(t.match(b, 0, b.length), 1);
  assert.is(t.match(b, 9, b.length - 9), 1);
  assert.is(t.match(b, 0, 8), NO_MATCH, 'only the given window is the name');
});

test.run();
