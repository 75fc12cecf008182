// A strict YAML 1.2 subset reader for policy files (block mappings and sequences, flow `[a, b]` and
// `{k: v}` on one line, plain and quoted scalars, comments); every node keeps its line and column.
// The only YAML loader of the policy code: switching to eemeli/yaml (LineCounter) replaces this file.

import { PolicyError, type SourcePos } from './policy-error.js';

/** A scalar as written; the schema layer converts it (numbers, booleans) and reports errors at `pos`. */
export interface YScalar { kind: 'scalar'; value: string; style: 'plain' | 'single' | 'double'; pos: SourcePos }
/** An absent value (`key:` with nothing under it), `~` or `null`. */
export interface YNull { kind: 'null'; pos: SourcePos }
export interface YSeq { kind: 'seq'; items: YNode[]; pos: SourcePos }
export interface YMapEntry { key: string; keyPos: SourcePos; value: YNode }
export interface YMap { kind: 'map'; entries: YMapEntry[]; pos: SourcePos }
export type YNode = YScalar | YNull | YSeq | YMap;

interface Line { indent: number; text: string; line: number; col: number }

const MAX_DEPTH = 64;

/**
 * Parses `text` (the content of `file`) into a node tree. Throws PolicyError (KWIRE_ERR_POLICY) naming
 * file, line and column for anything outside the subset: tabs in indentation, anchors, aliases, tags,
 * block scalars, multi-line flow collections, several documents, duplicate keys, bad indentation.
 */
export function parseYaml(text: string, file: string): YNode {
  return new Reader(text, file).document();
}

class Reader {
  private lines: Line[] = [];
  private i = 0;
  private depth = 0;

  constructor(text: string, private readonly file: string) {
    const raw = text.split('\n');
    let seenContent = false;
    for (let n = 0; n < raw.length; n++) {
      let s = raw[n]!;
      if (s.endsWith('\r')) s = s.slice(0, -1);
      if (n === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      let indent = 0;
      while (indent < s.length && s[indent] === ' ') indent++;
      if (s[indent] === '\t') {
        const rest = s.slice(indent).trim();
        if (rest !== '' && !rest.startsWith('#')) this.fail(n + 1, indent + 1, 'tab in indentation; expected spaces');
      }
      const body = this.stripComment(s, indent, n + 1).trimEnd();
      if (body.trim() === '') continue;
      if (indent === 0 && (body === '---' || body.startsWith('--- '))) {
        if (seenContent) this.fail(n + 1, 1, 'a second YAML document; expected one document per policy file');
        if (body !== '---') this.fail(n + 1, 5, 'content after "---"; expected it on the next line');
        continue;
      }
      if (indent === 0 && body === '...') this.fail(n + 1, 1, 'document end marker "..."; expected one document per file');
      seenContent = true;
      this.lines.push({ indent, text: body.slice(indent), line: n + 1, col: indent + 1 });
    }
  }

  document(): YNode {
    if (this.lines.length === 0) return { kind: 'null', pos: { file: this.file, line: 1, column: 1 } };
    const root = this.node(0);
    if (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      this.fail(l.line, l.col, `unexpected indentation; expected a new entry at column ${this.lines[0]!.col}`);
    }
    return root;
  }

  private fail(line: number, column: number, msg: string): never {
    throw new PolicyError({ file: this.file, line, column }, msg);
  }

  private pos(line: number, column: number): SourcePos {
    return { file: this.file, line, column };
  }

  /** Removes a `#` comment (at line start or after a blank, outside quotes). Quotes open only at token starts. */
  private stripComment(s: string, from: number, line: number): string {
    let q = 0; // 0 none, 39 single, 34 double
    let qAt = 0;
    for (let k = from; k < s.length; k++) {
      const c = s.charCodeAt(k);
      if (q === 39) {
        if (c === 39) {
          if (s.charCodeAt(k + 1) === 39) k++;
          else q = 0;
        }
      } else if (q === 34) {
        if (c === 92) k++;
        else if (c === 34) q = 0;
      } else if (c === 35 && (k === from || s[k - 1] === ' ' || s[k - 1] === '\t')) {
        return s.slice(0, k);
      } else if ((c === 39 || c === 34) && (k === from || ' \t[{,:-'.includes(s[k - 1]!))) {
        q = c;
        qAt = k;
      }
    }
    if (q !== 0) this.fail(line, qAt + 1, `unterminated ${q === 39 ? 'single' : 'double'}-quoted string; expected a closing ${q === 39 ? "'" : '"'} on the same line`);
    return s;
  }

  private node(minIndent: number): YNode {
    const l = this.lines[this.i]!;
    if (l.indent < minIndent) return { kind: 'null', pos: this.pos(l.line, l.col) };
    if (++this.depth > MAX_DEPTH) this.fail(l.line, l.col, `nesting deeper than ${MAX_DEPTH} levels; expected a flatter document`);
    let out: YNode;
    if (isSeqItem(l.text)) out = this.seq(l.indent);
    else if (mapColon(l.text) >= 0) out = this.map(l.indent);
    else {
      out = this.inline(l.text, l.line, l.col);
      this.i++;
      const next = this.lines[this.i];
      if (next !== undefined && next.indent > l.indent) {
        this.fail(next.line, next.col, 'unexpected indentation; multi-line scalars and flow collections are not supported (expected one value per line)');
      }
    }
    this.depth--;
    return out;
  }

  private seq(indent: number): YSeq {
    const first = this.lines[this.i]!;
    const items: YNode[] = [];
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent < indent) break;
      if (l.indent > indent) this.fail(l.line, l.col, `unexpected indentation; expected "- " at column ${indent + 1}`);
      if (!isSeqItem(l.text)) break;
      let k = 1;
      while (k < l.text.length && l.text[k] === ' ') k++;
      if (k >= l.text.length) {
        this.i++;
        const next = this.lines[this.i];
        if (next !== undefined && next.indent > indent) items.push(this.node(indent + 1));
        else items.push({ kind: 'null', pos: this.pos(l.line, l.col + 1) });
      } else {
        // "- key: v" or "- - x": the rest of the line is a virtual line at the item's column.
        this.lines[this.i] = { indent: l.indent + k, text: l.text.slice(k), line: l.line, col: l.col + k };
        items.push(this.node(l.indent + k));
      }
    }
    return { kind: 'seq', items, pos: this.pos(first.line, first.col) };
  }

  private map(indent: number): YMap {
    const first = this.lines[this.i]!;
    const entries: YMapEntry[] = [];
    const seen = new Map<string, number>();
    while (this.i < this.lines.length) {
      const l = this.lines[this.i]!;
      if (l.indent < indent) break;
      if (l.indent > indent) this.fail(l.line, l.col, `unexpected indentation; expected a key at column ${indent + 1}`);
      if (isSeqItem(l.text)) this.fail(l.line, l.col, 'a sequence item inside a mapping; expected "key: value"');
      const colon = mapColon(l.text);
      if (colon < 0) this.fail(l.line, l.col, 'expected "key: value"');
      const keyText = l.text.slice(0, colon).trimEnd();
      const keyNode = this.inline(keyText, l.line, l.col);
      if (keyNode.kind !== 'scalar' || keyNode.value === '') this.fail(l.line, l.col, 'expected a plain or quoted key');
      const key = keyNode.value;
      const keyPos = this.pos(l.line, l.col);
      const prev = seen.get(key);
      if (prev !== undefined) this.fail(l.line, l.col, `duplicate key "${key}" (first at line ${prev}); expected each key once`);
      seen.set(key, l.line);
      let k = colon + 1;
      while (k < l.text.length && l.text[k] === ' ') k++;
      let value: YNode;
      if (k < l.text.length) {
        value = this.inline(l.text.slice(k), l.line, l.col + k);
        this.i++;
        const next = this.lines[this.i];
        if (next !== undefined && next.indent > indent) {
          this.fail(next.line, next.col, `unexpected indentation; "${key}" already has a value on line ${l.line}`);
        }
      } else {
        this.i++;
        const next = this.lines[this.i];
        if (next !== undefined && next.indent > indent) value = this.node(indent + 1);
        else if (next !== undefined && next.indent === indent && isSeqItem(next.text)) value = this.seq(indent);
        else value = { kind: 'null', pos: this.pos(l.line, l.col + colon + 1) };
      }
      entries.push({ key, keyPos, value });
    }
    return { kind: 'map', entries, pos: this.pos(first.line, first.col) };
  }

  /** A value written on one line: flow collection, quoted or plain scalar. */
  private inline(text: string, line: number, col: number): YNode {
    const p = new FlowParser(text, line, col, this.file);
    const v = p.value(false);
    p.skipBlanks();
    if (!p.atEnd()) p.fail('unexpected text after the value; expected the end of the line or a comment');
    return v;
  }
}

function isSeqItem(t: string): boolean {
  return t[0] === '-' && (t.length === 1 || t[1] === ' ');
}

/** Index of the `:` ending a block-mapping key (followed by a blank or the line end), or -1. */
function mapColon(t: string): number {
  let k = 0;
  if (t[0] === '"' || t[0] === "'") {
    const q = t[0];
    k = 1;
    while (k < t.length) {
      if (q === '"' && t[k] === '\\') k += 2;
      else if (t[k] === q) {
        if (q === "'" && t[k + 1] === "'") k += 2;
        else break;
      } else k++;
    }
    k++;
    while (t[k] === ' ') k++;
    return t[k] === ':' && (k + 1 === t.length || t[k + 1] === ' ') ? k : -1;
  }
  if (t[0] === '[' || t[0] === '{') return -1;
  for (; k < t.length; k++) {
    if (t[k] === ':' && (k + 1 === t.length || t[k + 1] === ' ')) return k;
  }
  return -1;
}

class FlowParser {
  k = 0;
  private depth = 0;
  constructor(private readonly s: string, private readonly line: number, private readonly col: number, private readonly file: string) {}

  atEnd(): boolean {
    return this.k >= this.s.length;
  }

  fail(msg: string, k = this.k): never {
    throw new PolicyError({ file: this.file, line: this.line, column: this.col + k }, msg);
  }

  skipBlanks(): void {
    while (this.k < this.s.length && this.s[this.k] === ' ') this.k++;
  }

  private pos(k: number): SourcePos {
    return { file: this.file, line: this.line, column: this.col + k };
  }

  value(inFlow: boolean): YNode {
    this.skipBlanks();
    const start = this.k;
    const c = this.s[this.k];
    if (c === undefined) return { kind: 'null', pos: this.pos(start) };
    if (c === '[' || c === '{') {
      if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH} levels; expected a flatter document`);
      const v = c === '[' ? this.flowSeq() : this.flowMap();
      this.depth--;
      return v;
    }
    if (c === '"') return this.doubleQuoted();
    if (c === "'") return this.singleQuoted();
    if (c === '!') this.fail('"!" starts a YAML tag; quote a negated value, e.g. "!10.0.0.0/8"');
    if (c === '&' || c === '*') this.fail('YAML anchors and aliases are not supported; expected a plain value');
    if (c === '|' || c === '>') this.fail('block scalars (| and >) are not supported; expected a value on one line');
    if (c === '@' || c === '`' || c === '%') this.fail(`"${c}" cannot start a plain value; quote it, e.g. "${c}..."`);
    if (c === '?' && this.s[this.k + 1] === ' ') this.fail('complex keys ("? ") are not supported; expected "key: value"');
    if (inFlow && (c === ',' || c === ']' || c === '}')) this.fail('empty entry; expected a value');
    let end = this.k;
    while (end < this.s.length) {
      const d = this.s[end]!;
      if (inFlow && (d === ',' || d === ']' || d === '}' || d === '[' || d === '{')) break;
      if (d === ':' && (end + 1 === this.s.length || this.s[end + 1] === ' ' || (inFlow && ',]}'.includes(this.s[end + 1]!)))) break;
      end++;
    }
    const value = this.s.slice(this.k, end).trimEnd();
    this.k = start + value.length;
    if (value === '~' || value === 'null') return { kind: 'null', pos: this.pos(start) };
    return { kind: 'scalar', value, style: 'plain', pos: this.pos(start) };
  }

  private flowSeq(): YSeq {
    const start = this.k++;
    const items: YNode[] = [];
    this.skipBlanks();
    if (this.s[this.k] === ']') {
      this.k++;
      return { kind: 'seq', items, pos: this.pos(start) };
    }
    for (;;) {
      const v = this.value(true);
      items.push(v);
      this.skipBlanks();
      const c = this.s[this.k];
      if (c === ',') {
        this.k++;
        continue;
      }
      if (c === ']') {
        this.k++;
        return { kind: 'seq', items, pos: this.pos(start) };
      }
      if (c === undefined) this.fail(`unterminated flow sequence opened at column ${this.col + start}; expected "]" on the same line`);
      this.fail(`unexpected "${c}" in a flow sequence; expected "," or "]"`);
    }
  }

  private flowMap(): YMap {
    const start = this.k++;
    const entries: YMapEntry[] = [];
    const seen = new Set<string>();
    this.skipBlanks();
    if (this.s[this.k] === '}') {
      this.k++;
      return { kind: 'map', entries, pos: this.pos(start) };
    }
    for (;;) {
      this.skipBlanks();
      const keyAt = this.k;
      const key = this.value(true);
      if (key.kind !== 'scalar' || key.value === '') this.fail('expected a key', keyAt);
      if (seen.has(key.value)) this.fail(`duplicate key "${key.value}"; expected each key once`, keyAt);
      seen.add(key.value);
      this.skipBlanks();
      if (this.s[this.k] !== ':') this.fail(`expected ":" after key "${key.value}"`);
      this.k++;
      this.skipBlanks();
      const c0 = this.s[this.k];
      const value: YNode = c0 === ',' || c0 === '}' ? { kind: 'null', pos: this.pos(this.k) } : this.value(true);
      entries.push({ key: key.value, keyPos: key.pos, value });
      this.skipBlanks();
      const c = this.s[this.k];
      if (c === ',') {
        this.k++;
        continue;
      }
      if (c === '}') {
        this.k++;
        return { kind: 'map', entries, pos: this.pos(start) };
      }
      if (c === undefined) this.fail(`unterminated flow mapping opened at column ${this.col + start}; expected "}" on the same line`);
      this.fail(`unexpected "${c}" in a flow mapping; expected "," or "}"`);
    }
  }

  private singleQuoted(): YScalar {
    const start = this.k++;
    let out = '';
    for (;;) {
      const c = this.s[this.k];
      if (c === undefined) this.fail("unterminated single-quoted string; expected a closing '", start);
      this.k++;
      if (c === "'") {
        if (this.s[this.k] === "'") {
          out += "'";
          this.k++;
        } else break;
      } else out += c;
    }
    return { kind: 'scalar', value: out, style: 'single', pos: this.pos(start) };
  }

  private doubleQuoted(): YScalar {
    const start = this.k++;
    let out = '';
    for (;;) {
      const c = this.s[this.k];
      if (c === undefined) this.fail('unterminated double-quoted string; expected a closing "', start);
      this.k++;
      if (c === '"') break;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.s[this.k++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'x': out += this.hexEscape(2); break;
        case 'u': out += this.hexEscape(4); break;
        default: this.fail(`unknown escape "\\${e ?? ''}"; expected one of \\" \\\\ \\/ \\n \\t \\r \\0 \\xHH \\uHHHH`, this.k - 2);
      }
    }
    return { kind: 'scalar', value: out, style: 'double', pos: this.pos(start) };
  }

  private hexEscape(n: number): string {
    const h = this.s.slice(this.k, this.k + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(h)) this.fail(`bad escape; expected ${n} hex digits`, this.k - 2);
    this.k += n;
    return String.fromCharCode(parseInt(h, 16));
  }
}
