// Running one system call on every thread of this process. Several process attributes are
// per-thread in Linux (Landlock domains, capabilities, the bounding set), so changing them for
// the process means asking each thread: a real-time signal whose handler makes the call.
#pragma once

#include <napi.h>
#include <sys/types.h>

#include <string>
#include <vector>

namespace seccomp_addon {

// Async-signal-safe work done by each thread: raw system calls only; 0 or -errno.
using ThreadOp = long (*)();

struct ThreadMiss {
  pid_t tid;
  std::string name;
  std::string reason;
};

struct ThreadReach {
  int threads = 0;  // seen, this one included
  int covered = 0;  // that ran the op (this one included)
  std::vector<ThreadMiss> uncovered;
};

// Makes `op` the work of signal slot `slot` (0 = Landlock domain, 1 = capabilities; each slot
// claims its own real-time signal once, so a late delivery still runs the work it was sent for)
// and runs it on every other thread of the process, waiting up to 2 s for each. The calling
// thread is counted as covered: the caller has already done the work on it.
ThreadReach run_on_other_threads(int slot, ThreadOp op);

// { threads, covered, uncovered: [{ tid, name, reason }] }
Napi::Object reach_to_js(Napi::Env env, const ThreadReach &reach);

}  // namespace seccomp_addon
