// Bounded character-class tails of content patterns: `[A-Z0-9]{16}`, `[A-Za-z0-9_-]{10,48}`; the
// literal before it is the anchor the automaton finds, this is checked byte by byte after it (no
// regex engine, no backtracking: one class test per byte, at most `max` + 1 bytes).

import { PolicyError, at, type SourcePos } from './policy-error.js';
import type { Tail } from './policy-schema.js';

export const MAX_TAIL = 1024;

/**
 * Parse `[CLASS]{N}` or `[CLASS]{MIN,MAX}`. CLASS holds printable ASCII characters and ranges `a-z`;
 * `\]`, `\-`, `\\` escape those characters, a `-` first or last is literal. `pos` is where `text`
 * starts, so errors point at the bad character.
 */
export function parseTail(text: string, pos: SourcePos): Tail {
  if (text[0] !== '[') throw new PolicyError(pos, `bad tail "${text}"; expected [CLASS]{N} or [CLASS]{MIN,MAX}, e.g. [A-Z0-9]{16}`);
  const cls = new Uint8Array(256);
  const chars: number[] = [];
  let k = 1;
  for (; k < text.length && text[k] !== ']'; k++) {
    let c = text.charCodeAt(k);
    if (c === 0x5c) {
      const n = text[k + 1];
      if (n === undefined || !']-\\'.includes(n)) throw new PolicyError(at(pos, k), `bad escape in tail "${text}"; expected \\] \\- or \\\\`);
      c = n.charCodeAt(0);
      k++;
      chars.push(c);
      continue;
    }
    if (c < 0x20 || c > 0x7e) throw new PolicyError(at(pos, k), `non-printable character in tail "${text}"; expected printable ASCII`);
    chars.push(c === 0x2d && k > 1 && text[k + 1] !== ']' ? -1 : c); // -1: a range dash
  }
  if (k >= text.length) throw new PolicyError(at(pos, k), `unterminated class in tail "${text}"; expected "]"`);
  for (let i = 0; i < chars.length; i++) {
    if (chars[i + 1] === -1 && chars[i + 2] !== undefined && chars[i + 2] !== -1) {
      const lo = chars[i];
      const hi = chars[i + 2];
      if (lo > hi) throw new PolicyError(pos, `bad range ${String.fromCharCode(lo)}-${String.fromCharCode(hi)} in tail "${text}"; expected low-high`);
      for (let c = lo; c <= hi; c++) cls[c] = 1;
      i += 2;
    } else if (chars[i] === -1) throw new PolicyError(pos, `bad range in tail "${text}"; expected a-z style ranges`);
    else cls[chars[i]] = 1;
  }
  if (chars.length === 0) throw new PolicyError(at(pos, k), `empty class in tail "${text}"; expected at least one character`);
  const m = /^\{(\d{1,4})(?:,(\d{1,4}))?\}$/.exec(text.slice(k + 1));
  if (m === null) throw new PolicyError(at(pos, k + 1), `bad count in tail "${text}"; expected {N} or {MIN,MAX} after the class`);
  const min = Number(m[1]);
  const max = m[2] === undefined ? min : Number(m[2]);
  if (min < 1 || max < min || max > MAX_TAIL) throw new PolicyError(at(pos, k + 1), `bad count in tail "${text}"; expected 1 <= MIN <= MAX <= ${MAX_TAIL}`);
  return { cls, min, max, text };
}
