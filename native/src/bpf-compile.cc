// tcpdump expression → classic BPF via libpcap's pcap_open_dead + pcap_compile, dlopen'ed per call
// (dlopen is reference counted, so repeated calls are cheap and no handle is kept in static state).
#include "bpf-compile.h"

#include <dlfcn.h>
#include <stdint.h>

namespace kwire {

namespace {

// libpcap's public ABI (pcap/bpf.h): struct bpf_insn has the layout of struct sock_filter.
struct PcapBpfProgram {
  unsigned int bf_len;
  sock_filter* bf_insns;
};
using OpenDeadFn = void* (*)(int, int);
using CompileFn = int (*)(void*, PcapBpfProgram*, const char*, int, uint32_t);
using GetErrFn = char* (*)(void*);
using FreeCodeFn = void (*)(PcapBpfProgram*);
using CloseFn = void (*)(void*);
constexpr uint32_t kNetmaskUnknown = 0xFFFFFFFFu;

}  // namespace

BpfCompileResult CompileBpf(const std::string& expr, int linkType, int snapLen) {
  BpfCompileResult r{BpfCompileResult::kNoLibpcap, std::string(), {}};
  const char* names[] = {"libpcap.so.1", "libpcap.so.0.8", "libpcap.so"};
  void* lib = nullptr;
  for (const char* n : names) {
    lib = dlopen(n, RTLD_NOW | RTLD_LOCAL);
    if (lib != nullptr) break;
  }
  if (lib == nullptr) {
    const char* e = dlerror();
    r.message = e != nullptr ? e : "libpcap.so.1 / libpcap.so.0.8 not found";
    return r;
  }
  auto openDead = reinterpret_cast<OpenDeadFn>(dlsym(lib, "pcap_open_dead"));
  auto compile = reinterpret_cast<CompileFn>(dlsym(lib, "pcap_compile"));
  auto geterr = reinterpret_cast<GetErrFn>(dlsym(lib, "pcap_geterr"));
  auto freecode = reinterpret_cast<FreeCodeFn>(dlsym(lib, "pcap_freecode"));
  auto closeFn = reinterpret_cast<CloseFn>(dlsym(lib, "pcap_close"));
  if (!openDead || !compile || !geterr || !freecode || !closeFn) {
    r.message = "libpcap lacks pcap_open_dead/pcap_compile";
    dlclose(lib);
    return r;
  }
  void* p = openDead(linkType, snapLen);
  if (p == nullptr) {
    r.message = "pcap_open_dead failed";
    dlclose(lib);
    return r;
  }
  PcapBpfProgram prog{0, nullptr};
  if (compile(p, &prog, expr.c_str(), 1, kNetmaskUnknown) != 0) {
    r.status = BpfCompileResult::kSyntax;
    r.message = geterr(p);
  } else {
    r.status = BpfCompileResult::kOk;
    r.program.assign(prog.bf_insns, prog.bf_insns + prog.bf_len);
    freecode(&prog);
  }
  closeFn(p);
  dlclose(lib);
  return r;
}

}  // namespace kwire
