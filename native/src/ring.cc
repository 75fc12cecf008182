// AF_PACKET TPACKET_V3 receive ring: setup in the kernel's required order, block walk, stats.
// Ring layout (packet_mmap.rst): blockCount blocks of blockSize bytes, each
//
//   ┌ tpacket_block_desc ┬─ tpacket3_hdr ─ sockaddr_ll ─ frame ─┬─ tpacket3_hdr ... ┐
//   │ status, num_pkts,  │  tp_next_offset → next frame header  │                   │
//   │ offset_to_first    │  tp_mac → frame bytes (from header)  │                   │
//   └────────────────────┴──────────────────────────────────────┴───────────────────┘
//
// A block belongs to user space once the kernel sets TP_STATUS_USER (full, or retired after
// retireMs); writing TP_STATUS_KERNEL hands it back.
#include "ring.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "netns.h"

namespace kwire {

namespace {

constexpr uint32_t kLinkEthernet = 1;
constexpr uint32_t kLinkRaw = 101;
constexpr uint32_t kLinkRadiotap = 127;
// Reported for ARPHRD types with a link header kwire does not decode (counted as undecoded).
constexpr uint32_t kLinkUnknown = 0xFFFF;
constexpr size_t kSllOffset = TPACKET_ALIGN(sizeof(struct tpacket3_hdr));

void Check(int rc, const char* step) {
  if (rc != 0) throw SysError{step, errno};
}

// Caps every accepting `ret #k` of a filter at snapLen, so frames are cut in the kernel.
void CapReturns(std::vector<sock_filter>* prog, uint32_t snapLen) {
  for (auto& ins : *prog) {
    if (BPF_CLASS(ins.code) == BPF_RET && BPF_RVAL(ins.code) == BPF_K && ins.k > snapLen) ins.k = snapLen;
  }
}

}  // namespace

uint32_t LinkTypeOf(uint16_t hatype, bool hasLinkHeader) {
  if (!hasLinkHeader) return kLinkRaw;
  switch (hatype) {
    case ARPHRD_ETHER:
    case ARPHRD_LOOPBACK:
      return kLinkEthernet;
    case ARPHRD_NONE:
    case ARPHRD_RAWIP:
    case ARPHRD_TUNNEL:
    case ARPHRD_TUNNEL6:
    case ARPHRD_SIT:
    case ARPHRD_PPP:
      return kLinkRaw;
    case ARPHRD_IEEE80211_RADIOTAP:
      return kLinkRadiotap;
    default:
      return kLinkUnknown;
  }
}

Ring::~Ring() { Close(); }

void Ring::Open(const RingConfig& cfg) {
  NetnsScope ns(cfg.netns);
  int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);  // protocol 0: receives nothing until bind
  if (fd < 0) throw SysError{"socket(AF_PACKET)", errno};
  fd_ = fd;
  try {
    int ifindex = 0;
    if (!cfg.iface.empty() && cfg.iface != "any") {
      ifindex = static_cast<int>(if_nametoindex(cfg.iface.c_str()));
      if (ifindex == 0) throw SysError{"interface " + cfg.iface, ENODEV};
    }
    ifindex_ = ifindex;

    int version = TPACKET_V3;
    Check(setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof version), "PACKET_VERSION TPACKET_V3");

    struct tpacket_req3 req;
    memset(&req, 0, sizeof req);
    req.tp_block_size = cfg.blockSize;
    req.tp_block_nr = cfg.blockCount;
    req.tp_frame_size = cfg.frameSize;
    req.tp_frame_nr = cfg.blockSize / cfg.frameSize * cfg.blockCount;
    req.tp_retire_blk_tov = cfg.retireMs;
    Check(setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &req, sizeof req), "PACKET_RX_RING");

    mapLen_ = static_cast<size_t>(cfg.blockSize) * cfg.blockCount;
    void* map = mmap(nullptr, mapLen_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) throw SysError{"mmap ring", errno};
    map_ = static_cast<uint8_t*>(map);
    blockSize_ = cfg.blockSize;
    blockCount_ = cfg.blockCount;
    snapLen_ = cfg.snapLen;

    std::vector<sock_filter> prog = cfg.filter;
    if (prog.empty()) prog.push_back(sock_filter{BPF_RET | BPF_K, 0, 0, cfg.snapLen});
    CapReturns(&prog, cfg.snapLen);
    struct sock_fprog fprog;
    fprog.len = static_cast<unsigned short>(prog.size());
    fprog.filter = prog.data();
    Check(setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &fprog, sizeof fprog), "SO_ATTACH_FILTER");

    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ETH_P_ALL);
    sll.sll_ifindex = ifindex;
    Check(bind(fd, reinterpret_cast<struct sockaddr*>(&sll), sizeof sll), "bind");

    if (cfg.promiscuous && ifindex != 0) {
      struct packet_mreq mr;
      memset(&mr, 0, sizeof mr);
      mr.mr_ifindex = ifindex;
      mr.mr_type = PACKET_MR_PROMISC;
      Check(setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr), "PACKET_MR_PROMISC");
    }
    if (cfg.fanoutGroup >= 0) {
      int arg = (cfg.fanoutGroup & 0xFFFF) | static_cast<int>(cfg.fanoutMode << 16);
      Check(setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg), "PACKET_FANOUT");
    }
    if (ifindex != 0) {
      struct ifreq ifr;
      memset(&ifr, 0, sizeof ifr);
      strncpy(ifr.ifr_name, cfg.iface.c_str(), IFNAMSIZ - 1);
      Check(ioctl(fd, SIOCGIFHWADDR, &ifr), "SIOCGIFHWADDR");
      SlotOf(ifindex, ifr.ifr_hwaddr.sa_family);
    }
  } catch (...) {
    Close();
    throw;
  }
}

void Ring::Close() {
  if (map_ != nullptr) munmap(map_, mapLen_);
  map_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool Ring::Ready() const {
  if (map_ == nullptr) return false;
  auto* bd = reinterpret_cast<struct tpacket_block_desc*>(map_ + static_cast<size_t>(block_) * blockSize_);
  return (__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) != 0;
}

uint32_t Ring::SlotOf(int ifindex, uint16_t hatype) {
  size_t i = static_cast<size_t>(ifindex);
  if (i < slotByIfindex_.size() && slotByIfindex_[i] != 0) return slotByIfindex_[i] - 1;
  if (i >= slotByIfindex_.size()) slotByIfindex_.resize(i + 1, 0);
  uint32_t slot = static_cast<uint32_t>(ifaces_.size());
  ifaces_.push_back(RingIface{ifindex, hatype, LinkTypeOf(hatype, true)});
  slotByIfindex_[i] = slot + 1;
  return slot;
}

FillResult Ring::Fill(uint8_t* data, size_t dataLen, uint32_t* meta, uint32_t maxFrames) {
  FillResult r{0, 0};
  size_t used = 0;
  while (map_ != nullptr && r.frames < maxFrames) {
    uint8_t* base = map_ + static_cast<size_t>(block_) * blockSize_;
    auto* bd = reinterpret_cast<struct tpacket_block_desc*>(base);
    if ((__atomic_load_n(&bd->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER) == 0) break;
    uint32_t num = bd->hdr.bh1.num_pkts;
    if (frameInBlock_ == 0) nextOffset_ = bd->hdr.bh1.offset_to_first_pkt;
    while (frameInBlock_ < num) {
      auto* h = reinterpret_cast<struct tpacket3_hdr*>(base + nextOffset_);
      auto* sll = reinterpret_cast<struct sockaddr_ll*>(reinterpret_cast<uint8_t*>(h) + kSllOffset);
      const uint8_t* src = reinterpret_cast<uint8_t*>(h) + h->tp_mac;
      uint32_t cap = h->tp_snaplen < snapLen_ ? h->tp_snaplen : snapLen_;
      uint32_t wire = h->tp_len;
      uint32_t slot = ifindex_ != 0 ? 0 : SlotOf(sll->sll_ifindex, sll->sll_hatype);
      uint32_t link = h->tp_mac == h->tp_net ? kLinkRaw : ifaces_[slot].linkType;
      bool vlan = (h->tp_status & TP_STATUS_VLAN_VALID) != 0 && link == kLinkEthernet && cap >= 12;
      size_t need = cap + (vlan ? 4 : 0);
      if (r.frames == maxFrames || used + need > dataLen) {
        if (r.frames > 0 || dataLen < 16) {  // resume this frame in the next batch
          r.bytes = static_cast<uint32_t>(used);
          return r;
        }
        cap = static_cast<uint32_t>(dataLen - (vlan ? 4 : 0));  // larger than an empty batch: cut
        need = dataLen;
      }
      uint8_t* dst = data + used;
      if (vlan) {
        uint16_t tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) != 0 ? h->hv1.tp_vlan_tpid : ETH_P_8021Q;
        uint16_t tci = h->hv1.tp_vlan_tci;
        memcpy(dst, src, 12);
        dst[12] = static_cast<uint8_t>(tpid >> 8);
        dst[13] = static_cast<uint8_t>(tpid);
        dst[14] = static_cast<uint8_t>(tci >> 8);
        dst[15] = static_cast<uint8_t>(tci);
        memcpy(dst + 16, src + 12, cap - 12);
        cap += 4;
        wire += 4;
      } else {
        memcpy(dst, src, cap);
      }
      uint32_t* m = meta + static_cast<size_t>(r.frames) * kMetaStride;
      m[0] = static_cast<uint32_t>(used);
      m[1] = cap;
      m[2] = wire;
      m[3] = link;
      m[4] = slot;
      m[5] = h->tp_sec;
      m[6] = h->tp_nsec;
      m[7] = 0;
      used += need;
      r.frames++;
      packets_++;
      bytes_ += cap;
      nextOffset_ += h->tp_next_offset;
      frameInBlock_++;
    }
    __atomic_store_n(&bd->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
    frameInBlock_ = 0;
    block_ = block_ + 1 == blockCount_ ? 0 : block_ + 1;
  }
  r.bytes = static_cast<uint32_t>(used);
  return r;
}

void Ring::PollStats() {
  if (fd_ < 0) return;
  struct tpacket_stats_v3 st;
  memset(&st, 0, sizeof st);
  socklen_t len = sizeof st;
  if (getsockopt(fd_, SOL_PACKET, PACKET_STATISTICS, &st, &len) != 0) return;
  kernelPackets_ += st.tp_packets;  // the kernel already counts drops in tp_packets
  kernelDrops_ += st.tp_drops;
  freezes_ += st.tp_freeze_q_cnt;
}

std::string Ring::IfaceName(int ifindex) const {
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  ifr.ifr_ifindex = ifindex;
  if (fd_ < 0 || ioctl(fd_, SIOCGIFNAME, &ifr) != 0) return std::string();
  return std::string(ifr.ifr_name);
}

}  // namespace kwire
