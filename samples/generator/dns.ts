// DNS messages (RFC 1035 section 4, EDNS0 OPT from RFC 6891): queries as stub resolvers send them and
// CoreDNS-style answers, with name compression for owner names and CNAME targets.

import { ByteWriter } from './bytes.js';

export const TYPE_A = 1;
export const TYPE_CNAME = 5;
export const TYPE_SOA = 6;
export const TYPE_AAAA = 28;
const TYPE_OPT = 41;
const CLASS_IN = 1;
export const RCODE_NOERROR = 0;
export const RCODE_NXDOMAIN = 3;

export interface DnsAnswer {
  /** TYPE_A / TYPE_AAAA carry `addr`; TYPE_CNAME carries `target`. */
  type: number;
  ttl: number;
  addr?: Uint8Array;
  target?: string;
}

export interface DnsReply {
  rcode: number;
  /** Authoritative (CoreDNS answering for its own zone). */
  aa: boolean;
  answers: DnsAnswer[];
  /** Zone whose SOA goes in the authority section (negative answers). */
  soaZone?: string;
}

export function dnsQuery(id: number, name: string, qtype: number, edns: boolean): Uint8Array {
  const w = new ByteWriter();
  w.u16(id).u16(0x0100).u16(1).u16(0).u16(0).u16(edns ? 1 : 0);
  writeName(w, name);
  w.u16(qtype).u16(CLASS_IN);
  if (edns) writeOpt(w);
  return w.finish();
}

export function dnsResponse(id: number, name: string, qtype: number, edns: boolean, r: DnsReply): Uint8Array {
  const w = new ByteWriter();
  const flags = 0x8000 | (r.aa ? 0x0400 : 0) | 0x0100 | 0x0080 | r.rcode;
  w.u16(id).u16(flags).u16(1).u16(r.answers.length).u16(r.soaZone ? 1 : 0).u16(edns ? 1 : 0);
  writeName(w, name);
  w.u16(qtype).u16(CLASS_IN);
  let owner = 12; // the question name
  for (const a of r.answers) {
    w.u16(0xc000 | owner).u16(a.type).u16(CLASS_IN).u32(a.ttl);
    if (a.type === TYPE_CNAME) {
      const m = w.begin(2);
      owner = w.len;
      writeName(w, a.target!);
      w.end(m);
    } else {
      w.u16(a.addr!.length).bytes(a.addr!);
    }
  }
  if (r.soaZone) {
    writeName(w, r.soaZone);
    w.u16(TYPE_SOA).u16(CLASS_IN).u32(30);
    const m = w.begin(2);
    writeName(w, r.soaZone === 'cluster.local' ? 'ns.dns.cluster.local' : `ns1.${r.soaZone}`);
    writeName(w, `hostmaster.${r.soaZone}`);
    w.u32(1767225600).u32(7200).u32(1800).u32(86400).u32(30);
    w.end(m);
  }
  if (edns) writeOpt(w);
  return w.finish();
}

function writeName(w: ByteWriter, name: string): void {
  for (const label of name.split('.')) {
    if (label.length === 0) continue;
    w.u8(label.length).ascii(label);
  }
  w.u8(0);
}

/** OPT pseudo-record: UDP payload size 1232 (DNS flag day 2020), no options. */
function writeOpt(w: ByteWriter): void {
  w.u8(0).u16(TYPE_OPT).u16(1232).u32(0).u16(0);
}
