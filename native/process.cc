// Process-level operations that need no libseccomp: install a ready BPF program with
// seccomp(2) (for real, or as a trial in a throw-away child), no_new_privs, flag probes, the
// process-wide record of what was installed, and a sealed memfd holding a program for children.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "common.h"

namespace seccomp_addon {

namespace {

long sys_seccomp(unsigned int op, unsigned int flags, void *args) {
  return syscall(__NR_seccomp, op, flags, args);
}

// What this addon installed in this process. Static memory of the shared object: one copy per
// process, seen by every thread and every N-API environment (worker_threads), gone after exec,
// and out of reach of the environment variables a sandboxed program could set for its children.
std::mutex record_mutex;
size_t installs = 0;                // successful installFilter calls
std::vector<std::string> records;  // one per install at most (recordApplied)

struct sock_fprog program_of(Napi::Env env, const Napi::Buffer<uint8_t> &buf) {
  size_t len = buf.Length();
  if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    throw make_error(env, "ERR_SECCOMP_LOAD", "the BPF program has an invalid length", EINVAL, "seccomp");
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(len / sizeof(struct sock_filter));
  prog.filter = reinterpret_cast<struct sock_filter *>(buf.Data());
  return prog;
}

Napi::Error refused(Napi::Env env, int e) {
  return make_error(env, "ERR_SECCOMP_LOAD", std::string("the kernel refused the filter: ") + strerror(e), e, "seccomp");
}

// installFilter(bpf: Buffer, flags: number): seccomp(SECCOMP_SET_MODE_FILTER, flags, prog).
Napi::Value InstallFilter(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  uint32_t flags = info[1].As<Napi::Number>().Uint32Value();
  struct sock_fprog prog = program_of(env, buf);
  long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) throw refused(env, errno);
  if (rc > 0 && (flags & SECCOMP_FILTER_FLAG_TSYNC))
    throw make_error(env, "ERR_SECCOMP_TSYNC",
                     "thread " + std::to_string(rc) + " could not be synchronised; no filter was applied",
                     0, "seccomp");
  {
    std::lock_guard<std::mutex> lock(record_mutex);
    installs++;
  }
  return Napi::Number::New(env, static_cast<double>(rc));  // listener fd with NEW_LISTENER
}

// recordApplied(text): notes what the last installFilter put on; each install backs one record.
Napi::Value RecordApplied(const Napi::CallbackInfo &info) {
  std::string text = info[0].As<Napi::String>().Utf8Value();
  std::lock_guard<std::mutex> lock(record_mutex);
  if (records.size() >= installs)
    throw make_error(info.Env(), "", "recordApplied: no installed filter is left to record", EINVAL, "");
  records.push_back(std::move(text));
  return info.Env().Undefined();
}

// appliedRecords(): the records, oldest first.
Napi::Value AppliedRecords(const Napi::CallbackInfo &info) {
  std::lock_guard<std::mutex> lock(record_mutex);
  Napi::Array out = Napi::Array::New(info.Env(), records.size());
  for (size_t i = 0; i < records.size(); i++) out.Set(static_cast<uint32_t>(i), records[i]);
  return out;
}

// seccomp/register runs once per thread that preloads it (the main thread, workers, the
// loader hooks thread, which may start alongside): one at a time, so that a second one sees
// the first one's filter instead of stacking its own.
std::mutex register_mutex;

// registerLock(take: boolean): takes (blocking) or releases the register lock.
Napi::Value RegisterLock(const Napi::CallbackInfo &info) {
  if (info[0].As<Napi::Boolean>().Value()) register_mutex.lock();
  else register_mutex.unlock();
  return info.Env().Undefined();
}

// seccomp/register's compile cache, shared by every thread: SECCOMP_PROFILE's text -> the hash
// it compiled to, so that a worker need not compile the profile again to look it up above.
std::map<std::string, std::string> profile_hashes;

// rememberHash(key, hash) and rememberedHash(key): string | undefined.
Napi::Value RememberHash(const Napi::CallbackInfo &info) {
  std::string key = info[0].As<Napi::String>().Utf8Value();
  std::string hash = info[1].As<Napi::String>().Utf8Value();
  std::lock_guard<std::mutex> lock(record_mutex);
  profile_hashes[key] = hash;
  return info.Env().Undefined();
}

Napi::Value RememberedHash(const Napi::CallbackInfo &info) {
  std::string key = info[0].As<Napi::String>().Utf8Value();
  std::lock_guard<std::mutex> lock(record_mutex);
  auto it = profile_hashes.find(key);
  if (it == profile_hashes.end()) return info.Env().Undefined();
  return Napi::String::New(info.Env(), it->second);
}

struct Trial {
  struct sock_fprog prog;
  uint32_t flags;
  int result;  // errno of seccomp(2) in the child, 0 when the kernel took it, -1 when it never ran
};

// Runs in a child that shares our memory (CLONE_VM) while we wait (CLONE_VFORK), with every
// signal blocked: only raw system calls, and the outcome goes into *t before the filter can
// get in the way of leaving.
int trial_child(void *arg) {
  Trial *t = static_cast<Trial *>(arg);
  struct rlimit none = {0, 0};
  setrlimit(RLIMIT_CORE, &none);  // this child's own limit: no core of our memory if it is killed
  if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0) {
    long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, t->flags, &t->prog);
    t->result = rc < 0 ? errno : 0;
  }
  // The filter now applies to this child alone; it may deny the way out, so try each in turn.
  syscall(SYS_exit_group, 0);
  syscall(SYS_exit, 0);
  syscall(SYS_kill, syscall(SYS_getpid), SIGKILL);
  __builtin_trap();  // a forced signal while all are blocked: the default action, in this child only
}

// trialInstall(bpf, flags): installs the program with these flags in a short-lived child made
// with clone(CLONE_VM | CLONE_VFORK). The child starts with this thread's filters, so what the
// kernel would refuse here (the stacked-size ENOMEM, a flag it rejects) it refuses there, before
// anything about this process has changed. Throws installFilter's error for a refusal; returns
// false when the trial could not be made (clone or prctl denied by a filter already on), true
// when the kernel took the program.
Napi::Value TrialInstall(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  Trial t;
  t.prog = program_of(env, buf);
  t.flags = info[1].As<Napi::Number>().Uint32Value();
  t.result = -1;
  const size_t stack_size = 64 * 1024;
  void *stack = mmap(nullptr, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) return Napi::Boolean::New(env, false);
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
  // No exit signal: libuv's SIGCHLD handling never sees this child; we reap it with __WALL.
  pid_t pid = clone(trial_child, static_cast<char *>(stack) + stack_size, CLONE_VM | CLONE_VFORK, &t);
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  if (pid > 0) {
    int status;
    while (waitpid(pid, &status, __WALL) < 0 && errno == EINTR) {
    }
  }
  munmap(stack, stack_size);
  if (pid < 0 || t.result < 0) return Napi::Boolean::New(env, false);
  if (t.result > 0) throw refused(env, t.result);
  return Napi::Boolean::New(env, true);
}

// probeFilterFlags(flags): true when the kernel accepts these SECCOMP_FILTER_FLAG_* bits.
// A NULL program makes the call fail with EFAULT after the flags were checked (EINVAL).
Napi::Value ProbeFilterFlags(const Napi::CallbackInfo &info) {
  uint32_t flags = info[0].As<Napi::Number>().Uint32Value();
  long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, nullptr);
  return Napi::Boolean::New(info.Env(), rc < 0 && errno == EFAULT);
}

// probeAction(action): SECCOMP_GET_ACTION_AVAIL.
Napi::Value ProbeAction(const Napi::CallbackInfo &info) {
  uint32_t action = info[0].As<Napi::Number>().Uint32Value();
  return Napi::Boolean::New(info.Env(), sys_seccomp(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0);
}

Napi::Value SetNoNewPrivs(const Napi::CallbackInfo &info) {
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    throw make_error(info.Env(), "", "prctl(PR_SET_NO_NEW_PRIVS) failed", errno, "prctl");
  return info.Env().Undefined();
}

Napi::Value GetNoNewPrivs(const Napi::CallbackInfo &info) {
  int rc = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
  if (rc < 0) throw make_error(info.Env(), "", "prctl(PR_GET_NO_NEW_PRIVS) failed", errno, "prctl");
  return Napi::Boolean::New(info.Env(), rc == 1);
}

// memfdFromBuffer(buf): a sealed, read-only memfd with the bytes; the caller closes it.
// Children inherit it (through spawn's stdio) and read the program from offset 0.
Napi::Value MemfdFromBuffer(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) throw make_error(env, "", "memfd_create failed", errno, "memfd_create");
  size_t off = 0;
  while (off < buf.Length()) {
    ssize_t n = write(fd, buf.Data() + off, buf.Length() - off);
    if (n < 0) {
      int e = errno;
      close(fd);
      throw make_error(env, "", "writing the memfd failed", e, "write");
    }
    off += static_cast<size_t>(n);
  }
  if (fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
    int e = errno;
    close(fd);
    throw make_error(env, "", "sealing the memfd failed", e, "fcntl");
  }
  return Napi::Number::New(env, fd);
}

// memfdIdentity(fd): "dev:ino" of an open file, to recognise it later.
Napi::Value MemfdIdentity(const Napi::CallbackInfo &info) {
  struct stat st;
  if (fstat(info[0].As<Napi::Number>().Int32Value(), &st) != 0)
    throw make_error(info.Env(), "", "fstat failed", errno, "fstat");
  return Napi::String::New(info.Env(), std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino));
}

// memfdIsOurs(fd, identity, length): fd is still the sealed memfd memfdFromBuffer made (same
// file, fully sealed, the program's size). A number closed and reused by the program fails this.
Napi::Value MemfdIsOurs(const Napi::CallbackInfo &info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string identity = info[1].As<Napi::String>().Utf8Value();
  int64_t length = info[2].As<Napi::Number>().Int64Value();
  const int all = F_SEAL_WRITE | F_SEAL_GROW | F_SEAL_SHRINK | F_SEAL_SEAL;
  struct stat st;
  if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size != length ||
      std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino) != identity)
    return Napi::Boolean::New(info.Env(), false);
  int seals = fcntl(fd, F_GET_SEALS);
  bool ours = seals >= 0 && (seals & all) == all;
  return Napi::Boolean::New(info.Env(), ours);
}

// pipeCloexec(): [readFd, writeFd] of a blocking pipe2(O_CLOEXEC) pipe. spawn gives the write
// end to its launcher (as a stdio fd) and reads the other until the launcher's exec closes it.
Napi::Value PipeCloexec(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw make_error(env, "", "pipe2 failed", errno, "pipe2");
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, fds[0]));
  out.Set(1u, Napi::Number::New(env, fds[1]));
  return out;
}

}  // namespace

void init_process(Napi::Env env, Napi::Object exports) {
  exports.Set("installFilter", Napi::Function::New(env, InstallFilter));
  exports.Set("trialInstall", Napi::Function::New(env, TrialInstall));
  exports.Set("recordApplied", Napi::Function::New(env, RecordApplied));
  exports.Set("registerLock", Napi::Function::New(env, RegisterLock));
  exports.Set("appliedRecords", Napi::Function::New(env, AppliedRecords));
  exports.Set("rememberHash", Napi::Function::New(env, RememberHash));
  exports.Set("rememberedHash", Napi::Function::New(env, RememberedHash));
  exports.Set("memfdIdentity", Napi::Function::New(env, MemfdIdentity));
  exports.Set("memfdIsOurs", Napi::Function::New(env, MemfdIsOurs));
  exports.Set("probeFilterFlags", Napi::Function::New(env, ProbeFilterFlags));
  exports.Set("probeAction", Napi::Function::New(env, ProbeAction));
  exports.Set("setNoNewPrivs", Napi::Function::New(env, SetNoNewPrivs));
  exports.Set("getNoNewPrivs", Napi::Function::New(env, GetNoNewPrivs));
  exports.Set("memfdFromBuffer", Napi::Function::New(env, MemfdFromBuffer));
  exports.Set("pipeCloexec", Napi::Function::New(env, PipeCloexec));
}

}  // namespace seccomp_addon
