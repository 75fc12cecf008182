// PACKET_STATISTICS of AF_PACKET sockets found among the process's descriptors (socket-stats.h).
#include "socket-stats.h"

#include <dirent.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "ring.h"

namespace kwire {

namespace {

bool IsPacketSocket(int fd, struct stat* st) {
  if (fstat(fd, st) != 0 || !S_ISSOCK(st->st_mode)) return false;
  int domain = 0;
  socklen_t len = sizeof domain;
  return getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0 && domain == AF_PACKET;
}

}  // namespace

std::vector<PacketSocket> ListPacketSockets() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) throw SysError{"opendir /proc/self/fd", errno};
  int own = dirfd(dir);
  std::vector<PacketSocket> out;
  for (struct dirent* e = readdir(dir); e != nullptr; e = readdir(dir)) {
    char* end = nullptr;
    long fd = strtol(e->d_name, &end, 10);
    if (end == e->d_name || *end != '\0' || fd == own) continue;
    struct stat st;
    if (!IsPacketSocket(static_cast<int>(fd), &st)) continue;
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    socklen_t len = sizeof sll;
    int ifindex = getsockname(static_cast<int>(fd), reinterpret_cast<struct sockaddr*>(&sll), &len) == 0 ? sll.sll_ifindex : 0;
    out.push_back(PacketSocket{static_cast<int>(fd), static_cast<uint64_t>(st.st_ino), ifindex});
  }
  closedir(dir);
  return out;
}

ReadStatus ReadPacketCounts(int fd, uint64_t ino, PacketCounts* out) {
  struct stat st;
  if (!IsPacketSocket(fd, &st) || static_cast<uint64_t>(st.st_ino) != ino) return ReadStatus::kGone;
  struct tpacket_stats_v3 ks;
  memset(&ks, 0, sizeof ks);
  socklen_t len = sizeof ks;
  if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ks, &len) != 0) return ReadStatus::kError;
  out->packets = ks.tp_packets;  // the kernel already adds tp_drops into tp_packets
  out->drops = ks.tp_drops;
  // A TPACKET_V1/V2 socket fills only struct tpacket_stats: no freeze count then.
  out->freezes = len >= sizeof ks ? ks.tp_freeze_q_cnt : 0;
  return ReadStatus::kOk;
}

}  // namespace kwire
