// See threads.h. Each slot's work runs in a signal handler on the target thread; the results
// come back through a fixed array of atomics (the handler may not allocate).
#include "threads.h"

#include <dirent.h>
#include <linux/futex.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <climits>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "common.h"

namespace seccomp_addon {

namespace {

constexpr int SLOTS = 2;
std::atomic<ThreadOp> g_ops[SLOTS];
std::atomic<int> g_signals[SLOTS];
// The slot the reserved signal (below) works for while it is borrowed.
std::atomic<int> g_reserved_slot{-1};

constexpr int MAX_ANSWERS = 4096;
std::atomic<int> g_next{0};
pid_t g_tids[MAX_ANSWERS];
long g_results[MAX_ANSWERS];
int g_answer_slot[MAX_ANSWERS];
std::atomic<int> g_done[MAX_ANSWERS];
// Bumped after each answer, and a futex the caller sleeps on until the next one: woken at
// once, rather than on a polling interval that a start would pay for each thread.
std::atomic<int> g_answered{0};
static_assert(sizeof(std::atomic<int>) == sizeof(int), "a futex word is an int");

int *futex_word() { return reinterpret_cast<int *>(&g_answered); }

// glibc's first reserved signal (SIGCANCEL), which no libc call lets a thread block. A thread
// that blocks every other signal (Node's SIGUSR1 watchdog) is reached through it: our handler
// goes in with a raw rt_sigaction, borrowing the restorer glibc gave our real-time signal, and
// glibc's own action comes back once every thread sent to has answered.
constexpr int RESERVED_SIGNAL = 32;

// Async-signal-safe: raw system calls and atomics only.
void on_signal(int sig) {
  int saved = errno;
  int slot = -1;
  if (sig == RESERVED_SIGNAL) slot = g_reserved_slot.load();
  for (int s = 0; s < SLOTS && slot < 0; s++)
    if (g_signals[s].load() == sig) slot = s;
  ThreadOp op = slot >= 0 ? g_ops[slot].load() : nullptr;
  if (op) {
    long r = op();
    int i = g_next.fetch_add(1);
    if (i < MAX_ANSWERS) {
      g_tids[i] = static_cast<pid_t>(syscall(SYS_gettid));
      g_results[i] = r;
      g_answer_slot[i] = slot;
      g_done[i].store(1);
    }
    g_answered.fetch_add(1);
    syscall(SYS_futex, futex_word(), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  }
  errno = saved;
}

// A real-time signal nobody handles (or this slot's, from an earlier call), with our handler.
int claim_signal(int slot) {
  if (int sig = g_signals[slot].load()) return sig;
  for (int sig = SIGRTMAX; sig >= SIGRTMIN; sig--) {
    struct sigaction old;
    if (sigaction(sig, nullptr, &old) != 0) continue;
    if (old.sa_handler != SIG_DFL || (old.sa_flags & SA_SIGINFO)) continue;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(sig, &sa, nullptr) == 0) {
      g_signals[slot].store(sig);
      return sig;
    }
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

}  // namespace

ThreadReach run_on_other_threads(int slot, ThreadOp op) {
  g_ops[slot].store(op);
  int sig = claim_signal(slot);
  ThreadReach out;
  pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
  std::set<pid_t> seen = {self};
  out.covered = 1;
  auto miss = [&](pid_t tid, const char *reason) { out.uncovered.push_back({tid, thread_name(tid), reason}); };
  // Sends a signal to each thread and waits (up to 2 s) for its handler to record the result;
  // returns the threads that did not answer, after counting the others.
  auto reach = [&](const std::set<pid_t> &tids, int with) {
    std::set<pid_t> waiting;
    int start = g_next.load();
    for (pid_t tid : tids)
      if (syscall(SYS_tgkill, getpid(), tid, with) == 0) waiting.insert(tid);
    struct timespec t0;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
      int seen_answers = g_answered.load();
      for (int i = start; i < g_next.load() && i < MAX_ANSWERS; i++) {
        if (!g_done[i].load() || g_answer_slot[i] != slot || !waiting.count(g_tids[i])) continue;
        waiting.erase(g_tids[i]);
        if (g_results[i] == 0) out.covered++;
        else miss(g_tids[i], strerror(static_cast<int>(-g_results[i])));
      }
      if (waiting.empty()) break;
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      if ((now.tv_sec - t0.tv_sec) * 1000000000L + (now.tv_nsec - t0.tv_nsec) > 2000000000L) break;
      // Until the next answer (none missed: the word has changed if one came meanwhile), or
      // 10 ms, after which the deadline is looked at again.
      struct timespec wait = {0, 10000000};
      syscall(SYS_futex, futex_word(), FUTEX_WAIT_PRIVATE, seen_answers, &wait, nullptr, 0);
    }
    std::set<pid_t> silent;
    for (pid_t tid : waiting) {
      uint64_t mask;
      if (blocked_mask(tid, &mask)) silent.insert(tid);  // else it exited meanwhile
    }
    return silent;
  };
  // Threads made meanwhile by a thread not yet reached show up in the next listing; those
  // made by a reached thread inherit what it was given.
  // A thread that blocks even the reserved signal is one glibc is still starting (it blocks
  // everything until the new thread sets its own mask): looked at again for up to 500 ms (a busy
  // machine may not run it sooner) before it counts as unreachable.
  std::set<pid_t> starting;
  struct timespec first_start = {0, 0};
  bool settled = false;
  for (int pass = 0; pass < 1000 && !settled; pass++) {
    std::set<pid_t> fresh;
    for (pid_t tid : list_threads())
      if (!seen.count(tid)) fresh.insert(tid);
    if (fresh.empty()) {
      settled = true;
      break;
    }
    bool patient = true;
    if (!starting.empty()) {
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      patient = (now.tv_sec - first_start.tv_sec) * 1000000000L + (now.tv_nsec - first_start.tv_nsec) < 500000000L;
    }
    std::set<pid_t> by_rt, by_reserved;
    bool waiting_for_start = false;
    for (pid_t tid : fresh) {
      uint64_t mask = 0;
      if (!blocked_mask(tid, &mask)) {  // exited
        seen.insert(tid);
        continue;
      }
      if (sig && !(mask & (1ull << (sig - 1)))) by_rt.insert(tid);
      else if (!(mask & (1ull << (RESERVED_SIGNAL - 1)))) by_reserved.insert(tid);
      else if (patient) {
        if (starting.empty()) clock_gettime(CLOCK_MONOTONIC, &first_start);
        starting.insert(tid);
        waiting_for_start = true;
        continue;  // not seen yet: the next pass looks again
      } else miss(tid, "it blocks every signal");
      seen.insert(tid);
    }
    if (waiting_for_start) {
      struct timespec nap = {0, 1000000};
      nanosleep(&nap, nullptr);
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
      g_reserved_slot.store(slot);
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
  if (!settled) miss(0, "threads kept appearing meanwhile");
  out.threads = out.covered + static_cast<int>(out.uncovered.size());
  return out;
}

Napi::Object reach_to_js(Napi::Env env, const ThreadReach &reach) {
  Napi::Array uncovered = Napi::Array::New(env);
  for (const ThreadMiss &m : reach.uncovered) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("tid", Napi::Number::New(env, m.tid));
    o.Set("name", Napi::String::New(env, m.name));
    o.Set("reason", Napi::String::New(env, m.reason));
    uncovered.Set(uncovered.Length(), o);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("threads", Napi::Number::New(env, reach.threads));
  out.Set("covered", Napi::Number::New(env, reach.covered));
  out.Set("uncovered", uncovered);
  return out;
}

}  // namespace seccomp_addon
