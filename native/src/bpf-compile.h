// tcpdump filter expression → classic BPF program, through libpcap loaded with dlopen(3) at run
// time (never linked), so the addon builds and loads on hosts without libpcap.
#pragma once

#include <linux/filter.h>

#include <string>
#include <vector>

namespace kwire {

struct BpfCompileResult {
  enum Status { kOk, kNoLibpcap, kSyntax } status;
  std::string message;  // pcap_geterr() text, or why libpcap could not be loaded
  std::vector<sock_filter> program;
};

// Compiles `expr` for frames of `linkType` (LINKTYPE_*) cut at `snapLen`.
BpfCompileResult CompileBpf(const std::string& expr, int linkType, int snapLen);

}  // namespace kwire
