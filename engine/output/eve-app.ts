// EVE objects of app-layer records (`"tls":{...}`, `"dns":{...}`), Suricata's field names, rendered
// when a record is emitted (strings are made here, at the edge, never while parsing).

import { DnsMessage, DNS_TYPE_A, DNS_TYPE_AAAA, DNS_TYPE_CNAME } from '../../decoders/dns.js';
import { dnsAnswerData, dnsAnswerName, dnsQueryName, dnsTypeText } from '../../decoders/dns-text.js';
import { ja3Hash, ja3String } from '../../decoders/ja3.js';
import { ja4, ja4ClientVersion, type Ja4Transport } from '../../decoders/ja4.js';
import type { ClientHello } from '../../decoders/tls-client-hello.js';
import type { HttpRequest } from '../../decoders/http1-request.js';
import type { ServerHello } from '../../decoders/tls-server-hello.js';
import { ja3sHash, ja3sString } from '../../decoders/ja3.js';
import { ja4s } from '../../decoders/ja4.js';

// Invalid UTF-8 becomes U+FFFD, as tshark prints it.
const utf8 = new TextDecoder('utf-8');

function text(bytes: Uint8Array, offset: number, length: number): string {
  return utf8.decode(bytes.subarray(offset, offset + length));
}

/** "TLS 1.3", "TLS 1.2", ..., "SSLv3", else the hex value. */
export function tlsVersionName(v: number): string {
  switch (v) {
    case 0x0304: return 'TLS 1.3';
    case 0x0303: return 'TLS 1.2';
    case 0x0302: return 'TLS 1.1';
    case 0x0301: return 'TLS 1.0';
    case 0x0300: return 'SSLv3';
    case 0x0002: return 'SSLv2';
    default: return `0x${v.toString(16).padStart(4, '0')}`;
  }
}

/** The client's ALPN values as text. */
export function clientAlpns(ch: ClientHello): string[] {
  const out: string[] = [];
  for (let i = 0; i < ch.alpnCount; i++) out.push(text(ch.bytes, ch.alpnOffsets[i], ch.alpnLengths[i]));
  return out;
}

export function clientSni(ch: ClientHello): string {
  return ch.sniPresent ? text(ch.bytes, ch.sniOffset, ch.sniLength) : '';
}

/** `"tls":{...}` (or `"quic":{...}` with transport 'q') for a parsed ClientHello. */
export function eveTlsObject(ch: ClientHello, transport: Ja4Transport): string {
  const o: Record<string, unknown> = {};
  if (ch.sniPresent) o.sni = clientSni(ch);
  o.version = tlsVersionName(ja4ClientVersion(ch));
  o.ja3 = { hash: ja3Hash(ch), string: ja3String(ch) };
  o.ja4 = ja4(ch, transport);
  if (ch.alpnCount > 0) o.client_alpns = clientAlpns(ch);
  if (ch.echPresent) o.ech = true;
  return `"${transport === 'q' ? 'quic' : 'tls'}":${JSON.stringify(o)}`;
}

const RCODES = ['NOERROR', 'FORMERR', 'SERVFAIL', 'NXDOMAIN', 'NOTIMP', 'REFUSED', 'YXDOMAIN', 'YXRRSET', 'NXRRSET', 'NOTAUTH', 'NOTZONE'];

/** `"dns":{...}` in Suricata's version 2 layout: a query, or an answer with its records. */
export function eveDnsObject(msg: DnsMessage): string {
  let s = `"dns":{"version":2,"type":"${msg.qr ? 'answer' : 'query'}","id":${msg.id}`;
  if (msg.qr) {
    s += `,"flags":"${msg.flags.toString(16).padStart(4, '0')}","qr":true`;
    if (msg.aa) s += ',"aa":true';
    if (msg.tc) s += ',"tc":true';
    if (msg.rd) s += ',"rd":true';
    if (msg.ra) s += ',"ra":true';
  }
  s += `,"opcode":${msg.opcode}`;
  if (msg.hasQuestion) s += `,"rrname":${JSON.stringify(dnsQueryName(msg))},"rrtype":"${dnsTypeText(msg.qtype)}"`;
  if (msg.qr) {
    s += `,"rcode":"${RCODES[msg.rcode] ?? String(msg.rcode)}"`;
    if (msg.answerCount > 0) {
      s += ',"answers":[';
      for (let i = 0; i < msg.answerCount; i++) {
        const t = msg.ansType[i];
        s += `${i ? ',' : ''}{"rrname":${JSON.stringify(dnsAnswerName(msg, i))},"rrtype":"${dnsTypeText(t)}","ttl":${msg.ansTtl[i]}`;
        if (t === DNS_TYPE_A || t === DNS_TYPE_AAAA || t === DNS_TYPE_CNAME) s += `,"rdata":${JSON.stringify(dnsAnswerData(msg, i))}`;
        s += '}';
      }
      s += ']';
    }
  }
  return s + '}';
}

/** `"http":{...}` for a request head (Suricata's field names). */
export function eveHttpObject(req: HttpRequest, bytes: Uint8Array): string {
  const o: Record<string, unknown> = {};
  if (req.hostOffset >= 0) o.hostname = text(bytes, req.hostOffset, req.hostLength);
  o.url = text(bytes, req.uriOffset, req.uriLength);
  if (req.userAgentOffset >= 0) o.http_user_agent = text(bytes, req.userAgentOffset, req.userAgentLength);
  o.http_method = text(bytes, req.methodOffset, req.methodLength);
  o.protocol = `HTTP/1.${req.versionMinor}`;
  if (req.contentLength >= 0) o.request_content_length = req.contentLength;
  return `"http":${JSON.stringify(o)}`;
}

/** `"quic":{...}`: the version of the Initial packets, then the ClientHello fields as for TLS. */
export function eveQuicObject(ch: ClientHello, version: number, retransmission: boolean): string {
  const v = version === 1 ? '1' : version === 0x6b3343cf ? '2' : `0x${version.toString(16).padStart(8, '0')}`;
  const o: Record<string, unknown> = { version: v };
  if (ch.sniPresent) o.sni = clientSni(ch);
  o.ja3 = { hash: ja3Hash(ch), string: ja3String(ch) };
  o.ja4 = ja4(ch, 'q');
  if (ch.alpnCount > 0) o.client_alpns = clientAlpns(ch);
  if (ch.echPresent) o.ech = true;
  if (retransmission) o.retransmission = true;
  return `"quic":${JSON.stringify(o)}`;
}

/** The ServerHello's side of a TLS flow: negotiated version, cipher suite, JA3S and JA4S. */
export function eveServerTlsObject(sh: ServerHello): string {
  return JSON.stringify({
    version: tlsVersionName(sh.version),
    cipher_suite: `0x${sh.cipherSuite.toString(16).padStart(4, '0')}`,
    ja3s: { hash: ja3sHash(sh), string: ja3sString(sh) },
    ja4s: ja4s(sh, 't'),
  });
}
