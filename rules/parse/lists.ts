// List files (`domains_file`, `cidrs_file`): one entry a line, `#` comments, blank lines ignored.

import type { SourcePos } from './policy-error.js';

/**
 * Calls `each(text, pos)` for every entry of a list file; `pos.column` points at the entry's first
 * character (1-based), so errors about it name file:line:column.
 */
export function forEachLine(file: string, content: string, each: (text: string, pos: SourcePos) => void): void {
  const lines = content.split('\n');
  for (let n = 0; n < lines.length; n++) {
    let s = lines[n]!;
    const hash = s.indexOf('#');
    if (hash >= 0) s = s.slice(0, hash);
    s = s.replace(/[\s\ufeff]+$/, '');
    const lead = /^[\s\ufeff]*/.exec(s)![0].length;
    if (lead >= s.length) continue;
    each(s.slice(lead), { file, line: n + 1, column: lead + 1 });
  }
}
