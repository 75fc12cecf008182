// Test helper: real traffic between the namespaces of a VethPair (ping, HTTP with python3 http.server
// and curl, TCP and UDP with socat), and raw Ethernet frames written by python3 (VLAN-tagged frames,
// bursts), all addressed to the pair's own addresses.

import { IP_A, waitFor, type VethPair } from './netns.js';

/** A mixed exchange B → A: 10 pings, 3 HTTP GETs, 200 kB over TCP, 5 UDP datagrams. */
export async function mixedTraffic(p: VethPair): Promise<void> {
  const http = p.start(p.nsA, ['python3', '-u', '-m', 'http.server', '8080', '--bind', IP_A]);
  await waitFor(http, /Serving HTTP/);
  const tcp = p.start(p.nsA, ['socat', '-U', 'TCP-LISTEN:10250,reuseaddr', 'SYSTEM:head -c 200000 /dev/zero']);
  const udp = p.start(p.nsA, ['socat', '-u', 'UDP-RECV:6443', 'OPEN:/dev/null']);
  await new Promise((r) => setTimeout(r, 150));
  await p.exec(p.nsB, ['ping', '-q', '-c', '10', '-i', '0.01', IP_A]);
  for (let i = 0; i < 3; i++) await p.exec(p.nsB, ['curl', '-sf', '-o', '/dev/null', `http://${IP_A}:8080/`]);
  await p.exec(p.nsB, ['socat', '-u', `TCP:${IP_A}:10250`, 'OPEN:/dev/null']);
  for (let i = 0; i < 5; i++) await p.exec(p.nsB, ['sh', '-c', `echo datagram-${i} | socat -u - UDP-SENDTO:${IP_A}:6443`]);
  http.kill('SIGKILL');
  tcp.kill('SIGKILL');
  udp.kill('SIGKILL');
}

/**
 * Writes raw Ethernet frames with an AF_PACKET socket in `ns` on `iface`: `count` frames, each the
 * hex `frameHex` with a 4-byte big-endian sequence number at `seqOffset` (if ≥ 0).
 */
export async function sendRaw(p: VethPair, ns: string, iface: string, frameHex: string, count: number, seqOffset = -1): Promise<void> {
  const py = [
    'import socket, struct, sys',
    `s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)`,
    `s.bind((${JSON.stringify(iface)}, 0))`,
    `f = bytearray.fromhex(${JSON.stringify(frameHex)})`,
    `for i in range(${count}):`,
    `    if ${seqOffset} >= 0: struct.pack_into('>I', f, ${seqOffset}, i)`,
    '    s.send(f)',
  ].join('\n');
  await p.exec(ns, ['python3', '-c', py]);
}

/** Hex of a minimal IPv4/UDP packet (checksums 0) with `payloadLen` zero bytes, from .2 to .1. */
export function ipv4UdpHex(sport: number, dport: number, payloadLen: number): string {
  const total = 20 + 8 + payloadLen;
  const ip = `4500${total.toString(16).padStart(4, '0')}000040004011 0000 c6120002 c6120001`.replace(/ /g, '');
  const udp = `${sport.toString(16).padStart(4, '0')}${dport.toString(16).padStart(4, '0')}${(8 + payloadLen).toString(16).padStart(4, '0')}0000`;
  return ip + udp + '00'.repeat(payloadLen);
}

export function macHex(mac: string): string {
  return mac.replace(/:/g, '');
}

/**
 * Sends `flows` UDP flows of `perFlow` datagrams each from B to A over raw Ethernet (source port
 * 20000 + flow, interleaved). The payload starts with a 4-byte big-endian global sequence number.
 */
export async function sendUdpFlows(p: VethPair, flows: number, perFlow: number): Promise<void> {
  const eth = macHex(p.macA) + macHex(p.macB) + '0800';
  const py = [
    'import socket, struct',
    's = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)',
    `s.bind((${JSON.stringify(p.ifB)}, 0))`,
    `base = bytearray.fromhex(${JSON.stringify(eth + ipv4UdpHex(0, 9999, 16))})`,
    'seq = 0',
    `for i in range(${perFlow}):`,
    `    for f in range(${flows}):`,
    '        struct.pack_into(">H", base, 34, 20000 + f)',
    '        struct.pack_into(">I", base, 42, seq)',
    '        s.send(base)',
    '        seq += 1',
  ].join('\n');
  await p.exec(p.nsB, ['python3', '-c', py]);
}
