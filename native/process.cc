// Process-level operations that need no libseccomp: install a ready BPF program with
// seccomp(2), no_new_privs, flag probes, and a sealed memfd holding a program for children.
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common.h"

namespace seccomp_addon {

namespace {

long sys_seccomp(unsigned int op, unsigned int flags, void *args) {
  return syscall(__NR_seccomp, op, flags, args);
}

// installFilter(bpf: Buffer, flags: number): seccomp(SECCOMP_SET_MODE_FILTER, flags, prog).
Napi::Value InstallFilter(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  Napi::Buffer<uint8_t> buf = info[0].As<Napi::Buffer<uint8_t>>();
  uint32_t flags = info[1].As<Napi::Number>().Uint32Value();
  size_t len = buf.Length();
  if (len == 0 || len % sizeof(struct sock_filter) != 0 || len / sizeof(struct sock_filter) > BPF_MAXINSNS)
    throw make_error(env, "ERR_SECCOMP_LOAD", "the BPF program has an invalid length", EINVAL, "seccomp");
  struct sock_fprog prog;
  prog.len = static_cast<unsigned short>(len / sizeof(struct sock_filter));
  prog.filter = reinterpret_cast<struct sock_filter *>(buf.Data());
  long rc = sys_seccomp(SECCOMP_SET_MODE_FILTER, flags, &prog);
  if (rc < 0) {
    int e = errno;
    throw make_error(env, "ERR_SECCOMP_LOAD", std::string("the kernel refused the filter: ") + strerror(e), e, "seccomp");
  }
  if (rc > 0 && (flags & SECCOMP_FILTER_FLAG_TSYNC))
    throw make_error(env, "ERR_SECCOMP_TSYNC",
                     "thread " + std::to_string(rc) + " could not be synchronised; no filter was applied",
                     0, "seccomp");
  return Napi::Number::New(env, static_cast<double>(rc));  // listener fd with NEW_LISTENER
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
  exports.Set("probeFilterFlags", Napi::Function::New(env, ProbeFilterFlags));
  exports.Set("probeAction", Napi::Function::New(env, ProbeAction));
  exports.Set("setNoNewPrivs", Napi::Function::New(env, SetNoNewPrivs));
  exports.Set("getNoNewPrivs", Napi::Function::New(env, GetNoNewPrivs));
  exports.Set("memfdFromBuffer", Napi::Function::New(env, MemfdFromBuffer));
  exports.Set("pipeCloexec", Napi::Function::New(env, PipeCloexec));
}

}  // namespace seccomp_addon
