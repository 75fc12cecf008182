// AF_PACKET capture ring (TPACKET_V3, mmap): socket setup, block walking, drop counters.
// Plain C++ with no Node-API, so the data path can be read and tested apart from the bindings.
#pragma once

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

#include <string>
#include <vector>

namespace kwire {

// Batch metadata words per frame (engine/capture/batch.ts META_STRIDE and M_*).
constexpr uint32_t kMetaStride = 8;

struct RingConfig {
  std::string iface;        // interface name; "any" or "" binds to every interface (ifindex 0)
  std::string netns;        // optional network namespace file (/var/run/netns/X, /proc/PID/ns/net)
  uint32_t blockSize = 1u << 20;
  uint32_t blockCount = 32;
  uint32_t frameSize = 2048;
  uint32_t retireMs = 10;
  uint32_t snapLen = 65535;
  bool promiscuous = false;
  int fanoutGroup = -1;     // -1: no fanout; else PACKET_FANOUT group id (0..65535)
  uint32_t fanoutMode = 0;  // PACKET_FANOUT_* | PACKET_FANOUT_FLAG_* << 8
  std::vector<sock_filter> filter;  // empty: no filter
};

// One interface seen by the ring: slot i of the wrapper's interface table.
struct RingIface {
  int ifindex;
  uint16_t hatype;  // ARPHRD_*
  uint32_t linkType;
};

// Result of Fill(): frames and bytes written into the caller's buffers.
struct FillResult {
  uint32_t frames;
  uint32_t bytes;
};

// A failed system call: which step, and errno.
struct SysError {
  std::string step;
  int err;
};

class Ring {
 public:
  Ring() = default;
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Creates, configures and binds the socket; throws SysError. The filter is attached before the
  // socket is bound, so no unfiltered frame ever reaches the ring.
  void Open(const RingConfig& cfg);
  void Close();
  bool IsOpen() const { return fd_ >= 0; }
  int Fd() const { return fd_; }
  int Ifindex() const { return ifindex_; }

  // True when the block under the read cursor has been retired to user space.
  bool Ready() const;

  // Copies frames of retired blocks into `data` (frames back to back) and `meta` (kMetaStride
  // words per frame), starting at dataStart/frameStart, until a buffer is full or no retired block
  // is left. A block is handed back to the kernel as soon as its last frame is copied; a block that
  // does not fit is resumed by the next call. Restores VLAN tags from the frame header.
  FillResult Fill(uint8_t* data, size_t dataLen, uint32_t* meta, uint32_t maxFrames);

  // Reads PACKET_STATISTICS (which resets on read) and adds it to the cumulative counters.
  void PollStats();
  uint64_t kernelPackets() const { return kernelPackets_; }
  uint64_t kernelDrops() const { return kernelDrops_; }
  uint64_t freezes() const { return freezes_; }
  uint64_t packets() const { return packets_; }
  uint64_t bytes() const { return bytes_; }

  // Interfaces in order of first sight (one slot when bound to a single interface).
  const std::vector<RingIface>& Ifaces() const { return ifaces_; }
  // Name of an interface of the ring's network namespace (SIOCGIFNAME on the ring's own socket).
  std::string IfaceName(int ifindex) const;

 private:
  uint32_t SlotOf(int ifindex, uint16_t hatype);

  int fd_ = -1;
  int ifindex_ = 0;
  uint8_t* map_ = nullptr;
  size_t mapLen_ = 0;
  uint32_t blockSize_ = 0;
  uint32_t blockCount_ = 0;
  uint32_t snapLen_ = 0;
  // Read cursor: current block, frames of it already copied, offset of the next frame in it.
  uint32_t block_ = 0;
  uint32_t frameInBlock_ = 0;
  uint32_t nextOffset_ = 0;
  uint64_t kernelPackets_ = 0, kernelDrops_ = 0, freezes_ = 0, packets_ = 0, bytes_ = 0;
  std::vector<RingIface> ifaces_;
  std::vector<uint32_t> slotByIfindex_;  // ifindex -> slot + 1 (0 = not seen yet)
};

// LINKTYPE_* of a frame from its interface's ARPHRD_* type; `hasLinkHeader` is false for devices
// whose frames start at the network header (tun, wireguard, ipip).
uint32_t LinkTypeOf(uint16_t hatype, bool hasLinkHeader);

}  // namespace kwire
