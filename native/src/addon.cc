// Node-API bindings of the AF_PACKET ring: module functions and the Ring class. Context-aware
// (Napi::Addon instance data, nothing static and mutable), so every worker thread loads its own.
#include <errno.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <napi.h>

#include "bpf-compile.h"
#include "netns.h"
#include "ring-wrap.h"
#include "ring.h"
#include "socket-stats.h"

namespace kwire {

Napi::Error SysErrorToJs(Napi::Env env, const SysError& e) {
  const char* name = strerrorname_np(e.err);
  Napi::Error err = Napi::Error::New(env, e.step + ": " + strerror(e.err));
  err.Set("code", Napi::String::New(env, name != nullptr ? name : "EUNKNOWN"));
  err.Set("errno", Napi::Number::New(env, e.err));
  err.Set("syscall", Napi::String::New(env, e.step));
  return err;
}

class Addon : public Napi::Addon<Addon> {
 public:
  Addon(Napi::Env env, Napi::Object exports) {
    Napi::Object constants = Napi::Object::New(env);
    constants.Set("FANOUT_HASH", Napi::Number::New(env, PACKET_FANOUT_HASH));
    constants.Set("FANOUT_LB", Napi::Number::New(env, PACKET_FANOUT_LB));
    constants.Set("FANOUT_CPU", Napi::Number::New(env, PACKET_FANOUT_CPU));
    constants.Set("FANOUT_FLAG_ROLLOVER", Napi::Number::New(env, PACKET_FANOUT_FLAG_ROLLOVER));
    constants.Set("FANOUT_FLAG_DEFRAG", Napi::Number::New(env, PACKET_FANOUT_FLAG_DEFRAG));
    constants.Set("META_STRIDE", Napi::Number::New(env, kMetaStride));
    ringCtor_ = Napi::Persistent(RingWrap::Define(env));
    DefineAddon(exports, {
      InstanceMethod("interfaces", &Addon::Interfaces),
      InstanceMethod("compileFilter", &Addon::CompileFilter),
      InstanceMethod("packetSockets", &Addon::PacketSockets),
      InstanceMethod("packetCounts", &Addon::PacketCounts),
      InstanceValue("Ring", ringCtor_.Value()),
      InstanceValue("constants", constants),
    });
  }

 private:
  // interfaces(netns?: string): [{ index, name, hatype }] of the (given) network namespace.
  Napi::Value Interfaces(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string ns = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    Napi::Array out = Napi::Array::New(env);
    try {
      NetnsScope scope(ns);
      struct if_nameindex* list = if_nameindex();
      if (list == nullptr) throw SysError{"if_nameindex", errno};
      int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      uint32_t n = 0;
      for (struct if_nameindex* p = list; p->if_index != 0; p++) {
        struct ifreq ifr;
        memset(&ifr, 0, sizeof ifr);
        strncpy(ifr.ifr_name, p->if_name, IFNAMSIZ - 1);
        int hatype = sock >= 0 && ioctl(sock, SIOCGIFHWADDR, &ifr) == 0 ? ifr.ifr_hwaddr.sa_family : -1;
        Napi::Object o = Napi::Object::New(env);
        o.Set("index", Napi::Number::New(env, p->if_index));
        o.Set("name", Napi::String::New(env, p->if_name));
        o.Set("hatype", Napi::Number::New(env, hatype));
        o.Set("linkType", Napi::Number::New(env, hatype < 0 ? 0xFFFF : LinkTypeOf(static_cast<uint16_t>(hatype), true)));
        out.Set(n++, o);
      }
      if (sock >= 0) close(sock);
      if_freenameindex(list);
    } catch (const SysError& e) {
      throw SysErrorToJs(env, e);
    }
    return out;
  }

  // compileFilter(expr, linkType, snapLen): Uint8Array of sock_filter (8 bytes each). Throws an
  // Error with code ENOLIBPCAP (libpcap not loadable) or EBPFSYNTAX (pcap_compile's message).
  Napi::Value CompileFilter(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    std::string expr = info[0].As<Napi::String>().Utf8Value();
    int linkType = info[1].As<Napi::Number>().Int32Value();
    int snapLen = info[2].As<Napi::Number>().Int32Value();
    BpfCompileResult r = CompileBpf(expr, linkType, snapLen);
    if (r.status != BpfCompileResult::kOk) {
      Napi::Error err = Napi::Error::New(env, r.message);
      err.Set("code", Napi::String::New(env, r.status == BpfCompileResult::kNoLibpcap ? "ENOLIBPCAP" : "EBPFSYNTAX"));
      throw err;
    }
    size_t bytes = r.program.size() * sizeof(sock_filter);
    Napi::Uint8Array out = Napi::Uint8Array::New(env, bytes);
    memcpy(out.Data(), r.program.data(), bytes);
    return out;
  }

  // packetSockets(): [{ fd, ino, ifindex }] of every AF_PACKET socket open in this process.
  Napi::Value PacketSockets(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    Napi::Array out = Napi::Array::New(env);
    try {
      uint32_t n = 0;
      for (const PacketSocket& s : ListPacketSockets()) {
        Napi::Object o = Napi::Object::New(env);
        o.Set("fd", Napi::Number::New(env, s.fd));
        o.Set("ino", Napi::Number::New(env, static_cast<double>(s.ino)));
        o.Set("ifindex", Napi::Number::New(env, s.ifindex));
        out.Set(n++, o);
      }
    } catch (const SysError& e) {
      throw SysErrorToJs(env, e);
    }
    return out;
  }

  // packetCounts(fd, ino, out: Float64Array(3)): reads and resets the socket's PACKET_STATISTICS,
  // writes [packets, drops, freezes] since the previous read; false (out untouched) when `fd` is
  // no longer that socket. Throws if getsockopt fails.
  Napi::Value PacketCounts(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int fd = info[0].As<Napi::Number>().Int32Value();
    uint64_t ino = static_cast<uint64_t>(info[1].As<Napi::Number>().DoubleValue());
    Napi::Float64Array out = info[2].As<Napi::Float64Array>();
    kwire::PacketCounts c;
    ReadStatus r = ReadPacketCounts(fd, ino, &c);
    if (r == ReadStatus::kError) throw SysErrorToJs(env, SysError{"getsockopt PACKET_STATISTICS", errno});
    if (r == ReadStatus::kGone) return Napi::Boolean::New(env, false);
    if (out.ElementLength() >= 3) {
      out[0] = static_cast<double>(c.packets);
      out[1] = static_cast<double>(c.drops);
      out[2] = static_cast<double>(c.freezes);
    }
    return Napi::Boolean::New(env, true);
  }

  Napi::FunctionReference ringCtor_;
};

}  // namespace kwire

using KwireAfPacketAddon = kwire::Addon;
NODE_API_ADDON(KwireAfPacketAddon)
