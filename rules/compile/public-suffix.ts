// Registered domains by the Public Suffix List (https://publicsuffix.org/list/, format and algorithm
// at https://github.com/publicsuffix/list/wiki/Format): the list compiled at load into a trie of
// reversed labels (com → example), with wildcard (`*.ck`) and exception (`!www.ck`) rules.
// Both the ICANN and the PRIVATE sections are used (rules/compile/public-suffix/README.md says why).

import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, domainToASCII } from 'node:url';

/** The vendored list (from Debian's `publicsuffix` package; see public-suffix/README.md). */
export const PSL_PATH = join(dirname(fileURLToPath(import.meta.url)), 'public-suffix', 'public_suffix_list.dat');

class Node {
  readonly kids = new Map<string, Node>();
  /** A rule ends here. */
  rule = false;
  /** An exception rule (`!label.suffix`) ends here. */
  exception = false;
}

export class PublicSuffixList {
  private readonly root = new Node();
  /** Rules loaded (ICANN + PRIVATE). */
  readonly rules: number = 0;

  /** Parse list text (one rule a line, `//` comments; Unicode rules are stored in punycode). */
  constructor(text: string) {
    let n = 0;
    for (const raw of text.split('\n')) {
      const line = raw.trim().split(/\s/, 1)[0];
      if (line === '' || line.startsWith('//')) continue;
      const exception = line.startsWith('!');
      const body = exception ? line.slice(1) : line;
      const labels = body.split('.').map((l) => (l === '*' ? l : toAscii(l)));
      if (labels.some((l) => l === '')) continue; // a rule that does not convert: never matches
      let node = this.root;
      for (let i = labels.length - 1; i >= 0; i--) {
        let k = node.kids.get(labels[i]);
        if (k === undefined) node.kids.set(labels[i], (k = new Node()));
        node = k;
      }
      if (exception) node.exception = true;
      else node.rule = true;
      n++;
    }
    this.rules = n;
  }

  /** Number of labels of the public suffix of `labels` (lower-case ASCII, root last). */
  suffixLabels(labels: readonly string[]): number {
    let len = 1; // the implicit "*" rule: an unlisted TLD is a public suffix
    let node = this.root;
    for (let d = 0; d < labels.length; d++) {
      const exact = node.kids.get(labels[labels.length - 1 - d]);
      if (exact !== undefined && exact.exception) return d; // exceptions win: the rule minus its leftmost label
      if (node.kids.has('*') && d + 1 > len) len = d + 1;
      if (exact === undefined) break;
      if (exact.rule && d + 1 > len) len = d + 1;
      node = exact;
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

/** The vendored list, compiled once per process (about 10k rules). */
export function publicSuffixList(): PublicSuffixList {
  shared ??= new PublicSuffixList(readFileSync(PSL_PATH, 'utf8'));
  return shared;
}
