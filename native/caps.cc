// Capabilities for this process: dropCapabilities(keep) leaves every thread holding at most
// `keep`. Capability sets (and the bounding set) belong to each thread in Linux, and capset(2)
// and PR_CAPBSET_DROP change only the calling one, so the other threads are reached with
// threads.h's signal.
#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>

#include "common.h"
#include "threads.h"

namespace seccomp_addon {

namespace {

std::atomic<uint64_t> g_keep{0};

// Async-signal-safe: raw system calls only. The bounding set first (that needs CAP_SETPCAP,
// which the capset may remove), then ambient, then permitted/effective/inheritable.
long drop_on_this_thread() {
  uint64_t keep = g_keep.load();
  struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct data[2];
  if (syscall(SYS_capget, &hdr, data) != 0) return -errno;
  uint64_t eff = data[0].effective | (static_cast<uint64_t>(data[1].effective) << 32);
  if ((eff >> CAP_SETPCAP) & 1) {
    for (int c = 0; c < 64; c++) {
      if ((keep >> c) & 1) continue;
      long in = syscall(SYS_prctl, PR_CAPBSET_READ, c, 0, 0, 0);
      if (in < 0) break;  // past the kernel's last capability
      if (in == 1 && syscall(SYS_prctl, PR_CAPBSET_DROP, c, 0, 0, 0) != 0) return -errno;
    }
  }
  if (syscall(SYS_prctl, PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return -errno;
  for (int i = 0; i < 2; i++) {
    uint32_t k = static_cast<uint32_t>(keep >> (32 * i));
    data[i].permitted &= k;
    data[i].effective &= data[i].permitted;
    data[i].inheritable &= data[i].permitted;
  }
  return syscall(SYS_capset, &hdr, data) == 0 ? 0 : -errno;
}

// dropCapabilities(keep: bigint): this thread directly (throws when that fails), then every
// other thread. Returns { threads, covered, uncovered: [{ tid, name, reason }] }.
Napi::Value DropCapabilities(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint64_t keep = 0;
  if (info.Length() < 1 || !get_u64(env, info[0], &keep)) throw Napi::TypeError::New(env, "keep must be a capability mask (bigint)");
  g_keep.store(keep);
  long r = drop_on_this_thread();
  if (r < 0) throw make_error(env, "ERR_SECCOMP_CAPABILITIES", "dropping capabilities failed", static_cast<int>(-r), "capset");
  return reach_to_js(env, run_on_other_threads(1, drop_on_this_thread));
}

}  // namespace

void init_caps(Napi::Env env, Napi::Object exports) {
  exports.Set("dropCapabilities", Napi::Function::New(env, DropCapabilities));
}

}  // namespace seccomp_addon
