// DNS names and answers as text, for records at the output edge only (allocates): names as tshark
// 4.0 prints them (`dns.qry.name`), addresses as RFC 5952 / dotted quads.

import { formatIpv4, formatIpv6 } from '../engine/output/ip-format.js';
import { DNS_NAME_SLOT, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME, type DnsMessage } from './dns.js';

const C_ESCAPES: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
/** Code points glib's g_unichar_isprint() refuses: control, format, unassigned, surrogate. */
const NOT_PRINTABLE = /[\p{Cc}\p{Cf}\p{Cn}\p{Cs}]/u;

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/**
 * Text of a decoded name (`bytes[start, start+length)`, labels joined by '.') as tshark prints it:
 * `<Root>` for the root; printable ASCII as is (backslash and '.' too); \a \b \t \n \v \f \r and
 * other controls as octal `\ooo`; UTF-8 sequences decoded (overlong forms accepted, as Wireshark
 * does), non-printable code points as `\uXXXX`; a byte that starts no valid sequence, a cut sequence,
 * a surrogate or a code point past U+10FFFF (5- and 6-byte forms included) as one U+FFFD.
 */
export function dnsNameText(bytes: Uint8Array, start: number, length: number): string {
  if (length === 0) return '<Root>';
  let s = '';
  const end = start + length;
  for (let p = start; p < end; ) {
    const c = bytes[p];
    if (c < 0x80) {
      p++;
      if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
      else s += C_ESCAPES[c] ?? '\\' + c.toString(8).padStart(3, '0');
      continue;
    }
    // Continuation bytes a lead byte announces (5- and 6-byte forms of RFC 2279 are consumed whole).
    const need = c < 0xc0 ? 0 : c < 0xe0 ? 1 : c < 0xf0 ? 2 : c < 0xf8 ? 3 : c < 0xfc ? 4 : c < 0xfe ? 5 : 0;
    let cp = c & (0x7f >> need);
    let k = 0;
    p++;
    while (k < need && p < end && (bytes[p] & 0xc0) === 0x80) { cp = cp * 64 + (bytes[p] & 0x3f); p++; k++; }
    if (need === 0 || k < need || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) { s += '\ufffd'; continue; }
    const ch = String.fromCodePoint(cp);
    if (NOT_PRINTABLE.test(ch)) s += cp < 0x10000 ? '\\u' + hex(cp, 4) : '\\U' + hex(cp, 8);
    else s += ch;
  }
  return s;
}

/** The first question's name (`<Root>` when the message has no question, as for the root). */
export function dnsQueryName(msg: DnsMessage): string {
  return dnsNameText(msg.names, 0, msg.qnameLength);
}

/** Owner name of kept answer `i`. */
export function dnsAnswerName(msg: DnsMessage, i: number): string {
  return dnsNameText(msg.names, (1 + 2 * i) * DNS_NAME_SLOT, msg.ansNameLength[i]);
}

/** Rdata of kept answer `i` as text: A, AAAA and CNAME; '' for other types. */
export function dnsAnswerData(msg: DnsMessage, i: number): string {
  switch (msg.ansType[i]) {
    case DNS_TYPE_A: return formatIpv4(msg.bytes, msg.ansRdataOffset[i]);
    case DNS_TYPE_AAAA: return formatIpv6(msg.bytes, msg.ansRdataOffset[i]);
    case DNS_TYPE_CNAME: return dnsNameText(msg.names, (2 + 2 * i) * DNS_NAME_SLOT, msg.ansTargetLength[i]);
    default: return '';
  }
}

const TYPE_NAMES: Record<number, string> = {
  1: 'A', 2: 'NS', 5: 'CNAME', 6: 'SOA', 12: 'PTR', 15: 'MX', 16: 'TXT', 28: 'AAAA', 33: 'SRV', 35: 'NAPTR',
  41: 'OPT', 43: 'DS', 46: 'RRSIG', 47: 'NSEC', 48: 'DNSKEY', 64: 'SVCB', 65: 'HTTPS', 255: 'ANY',
};

/** Mnemonic of an RR type (RFC 1035 §3.2.2 and successors), or `TYPE<n>` (RFC 3597 §5). */
export function dnsTypeText(type: number): string {
  return TYPE_NAMES[type] ?? `TYPE${type}`;
}
