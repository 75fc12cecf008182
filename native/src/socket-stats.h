// PACKET_STATISTICS of AF_PACKET sockets this process holds but did not open itself (libpcap's,
// through the `cap` binding): find them by scanning /proc/self/fd, read their kernel counters.
// See packet(7) PACKET_STATISTICS and libpcap's pcap-linux.c pcap_stats_linux().
#pragma once

#include <stdint.h>

#include <vector>

namespace kwire {

// One AF_PACKET socket among the process's file descriptors.
struct PacketSocket {
  int fd;
  // Inode of the socket: tells a later reader whether `fd` still names the same socket.
  uint64_t ino;
  // Interface the socket is bound to (getsockname sll_ifindex), 0 for none or "any".
  int ifindex;
};

// Every AF_PACKET socket open in this process now (SO_DOMAIN of each socket in /proc/self/fd).
// Throws SysError if /proc/self/fd cannot be read.
std::vector<PacketSocket> ListPacketSockets();

// The counters since the previous read (the kernel resets them on every read): tp_packets counts
// every frame that passed the socket's filter, dropped ones included; tp_drops those the ring had
// no room for; tp_freeze_q_cnt how often the TPACKET_V3 queue froze.
struct PacketCounts {
  uint64_t packets;
  uint64_t drops;
  uint64_t freezes;
};

enum class ReadStatus { kOk, kGone, kError };

// Reads and resets the counters of `fd` if it is still the AF_PACKET socket with inode `ino`
// (kGone otherwise: closed, or the number reused); kError with errno set if getsockopt failed.
ReadStatus ReadPacketCounts(int fd, uint64_t ino, PacketCounts* out);

}  // namespace kwire
