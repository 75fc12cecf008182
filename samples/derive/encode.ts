// Session packets back to Ethernet frames: TCP (RFC 9293) over IPv4 (RFC 791, fragments per section
// 3.2) or IPv6 (RFC 8200, Fragment header per section 4.5), optionally inside VXLAN (RFC 7348) or
// Geneve (RFC 8926); every length and checksum recomputed. Written as a classic pcap.

import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { addrSum, checksum, sum16, wordSum } from '../generator/checksum.js';
import { ETH_HLEN, ETHERTYPE_IPV4, ETHERTYPE_IPV6, writeEthernet } from '../generator/ethernet.js';
import { IPV4_HLEN, PROTO_TCP, PROTO_UDP, finishIpv4, writeIpv4Template } from '../generator/ipv4.js';
import { IPV6_HLEN, finishIpv6, writeIpv6Template } from '../generator/ipv6.js';
import { PcapWriter } from '../generator/pcap-writer.js';
import { OPT_NONE, writeTcpHeader } from '../generator/tcp.js';
import { NODES } from '../generator/topology.js';
import { UDP_HLEN, putUdpChecksum, writeUdpHeader } from '../generator/udp.js';
import { VXLAN_HLEN, VXLAN_PORT_LINUX, writeVxlan } from '../generator/vxlan.js';
import type { Session, TcpPacket } from './session.js';

export interface Frame {
  /** ns after the source capture's first frame; the pcap starts at the generator's epoch plus this. */
  tNs: number;
  bytes: Uint8Array;
}

/** Underlay of a tunnelled session: client side on node-a (192.168.49.2), server side on node-b (.3). */
export type Tunnel = 'vxlan' | 'geneve' | null;

export const GENEVE_PORT = 6081;
/** Flannel's VNI. */
export const VXLAN_VNI = 1;
export const GENEVE_VNI = 5;
/** Fragments, and the segments a derivation adds, are 1 µs apart (the pcap's resolution). */
export const GAP_NS = 1000;

const PROTO_FRAGMENT = 44;
const FRAG_HLEN = 8;
const ETH_MIN = 60;
const GENEVE_HLEN = 8;
/** One OVN-style option (class 0x0102, type 0x80, 4 bytes: logical input and output port). */
const GENEVE_OPTION = Uint8Array.of(0x01, 0x02, 0x80, 0x01, 0x00, 0x01, 0x00, 0x02);
const ETHERTYPE_TEB = 0x6558;

/** Every frame of the session in capture order; throws if the capture times would go backwards. */
export function encodeSession(s: Session, tunnel: Tunnel): Frame[] {
  const frames: Frame[] = [];
  const outerIds = [0x4a00, 0x7c00];
  for (const p of s.packets) {
    const ips = ipPackets(s, p);
    for (let k = 0; k < ips.length; k++) {
      let frame = ethernet(s, p, ips[k]!, tunnel === 'vxlan');
      if (tunnel !== null) {
        const side = p.fromClient ? 0 : 1;
        frame = encapsulate(frame, tunnel, side, flowPort(s, p.fromClient), outerIds[side]!);
        outerIds[side] = (outerIds[side]! + 1) & 0xffff;
      }
      const tNs = p.tNs + k * GAP_NS;
      const last = frames[frames.length - 1];
      if (last !== undefined && tNs < last.tNs) throw new RangeError(`capture time goes backwards at frame ${frames.length + 1}`);
      frames.push({ tNs, bytes: frame });
    }
  }
  return frames;
}

/** The frames as a classic pcap (little-endian, µs, Ethernet), first frame at 2026-01-01T00:00:00Z. */
export function pcapBytes(frames: Frame[]): Uint8Array {
  const w = new PcapWriter();
  const t0 = frames[0]?.tNs ?? 0;
  for (const f of frames) {
    if (w.pos > w.limit) throw new RangeError('derived capture larger than one 4 MiB chunk');
    w.buf.set(f.bytes, w.frameOffset());
    w.commit(f.tNs - t0, f.bytes.length);
  }
  return w.buf.slice(0, w.pos);
}

export function writePcap(path: string, frames: Frame[]): Uint8Array {
  const bytes = pcapBytes(frames);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, bytes);
  return bytes;
}

/** TCP header, options and payload with the checksum over the pseudo-header of src and dst. */
function tcpSegment(p: TcpPacket, sport: number, dport: number, src: Uint8Array, dst: Uint8Array): Uint8Array {
  const hl = 20 + p.options.length;
  const b = new Uint8Array(hl + p.payload.length);
  writeTcpHeader(b, 0, sport, dport, p.seq, p.ack, p.flags, p.win, OPT_NONE, 0, 0, 0, 0);
  b[12] = ((hl >>> 2) << 4) | p.res;
  b[18] = p.urg >>> 8;
  b[19] = p.urg & 0xff;
  b.set(p.options, 20);
  b.set(p.payload, hl);
  const c = checksum(addrSum(src) + addrSum(dst) + PROTO_TCP + b.length + sum16(b, 0, b.length));
  b[16] = c >>> 8;
  b[17] = c & 0xff;
  return b;
}

/** The IP packet(s) of one TCP packet: one, or its fragments in the order they go on the wire. */
function ipPackets(s: Session, p: TcpPacket): Uint8Array[] {
  const src = p.fromClient ? s.clientIp : s.serverIp;
  const dst = p.fromClient ? s.serverIp : s.clientIp;
  const tcp = p.fromClient ? tcpSegment(p, s.clientPort, s.serverPort, src, dst) : tcpSegment(p, s.serverPort, s.clientPort, src, dst);
  const v6 = src.length === 16;
  const out: Uint8Array[] = [];
  if (p.fragment === 0) {
    out.push(v6 ? ipv6(p, src, dst, PROTO_TCP, null, tcp) : ipv4(p, src, dst, p.df, 0, false, tcp));
    return out;
  }
  if (p.fragment % 8 !== 0) throw new RangeError(`fragment size ${p.fragment} is not a multiple of 8`);
  for (let off = 0; off < tcp.length; off += p.fragment) {
    const piece = tcp.subarray(off, Math.min(off + p.fragment, tcp.length));
    const more = off + p.fragment < tcp.length;
    out.push(v6 ? ipv6(p, src, dst, PROTO_FRAGMENT, fragmentHeader(off, more, p.ipId), piece) : ipv4(p, src, dst, false, off, more, piece));
  }
  if (p.fragmentsReversed) out.reverse();
  return out;
}

function ipv4(p: TcpPacket, src: Uint8Array, dst: Uint8Array, df: boolean, fragOff: number, more: boolean, data: Uint8Array): Uint8Array {
  const b = new Uint8Array(IPV4_HLEN + data.length);
  writeIpv4Template(b, 0, src, dst, PROTO_TCP, p.ttl, df);
  b[1] = p.tos;
  b[6] |= (more ? 0x20 : 0) | (fragOff >>> 11);
  b[7] = (fragOff >>> 3) & 0xff;
  finishIpv4(b, 0, b.length, p.ipId, wordSum(b, 0, IPV4_HLEN));
  b.set(data, IPV4_HLEN);
  return b;
}

/** RFC 8200 section 4.5: next header TCP, offset in 8-byte units, M flag, 32-bit identification. */
function fragmentHeader(off: number, more: boolean, id: number): Uint8Array {
  const h = new Uint8Array(FRAG_HLEN);
  h[0] = PROTO_TCP;
  h[2] = off >>> 8;
  h[3] = (off & 0xf8) | (more ? 1 : 0);
  h[4] = id >>> 24;
  h[5] = (id >>> 16) & 0xff;
  h[6] = (id >>> 8) & 0xff;
  h[7] = id & 0xff;
  return h;
}

function ipv6(p: TcpPacket, src: Uint8Array, dst: Uint8Array, next: number, ext: Uint8Array | null, data: Uint8Array): Uint8Array {
  const extLen = ext === null ? 0 : ext.length;
  const b = new Uint8Array(IPV6_HLEN + extLen + data.length);
  writeIpv6Template(b, 0, src, dst, next, p.ttl, 0);
  b[0] |= p.tos >>> 4;
  b[1] |= (p.tos & 0x0f) << 4;
  finishIpv6(b, 0, extLen + data.length);
  if (ext !== null) b.set(ext, IPV6_HLEN);
  b.set(data, IPV6_HLEN + extLen);
  return b;
}

/**
 * The Ethernet frame around an IP packet, padded to 60 bytes when the source frame was. With
 * `vtepMacs` the MACs are the nodes' flannel.1 devices, as in frames Flannel encapsulates.
 */
function ethernet(s: Session, p: TcpPacket, ip: Uint8Array, vtepMacs: boolean): Uint8Array {
  const len = ETH_HLEN + ip.length;
  const b = new Uint8Array(p.pad ? Math.max(len, ETH_MIN) : len);
  const client = vtepMacs ? NODES[0]!.vtepMac : s.clientMac;
  const server = vtepMacs ? NODES[1]!.vtepMac : s.serverMac;
  const type = (ip[0]! >>> 4) === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4;
  writeEthernet(b, 0, p.fromClient ? server : client, p.fromClient ? client : server, type);
  b.set(ip, ETH_HLEN);
  return b;
}

/**
 * Outer Ethernet, IPv4 (node to node, TTL 64, DF clear as Flannel leaves it), UDP with its checksum,
 * then the VXLAN header (VNI 1, port 8472) or a Geneve header (VNI 5, port 6081, one option,
 * protocol Transparent Ethernet Bridging) and the inner frame. `side` 0 sends from node-a.
 */
function encapsulate(inner: Uint8Array, tunnel: 'vxlan' | 'geneve', side: number, sport: number, outerId: number): Uint8Array {
  const tunLen = tunnel === 'vxlan' ? VXLAN_HLEN : GENEVE_HLEN + GENEVE_OPTION.length;
  const udpLen = UDP_HLEN + tunLen + inner.length;
  const b = new Uint8Array(ETH_HLEN + IPV4_HLEN + udpLen);
  const from = NODES[side]!;
  const to = NODES[1 - side]!;
  writeEthernet(b, 0, to.mac, from.mac, ETHERTYPE_IPV4);
  const ip = ETH_HLEN;
  const base = writeIpv4Template(b, ip, from.ip, to.ip, PROTO_UDP, 64, false);
  finishIpv4(b, ip, IPV4_HLEN + udpLen, outerId, base);
  const udp = ip + IPV4_HLEN;
  writeUdpHeader(b, udp, sport, tunnel === 'vxlan' ? VXLAN_PORT_LINUX : GENEVE_PORT, udpLen);
  const t = udp + UDP_HLEN;
  if (tunnel === 'vxlan') {
    writeVxlan(b, t, VXLAN_VNI);
  } else {
    b[t] = GENEVE_OPTION.length >>> 2; // version 0, option length in 4-byte words
    b[t + 2] = ETHERTYPE_TEB >>> 8;
    b[t + 3] = ETHERTYPE_TEB & 0xff;
    b[t + 4] = (GENEVE_VNI >>> 16) & 0xff;
    b[t + 5] = (GENEVE_VNI >>> 8) & 0xff;
    b[t + 6] = GENEVE_VNI & 0xff;
    b.set(GENEVE_OPTION, t + GENEVE_HLEN);
  }
  b.set(inner, t + tunLen);
  putUdpChecksum(b, udp, addrSum(from.ip) + addrSum(to.ip) + PROTO_UDP + udpLen + sum16(b, udp, udpLen));
  return b;
}

/**
 * Outer UDP source port for one direction, from a hash of the inner flow as Linux picks it
 * (udp_flow_src_port): stable per direction, in the ephemeral range 32768-60999.
 */
function flowPort(s: Session, fromClient: boolean): number {
  let h = 0x811c9dc5;
  const mix = (v: number): void => {
    h = Math.imul(h ^ v, 0x01000193);
  };
  const [a, b, pa, pb] = fromClient ? [s.clientIp, s.serverIp, s.clientPort, s.serverPort] : [s.serverIp, s.clientIp, s.serverPort, s.clientPort];
  for (const v of a) mix(v);
  for (const v of b) mix(v);
  mix(pa >>> 8);
  mix(pa & 0xff);
  mix(pb >>> 8);
  mix(pb & 0xff);
  return 32768 + ((h >>> 0) % 28232);
}
