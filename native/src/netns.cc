// Scoped network-namespace switch for the calling thread (see netns.h).
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "ring.h"

namespace kwire {

NetnsScope::NetnsScope(const std::string& path) {
  if (path.empty()) return;
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) throw SysError{"open /proc/thread-self/ns/net", errno};
  int target = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) {
    int e = errno;
    close(home);
    throw SysError{"open network namespace " + path, e};
  }
  if (setns(target, CLONE_NEWNET) != 0) {
    int e = errno;
    close(target);
    close(home);
    throw SysError{"setns " + path, e};
  }
  close(target);
  home_ = home;
}

NetnsScope::~NetnsScope() {
  if (home_ < 0) return;
  if (setns(home_, CLONE_NEWNET) != 0) {
    perror("kwire: cannot return to the thread's own network namespace");
    abort();
  }
  close(home_);
}

}  // namespace kwire
