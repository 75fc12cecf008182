// Address and port specs of policies and Suricata headers ("[$POD_CIDRS, !10.0.0.0/8]", "!22,1024:")
// parsed into include/exclude lists, with `$VARIABLES` resolved from the cluster profile.

import { PolicyError, at, type SourcePos } from './policy-error.js';

/** One IPv4 or IPv6 prefix. `bytes` holds the network address (host bits zero); owned by this object. */
export interface Cidr {
  family: 4 | 6;
  /** 4 or 16 bytes, host bits cleared. */
  bytes: Uint8Array;
  prefix: number;
  /** The text as written (for messages and summaries). */
  text: string;
}

/**
 * An address set: an address matches when (`any` or some `include` prefix contains it) and no
 * `exclude` prefix contains it. `any` is true when the spec had no positive item (`any`, or only
 * negations such as `!$CLUSTER_CIDRS`).
 */
export interface AddrSpec { any: boolean; include: Cidr[]; exclude: Cidr[] }

/** Inclusive port range. */
export interface PortRange { lo: number; hi: number }

/** A port set with the same rule as AddrSpec: (`any` or in `include`) and not in `exclude`. */
export interface PortSpec { any: boolean; include: PortRange[]; exclude: PortRange[] }

/** `$NAME` (without the `$`) to its value. */
export interface Vars { addr: Map<string, AddrSpec>; port: Map<string, PortSpec> }

export const ANY_ADDR: AddrSpec = Object.freeze({ any: true, include: [], exclude: [] }) as AddrSpec;
export const ANY_PORT: PortSpec = Object.freeze({ any: true, include: [], exclude: [] }) as PortSpec;

/** Parses an IPv4 or IPv6 address, or null. */
export function parseIp(s: string): Uint8Array | null {
  if (s.includes(':')) return parseIpv6(s);
  return parseIpv4(s);
}

function parseIpv4(s: string): Uint8Array | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return null;
    const v = Number(p);
    if (v > 255) return null;
    out[i] = v;
  }
  return out;
}

function parseIpv6(s: string): Uint8Array | null {
  if (!/^[0-9a-fA-F:.]+$/.test(s)) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const words: number[] = [];
  const parseSide = (side: string, allowV4: boolean): number[] | null => {
    if (side === '') return [];
    const groups = side.split(':');
    const w: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i]!;
      if (allowV4 && i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        w.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
        w.push(parseInt(g, 16));
      }
    }
    return w;
  };
  if (dbl >= 0) {
    const left = parseSide(s.slice(0, dbl), false);
    const right = parseSide(s.slice(dbl + 2), true);
    if (left === null || right === null || left.length + right.length > 7) return null;
    words.push(...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right);
  } else {
    const all = parseSide(s, true);
    if (all === null || all.length !== 8) return null;
    words.push(...all);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = words[i]! >> 8;
    out[2 * i + 1] = words[i]! & 0xff;
  }
  return out;
}

/** Parses `ADDR` or `ADDR/PREFIX`; host bits must be zero. Throws PolicyError at `pos`. */
export function parseCidr(text: string, pos: SourcePos): Cidr {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(addrText);
  if (bytes === null) throw new PolicyError(pos, `bad address "${text}"; expected an IPv4 or IPv6 address or CIDR (10.0.0.0/8, fd00::/8)`);
  const max = bytes.length * 8;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > max) throw new PolicyError(at(pos, slash + 1), `bad prefix length "${p}" in "${text}"; expected 0-${max}`);
    prefix = Number(p);
  }
  for (let bit = prefix; bit < max; bit++) {
    if ((bytes[bit >> 3]! >> (7 - (bit & 7))) & 1) {
      throw new PolicyError(pos, `"${text}" has host bits set beyond /${prefix}; expected the network address`);
    }
  }
  return { family: bytes.length === 4 ? 4 : 6, bytes, prefix, text };
}

/** Does `c` contain address `ip` (4 or 16 bytes)? Load-time helper; the compiler builds tries. */
export function cidrContains(c: Cidr, ip: Uint8Array): boolean {
  if (ip.length !== c.bytes.length) return false;
  for (let bit = 0; bit < c.prefix; bit++) {
    const m = 0x80 >> (bit & 7);
    if ((ip[bit >> 3]! & m) !== (c.bytes[bit >> 3]! & m)) return false;
  }
  return true;
}

interface Item<T> { neg: boolean; value: T }

/**
 * Tokenizer for Suricata-style specs: items separated by `,`, `!` negates, `[...]` groups (nested),
 * `$VAR` variables, the word `any`. `leaf` parses one other token. Offsets in errors are relative to
 * `pos` (where `text` starts).
 */
function parseSpec<T extends { any: boolean; include: U[]; exclude: U[] }, U>(
  text: string,
  pos: SourcePos,
  kind: 'address' | 'port',
  lookupVar: (name: string) => T | undefined,
  leaf: (tok: string, p: SourcePos) => U[],
): T {
  let k = 0;
  const fail = (msg: string, off = k): never => {
    throw new PolicyError(at(pos, off), msg);
  };
  const blanks = () => {
    while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  };
  const list = (closing: string): Item<T>[] => {
    const items: Item<T>[] = [];
    for (;;) {
      blanks();
      items.push(item());
      blanks();
      const c = text[k];
      if (c === ',') {
        k++;
        continue;
      }
      if (closing === '' && c === undefined) return items;
      if (closing === ']' && c === ']') {
        k++;
        return items;
      }
      if (c === undefined) fail(`unterminated "[" in ${kind} "${text}"; expected "]"`);
      fail(`unexpected "${c}" in ${kind} "${text}"; expected "," ${closing === ']' ? 'or "]"' : 'or the end'}`);
    }
  };
  const item = (): Item<T> => {
    let neg = false;
    while (text[k] === '!') {
      neg = !neg;
      k++;
      blanks();
    }
    const start = k;
    if (text[k] === '[') {
      k++;
      return { neg, value: combine(list(']'), start) };
    }
    while (k < text.length && !',[]! \t'.includes(text[k]!)) k++;
    const tok = text.slice(start, k);
    if (tok === '') fail(`empty item in ${kind} "${text}"; expected ${kind === 'address' ? 'an address, CIDR, $VARIABLE or any' : 'a port, range, $VARIABLE or any'}`, start);
    if (tok === 'any') return { neg, value: { any: true, include: [], exclude: [] } as unknown as T };
    if (tok[0] === '$') {
      const v = lookupVar(tok.slice(1));
      if (v === undefined) return fail(`unknown variable "${tok}"; expected one of the cluster profile variables ($POD_CIDRS, $HOME_NET, $CONTROL_PLANE_PORTS, ...)`, start);
      return { neg, value: v };
    }
    return { neg, value: { any: false, include: leaf(tok, at(pos, start)), exclude: [] } as unknown as T };
  };
  const combine = (items: Item<T>[], off: number): T => {
    // Positive items are unioned, negated items subtracted; only negations means everything minus them.
    let any = false;
    let positives = 0;
    const include: U[] = [];
    const exclude: U[] = [];
    for (const it of items) {
      const v = it.value;
      if (!it.neg) {
        positives++;
        if (v.any) any = true;
        include.push(...v.include);
        exclude.push(...v.exclude);
      } else {
        if (v.any && v.exclude.length === 0) fail(`"!any" in ${kind} "${text}" matches nothing; expected a negated address or port`, off);
        if (v.any) {
          // !(everything minus E) = E
          positives++;
          include.push(...v.exclude);
        } else {
          if (v.exclude.length > 0) fail(`cannot negate a set that mixes included and excluded items in ${kind} "${text}"; expected a negated list of plain entries`, off);
          exclude.push(...v.include);
        }
      }
    }
    if (positives === 0) any = true;
    return { any, include, exclude } as unknown as T;
  };
  blanks();
  if (k >= text.length) fail(`empty ${kind}; expected ${kind === 'address' ? 'an address, CIDR, $VARIABLE or any' : 'a port, range, $VARIABLE or any'}`);
  return combine(list(''), 0);
}

/** Parses an address spec: `any`, `10.0.0.0/8`, `fd00::1`, `$POD_CIDRS`, `!x`, `[a, !b]`, comma lists. */
export function parseAddrSpec(text: string, pos: SourcePos, vars: Vars): AddrSpec {
  return parseSpec<AddrSpec, Cidr>(text, pos, 'address', (n) => vars.addr.get(n), (tok, p) => [parseCidr(tok, p)]);
}

/**
 * Parses a port spec: `any`, `443`, `2379-2380` or `2379:2380`, `1024:` and `:1023` (open ends), `!22`,
 * `$CONTROL_PLANE_PORTS`, `[a, !b]`, comma lists.
 */
export function parsePortSpec(text: string, pos: SourcePos, vars: Vars): PortSpec {
  return parseSpec<PortSpec, PortRange>(text, pos, 'port', (n) => vars.port.get(n), (tok, p) => [parsePortRange(tok, p)]);
}

/** `N`, `LO-HI`, `LO:HI`, `LO:` or `:HI` (0-65535). */
export function parsePortRange(tok: string, pos: SourcePos): PortRange {
  const m = /^(\d{1,5})?([-:])?(\d{1,5})?$/.exec(tok);
  if (m === null || (m[1] === undefined && m[3] === undefined) || (m[2] === undefined && m[3] !== undefined) || (m[2] === '-' && (m[1] === undefined || m[3] === undefined))) {
    throw new PolicyError(pos, `bad port "${tok}"; expected a port 0-65535, a range LO-HI (or LO:HI, LO:, :HI)`);
  }
  const lo = m[1] === undefined ? 0 : Number(m[1]);
  const hi = m[2] === undefined ? lo : m[3] === undefined ? 65535 : Number(m[3]);
  if (lo > 65535 || hi > 65535) throw new PolicyError(pos, `port out of range in "${tok}"; expected 0-65535`);
  if (lo > hi) throw new PolicyError(pos, `empty port range "${tok}"; expected LO <= HI`);
  return { lo, hi };
}

/** Does the spec contain `port`? Load-time helper (tests, summaries); the compiler builds bitsets. */
export function portSpecHas(s: PortSpec, port: number): boolean {
  const inc = s.any || s.include.some((r) => port >= r.lo && port <= r.hi);
  return inc && !s.exclude.some((r) => port >= r.lo && port <= r.hi);
}

/** Does the spec contain address `ip`? Load-time helper (tests, summaries); the compiler builds tries. */
export function addrSpecHas(s: AddrSpec, ip: Uint8Array): boolean {
  const inc = s.any || s.include.some((c) => cidrContains(c, ip));
  return inc && !s.exclude.some((c) => cidrContains(c, ip));
}
