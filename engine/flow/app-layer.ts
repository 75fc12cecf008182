// The app-layer stage of a flow: picks the protocol parser for each direction, feeds it the
// reassembled first bytes of TCP directions or UDP payloads, and emits tls/quic/dns/http records.
// Parser state that only lives while a message is parsed is per thread (one scratch each); what a
// flow keeps between packets is its FlowApp (two TcpDirections at most).

import { APP_DONE, APP_EVENT_COUNT, APP_EVENT_NAMES, APP_INVALID, APP_NEED_MORE, APP_NOT_THIS, type AppStatus } from '../../decoders/app-layer.js';
import { DnsMessage, dnsTcpMessageLength, parseDns } from '../../decoders/dns.js';
import { HTTP_CONNECT, HttpRequest, looksLikeHttpRequest, parseHttpRequest } from '../../decoders/http1-request.js';
import type { Packet } from '../../decoders/packet.js';
import { ClientHello, parseClientHello } from '../../decoders/tls-client-hello.js';
import { findClientHelloRecord, handshakeRecordsEnd, TlsHandshakeScratch, tlsClientStream, tlsServerStream } from '../../decoders/tls-record.js';
import { parseServerHello, ServerHello } from '../../decoders/tls-server-hello.js';
import type { RecordOrigin } from '../output/eve-common.js';
import { eveDnsObject, eveHttpObject, eveQuicObject, eveServerTlsObject, eveTlsObject } from '../output/eve-app.js';
import { QuicConnState, quicInitial } from '../../decoders/quic-initial.js';
import { DnsNameMap } from './dns-names.js';
import { clientSni } from '../output/eve-app.js';
import { ja3Hash } from '../../decoders/ja3.js';
import { ja4 } from '../../decoders/ja4.js';
import { NameTextCache } from './name-text-cache.js';
import { ALL_HTTP_FIELDS, httpAppFields, httpFieldUse, type HttpFieldUse } from './http-fields.js';
import type { AppFields, AppKind } from '../../rules/match/policy-matcher.js';
import { looksLikeQuicInitial } from '../../decoders/quic-header.js';
import { eveHeader } from '../output/eve-common.js';
import type { ReassemblyConfig, ReassemblyMemory } from '../reassembly/reassembly-config.js';
import type { StreamConsumer, StreamStats } from '../reassembly/tcp-stream.js';
import { FlowApp } from './flow-app.js';
import { TO_SERVER, type FlowTable } from './flow-table.js';
import type { Emit } from '../pipeline/inspector.js';

export const APP_PROTO_NONE = 0;
export const APP_PROTO_TLS = 1;
export const APP_PROTO_QUIC = 2;
export const APP_PROTO_DNS = 3;
export const APP_PROTO_HTTP = 4;
export const APP_PROTO_FAILED = 5;
export const APP_PROTO_NAMES = ['', 'tls', 'quic', 'dns', 'http', 'failed'] as const;

const DNS_PORT = 53;

/** Requests logged per kept-alive connection before the direction is left alone. */
const MAX_HTTP_REQUESTS_PER_FLOW = 100;

/**
 * How far into a client stream that does not start with TLS we look for a ClientHello: STARTTLS
 * (SMTP, IMAP, POP3, FTP, LDAP), MySQL and PostgreSQL SSL requests, SOCKS and HTTP CONNECT all
 * negotiate within the first few hundred bytes.
 */
const STARTTLS_SCAN_BYTES = 4096;

/** Records emitted per protocol (stats.app_layer.tx). */
class AppCounts {
  tls = 0;
  quic = 0;
  dns = 0;
  http = 0;
}

export class AppLayer implements StreamConsumer {
  private readonly tlsScratch = new TlsHandshakeScratch();
  private readonly ch = new ClientHello();
  private readonly sh = new ServerHello();
  private readonly dns = new DnsMessage();
  private readonly http = new HttpRequest();
  /** IP → name from DNS answers, for rules and enrichment (bounded, TTL-aware). */
  readonly names = new DnsNameMap();
  /** Query names as text for the policy hook, kept for names seen before (no string per query). */
  readonly nameText = new NameTextCache();
  readonly events = new Float64Array(APP_EVENT_COUNT);
  readonly counts = new AppCounts();
  private readonly want: { tls: boolean; dns: boolean; quic: boolean; http: boolean };
  private readonly flowRecords: boolean;

  /**
   * Policy hook: called with each parsed hello, DNS message or HTTP request (text fields) and the
   * rendered app object (`"tls":{...}`), so alerts can carry it. Null: no policy loaded.
   */
  onApp: ((kind: AppKind, fields: AppFields) => void) | null = null;
  /** Compute JA3/JA4 for the policy hook (only when the policy has fingerprint rules). */
  fingerprints = false;
  /** The HTTP fields the policy hook gets as text (those its rules read; the others stay undefined). */
  private httpUse: HttpFieldUse = ALL_HTTP_FIELDS;
  /**
   * The app object of the event being handed to `onApp` (`"tls":{...}`), rendered on demand: only
   * an alert needs it. Valid during the onApp call.
   */
  currentObject: () => string = () => '';
  private current: { kind: AppKind; obj: string | null; bytes: Uint8Array; repeat: boolean; version: number } =
    { kind: 'tls', obj: null, bytes: new Uint8Array(0), repeat: false, version: 0 };

  // The packet being processed (set by packet(); read by consume()).
  private pkt!: Packet;
  private flows!: FlowTable;
  private slot = 0;
  private dir = 0;
  private origin!: RecordOrigin;

  constructor(
    events: ReadonlySet<string>,
    readonly eve: boolean,
    readonly cfg: ReassemblyConfig,
    readonly mem: ReassemblyMemory,
    readonly streamStats: StreamStats,
    readonly emit: Emit,
  ) {
    this.want = { tls: eve && events.has('tls'), dns: eve && events.has('dns'), quic: eve && events.has('quic'), http: eve && events.has('http') };
    this.flowRecords = eve && events.has('flow');
    this.currentObject = () => this.renderCurrent();
  }

  /** A packet of flow `slot` going `dir` (TO_SERVER/TO_CLIENT). */
  packet(pkt: Packet, flows: FlowTable, slot: number, dir: number, origin: RecordOrigin): void {
    const proto = flows.appProto[slot];
    if (proto === APP_PROTO_FAILED) return;
    this.pkt = pkt;
    this.flows = flows;
    this.slot = slot;
    this.dir = dir;
    this.origin = origin;
    if (pkt.ipProto === 17) {
      if (pkt.srcPort === DNS_PORT || pkt.dstPort === DNS_PORT) this.dnsMessage(pkt.bytes, pkt.payloadOffset, pkt.payloadLength);
      else if (dir === TO_SERVER) this.quic(pkt, flows, slot);
      return;
    }
    if (pkt.ipProto === 1 || pkt.ipProto === 58) {
      this.quotedDns(pkt);
      return;
    }
    if (pkt.ipProto !== 6) return;
    let app = flows.ext[slot] as FlowApp | null;
    if (app === null) {
      if (pkt.payloadLength === 0 && (pkt.tcpFlags & 0x02) === 0) return; // nothing to reassemble yet
      app = new FlowApp();
      flows.ext[slot] = app;
    }
    const d = dir === TO_SERVER ? app.toServer : app.toClient;
    d.segment(pkt, this, this.cfg, this.mem, this.streamStats);
  }

  /** StreamConsumer: the contiguous first bytes of the current direction. */
  consume(bytes: Uint8Array, offset: number, length: number): AppStatus {
    const flows = this.flows;
    const slot = this.slot;
    const toServer = this.dir === TO_SERVER;
    const pkt = this.pkt;
    if (pkt.srcPort === DNS_PORT || pkt.dstPort === DNS_PORT) {
      const n = dnsTcpMessageLength(bytes, offset, length);
      if (n < 0) return length < 2 + 65535 ? APP_NEED_MORE : APP_NOT_THIS;
      this.dnsMessage(bytes, offset + 2, n - 2); // n counts the 2-byte length prefix
      return APP_DONE;
    }
    if (toServer) {
      (flows.ext[slot] as FlowApp).streamBase = offset;
      return this.clientTls(bytes, offset, length);
    }
    if (bytes[offset] === 0x16) {
      const s = this.tlsScratch;
      s.reset();
      const st = tlsServerStream(bytes, offset, length, s);
      if (st === APP_NEED_MORE) return st;
      if (st !== APP_DONE) {
        if (st === APP_INVALID && s.event >= 0) this.events[s.event]++;
        return st;
      }
      const r = parseServerHello(s.msgBytes, s.msgOffset, s.msgLength, this.sh);
      if (r !== APP_DONE && this.sh.event >= 0) this.events[this.sh.event]++;
      if (r === APP_DONE) {
        if (flows.appProto[slot] === APP_PROTO_NONE) flows.appProto[slot] = APP_PROTO_TLS;
        // Rendered now (the hello's bytes go with this segment), written with the flow record.
        if (this.flowRecords) (flows.ext[slot] as FlowApp).serverTls = eveServerTlsObject(this.sh);
      }
      return APP_DONE;
    }
    return APP_NOT_THIS;
  }

  /**
   * Client direction: the ClientHello at the stream start, a second one after a HelloRetryRequest
   * (the stream goes on with a ChangeCipherSpec and a new hello), or one found after a plaintext
   * negotiation (STARTTLS and the like) within STARTTLS_SCAN_BYTES.
   */
  private clientTls(bytes: Uint8Array, offset: number, length: number): AppStatus {
    const app = this.flows.ext[this.slot] as FlowApp;
    const end = offset + length;
    let p = offset + app.tlsResume;
    while (p + 6 <= end && bytes[p] === 20) p += 5 + ((bytes[p + 3] << 8) | bytes[p + 4]); // ChangeCipherSpec
    if (p >= end) return APP_NEED_MORE;
    if (bytes[p] !== 0x16) {
      if (app.tlsHellos > 0) return APP_DONE; // the handshake went on without another hello
      if (app.tlsResume === 0 && looksLikeHttpRequest(bytes, p, end - p)) return this.httpRequest(bytes, p, end - p);
      const q = findClientHelloRecord(bytes, p, end);
      if (q < 0) {
        if (length >= STARTTLS_SCAN_BYTES) return this.notThis();
        return APP_NEED_MORE;
      }
      p = q;
    } else if (app.tlsHellos > 0 && (p + 6 > end || bytes[p + 5] !== 1)) {
      return p + 6 > end ? APP_NEED_MORE : APP_DONE;
    }
    const s = this.tlsScratch;
    s.reset();
    const st = tlsClientStream(bytes, p, end - p, s);
    if (st === APP_NEED_MORE) return st;
    if (st !== APP_DONE) {
      if (st === APP_INVALID && s.event >= 0) this.events[s.event]++;
      return app.tlsHellos > 0 ? APP_DONE : st === APP_NOT_THIS ? this.notThis() : st;
    }
    const ch = this.ch;
    const r = parseClientHello(s.msgBytes, s.msgOffset, s.msgLength, ch);
    if (r !== APP_DONE) {
      if (ch.event >= 0) this.events[ch.event]++;
      return app.tlsHellos > 0 ? APP_DONE : r;
    }
    this.flows.appProto[this.slot] = APP_PROTO_TLS;
    this.counts.tls++;
    app.tlsHellos++;
    app.tlsResume = handshakeRecordsEnd(bytes, p, end, s.msgLength) - offset;
    const obj = this.want.tls ? eveTlsObject(ch, 't') : null;
    if (obj !== null) this.emit(eveHeader('tls', this.origin, this.pkt) + obj + '}');
    if (this.onApp !== null) {
      this.setCurrent('tls', obj, bytes, false, 0);
      this.onApp('tls', this.fingerprints ? { sni: clientSni(ch), ja3: ja3Hash(ch), ja4: ja4(ch, 't') } : { sni: clientSni(ch) });
    }
    // A second hello may follow a HelloRetryRequest (the server's side may not be captured): look at
    // the next client record once, from where this hello's records end. Usually it is application
    // data or a ChangeCipherSpec and the direction is done without a copy.
    if (app.tlsHellos === 1) (this.dir === TO_SERVER ? app.toServer : app.toClient).restartAt = app.tlsResume;
    app.tlsResume = 0;
    return APP_DONE;
  }

  /**
   * An HTTP/1.x request head at the start of the client stream: log it. A CONNECT tunnel goes on
   * with TLS after the proxy's answer: keep looking for its ClientHello after the head.
   */
  private httpRequest(bytes: Uint8Array, offset: number, length: number): AppStatus {
    const req = this.http;
    const r = parseHttpRequest(bytes, offset, length, req);
    if (r === APP_NEED_MORE) return r;
    if (r !== APP_DONE) {
      if (r === APP_INVALID && req.event >= 0) this.events[req.event]++;
      return r === APP_NOT_THIS ? this.notThis() : r;
    }
    const flows = this.flows;
    if (flows.appProto[this.slot] === APP_PROTO_NONE) flows.appProto[this.slot] = APP_PROTO_HTTP;
    this.counts.http++;
    const obj = this.want.http ? eveHttpObject(req, bytes) : null;
    if (obj !== null) this.emit(eveHeader('http', this.origin, this.pkt) + obj + '}');
    if (this.onApp !== null) {
      this.setCurrent('http', obj, bytes, false, 0);
      this.onApp('http', httpAppFields(req, bytes, this.httpUse));
    }
    const app = flows.ext[this.slot] as FlowApp;
    if (req.method === HTTP_CONNECT) {
      app.tlsResume = req.headerLength; // the ClientHello is searched from here (scan window applies)
      return APP_NEED_MORE;
    }
    // Keep-alive: the next request starts after this one's body; with a length we can skip it.
    if (!req.chunked && app.httpRequests < MAX_HTTP_REQUESTS_PER_FLOW) {
      app.httpRequests++;
      app.toServer.restartAt = (offset - app.streamBase) + req.headerLength + Math.max(0, req.contentLength);
    }
    return APP_DONE;
  }

  /** Give the policy hook only these HTTP fields as text (all of them by default). */
  useHttpFields(used: ReadonlySet<keyof AppFields>): void {
    this.httpUse = httpFieldUse(used);
  }

  /** Remember the event being handed to onApp, so its object renders only if an alert asks. */
  private setCurrent(kind: AppKind, obj: string | null, bytes: Uint8Array, repeat: boolean, version: number): void {
    const c = this.current;
    c.kind = kind;
    c.obj = obj;
    c.bytes = bytes;
    c.repeat = repeat;
    c.version = version;
  }

  private renderCurrent(): string {
    const c = this.current;
    if (c.obj !== null) return c.obj;
    switch (c.kind) {
      case 'tls': c.obj = eveTlsObject(this.ch, 't'); break;
      case 'quic': c.obj = eveQuicObject(this.ch, c.version, c.repeat); break;
      case 'http': c.obj = eveHttpObject(this.http, c.bytes); break;
      default: c.obj = eveDnsObject(this.dns);
    }
    return c.obj;
  }

  private nowUs(): number {
    return this.origin.tsSec * 1e6 + Math.floor(this.origin.tsNsec / 1000);
  }

  private notThis(): AppStatus {
    if (this.flows.appProto[this.slot] === APP_PROTO_NONE) this.flows.appProto[this.slot] = APP_PROTO_FAILED;
    return APP_NOT_THIS;
  }

  /**
   * A client UDP payload: QUIC Initial packets on any port, decrypted, CRYPTO frames reassembled
   * per flow (QuicConnState lives in the flow until its ClientHello is out), then the same
   * ClientHello parser as TLS over TCP.
   */
  private quic(pkt: Packet, flows: FlowTable, slot: number): void {
    let state = flows.ext[slot] as QuicConnState | null;
    if (state === null) {
      if (!looksLikeQuicInitial(pkt.bytes, pkt.payloadOffset, pkt.payloadLength)) return;
      state = new QuicConnState();
      flows.ext[slot] = state;
    }
    const r = quicInitial(pkt.bytes, pkt.payloadOffset, pkt.payloadLength, state, pkt.capLen < pkt.origLen);
    if (r === APP_NEED_MORE) return;
    if (r !== APP_DONE) {
      flows.ext[slot] = null;
      if (r === APP_INVALID && state.event >= 0) this.events[state.event]++;
      return;
    }
    // The state stays with the flow: a new hello (Retry, a new connection on the same 5-tuple) is
    // logged as such; a byte-identical retransmission is logged with "retransmission": true (tshark
    // lists those as hellos too for Google's T051), so a consumer can keep or drop them.
    const ch = this.ch;
    if (parseClientHello(state.chBytes, state.chOffset, state.chLength, ch) !== APP_DONE) {
      if (ch.event >= 0) this.events[ch.event]++;
      return;
    }
    flows.appProto[slot] = APP_PROTO_QUIC;
    this.counts.quic++;
    const obj = this.want.quic ? eveQuicObject(ch, state.version, state.repeat) : null;
    if (obj !== null) this.emit(eveHeader('quic', this.origin, pkt) + obj + '}');
    if (this.onApp !== null && !state.repeat) {
      this.setCurrent('quic', obj, pkt.bytes, state.repeat, state.version);
      this.onApp('quic', this.fingerprints ? { sni: clientSni(ch), ja3: ja3Hash(ch), ja4: ja4(ch, 'q') } : { sni: clientSni(ch) });
    }
  }

  /**
   * An ICMP error quoting a DNS datagram (port unreachable for a query, say): the quoted message
   * is logged as tshark shows it, leniently, as far as it was quoted.
   */
  private quotedDns(pkt: Packet): void {
    if (pkt.icmpQuotedProto !== 17 || (pkt.icmpQuotedSrcPort !== DNS_PORT && pkt.icmpQuotedDstPort !== DNS_PORT)) return;
    const b = pkt.bytes;
    const ip = pkt.icmpQuotedIpVersion === 4 ? pkt.icmpQuotedSrcOffset - 12 : pkt.icmpQuotedSrcOffset - 8;
    const udp = ip + (pkt.icmpQuotedIpVersion === 4 ? (b[ip] & 0x0f) << 2 : 40);
    const end = pkt.l4Offset + pkt.l4Length;
    if (udp + 8 + 12 > end) return;
    this.dnsMessage(b, udp + 8, end - udp - 8);
  }

  private dnsMessage(bytes: Uint8Array, offset: number, length: number): void {
    const msg = this.dns;
    const r = parseDns(bytes, offset, length, msg);
    if (r !== APP_DONE) {
      // A message that ends before its records do is complete as far as it goes: malformed, unless
      // the capture's snap length cut it.
      if (msg.event >= 0 && (r === APP_INVALID || this.pkt.capLen >= this.pkt.origLen)) this.events[msg.event]++;
      return;
    }
    if (msg.qr) this.names.observe(msg, this.nowUs());
    this.flows.appProto[this.slot] = APP_PROTO_DNS;
    this.counts.dns++;
    const obj = this.want.dns ? eveDnsObject(msg) : null;
    if (obj !== null) this.emit(eveHeader('dns', this.origin, this.pkt) + obj + '}');
    if (this.onApp !== null && !msg.qr && msg.hasQuestion) {
      this.setCurrent('dns', obj, bytes, false, 0);
      this.onApp('dns', { query: this.nameText.get(msg.names, 0, msg.qnameLength) });
    }
  }

  /** stats.app_layer: records per protocol and app-layer events (every event listed). */
  stats(): Record<string, unknown> {
    const event: Record<string, Record<string, number>> = {};
    APP_EVENT_NAMES.forEach((name, i) => {
      const dot = name.indexOf('.');
      (event[name.slice(0, dot)] ??= {})[name.slice(dot + 1)] = this.events[i];
    });
    const n = this.names;
    return { tx: { ...this.counts }, event, dns_names: { size: n.size, inserts: n.inserts, evictions: n.evictions, expired: n.expired } };
  }

  /** What the flow record adds for the app layer (`,"tls":{...}` from the ServerHello), or ''. */
  flowExtra(flows: FlowTable, slot: number): string {
    const app = flows.ext[slot];
    return app instanceof FlowApp && app.serverTls !== null ? `,"tls":${app.serverTls}` : '';
  }

  /** The flow ends: its app state goes with it; returns its app_proto name for the flow record. */
  flowEnded(flows: FlowTable, slot: number): string {
    const app = flows.ext[slot];
    if (app instanceof FlowApp) {
      app.toServer.finish(this.mem, this.streamStats, false);
      app.toClient.finish(this.mem, this.streamStats, false);
    }
    const p = flows.appProto[slot];
    return p === APP_PROTO_FAILED ? 'failed' : APP_PROTO_NAMES[p];
  }
}

