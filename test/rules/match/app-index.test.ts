// App-rule name index (suffix hashes, no substrings) and compiled string conditions: the same
// candidates and verdicts as comparing lower-cased strings, for any case, trailing dots, parent
// domains and non-ASCII names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { AppNameIndex, IdList } from '../../../rules/match/app-index.js';
import { AppStringMatch, lower, normName } from '../../../rules/match/app-strings.js';
import type { StringMatch } from '../../../rules/parse/policy-schema.js';

function candidates(ix: AppNameIndex, name: string): number[] {
  const out = new IdList();
  ix.collect(name, out);
  out.sortUnique();
  return Array.from(out.ids.subarray(0, out.n));
}

test('index: exact names, the name and every parent domain, case and one trailing dot ignored', () => {
  const ix = new AppNameIndex();
  ix.addExact('api.example.com', 1);
  ix.addDomain('example.com', 2);
  ix.addDomain('com', 3);
  ix.addDomain('straße.de', 4);
  assert.equal(candidates(ix, 'API.Example.COM.'), [1, 2, 3]);
  assert.equal(candidates(ix, 'x.y.example.com'), [2, 3]);
  assert.equal(candidates(ix, 'example.com'), [2, 3]);
  assert.equal(candidates(ix, 'badexample.com'), [3], 'a label boundary, never a plain suffix');
  assert.equal(candidates(ix, 'example.org'), []);
  assert.equal(candidates(ix, 'WWW.STRASSE.DE'), []);
  assert.equal(candidates(ix, 'www.STRAßE.de'), [4], 'non-ASCII: Unicode lower-casing, as the keys had');
});

test('IdList: grows, sorts, drops repeats', () => {
  const l = new IdList();
  for (let k = 0; k < 200; k++) l.push((k * 37) % 50);
  l.sortUnique();
  assert.equal(Array.from(l.ids.subarray(0, l.n)), Array.from({ length: 50 }, (_, k) => k));
});

const cond = (o: Partial<StringMatch>): StringMatch => ({
  field: 'dns.query', exact: [], suffix: [], dotprefix: [], prefix: [], domainsFile: null, negate: false, pos: { file: 'p', line: 1, column: 1 }, ...o,
});

test('string conditions: exact, suffix, prefix, dot-prefix and negation on normalised names', () => {
  assert.ok(new AppStringMatch(cond({ exact: ['Metadata.Google.Internal'] }), null).matches('METADATA.google.internal.'));
  assert.ok(new AppStringMatch(cond({ dotprefix: ['.cluster.local'] }), null).matches('kube-dns.kube-system.svc.cluster.local'));
  assert.ok(new AppStringMatch(cond({ dotprefix: ['*.cluster.local'] }), null).matches('cluster.local.'));
  assert.not.ok(new AppStringMatch(cond({ dotprefix: ['cluster.local'] }), null).matches('evilcluster.local'));
  assert.ok(new AppStringMatch(cond({ dotprefix: ['cluster.local'], negate: true }), null).matches('evilcluster.local'));
  assert.ok(new AppStringMatch(cond({ suffix: ['.EXAMPLE'] }), null).matches('a.example'));
  assert.ok(new AppStringMatch(cond({ prefix: ['api.'] }), null).matches('API.x'));
  assert.not.ok(new AppStringMatch(cond({ field: 'ja3', exact: ['ABC'] }), null).matches('ABC'), 'ja3: text as it is, pattern lower-cased');
  assert.is(lower('already.lower'), 'already.lower');
  assert.is(lower('MiXeD.Ä'), 'mixed.ä');
  assert.is(normName('A.B.'), 'a.b');
});

test.run();
