// Landlock domains that keep sandboxed code from reaching processes outside its sandbox:
// any domain denies ptrace-family access (ptrace, process_vm_*, /proc/PID/mem, pidfd_getfd)
// to processes outside it, and LANDLOCK_SCOPE_SIGNAL (ABI 6) denies signals to them.
// Children get their domain in the launcher; this file is for the calling process itself.
// landlock_restrict_self() restricts only the calling thread, so the other threads are
// reached with a real-time signal whose handler makes the same call.
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

#include "common.h"
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

// What the signal handler applies. The ruleset fd stays open for the life of the process:
// a thread that unblocks the signal late still gets the domain instead of a stale fd.
std::atomic<int> g_ruleset{-1};
std::atomic<bool> g_set_nnp{true};
constexpr int MAX_SLOTS = 4096;
std::atomic<int> g_next{0};
pid_t g_tids[MAX_SLOTS];
long g_results[MAX_SLOTS];
std::atomic<int> g_done[MAX_SLOTS];
int g_signal = 0;

long restrict_current(int fd, bool nnp) {
  if (nnp && syscall(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return -errno;
  return syscall(NR_LANDLOCK_RESTRICT_SELF, fd, 0) == 0 ? 0 : -errno;
}

// Async-signal-safe: raw system calls and atomics only.
void on_signal(int) {
  int saved = errno;
  int fd = g_ruleset.load();
  if (fd >= 0) {
    long r = restrict_current(fd, g_set_nnp.load());
    int i = g_next.fetch_add(1);
    if (i < MAX_SLOTS) {
      g_tids[i] = static_cast<pid_t>(syscall(SYS_gettid));
      g_results[i] = r;
      g_done[i].store(1);
    }
  }
  errno = saved;
}

// A real-time signal nobody handles (or ours, from an earlier call), with our handler on it.
int claim_signal() {
  if (g_signal) return g_signal;
  for (int sig = SIGRTMAX; sig >= SIGRTMIN; sig--) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) continue;
    if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, nullptr) == 0) return g_signal = sig;
  }
  return 0;
}

// The kernel's struct sigaction (x86_64 and the generic layout with SA_RESTORER alike).
struct KernelSigaction {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  uint64_t mask;
};

// glibc's first reserved signal (SIGCANCEL), which no libc call lets a thread block. A thread
// that blocks every other signal (Node's SIGUSR1 watchdog) is reached through it: our handler
// goes in with a raw rt_sigaction, borrowing the restorer glibc gave our real-time signal, and
// glibc's own action comes back once every thread sent to has answered.
constexpr int RESERVED_SIGNAL = 32;

long raw_sigaction(int sig, const KernelSigaction *act, KernelSigaction *old) {
  return syscall(SYS_rt_sigaction, sig, act, old, sizeof(uint64_t));
}

// The thread's blocked-signal mask from /proc, or false if it is gone.
bool blocked_mask(pid_t tid, uint64_t *mask) {
  std::string path = "/proc/self/task/" + std::to_string(tid) + "/status";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  std::string text;
  bool ok = read_all_fd(fd, &text);
  close(fd);
  if (!ok) return false;
  size_t at = text.find("\nSigBlk:");
  if (at == std::string::npos) return false;
  *mask = strtoull(text.c_str() + at + 8, nullptr, 16);
  return true;
}

std::set<pid_t> list_threads() {
  std::set<pid_t> out;
  DIR *d = opendir("/proc/self/task");
  if (!d) return out;
  while (struct dirent *e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    out.insert(static_cast<pid_t>(atoi(e->d_name)));
  }
  closedir(d);
  return out;
}

std::string thread_name(pid_t tid) {
  std::string path = "/proc/self/task/" + std::to_string(tid) + "/comm";
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return "";
  std::string text;
  read_all_fd(fd, &text);
  close(fd);
  while (!text.empty() && (text.back() == '\n')) text.pop_back();
  return text;
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
  int sig = claim_signal();
  int fd = make_ruleset(env, scoped, fs);
  long r = restrict_current(fd, nnp);
  if (r < 0) {
    close(fd);
    throw make_error(env, "ERR_SECCOMP_ISOLATION", "landlock_restrict_self failed", static_cast<int>(-r), "landlock_restrict_self");
  }
  int previous = g_ruleset.exchange(fd);
  if (previous >= 0) close(previous);
  g_set_nnp.store(nnp);

  pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  std::set<pid_t> seen = {self};
  Napi::Array uncovered = Napi::Array::New(env);
  auto miss = [&](pid_t tid, const char *reason) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("tid", Napi::Number::New(env, tid));
    o.Set("name", Napi::String::New(env, thread_name(tid)));
    o.Set("reason", Napi::String::New(env, reason));
    uncovered.Set(uncovered.Length(), o);
  };
  int covered = 1;
  // Sends sig to each thread and waits (up to 2 s) for its handler to record the result;
  // returns the threads that did not answer, after counting the others.
  auto reach = [&](const std::set<pid_t> &tids, int with) {
    std::set<pid_t> waiting;
    int start = g_next.load();
    for (pid_t tid : tids)
      if (syscall(SYS_tgkill, getpid(), tid, with) == 0) waiting.insert(tid);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
      for (int i = start; i < g_next.load() && i < MAX_SLOTS; i++) {
        if (!g_done[i].load() || !waiting.count(g_tids[i])) continue;
        waiting.erase(g_tids[i]);
        if (g_results[i] == 0) covered++;
        else miss(g_tids[i], strerror(static_cast<int>(-g_results[i])));
      }
      if (waiting.empty()) break;
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if ((now.tv_sec - t0.tv_sec) * 1000000000L + (now.tv_nsec - t0.tv_nsec) > 2000000000L) break;
      struct timespec nap = {0, 100000};
      nanosleep(&nap, nullptr);
    }
    std::set<pid_t> silent;
    for (pid_t tid : waiting) {
      uint64_t mask;
      if (blocked_mask(tid, &mask)) silent.insert(tid);  // else it exited meanwhile
    }
    return silent;
  };
  // Threads made meanwhile by a thread not yet covered show up in the next listing; those
  // made by a covered thread inherit the domain.
  bool settled = false;
  for (int pass = 0; pass < 64 && !settled; pass++) {
    std::set<pid_t> fresh;
    for (pid_t tid : list_threads())
      if (!seen.count(tid)) fresh.insert(tid);
    if (fresh.empty()) {
      settled = true;
      break;
    }
    std::set<pid_t> by_rt, by_reserved;
    for (pid_t tid : fresh) {
      seen.insert(tid);
      uint64_t mask = 0;
      if (!blocked_mask(tid, &mask)) continue;  // exited
      if (sig && !(mask & (1ull << (sig - 1)))) by_rt.insert(tid);
      else if (!(mask & (1ull << (RESERVED_SIGNAL - 1)))) by_reserved.insert(tid);
      else miss(tid, "it blocks every signal");
    }
    for (pid_t tid : reach(by_rt, sig)) miss(tid, "it did not answer the signal in time");
    if (!by_reserved.empty()) {
      KernelSigaction ours, theirs;
      if (raw_sigaction(sig ? sig : SIGRTMAX, nullptr, &ours) != 0) ours.restorer = nullptr;
      ours.handler = on_signal;
      ours.mask = 0;
#if defined(__x86_64__)
      bool usable = (ours.flags & 0x04000000ul /* SA_RESTORER */) && ours.restorer;  // needed to return
#else
      bool usable = true;
#endif
      if (!usable || raw_sigaction(RESERVED_SIGNAL, &ours, &theirs) != 0) {
        for (pid_t tid : by_reserved) miss(tid, "its only open signal could not be taken over");
        continue;
      }
      std::set<pid_t> silent = reach(by_reserved, RESERVED_SIGNAL);
      // A signal still pending must find our handler, never a default that kills.
      if (silent.empty()) raw_sigaction(RESERVED_SIGNAL, &theirs, nullptr);
      for (pid_t tid : silent) miss(tid, "it did not answer the signal in time");
    }
  }
  if (!settled) miss(0, "threads kept appearing while the domain was applied");
  Napi::Object out = Napi::Object::New(env);
  out.Set("threads", Napi::Number::New(env, covered + uncovered.Length()));
  out.Set("covered", Napi::Number::New(env, covered));
  out.Set("uncovered", uncovered);
  return out;
}

// treeGuard(pid, prefix): the tree guard for that pid, whole or as a prefix for
// another program (see tree_guard.h); empty on an arch without one.
Napi::Value RlimitGuard(const Napi::CallbackInfo &info) {
  struct sock_filter prog[TG_MAX_INSNS];
  unsigned n = tree_guard(prog, info[0].As<Napi::Number>().Uint32Value(), info[1].As<Napi::Boolean>().Value());
  return Napi::Buffer<uint8_t>::Copy(info.Env(), reinterpret_cast<uint8_t *>(prog), n * sizeof(struct sock_filter));
}

}  // namespace

void init_isolation(Napi::Env env, Napi::Object exports) {
  exports.Set("landlockAbi", Napi::Function::New(env, LandlockAbi));
  exports.Set("isolateThreads", Napi::Function::New(env, IsolateThreads));
  exports.Set("treeGuard", Napi::Function::New(env, RlimitGuard));
}

}  // namespace seccomp_addon
