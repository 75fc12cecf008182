// String conditions of app rules (`tls.sni`, `dns.query`, `http.host`, ... exact, suffix, prefix,
// dot-prefix, domain files) and content on app fields, compiled once: patterns lower-cased when
// the rule loads, the event's text lower-cased only when it has an upper-case letter, no
// concatenation or regex per check, so a check allocates nothing on ASCII names.

import type { ContentMatch, StringMatch } from '../parse/policy-schema.js';
import type { DomainTrie } from '../compile/domain-trie.js';

const LATIN1 = new TextDecoder('latin1');
const ENCODER = new TextEncoder();

// The last text each of lower() / normName() saw and its result: the rules of one event test the
// same field text one after another (comparing a string with itself is a pointer check).
let lowerIn = '';
let lowerOut = '';
let normIn = '';
let normOut = '';

/** `s` lower-cased (String.prototype.toLowerCase), without allocating when it has nothing to fold. */
export function lower(s: string): string {
  if (s === lowerIn) return lowerOut;
  let t = s;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 65 && c <= 90) || c >= 128) {
      t = s.toLowerCase();
      break;
    }
  }
  lowerIn = s;
  lowerOut = t;
  return t;
}

/** A name as rules compare it: lower-cased, one trailing dot dropped. */
export function normName(s: string): string {
  if (s === normIn) return normOut;
  const t = lower(s);
  normIn = s;
  normOut = t.length > 0 && t.charCodeAt(t.length - 1) === 46 ? t.slice(0, -1) : t;
  return normOut;
}

/** Does `t` end with `d` at a label boundary (`x.d`)? */
function endsWithLabel(t: string, d: string): boolean {
  return t.length > d.length && t.charCodeAt(t.length - d.length - 1) === 46 && t.endsWith(d);
}

let scratch = new Uint8Array(256);

/** One string condition of a rule, patterns normalised at load time. */
export class AppStringMatch {
  private readonly exact: string[];
  private readonly suffix: string[];
  private readonly prefix: string[];
  private readonly dotprefix: string[];
  /** ja3 / ja4 hashes are compared as they are (not lower-cased). */
  readonly raw: boolean;
  readonly negate: boolean;

  constructor(s: StringMatch, private readonly list: DomainTrie | null) {
    this.raw = s.field === 'ja3' || s.field === 'ja4';
    this.exact = s.exact.map((e) => e.toLowerCase());
    this.suffix = s.suffix.map((e) => e.toLowerCase());
    this.prefix = s.prefix.slice();
    this.dotprefix = s.dotprefix.map((e) => e.toLowerCase().replace(/^[.*]+/, ''));
    this.negate = s.negate;
  }

  /** Does the field's text `text` satisfy the condition (negation applied)? */
  matches(text: string): boolean {
    const t = this.raw ? text : normName(text);
    let hit = false;
    for (let k = 0; k < this.exact.length && !hit; k++) hit = t === this.exact[k];
    for (let k = 0; k < this.suffix.length && !hit; k++) hit = t.endsWith(this.suffix[k]);
    for (let k = 0; k < this.prefix.length && !hit; k++) hit = t.startsWith(this.prefix[k]);
    for (let k = 0; k < this.dotprefix.length && !hit; k++) {
      const d = this.dotprefix[k];
      hit = t === d || endsWithLabel(t, d);
    }
    if (!hit && this.list !== null) hit = this.inList(t);
    return this.negate ? !hit : hit;
  }

  /** The domain trie on `t`'s UTF-8 bytes (written into a reused scratch buffer). */
  private inList(t: string): boolean {
    if (scratch.length < t.length * 3) scratch = new Uint8Array(t.length * 3);
    let n = 0;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c >= 128) {
        const b = ENCODER.encode(t);
        return this.list!.match(b, 0, b.length) >= 0;
      }
      scratch[n++] = c;
    }
    return this.list!.match(scratch, 0, n) >= 0;
  }
}

/** A content condition on an app field (`http.uri`, `http.header`, ...): the pattern as text, decoded once. */
export class AppContentMatch {
  private readonly needle: string;

  constructor(private readonly c: ContentMatch) {
    const n = LATIN1.decode(c.bytes);
    this.needle = c.nocase ? n.toLowerCase() : n;
  }

  /** Does the field's text satisfy the condition (offset, depth, startswith, endswith, negation)? */
  matches(text: string): boolean {
    const c = this.c;
    const hay = c.nocase ? lower(text) : text;
    const n = this.needle;
    const at = hay.indexOf(n, c.offset);
    let hit = at >= 0 && (c.depth <= 0 || at + n.length <= c.offset + c.depth);
    if (hit && c.startswith) hit = hay.startsWith(n);
    if (hit && c.endswith) hit = hay.endsWith(n);
    return c.negate ? !hit : hit;
  }
}
