// Content patterns as Suricata writes them: text with `|41 4B|` hex runs (Suricata rules format,
// "content" keyword); `\"`, `\;`, `\\` and `\|` escape those characters in rule text.

import { PolicyError, at, type SourcePos } from './policy-error.js';

export const MAX_PATTERN_BYTES = 4096;

/**
 * Bytes of a content pattern. Text characters must be in 0x20-0x7e (anything else belongs in a hex
 * run); `pos` is where `text` starts, so errors point at the bad character. The returned array is new.
 */
export function parseContentBytes(text: string, pos: SourcePos, escapes: boolean): Uint8Array {
  const out: number[] = [];
  let k = 0;
  while (k < text.length) {
    const c = text.charCodeAt(k);
    if (c === 0x7c) {
      const end = text.indexOf('|', k + 1);
      if (end < 0) throw new PolicyError(at(pos, k), `unterminated hex run in content "${text}"; expected a closing "|"`);
      const hex = text.slice(k + 1, end);
      let h = 0;
      while (h < hex.length) {
        if (hex[h] === ' ') {
          h++;
          continue;
        }
        const pair = hex.slice(h, h + 2);
        if (!/^[0-9a-fA-F]{2}$/.test(pair)) throw new PolicyError(at(pos, k + 1 + h), `bad hex byte "${pair}" in content "${text}"; expected two hex digits`);
        out.push(parseInt(pair, 16));
        h += 2;
      }
      k = end + 1;
      continue;
    }
    if (escapes && c === 0x5c) {
      const n = text[k + 1];
      if (n === undefined || !'";\\|:'.includes(n)) throw new PolicyError(at(pos, k), `bad escape in content "${text}"; expected \\" \\; \\\\ \\| or \\:`);
      out.push(n.charCodeAt(0));
      k += 2;
      continue;
    }
    if (c < 0x20 || c > 0x7e) throw new PolicyError(at(pos, k), `non-printable or non-ASCII character in content "${text}"; expected it as hex, e.g. |0d 0a|`);
    out.push(c);
    k++;
  }
  if (out.length === 0) throw new PolicyError(pos, 'empty content pattern; expected at least one byte');
  if (out.length > MAX_PATTERN_BYTES) throw new PolicyError(pos, `content pattern of ${out.length} bytes; expected at most ${MAX_PATTERN_BYTES}`);
  return Uint8Array.from(out);
}
