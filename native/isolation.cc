// Landlock domains that keep sandboxed code from reaching processes outside its sandbox:
// any domain denies ptrace-family access (ptrace, process_vm_*, /proc/PID/mem, pidfd_getfd)
// to processes outside it, and LANDLOCK_SCOPE_SIGNAL (ABI 6) denies signals to them.
// Children get their domain in the launcher; this file is for the calling process itself.
// landlock_restrict_self() restricts only the calling thread, so the other threads are
// reached through threads.h.
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>

#include "common.h"
#include "threads.h"
#include "tree_guard.h"

namespace seccomp_addon {

namespace {

constexpr long NR_LANDLOCK_CREATE_RULESET = 444;
constexpr long NR_LANDLOCK_ADD_RULE = 445;
constexpr long NR_LANDLOCK_RESTRICT_SELF = 446;
constexpr unsigned LANDLOCK_CREATE_RULESET_VERSION = 1u << 0;
constexpr unsigned LANDLOCK_RULE_PATH_BENEATH = 1;

struct RulesetAttr {
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};
struct __attribute__((packed)) PathBeneathAttr {
  uint64_t allowed_access;
  int32_t parent_fd;
};

// What each thread applies. The ruleset fd stays open for the life of the process: a thread
// that unblocks the signal late still gets the domain instead of a stale fd.
std::atomic<int> g_ruleset{-1};
std::atomic<bool> g_set_nnp{true};

long restrict_current(int fd, bool nnp) {
  if (nnp && syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  return syscall(NR_LANDLOCK_RESTRICT_SELF, fd, 0) == 0 ? 0 : -errno;
}

// Async-signal-safe (run in a signal handler on each thread).
long restrict_thread() {
  int fd = g_ruleset.load();
  return fd < 0 ? -EBADF : restrict_current(fd, g_set_nnp.load());
}

// landlockAbi(): the kernel's Landlock ABI version, 0 when it has none (or it is disabled).
Napi::Value LandlockAbi(const Napi::CallbackInfo &info) {
  long v = syscall(NR_LANDLOCK_CREATE_RULESET, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION);
  return Napi::Number::New(info.Env(), v < 0 ? 0 : static_cast<double>(v));
}

int make_ruleset(Napi::Env env, uint64_t scoped, uint64_t fs) {
  RulesetAttr attr = {fs, 0, scoped};
  int fd = static_cast<int>(syscall(NR_LANDLOCK_CREATE_RULESET, &attr, sizeof attr, 0));
  if (fd < 0) throw make_error(env, "ERR_SECCOMP_ISOLATION", "landlock_create_ruleset failed", errno, "landlock_create_ruleset");
  if (fs) {
    int root = open("/", O_PATH | O_CLOEXEC | O_DIRECTORY);
    PathBeneathAttr rule = {fs, root};
    if (root < 0 || syscall(NR_LANDLOCK_ADD_RULE, fd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0) != 0) {
      int e = errno;
      if (root >= 0) close(root);
      close(fd);
      throw make_error(env, "ERR_SECCOMP_ISOLATION", "landlock_add_rule failed", e, "landlock_add_rule");
    }
    close(root);
  }
  return fd;
}

// isolateThreads(scoped, fs, setNnp): puts every thread it can reach in one new Landlock
// domain: this thread directly, the others through the signal. Returns
// { threads, covered, uncovered: [{ tid, name, reason }] }. Throws when this thread fails.
Napi::Value IsolateThreads(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint64_t scoped = static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value());
  uint64_t fs = static_cast<uint64_t>(info[1].As<Napi::Number>().Int64Value());
  bool nnp = info[2].As<Napi::Boolean>().Value();
  int fd = make_ruleset(env, scoped, fs);
  long r = restrict_current(fd, nnp);
  if (r < 0) {
    close(fd);
    throw make_error(env, "ERR_SECCOMP_ISOLATION", "landlock_restrict_self failed", static_cast<int>(-r), "landlock_restrict_self");
  }
  int previous = g_ruleset.exchange(fd);
  if (previous >= 0) close(previous);
  g_set_nnp.store(nnp);

  return reach_to_js(env, run_on_other_threads(0, restrict_thread));
}

// treeGuard(pid, prefix): the tree guard for that pid, whole or as a prefix for
// another program (see tree_guard.h); empty on an arch without one.
Napi::Value TreeGuard(const Napi::CallbackInfo &info) {
  struct sock_filter prog[TG_MAX_INSNS];
  unsigned n = tree_guard(prog, info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Boolean>().Value());
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t *>(prog), n * sizeof(struct sock_filter));
}

}  // namespace

void init_isolation(Napi::Env env, Napi::Object exports) {
  exports.Set("landlockAbi", Napi::Function::New(env, LandlockAbi));
  exports.Set("isolateThreads", Napi::Function::New(env, IsolateThreads));
  exports.Set("treeGuard", Napi::Function::New(env, TreeGuard));
}

}  // namespace seccomp_addon
