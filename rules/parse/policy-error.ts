// Load-time errors of policy and rule files: every message reads `FILE:LINE:COL: what was wrong; what
// was expected` (1-based line and column), with code KWIRE_ERR_POLICY.

import { KwireError } from '../../engine/errors.js';

export const KWIRE_ERR_POLICY = 'KWIRE_ERR_POLICY';

/** Where a piece of policy text came from; `line` and `column` are 1-based. */
export interface SourcePos { file: string; line: number; column: number }

/** A KwireError (code KWIRE_ERR_POLICY); `file`, `line` and `column` are kept as fields for tools. */
export class PolicyError extends KwireError {
  readonly line: number;
  readonly column: number;
  constructor(pos: SourcePos, message: string) {
    super(KWIRE_ERR_POLICY, `${pos.file}:${pos.line}:${pos.column}: ${message}`);
    (this as { file: string | undefined }).file = pos.file;
    this.line = pos.line;
    this.column = pos.column;
  }
}

/** `pos` moved `delta` columns to the right (a token inside a value). */
export function at(pos: SourcePos, delta = 0): SourcePos {
  return { file: pos.file, line: pos.line, column: pos.column + delta };
}
