import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { wuManberSkip } from '../../../rules/compile/start-filters.js';
import { AhoCorasick } from '../../../rules/compile/aho-corasick.js';
import { RulesError } from '../../../rules/compile/rules-error.js';
import { int, rng } from '../../helpers/rng.js';

const enc = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'latin1'));

function hits(ac: AhoCorasick, text: Uint8Array, offset = 0, length = text.length): string[] {
  const n = ac.scan(text, offset, length);
  const out: string[] = [];
  for (let k = 0; k < n; k++) out.push(`${ac.results[2 * k]}@${ac.results[2 * k + 1]}`);
  return out.sort();
}

test('aho-corasick: overlapping and nested patterns (the textbook he/she/his/hers)', () => {
  const ac = new AhoCorasick();
  for (const p of ['he', 'she', 'his', 'hers']) ac.add(p);
  ac.compile();
  // u s h e r s
  // 0 1 2 3 4 5 → she ends at 4, he ends at 4, hers ends at 6
  assert.equal(hits(ac, enc('ushers')), ['0@4', '1@4', '3@6']);
  assert.equal(hits(ac, enc('hishe')), ['0@5', '1@5', '2@3']);
  assert.equal(hits(ac, enc('xyz')), []);
  assert.is(ac.patternLength(3), 4);
});

test('aho-corasick: nocase per pattern; case-sensitive verified on original bytes', () => {
  const ac = new AhoCorasick();
  const akia = ac.add('AKIA', false);
  const pem = ac.add('-----BEGIN RSA PRIVATE KEY-----', false);
  const host = ac.add('metadata.google.internal', true);
  const exact = ac.add('Secret', false);
  const any = ac.add('secret', true);
  ac.compile();
  assert.equal(hits(ac, enc('xxAKIAyy akia')), [`${akia}@6`]);
  assert.equal(hits(ac, enc('Host: METADATA.Google.Internal\r\n')), [`${host}@30`]);
  assert.equal(hits(ac, enc('SECRET Secret secret')), [`${any}@6`, `${any}@13`, `${any}@20`, `${exact}@13`].sort());
  assert.equal(hits(ac, enc('-----BEGIN RSA PRIVATE KEY-----\n')), [`${pem}@31`]);
  assert.equal(hits(ac, enc('-----begin rsa private key-----\n')), []);
});

test('aho-corasick: offsets are absolute in the buffer; the window bounds the scan', () => {
  const ac = new AhoCorasick();
  ac.add('abc');
  ac.compile();
  const buf = enc('abcXabcXabc');
  assert.equal(hits(ac, buf, 4, 7), ['0@11', '0@7']);
  assert.equal(hits(ac, buf, 1, 5), [], 'a match crossing either window edge is not reported');
  assert.equal(hits(ac, buf, 4, 3), ['0@7']);
  assert.ok(ac.test(buf, 0, 11));
  assert.not.ok(ac.test(buf, 1, 5));
});

test('aho-corasick: binary bytes, duplicates, full results are counted as dropped', () => {
  const ac = new AhoCorasick(3);
  ac.add(Uint8Array.of(0, 255, 0));
  ac.add(Uint8Array.of(0, 255, 0));
  ac.add(Uint8Array.of(0x41), true);
  ac.compile();
  assert.equal(hits(ac, Uint8Array.of(1, 0, 255, 0, 255, 0)), ['0@4', '0@6', '1@4']);
  assert.is(ac.dropped, 1);
  assert.equal(hits(ac, Uint8Array.of(0x61, 0x41)), ['2@1', '2@2']);
  assert.is(ac.dropped, 0);
});

test('aho-corasick: errors', () => {
  const ac = new AhoCorasick();
  try {
    ac.add('', false, { file: 'rules/custom.rules', line: 4, column: 33 });
    assert.unreachable();
  } catch (e) {
    assert.instance(e, RulesError);
    assert.is((e as Error).message, 'rules/custom.rules:4:33: empty content pattern; expected at least one byte');
  }
  assert.throws(() => ac.scan(enc('x'), 0, 1), /before compile/);
  ac.add('x');
  ac.compile();
  assert.throws(() => ac.add('y'), /after compile/);
});

/**
 * Matches of scanStream() over `text` cut into chunks of `size()` bytes, each a fresh buffer (no
 * look-back possible), keeping what a caller keeps between chunks: the automaton's depth, capped at
 * the longest case-sensitive pattern less one. Sorted like hits().
 */
function streamHits(ac: AhoCorasick, text: Uint8Array, size: () => number): string[] {
  const keep = Math.max(0, ac.maxVerifiedLength - 1);
  const got: string[] = [];
  let state = 0;
  let hist = new Uint8Array(0);
  for (let a = 0; a < text.length; ) {
    const b = Math.min(text.length, a + size());
    const n = ac.scanStream(text.slice(a, b), 0, b - a, state, hist, hist.length);
    for (let k = 0; k < n; k++) got.push(`${ac.results[2 * k]}@${ac.results[2 * k + 1] + a}`);
    state = ac.endState;
    hist = text.slice(b - Math.min(ac.endDepth, keep), b);
    a = b;
  }
  return got.sort();
}

/** Naive reference: every pattern at every end position. */
function naive(pats: { b: Uint8Array; nocase: boolean }[], text: Uint8Array): string[] {
  const fold = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
  const out: string[] = [];
  pats.forEach((p, id) => {
    for (let end = p.b.length; end <= text.length; end++) {
      let ok = true;
      for (let j = 0; j < p.b.length && ok; j++) {
        const a = text[end - p.b.length + j];
        ok = p.nocase ? fold(a) === fold(p.b[j]) : a === p.b[j];
      }
      if (ok) out.push(`${id}@${end}`);
    }
  });
  return out.sort();
}

test('aho-corasick: random patterns and texts against a naive matcher (seeded)', () => {
  const r = rng(1234);
  const alphabet = [0x61, 0x62, 0x41, 0x42, 0x00, 0xff, 0x2e];
  const word = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => alphabet[int(r, alphabet.length)]);
  for (let round = 0; round < 60; round++) {
    const ac = new AhoCorasick(100000);
    const pats: { b: Uint8Array; nocase: boolean }[] = [];
    for (let i = 0; i < 1 + int(r, 40); i++) {
      const p = { b: word(1 + int(r, 6)), nocase: r() < 0.5 };
      pats.push(p);
      ac.add(p.b, p.nocase);
    }
    ac.compile();
    for (let q = 0; q < 20; q++) {
      const text = word(int(r, 200));
      const want = naive(pats, text);
      const got = hits(ac, text);
      if (got.join() !== want.join()) assert.unreachable(`round ${round}: got ${got.length} want ${want.length}`);
      assert.is(ac.test(text, 0, text.length), want.length > 0);
    }
  }
});

test('aho-corasick: the Wu–Manber skip (every pattern 3+ bytes) finds what a naive matcher finds, in one scan and in chunks (seeded)', () => {
  const r = rng(4321);
  // a small alphabet makes pattern pairs common in the text, so shifts of every size occur
  const alphabet = [0x61, 0x62, 0x41, 0x42, 0x63, 0x2d, 0x00];
  const word = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => alphabet[int(r, alphabet.length)]);
  const shifts = new Set<number>();
  for (let round = 0; round < 300; round++) {
    const ac = new AhoCorasick(100000);
    const min = 3 + int(r, 8);
    const pats: { b: Uint8Array; nocase: boolean }[] = [];
    for (let i = 0; i < 1 + int(r, 12); i++) {
      const p = { b: word(min + int(r, 6)), nocase: r() < 0.5 };
      pats.push(p);
      ac.add(p.b, p.nocase);
    }
    ac.compile();
    assert.is(ac.maxSkip, Math.min(8, ...pats.map((p) => p.b.length)) - 1);
    shifts.add(ac.maxSkip);
    for (let q = 0; q < 5; q++) {
      const text = word(int(r, 400));
      // plant whole patterns, so that matches are not left to chance
      for (let k = 0; k < 3 && text.length > 20; k++) {
        const p = pats[int(r, pats.length)].b;
        if (p.length < text.length) text.set(p, int(r, text.length - p.length));
      }
      const want = naive(pats, text);
      const got = hits(ac, text);
      if (got.join() !== want.join()) assert.unreachable(`round ${round}: got ${got.length} want ${want.length}`);
      const chunked = streamHits(ac, text, () => 1 + int(r, 40));
      if (chunked.join() !== want.join()) assert.unreachable(`round ${round} in chunks: got ${chunked.length} want ${want.length}`);
    }
  }
  assert.equal([...shifts].sort(), [2, 3, 4, 5, 6, 7]);
  const short = new AhoCorasick();
  short.add('ab');
  short.add('abcdef');
  assert.is(short.compile().maxSkip, 0, 'a 2-byte pattern: no skip table');
});

test('start filters: a case-sensitive pattern stops the Wu–Manber skip only at its own bytes, a nocase one at every case variant', () => {
  const fold = Uint8Array.from({ length: 256 }, (_, b) => (b >= 0x41 && b <= 0x5a ? b + 0x20 : b));
  const pair = (a: string, b: string): number => (a.charCodeAt(0) << 8) | b.charCodeAt(0);
  const exact = wuManberSkip([enc('AKIA')], fold, [false])!;
  assert.is(exact.last, 3);
  assert.is(exact.table[pair('I', 'A')], 0, 'IA ends the window at the pattern\'s last pair: no shift');
  assert.is(exact.table[pair('K', 'I')], 1);
  assert.is(exact.table[pair('i', 'a')], 3, 'ia cannot be part of a verified AKIA: the whole window is skipped');
  assert.is(exact.table[pair('i', 'A')], 3);
  const nocase = wuManberSkip([enc('AKIA')], fold, [true])!;
  for (const [a, b] of [['I', 'A'], ['i', 'a'], ['i', 'A'], ['I', 'a']]) assert.is(nocase.table[pair(a, b)], 0, `${a}${b}`);
  assert.is(nocase.table[pair('k', 'I')], 1);
});

test('aho-corasick: no patterns, empty window', () => {
  const ac = new AhoCorasick().compile();
  assert.is(ac.scan(enc('anything'), 0, 8), 0);
  assert.not.ok(ac.test(enc('anything'), 0, 8));
  const one = new AhoCorasick();
  one.add('a');
  one.compile();
  assert.is(one.scan(enc('aaa'), 1, 0), 0);
  assert.equal(hits(one, enc('aAa')), ['0@1', '0@3']);
});

test('aho-corasick: scanFrom carries the state, so a text cut anywhere finds what one scan finds (exact and folded)', () => {
  const r = rng(7);
  for (const exact of [true, false]) {
    for (let round = 0; round < 200; round++) {
      const ac = new AhoCorasick(100000, exact);
      const pats = Array.from({ length: 1 + int(r, 8) }, () => Array.from({ length: 1 + int(r, 5) }, () => 'abAB'[int(r, 4)]).join(''));
      pats.forEach((p) => ac.add(p, !exact));
      ac.compile();
      const text = enc(Array.from({ length: int(r, 300) }, () => 'abABx'[int(r, 5)]).join(''));
      const whole = hits(ac, text);
      const got: string[] = [];
      let state = 0;
      for (let a = 0; a < text.length; ) {
        const b = Math.min(text.length, a + 1 + int(r, 20));
        const n = ac.scanFrom(text.slice(a, b), 0, b - a, state); // a fresh buffer per chunk: no look-back possible
        for (let k = 0; k < n; k++) got.push(`${ac.results[2 * k]}@${ac.results[2 * k + 1] + a}`);
        state = ac.endState;
        a = b;
      }
      assert.equal(got.sort(), whole, `exact ${exact} round ${round}`);
    }
  }
});

test('aho-corasick: an exact automaton is case-sensitive without verification; scanFrom refuses patterns that need look-back', () => {
  const ac = new AhoCorasick(16, true);
  ac.add('AKIA');
  ac.compile();
  assert.equal(hits(ac, enc('akia AKIA Akia')), ['0@9']);
  assert.throws(() => new AhoCorasick(16, true).add('x', true), /nocase/);
  const mixed = new AhoCorasick();
  mixed.add('AKIA', false);
  mixed.compile();
  assert.throws(() => mixed.scanFrom(enc('AKIA'), 0, 4, 0), /case-sensitive/);
});

test('aho-corasick: scanStream verifies case-sensitive matches that began in an earlier chunk against the kept bytes', () => {
  const r = rng(11);
  for (let round = 0; round < 300; round++) {
    const ac = new AhoCorasick(100000);
    const pats = Array.from({ length: 1 + int(r, 8) }, () => Array.from({ length: 1 + int(r, 6) }, () => 'abAB'[int(r, 4)]).join(''));
    pats.forEach((p) => ac.add(p, int(r, 2) === 0)); // exact and nocase mixed in one automaton
    ac.compile();
    const text = enc(Array.from({ length: int(r, 300) }, () => 'abABx'[int(r, 5)]).join(''));
    assert.equal(streamHits(ac, text, () => 1 + int(r, 20)), hits(ac, text), `round ${round}`);
  }
});

test.run();
