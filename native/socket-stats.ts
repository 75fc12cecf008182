// Kernel counters of an AF_PACKET socket this process holds but did not open itself: libpcap's,
// inside the `cap` binding, which has no pcap_stats(). Found by the socket that appeared across the
// open, read with PACKET_STATISTICS (native/src/socket-stats.cc), the way pcap_stats_linux() does.

import type { AfPacketAddon } from './addon.js';

/** AF_PACKET sockets open in the process at one moment, keyed "fd:inode". */
export type PacketSocketSnapshot = Set<string>;

/**
 * Running totals of one socket's PACKET_STATISTICS. The kernel zeroes its counters on every read,
 * so each read() adds to the totals; this object must be the socket's only reader (libpcap reads
 * them only in pcap_stats(), which `cap` never calls).
 */
export class PacketSocketCounters {
  /** Frames that passed the socket's filter, dropped ones included (pcap ps_recv). */
  packets = 0;
  /** Frames the ring had no room for (pcap ps_drop). */
  drops = 0;
  /** Times the TPACKET_V3 queue froze (0 on the V2 ring libpcap uses in immediate mode). */
  freezes = 0;
  /** Set once the descriptor no longer names the socket (closed under us): totals stop there. */
  lost = false;
  private readonly out = new Float64Array(3);

  constructor(private readonly addon: AfPacketAddon, readonly fd: number, readonly ino: number) {}

  /** Adds what the kernel counted since the last read; false (totals unchanged) once lost. */
  read(): boolean {
    if (this.lost) return false;
    let ok = false;
    try {
      ok = this.addon.packetCounts(this.fd, this.ino, this.out);
    } catch {
      ok = false;
    }
    if (!ok) {
      this.lost = true;
      return false;
    }
    this.packets += this.out[0];
    this.drops += this.out[1];
    this.freezes += this.out[2];
    return true;
  }
}

export function snapshotPacketSockets(addon: AfPacketAddon): PacketSocketSnapshot {
  return new Set(addon.packetSockets().map((s) => `${s.fd}:${s.ino}`));
}

/**
 * The one AF_PACKET socket that is open now and was not in `before`, bound to `ifindex` (0 for
 * "any"); a string saying why when there is none or more than one. Its counters are read once here
 * and the counts discarded, so the totals start at the open (not with frames queued before the filter).
 */
export function openedPacketSocket(addon: AfPacketAddon, before: PacketSocketSnapshot, ifindex: number): PacketSocketCounters | string {
  const fresh = addon.packetSockets().filter((s) => !before.has(`${s.fd}:${s.ino}`));
  const bound = fresh.filter((s) => s.ifindex === ifindex);
  if (bound.length !== 1) {
    return `found ${fresh.length} new packet socket(s), ${bound.length} bound to interface index ${ifindex}: expected one`;
  }
  const c = new PacketSocketCounters(addon, bound[0].fd, bound[0].ino);
  if (!c.read()) return `packet socket ${bound[0].fd} closed before its counters were read`;
  c.packets = 0;
  c.drops = 0;
  c.freezes = 0;
  return c;
}
