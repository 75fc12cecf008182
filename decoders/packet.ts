// The decoded-packet record every decoder fills: numbers and offsets into the capture buffer, no copies.

import { COUNTER_COUNT, C_TRUNCATED } from './counters.js';
import { EVENT_COUNT } from './events.js';

/** Decoder status: a small number, never an exception. */
export const S_OK = 0;
/** Cut short by the capture's snap length: the wire packet was fine, we just did not get all of it. */
export const S_TRUNCATED = 1;
/** Malformed: a decode event was counted. */
export const S_INVALID = 2;
/** Well-formed but not something we decode (unknown link type, ethertype or IP protocol). */
export const S_UNSUPPORTED = 3;
export type Status = number;

/** Tunnel encapsulations, for `Packet.tunnelType`. */
export const TUN_NONE = 0;
export const TUN_VXLAN = 1;
export const TUN_GENEVE = 2;
export const TUN_GRE = 3;
export const TUN_ERSPAN = 4;
export const TUN_IPV4_IN_IPV4 = 5;
export const TUN_IPV6_IN_IPV4 = 6;
export const TUN_IPV4_IN_IPV6 = 7;
export const TUN_IPV6_IN_IPV6 = 8;
export const TUN_TEREDO = 9;
export const TUNNEL_NAMES = ['', 'VXLAN', 'GENEVE', 'GRE', 'ERSPAN', 'IPIP', '6in4', '4in6', '6in6', 'TEREDO'] as const;

/** What a UDP destination port decapsulates to (`DecoderConfig.udpTunnelByPort`). */
export const UDP_TUNNEL_NONE = 0;
export const UDP_TUNNEL_VXLAN = 1;
export const UDP_TUNNEL_GENEVE = 2;
export const UDP_TUNNEL_TEREDO = 3;

export const MAX_VLAN_TAGS = 3;

/** Decoder settings; built once, read on the hot path through dense tables. */
export class DecoderConfig {
  /** Port → UDP_TUNNEL_*: VXLAN on 4789 and 8472 (Flannel/Cilium), Geneve on 6081, Teredo on 3544 by default. */
  readonly udpTunnelByPort = new Uint8Array(65536);
  /** Maximum number of nested tunnels decapsulated; deeper ones raise `decoder.too_many_layers`. */
  maxTunnelDepth = 4;

  constructor(opts: { vxlanPorts?: number[]; genevePorts?: number[]; teredoPorts?: number[]; maxTunnelDepth?: number } = {}) {
    for (const p of opts.teredoPorts ?? [3544]) this.udpTunnelByPort[p] = UDP_TUNNEL_TEREDO;
    for (const p of opts.vxlanPorts ?? [4789, 8472]) this.udpTunnelByPort[p] = UDP_TUNNEL_VXLAN;
    for (const p of opts.genevePorts ?? [6081]) this.udpTunnelByPort[p] = UDP_TUNNEL_GENEVE;
    if (opts.maxTunnelDepth !== undefined) this.maxTunnelDepth = opts.maxTunnelDepth;
  }
}

/**
 * One preallocated record per decoding thread, overwritten for every frame.
 * Offsets point into `bytes`, the batch buffer: valid until the next batch on this thread.
 */
export class Packet {
  /** Capture buffer the offsets below point into (the batch's data). */
  bytes: Uint8Array = new Uint8Array(0);
  frameOffset = 0;
  capLen = 0;
  origLen = 0;
  linkType = 0;

  // ── link layer ──
  vlanCount = 0;
  /** VLAN ids, outermost first; only the first `vlanCount` entries are meaningful. */
  readonly vlan = new Uint16Array(MAX_VLAN_TAGS);
  etherType = 0;

  // ── innermost network layer ──
  /** 0 when no IP header was decoded, else 4 or 6. */
  ipVersion = 0;
  l3Offset = 0;
  /** IP header + payload length as the header claims, clipped to what was captured. */
  l3Length = 0;
  /** Offsets of the 4- or 16-byte source and destination addresses. */
  srcAddrOffset = 0;
  dstAddrOffset = 0;
  /** Transport protocol number after IPv6 extension headers. */
  ipProto = 0;
  ttl = 0;
  /** IPv4 identification or IPv6 fragment-header identification. */
  fragId = 0;
  /** Fragment offset in bytes. */
  fragOffset = 0;
  fragMore = false;
  /** True for any fragment (offset > 0 or more-fragments); L4 is decoded only for the first. */
  isFragment = false;

  // ── innermost transport layer ──
  l4Offset = 0;
  l4Length = 0;
  srcPort = 0;
  dstPort = 0;
  tcpFlags = 0;
  tcpSeq = 0;
  tcpAck = 0;
  tcpWindow = 0;
  icmpType = 0;
  icmpCode = 0;
  /** ICMP errors: the quoted header (decoded leniently, 0 when absent). */
  icmpQuotedIpVersion = 0;
  icmpQuotedProto = 0;
  icmpQuotedSrcOffset = 0;
  icmpQuotedDstOffset = 0;
  icmpQuotedSrcPort = 0;
  icmpQuotedDstPort = 0;
  payloadOffset = 0;
  payloadLength = 0;

  // ── tunnels: the outermost tuple, as seen on the wire ──
  tunnelDepth = 0;
  tunnelType = TUN_NONE;
  /** VXLAN/Geneve VNI, GRE key or ERSPAN session id of the outermost tunnel (-1 when none). */
  tunnelId = -1;
  outerIpVersion = 0;
  outerSrcOffset = 0;
  outerDstOffset = 0;
  outerProto = 0;
  outerSrcPort = 0;
  outerDstPort = 0;

  /** Id of the last decode event raised for this packet, or -1. */
  lastEvent = -1;
  /** The snap length cut this frame short (`decoder.truncated` counts frames, once each). */
  truncated = false;

  /** Per-thread counters (`COUNTER_NAMES`) and decode events (`EVENT_NAMES`). */
  readonly counters: Float64Array;
  readonly events: Float64Array;
  readonly config: DecoderConfig;

  constructor(config: DecoderConfig = new DecoderConfig()) {
    this.config = config;
    this.counters = new Float64Array(COUNTER_COUNT);
    this.events = new Float64Array(EVENT_COUNT);
  }

  /** Reset every field for a new frame. */
  reset(bytes: Uint8Array, offset: number, capLen: number, origLen: number, linkType: number): void {
    this.bytes = bytes;
    this.frameOffset = offset;
    this.capLen = capLen;
    this.origLen = origLen;
    this.linkType = linkType;
    this.vlanCount = 0;
    this.etherType = 0;
    this.ipVersion = 0;
    this.l3Offset = 0;
    this.l3Length = 0;
    this.srcAddrOffset = 0;
    this.dstAddrOffset = 0;
    this.ipProto = 0;
    this.ttl = 0;
    this.fragId = 0;
    this.fragOffset = 0;
    this.fragMore = false;
    this.isFragment = false;
    this.resetTransport();
    this.tunnelDepth = 0;
    this.tunnelType = TUN_NONE;
    this.tunnelId = -1;
    this.outerIpVersion = 0;
    this.outerSrcOffset = 0;
    this.outerDstOffset = 0;
    this.outerProto = 0;
    this.outerSrcPort = 0;
    this.outerDstPort = 0;
    this.lastEvent = -1;
    this.truncated = false;
  }

  /** Clear transport fields; an IP decoder calls this so an inner packet never shows outer ports. */
  resetTransport(): void {
    this.l4Offset = 0;
    this.l4Length = 0;
    this.srcPort = 0;
    this.dstPort = 0;
    this.tcpFlags = 0;
    this.tcpSeq = 0;
    this.tcpAck = 0;
    this.tcpWindow = 0;
    this.icmpType = 0;
    this.icmpCode = 0;
    this.icmpQuotedIpVersion = 0;
    this.icmpQuotedProto = 0;
    this.icmpQuotedSrcOffset = 0;
    this.icmpQuotedDstOffset = 0;
    this.icmpQuotedSrcPort = 0;
    this.icmpQuotedDstPort = 0;
    this.payloadOffset = 0;
    this.payloadLength = 0;
  }

  /** Count a decode event; returns S_INVALID so a decoder can `return pkt.invalid(EV_X)`. */
  invalid(eventId: number): Status {
    this.events[eventId]++;
    this.lastEvent = eventId;
    return S_INVALID;
  }

  /**
   * A header needs bytes past the end of what was captured. If the capture cut the frame (snap
   * length), that is truncation, not malformation: count `decoder.truncated` and return
   * S_TRUNCATED. Otherwise the packet lies about its own length: count the event, S_INVALID.
   */
  short(eventId: number): Status {
    if (this.capLen < this.origLen) {
      this.markTruncated();
      return S_TRUNCATED;
    }
    return this.invalid(eventId);
  }

  /**
   * A header claims `claimed` bytes where `length` were captured: the length to decode. Beyond the
   * capture, a snap-length cut decodes what is there (`decoder.truncated`); an uncut frame that
   * claims more than it has counts `eventId` and gives -1.
   */
  clip(claimed: number, length: number, eventId: number): number {
    if (claimed <= length) return claimed;
    if (this.capLen >= this.origLen) {
      this.invalid(eventId);
      return -1;
    }
    this.markTruncated();
    return length;
  }

  /** A layer found the frame cut by the snap length: count `decoder.truncated` once per frame. */
  markTruncated(): void {
    if (this.truncated) return;
    this.truncated = true;
    this.counters[C_TRUNCATED]++;
  }

  /**
   * Enter a tunnel: the first time, the current (outer) network and transport tuple is kept as the
   * outer tuple. Returns false, with `decoder.too_many_layers`, past the configured depth.
   */
  enterTunnel(type: number, id: number): boolean {
    if (this.tunnelDepth >= this.config.maxTunnelDepth) return false;
    if (this.tunnelDepth === 0) {
      this.tunnelType = type;
      this.tunnelId = id;
      this.outerIpVersion = this.ipVersion;
      this.outerSrcOffset = this.srcAddrOffset;
      this.outerDstOffset = this.dstAddrOffset;
      this.outerProto = this.ipProto;
      this.outerSrcPort = this.srcPort;
      this.outerDstPort = this.dstPort;
    }
    this.tunnelDepth++;
    return true;
  }
}
