// Compile-time errors of the rule engine: a bad line in a policy, rule or list file names the file,
// line and column (all 1-based) and what was expected. Packet bytes never throw.

import { KwireError } from '../../engine/errors.js';

export const KWIRE_ERR_RULES = 'KWIRE_ERR_RULES';

/** Where a piece of rule text came from; `line`/`column` are 1-based. */
export interface SourcePos { file: string; line: number; column: number }

/**
 * A KwireError (code KWIRE_ERR_RULES) whose message reads `FILE:LINE:COL: what was wrong`;
 * `file`, `line` and `column` are also kept as fields for tools.
 */
export class RulesError extends KwireError {
  readonly line: number;
  readonly column: number;
  constructor(pos: SourcePos, message: string) {
    super(KWIRE_ERR_RULES, `${pos.file}:${pos.line}:${pos.column}: ${message}`);
    (this as { file: string | undefined }).file = pos.file;
    this.line = pos.line;
    this.column = pos.column;
  }
}

/** `pos` moved `delta` columns to the right (for a token inside a value). */
export function shift(pos: SourcePos, delta: number): SourcePos {
  return { file: pos.file, line: pos.line, column: pos.column + delta };
}

/**
 * Calls `each(text, pos)` for every non-empty, non-comment line of a list file: `#` starts a comment
 * (whole line or trailing), surrounding blanks are dropped and `pos.column` points at the first kept
 * character. Load-time only (strings are fine here).
 */
export function forEachListLine(file: string, content: string, each: (text: string, pos: SourcePos) => void): void {
  let line = 0;
  let start = 0;
  const n = content.length;
  while (start <= n) {
    let end = content.indexOf('\n', start);
    if (end < 0) end = n;
    line++;
    let s = start;
    let e = end;
    for (let k = s; k < e; k++) {
      if (content.charCodeAt(k) === 35) {
        e = k;
        break;
      }
    }
    while (s < e && isBlank(content.charCodeAt(s))) s++;
    while (e > s && isBlank(content.charCodeAt(e - 1))) e--;
    if (e > s) each(content.slice(s, e), { file, line, column: s - start + 1 });
    if (end === n) break;
    start = end + 1;
  }
}

function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 0xfeff;
}
