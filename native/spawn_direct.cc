// Spawning through the launcher's steps without exec'ing the launcher: the child is made with
// clone(CLONE_VM | CLONE_VFORK), sets up its stdio, working directory and signals as
// libuv's child does, then runs launcher_main (launcher.c, linked in) on the launcher's argv,
// which installs the filter and execs the command. One exec instead of two, and no copy of
// this process's page tables (libuv forks): the spawn costs less than child_process's own.
//
// The child shares our memory until it execs or exits, while our other threads go on: it makes
// raw system calls only (no allocation, no locks, no glibc wrappers that act process-wide such
// as setuid), on a stack and buffers of its own, under spawn_lock. Signals: blocked around
// clone; the child resets every handler (ours run in our memory) before it unblocks them.
//
// The exit is watched with the pidfd clone gives (CLONE_PIDFD, 5.2; poll on it, 5.3): libuv
// reaps only the pids of its own process handles, so it never takes this child's status.
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#include <mutex>
#include <string>
#include <vector>

#include "common.h"

extern "C" int seccomp_launcher_main(int argc, char **argv, char **envp);

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

namespace seccomp_addon {

namespace {

struct Plan {
  std::vector<std::string> strings;  // argv then envp, owned here
  std::vector<char *> argv;          // the launcher's argv, NULL-terminated
  std::vector<char *> envp;
  std::vector<int> fds;  // child fd i <- fds[i]; -1: none (/dev/null for 0-2)
  std::string cwd;
  bool has_cwd = false, detached = false;
  long failed = 0;  // -errno of a step before the launcher's own (the child sets it)
};

// The kernel's sigaction, enough of it for SIG_DFL and for reading the handler (first field on
// every arch); zero flags, no restorer, empty mask.
struct KernelSigaction {
  unsigned long handler, rest[3];
};

[[noreturn]] void child_fail(Plan *p, long err) {
  p->failed = err > 0 ? -err : err;
  syscall(SYS_exit_group, 127);
  syscall(SYS_exit, 127);
  __builtin_trap();
}

long sys(long r) { return r < 0 ? -errno : r; }

// What libuv's child does before execvp (src/unix/process.c), then the launcher's steps.
int direct_child(void *arg) {
  Plan *p = static_cast<Plan *>(arg);
  // Every handler back to the default: 1-31 as libuv resets them (ignored ones too); above
  // that only the caught ones (exec would reset those; an ignored one stays ignored).
  for (int n = 1; n <= 64; n++) {
    if (n == SIGKILL || n == SIGSTOP) continue;
    KernelSigaction dfl = {0, {0, 0, 0}}, old = {0, {0, 0, 0}};
    if (n >= 32) {
      if (syscall(SYS_rt_sigaction, n, nullptr, &old, 8) != 0) continue;  // beyond this kernel's range
      if (old.handler == reinterpret_cast<unsigned long>(SIG_DFL) || old.handler == reinterpret_cast<unsigned long>(SIG_IGN)) continue;
    }
    if (syscall(SYS_rt_sigaction, n, &dfl, nullptr, 8) != 0 && n < 32) child_fail(p, -errno);
  }
  if (p->detached) syscall(SYS_setsid);
  int count = static_cast<int>(p->fds.size());
  int *fds = p->fds.data();
  // A source numbered below its target could be overwritten by an earlier dup2: move it up.
  for (int fd = 0; fd < count; fd++) {
    int use = fds[fd];
    if (use < 0 || use >= fd) continue;
    long r = sys(syscall(SYS_fcntl, use, F_DUPFD_CLOEXEC, count));
    if (r < 0) child_fail(p, r);
    fds[fd] = static_cast<int>(r);
  }
  for (int fd = 0; fd < count; fd++) {
    int use = fds[fd], close_fd = -1;
    if (use < 0) {
      if (fd >= 3) continue;
      syscall(SYS_close, fd);
      long r = sys(syscall(SYS_openat, AT_FDCWD, "/dev/null", fd == 0 ? O_RDONLY : O_RDWR));
      if (r < 0) child_fail(p, r);
      use = close_fd = static_cast<int>(r);
    }
    if (fd == use) {
      if (close_fd == -1) {
        long r = sys(syscall(SYS_fcntl, use, F_SETFD, 0));
        if (r < 0) child_fail(p, r);
      }
    } else {
      long r = sys(syscall(SYS_dup3, use, fd, 0));
      if (r < 0) child_fail(p, r);
    }
    if (fd <= 2 && close_fd == -1) {
      long fl = sys(syscall(SYS_fcntl, fd, F_GETFL));
      if (fl >= 0 && (fl & O_NONBLOCK)) syscall(SYS_fcntl, fd, F_SETFL, fl & ~O_NONBLOCK);
    }
    if (close_fd >= count) syscall(SYS_close, close_fd);
  }
  if (p->has_cwd) {
    long r = sys(syscall(SYS_chdir, p->cwd.c_str()));
    if (r < 0) child_fail(p, r);
  }
  // No uid or gid change here, ever: the kernel would make our shared memory non-dumpable for
  // good (spawns with uid/gid take libuv's fork; direct.ts sees to it).
  unsigned long none = 0;
  syscall(SYS_rt_sigprocmask, SIG_SETMASK, &none, nullptr, 8);
  syscall(SYS_exit_group, seccomp_launcher_main(static_cast<int>(p->argv.size()) - 1, p->argv.data(), p->envp.data()));
  __builtin_trap();
}

// The child's stack and the launcher's static buffers are one per process: spawns take turns.
std::mutex spawn_lock;
const size_t kStackSize = 256 * 1024;
char *stack_base = nullptr;  // a guard page, then the stack

void strings_of(Napi::Array a, Plan *plan) {
  for (uint32_t i = 0; i < a.Length(); i++) plan->strings.push_back(a.Get(i).As<Napi::String>().Utf8Value());
}

// No child was made (clone refused, say by a filter on this process that libuv's fork passes):
// the caller starts the launcher libuv's way instead.
Napi::Value unstarted(Napi::Env env, int err) {
  Napi::Object out = Napi::Object::New(env);
  out.Set("unstarted", Napi::Number::New(env, -err));
  return out;
}

// spawnDirect(launcherArgv, envPairs, fds, cwd, detached) -> { pid, pidfd } once the
// command is exec'd or the launcher reported its failure (its record is in the ERR pipe and the
// child exits 127), a negative errno for a step libuv's child would have failed (no process
// is left), or { unstarted: -errno } when no child could be made. launcherArgv is the
// launcher's argv without argv[0]; fds as libuv's stdio.
Napi::Value SpawnDirect(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Plan plan;
  Napi::Array argv = info[0].As<Napi::Array>(), envp = info[1].As<Napi::Array>(), fds = info[2].As<Napi::Array>();
  plan.strings.push_back("seccomp-launcher");
  strings_of(argv, &plan);
  size_t nargs = plan.strings.size();
  strings_of(envp, &plan);
  for (size_t i = 0; i < plan.strings.size(); i++) {
    if (plan.strings[i].find('\0') != std::string::npos) return Napi::Number::New(env, -EINVAL);
    (i < nargs ? plan.argv : plan.envp).push_back(&plan.strings[i][0]);
  }
  plan.argv.push_back(nullptr);
  plan.envp.push_back(nullptr);
  for (uint32_t i = 0; i < fds.Length(); i++) plan.fds.push_back(fds.Get(i).As<Napi::Number>().Int32Value());
  while (plan.fds.size() < 3) plan.fds.push_back(-1);
  if (info[3].IsString()) {
    plan.cwd = info[3].As<Napi::String>().Utf8Value();
    plan.has_cwd = !plan.cwd.empty();
    if (plan.cwd.find('\0') != std::string::npos) return Napi::Number::New(env, -EINVAL);
  }
  plan.detached = info[4].ToBoolean().Value();

  int pidfd = -1;
  pid_t pid;
  int clone_errno = 0;
  {
    std::lock_guard<std::mutex> lock(spawn_lock);
    if (!stack_base) {
      void *m = mmap(nullptr, kStackSize + 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
      if (m == MAP_FAILED) return unstarted(env, errno);
      mprotect(m, 4096, PROT_NONE);
      stack_base = static_cast<char *>(m);
    }
    // As libuv: everything blocked but what a fault raises, so the child can still die of one.
    sigset_t block, old;
    sigfillset(&block);
    for (int s : {SIGKILL, SIGSTOP, SIGTRAP, SIGSEGV, SIGBUS, SIGILL, SIGSYS, SIGABRT}) sigdelset(&block, s);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pid = clone(direct_child, stack_base + 4096 + kStackSize, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &plan, &pidfd);
    if (pid < 0) clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
  }
  if (pid < 0) return unstarted(env, clone_errno);
  if (plan.failed) {
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (pidfd >= 0) close(pidfd);
    return Napi::Number::New(env, static_cast<double>(plan.failed));
  }
  if (pidfd < 0) {
    // A kernel that ignored CLONE_PIDFD (before 5.2): directSpawnSupported() keeps us from here.
    throw make_error(env, "ERR_SECCOMP_UNSUPPORTED", "clone gave no pidfd", ENOSYS, "clone");
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", Napi::Number::New(env, pid));
  out.Set("pidfd", Napi::Number::New(env, pidfd));
  return out;
}

// directSpawnSupported(): pidfds can be polled (pidfd_open and poll support came in 5.3, after
// CLONE_PIDFD in 5.2).
Napi::Value DirectSpawnSupported(const Napi::CallbackInfo &info) {
  long fd = syscall(SYS_pidfd_open, getpid(), 0u);
  if (fd >= 0) close(static_cast<int>(fd));
  return Napi::Boolean::New(info.Env(), fd >= 0);
}

// killPid(pid, sig) -> 0 or a negative errno, as uv_kill.
Napi::Value KillPid(const Napi::CallbackInfo &info) {
  int rc = kill(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), rc < 0 ? -errno : 0);
}

// closeFd(fd): closes a descriptor this addon made (a pipe, socketpair or pidfd). fs.closeSync
// would do it too, but on a worker thread Node warns for each descriptor fs did not open there.
Napi::Value CloseFd(const Napi::CallbackInfo &info) {
  if (close(info[0].As<Napi::Number>().Int32Value()) != 0 && errno != EINTR)
    throw make_error(info.Env(), "", "close failed", errno, "close");
  return info.Env().Undefined();
}

// reapPid(pid): waits for a child this addon started and killed (blocking; it is dying).
Napi::Value ReapPid(const Napi::CallbackInfo &info) {
  int status;
  while (waitpid(info[0].As<Napi::Number>().Int32Value(), &status, 0) < 0 && errno == EINTR) {
  }
  return info.Env().Undefined();
}

// new ExitWatch(pidfd, pid, callback): owns the pidfd once constructed. callback(exitStatus, termSignal) once,
// when the child has exited and been reaped (libuv's exit_cb arguments); callback(-errno, 0) if
// it cannot be reaped (someone else waited for it). ref/unref/hasRef as a handle's; close()
// stops watching (the child, if still running, is left alone, as libuv leaves it).
class ExitWatch : public Napi::ObjectWrap<ExitWatch> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ExitWatch",
                       {InstanceMethod("close", &ExitWatch::Close), InstanceMethod("ref", &ExitWatch::DoRef),
                        InstanceMethod("unref", &ExitWatch::DoUnref), InstanceMethod("hasRef", &ExitWatch::HasRef)});
  }

  explicit ExitWatch(const Napi::CallbackInfo &info) : Napi::ObjectWrap<ExitWatch>(info) {
    Napi::Env env = info.Env();
    fd_ = info[0].As<Napi::Number>().Int32Value();
    pid_ = info[1].As<Napi::Number>().Int32Value();
    callback_ = Napi::Persistent(info[2].As<Napi::Function>());
    context_ = new Napi::AsyncContext(env, "seccomp:child");
    try {
      poll_ = start_poll(env, fd_, UV_READABLE, &ExitWatch::OnPoll, this, "watching the child");
    } catch (...) {
      fd_ = -1;  // still the caller's
      throw;
    }
    env_ = env;
    napi_add_env_cleanup_hook(env, &ExitWatch::Cleanup, this);
    Ref();  // alive while watching, whatever JavaScript keeps
  }

  ~ExitWatch() override {
    if (fd_ >= 0) close(fd_);
    delete context_;
  }

 private:
  // A worker's environment going away: its loop must be left without our handle.
  static void Cleanup(void *arg) { static_cast<ExitWatch *>(arg)->Stop(false); }

  void Stop(bool remove_hook = true) {
    if (!poll_) return;
    stop_poll(poll_);
    poll_ = nullptr;
    close(fd_);
    fd_ = -1;
    if (remove_hook) napi_remove_env_cleanup_hook(env_, &ExitWatch::Cleanup, this);
    Unref();
  }

  static void OnPoll(uv_poll_t *h, int status, int events) {
    auto *self = static_cast<ExitWatch *>(h->data);
    if (self) self->Reap();
  }

  void Reap() {
    int st = 0;
    pid_t r;
    do r = waitpid(pid_, &st, WNOHANG); while (r < 0 && errno == EINTR);
    if (r == 0) return;  // readable before the status is there: poll again
    int e = errno;
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Stop();
    double code = 0, sig = 0;
    if (r < 0) code = -e;
    else if (WIFEXITED(st)) code = WEXITSTATUS(st);
    else if (WIFSIGNALED(st)) sig = WTERMSIG(st);
    try {
      callback_.MakeCallback(Value(), {Napi::Number::New(env, code), Napi::Number::New(env, sig)}, *context_);
    } catch (const Napi::Error &err) {
      napi_fatal_exception(env, err.Value());
    }
  }

  Napi::Value Close(const Napi::CallbackInfo &info) {
    Stop();
    return info.Env().Undefined();
  }
  Napi::Value DoRef(const Napi::CallbackInfo &info) {
    if (poll_) uv_ref(reinterpret_cast<uv_handle_t *>(poll_));
    return info.Env().Undefined();
  }
  Napi::Value DoUnref(const Napi::CallbackInfo &info) {
    if (poll_) uv_unref(reinterpret_cast<uv_handle_t *>(poll_));
    return info.Env().Undefined();
  }
  Napi::Value HasRef(const Napi::CallbackInfo &info) {
    return Napi::Boolean::New(info.Env(), poll_ && uv_has_ref(reinterpret_cast<uv_handle_t *>(poll_)));
  }

  int fd_ = -1;
  pid_t pid_ = 0;
  uv_poll_t *poll_ = nullptr;
  napi_env env_ = nullptr;
  Napi::FunctionReference callback_;
  Napi::AsyncContext *context_ = nullptr;
};

}  // namespace

void init_spawn_direct(Napi::Env env, Napi::Object exports) {
  exports.Set("spawnDirect", Napi::Function::New(env, SpawnDirect));
  exports.Set("directSpawnSupported", Napi::Function::New(env, DirectSpawnSupported));
  exports.Set("killPid", Napi::Function::New(env, KillPid));
  exports.Set("reapPid", Napi::Function::New(env, ReapPid));
  exports.Set("closeFd", Napi::Function::New(env, CloseFd));
  exports.Set("ExitWatch", ExitWatch::Define(env));
}

}  // namespace seccomp_addon
