// Registered domains by the Public Suffix List (https://publicsuffix.org/list/, format and algorithm
// at https://github.com/publicsuffix/list/wiki/Format): the list compiled at load into a trie of
// reversed labels (uk → co → example), with wildcard (`*.ck`) and exception (`!www.ck`) rules.
// Both the ICANN and the PRIVATE sections are used (rules/compile/public-suffix/README.md says why).

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, domainToASCII } from 'node:url';

/**
 * The vendored list (from Debian's `publicsuffix` package; see public-suffix/README.md), beside
 * this file in the sources; the build (dist/rules/compile/) does not copy data files, so from there
 * it is found in the checkout's rules/compile/public-suffix/.
 */
export const PSL_PATH = pslPath(dirname(fileURLToPath(import.meta.url)));

function pslPath(here: string): string {
  const beside = join(here, 'public-suffix', 'public_suffix_list.dat');
  const fromDist = join(here, '..', '..', '..', 'rules', 'compile', 'public-suffix', 'public_suffix_list.dat');
  return existsSync(beside) || !existsSync(fromDist) ? beside : fromDist;
}

/** Node flags: a rule ends here, an exception rule ends here, a `*` rule hangs below. */
const RULE = 1;
const EXCEPTION = 2;
const WILDCARD = 4;
const NODE = 8;

/**
 * The trie is one hash map from a node's path in reversed-label order (`uk`, `uk.co`, `jp.kobe`)
 * to its flags: a child is found by extending the parent's key by one label (about 1 MB for the
 * whole list; a Map per node would be several), filled one TLD at a time as names are looked up.
 */
export class PublicSuffixList {
  private readonly nodes = new Map<string, number>();
  /** Rules not compiled yet, by top-level label: where each rule line starts in `text`. */
  private readonly pending = new Map<string, number[]>();
  private readonly text: string;
  /** Rules in the list (ICANN + PRIVATE). */
  readonly rules: number = 0;

  /**
   * Index list text (one rule a line, `//` comments) by top-level label; a TLD's rules are compiled
   * into the trie the first time a name under it is looked up, so a process keeps only the TLDs it
   * sees (a capture touches a handful of the ~1,500). Unicode rules are stored in punycode.
   */
  constructor(text: string) {
    this.text = text;
    let n = 0;
    for (let at = 0; at < text.length; ) {
      let end = text.indexOf('\n', at);
      if (end < 0) end = text.length;
      let a = at;
      at = end + 1;
      while (a < end && text.charCodeAt(a) <= 0x20) a++;
      if (a === end || (text.charCodeAt(a) === 0x2f && text.charCodeAt(a + 1) === 0x2f)) continue;
      let b = a;
      while (b < end && text.charCodeAt(b) > 0x20) b++;
      const dot = text.lastIndexOf('.', b - 1);
      const tld = toAscii(text.slice(dot >= a ? dot + 1 : text.charCodeAt(a) === 0x21 ? a + 1 : a, b));
      const list = this.pending.get(tld);
      if (list === undefined) this.pending.set(tld, [a]);
      else list.push(a);
      n++;
    }
    this.rules = n;
  }

  /** Compile the rules under top-level label `tld` (once). */
  private compileTld(tld: string): void {
    const starts = this.pending.get(tld);
    if (starts === undefined) return;
    this.pending.delete(tld);
    const t = this.text;
    for (const a of starts) {
      let b = a;
      while (b < t.length && t.charCodeAt(b) > 0x20) b++;
      const exception = t.charCodeAt(a) === 0x21;
      this.add(t.slice(exception ? a + 1 : a, b), exception);
    }
  }

  /** Insert one rule (without its `!`); false when a label does not convert (the rule never matches). */
  private add(rule: string, exception: boolean): boolean {
    const labels = rule.split('.');
    for (let i = 0; i < labels.length; i++) {
      if (labels[i] !== '*') labels[i] = toAscii(labels[i]);
      if (labels[i] === '') return false;
    }
    let key = '';
    for (let i = labels.length - 1; i >= 0; i--) {
      const label = labels[i];
      if (label === '*' && i === 0) {
        if (key !== '') this.nodes.set(key, (this.nodes.get(key) ?? NODE) | WILDCARD);
        break;
      }
      key = key === '' ? label : key + '.' + label;
      const f = this.nodes.get(key) ?? NODE;
      this.nodes.set(key, i > 0 ? f : f | (exception ? EXCEPTION : RULE));
    }
    return true;
  }

  /** Number of labels of the public suffix of `labels` (lower-case ASCII, root last). */
  suffixLabels(labels: readonly string[]): number {
    let len = 1; // the implicit "*" rule: an unlisted TLD is a public suffix
    if (labels.length === 0) return 0;
    if (this.pending.size > 0) this.compileTld(labels[labels.length - 1]);
    let parent = 0;
    let key = '';
    for (let d = 0; d < labels.length; d++) {
      const label = labels[labels.length - 1 - d];
      key = d === 0 ? label : key + '.' + label;
      const f = this.nodes.get(key);
      if (f !== undefined && (f & EXCEPTION) !== 0) return d; // exceptions win: the rule minus its leftmost label
      if ((parent & WILDCARD) !== 0 && d + 1 > len) len = d + 1;
      if (f === undefined) break;
      if ((f & RULE) !== 0 && d + 1 > len) len = d + 1;
      parent = f;
    }
    return len;
  }

  /**
   * The registered domain of `name` (its public suffix plus one label), lower-case, or null when
   * `name` is a public suffix itself, empty, or has an empty label (`.example.com`). A final dot
   * (the root) is ignored; Unicode names are converted to punycode first.
   */
  registeredDomain(name: string): string | null {
    const labels = splitName(name);
    if (labels === null) return null;
    const n = this.suffixLabels(labels);
    return labels.length > n ? labels.slice(labels.length - n - 1).join('.') : null;
  }
}

/** Lower-case ASCII labels of a name, or null if it is empty or has an empty label. */
export function splitName(name: string): string[] | null {
  let s = name.endsWith('.') ? name.slice(0, -1) : name;
  if (s === '') return null;
  s = /^[\x21-\x7e]*$/.test(s) ? s.toLowerCase() : toAscii(s);
  if (s === '') return null;
  const labels = s.split('.');
  return labels.some((l) => l === '') ? null : labels;
}

function toAscii(s: string): string {
  if (/^[\x21-\x7e]*$/.test(s)) return s.toLowerCase();
  return domainToASCII(s);
}

let shared: PublicSuffixList | null = null;

/** The vendored list, indexed once per process (about 10k rules; each TLD compiled on first use). */
export function publicSuffixList(): PublicSuffixList {
  shared ??= new PublicSuffixList(readFileSync(PSL_PATH, 'utf8'));
  return shared;
}
