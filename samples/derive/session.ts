// One TCP connection of a real capture as editable packets (RFC 791 and RFC 9293 header fields): the
// input every derivation rewrites; encode.ts turns the packets back into frames.

import { KwireError } from '../../engine/errors.js';
import { readPcap } from './pcap-read.js';

export interface TcpPacket {
  /** Capture time, ns after the first frame of the source capture. */
  tNs: number;
  fromClient: boolean;
  /** IPv4 type of service, IPv6 traffic class. */
  tos: number;
  /** IPv4 TTL, IPv6 hop limit. */
  ttl: number;
  /** IPv4 identification; the IPv6 Fragment header's identification when fragmented. */
  ipId: number;
  df: boolean;
  seq: number;
  ack: number;
  /** Low nibble of TCP byte 12 (reserved bits, NS). */
  res: number;
  /** TCP byte 13: CWR ECE URG ACK PSH RST SYN FIN. */
  flags: number;
  win: number;
  urg: number;
  /** TCP options as captured (a multiple of 4 bytes). */
  options: Uint8Array;
  payload: Uint8Array;
  /** The captured frame was padded to the 60-byte Ethernet minimum: encode.ts pads again. */
  pad: boolean;
  /** Send as IP fragments carrying this many bytes of the IP payload each (a multiple of 8); 0: whole. */
  fragment: number;
  fragmentsReversed: boolean;
}

/** Both endpoints and every packet of one TCP connection, in capture order. */
export interface Session {
  clientMac: Uint8Array;
  serverMac: Uint8Array;
  /** 4 bytes (IPv4) or 16 (IPv6): the IP version every packet is encoded with. */
  clientIp: Uint8Array;
  serverIp: Uint8Array;
  clientPort: number;
  serverPort: number;
  packets: TcpPacket[];
  /** Index in `packets` of the client's first data segment, the one carrying the ClientHello. */
  hello: number;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

/**
 * The TCP connection from client:clientPort in a classic Ethernet pcap, from its SYN: every IPv4 frame
 * of it in either direction. Throws when the connection, its SYN or its first client data (a TLS
 * ClientHello unless `firstData` is 'any') is missing, or a frame has IP options or is fragmented.
 */
export function loadSession(path: string, client: string, clientPort: number, firstData: 'tls' | 'any' = 'tls'): Session {
  const want = client.split('.').map(Number);
  let s: Session | null = null;
  for (const f of readPcap(path, firstData === 'any')) {
    const d = f.data;
    if (d.length < 54 || d[12] !== 0x08 || d[13] !== 0x00 || d[23] !== 6) continue;
    const src = d.subarray(26, 30);
    const dst = d.subarray(30, 34);
    const sport = (d[34]! << 8) | d[35]!;
    const dport = (d[36]! << 8) | d[37]!;
    const fromClient = sport === clientPort && want.every((v, i) => src[i] === v);
    const toClient = dport === clientPort && want.every((v, i) => dst[i] === v);
    if (!fromClient && !toClient) continue;
    if (d[14] !== 0x45) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `frame ${f.frame}: IPv4 options are not supported`, path);
    if ((((d[20]! << 8) | d[21]!) & 0x3fff) !== 0) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `frame ${f.frame}: IP fragment`, path);
    // Total length 0: a segmentation-offload frame captured before the NIC filled it in.
    const ipLen = ((d[16]! << 8) | d[17]!) || d.length - 14;
    if (d.length < 14 + ipLen) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `frame ${f.frame}: cut by the snap length`, path);
    const thl = (d[46]! >>> 4) * 4;
    const flags = d[47]!;
    if (s === null) {
      if (!fromClient || (flags & (TCP_SYN | TCP_ACK)) !== TCP_SYN) continue; // wait for the client's SYN
      s = {
        clientMac: d.slice(6, 12), serverMac: d.slice(0, 6), clientIp: src.slice(), serverIp: dst.slice(),
        clientPort, serverPort: dport, packets: [], hello: -1,
      };
    }
    s.packets.push({
      tNs: f.tNs, fromClient, tos: d[15]!, ttl: d[22]!, ipId: (d[18]! << 8) | d[19]!, df: (d[20]! & 0x40) !== 0,
      seq: u32(d, 38), ack: u32(d, 42), res: d[46]! & 0x0f, flags, win: (d[48]! << 8) | d[49]!, urg: (d[52]! << 8) | d[53]!,
      options: d.slice(54, 34 + thl), payload: d.slice(34 + thl, 14 + ipLen), pad: d.length > 14 + ipLen,
      fragment: 0, fragmentsReversed: false,
    });
  }
  if (s === null) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `no SYN from ${client}:${clientPort}`, path);
  s.hello = s.packets.findIndex((p) => p.fromClient && p.payload.length > 0);
  const h = s.packets[s.hello];
  if (h === undefined) throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `no data from ${client}:${clientPort}`, path);
  if (firstData === 'tls' && (h.payload[0] !== 0x16 || h.payload[5] !== 1)) {
    throw new KwireError('KWIRE_ERR_DERIVE_SOURCE', `the client's first data segment is not a TLS ClientHello record`, path);
  }
  return s;
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** A deep copy: derivations edit packets in place. */
export function cloneSession(s: Session): Session {
  return { ...s, packets: s.packets.map(clonePacket) };
}

export function clonePacket(p: TcpPacket): TcpPacket {
  return { ...p };
}

/** The packet carrying the ClientHello. */
export function helloPacket(s: Session): TcpPacket {
  return s.packets[s.hello]!;
}

/**
 * Numbers the client's IPv4 IDs consecutively in capture order from the ClientHello's, from the
 * ClientHello on: what Linux does, and what keeps IDs unique after segments were added.
 */
export function renumberClientIds(s: Session): void {
  let id = helloPacket(s).ipId;
  for (let i = s.hello; i < s.packets.length; i++) {
    const p = s.packets[i]!;
    if (!p.fromClient) continue;
    p.ipId = id;
    id = (id + 1) & 0xffff;
  }
}
