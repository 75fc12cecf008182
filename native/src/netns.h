// Scoped switch of the calling thread into another network namespace (setns(2)), and back.
// Used to open a capture socket inside a pod's or a test's namespace: the socket keeps the
// namespace it was created in after the thread returns to its own.
#pragma once

#include <string>

namespace kwire {

class NetnsScope {
 public:
  // Enters `path` (e.g. /var/run/netns/NAME, /proc/PID/ns/net) unless it is empty; throws SysError.
  explicit NetnsScope(const std::string& path);
  // Returns the thread to the namespace it was in; aborts if that fails (the thread would
  // otherwise keep running in a namespace its owner never chose).
  ~NetnsScope();
  NetnsScope(const NetnsScope&) = delete;
  NetnsScope& operator=(const NetnsScope&) = delete;

 private:
  int home_ = -1;
};

}  // namespace kwire
