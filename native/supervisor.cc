// The notify supervisor's native half (src/supervisor/ holds the rest): the listener hand-off
// from the launcher (a socketpair, the fd received with SCM_RIGHTS), an event-driven watch of
// the listener (a libuv poll handle on the Node loop: no thread, nothing blocks), answers and id
// checks by raw ioctl (no libseccomp needed), and reading strings from the target's memory.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <cstring>
#include <linux/seccomp.h>

#include "launcher_protocol.h"
#include "common.h"

namespace seccomp_addon {

namespace {

// socketpairCloexec() -> [parentEnd, childEnd]: the parent keeps the first; the second becomes
// the launcher's LISTEN_FD.
Napi::Value SocketpairCloexec(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    throw make_error(env, "", "socketpair failed", errno, "socketpair");
  }
  Napi::Array out = Napi::Array::New(env, 2);
  out.Set(0u, Napi::Number::New(env, fds[0]));
  out.Set(1u, Napi::Number::New(env, fds[1]));
  return out;
}

// receiveListener(fd) -> listener fd (close-on-exec here), or -1 when the launcher closed the
// socket without sending one (it failed before its filter; its error record says why). Blocks
// like spawn's read of the error record: the launcher sends right after installing its filter.
Napi::Value ReceiveListener(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  int sock = info[0].As<Napi::Number>().Int32Value();
  char byte = 0;
  struct iovec iov = {&byte, 1};
  alignas(struct cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
  struct msghdr m {};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = control;
  m.msg_controllen = sizeof control;
  ssize_t n;
  do n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC); while (n < 0 && errno == EINTR);
  if (n < 0) throw make_error(env, "", "receiving the listener fd failed", errno, "recvmsg");
  int got = -1, extra = 0;
  for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int *fds = reinterpret_cast<int *>(CMSG_DATA(c));
    for (size_t i = 0; i < count; i++) {
      if (got < 0) got = fds[i];
      else { close(fds[i]); extra++; }  // never keep what we did not ask for
    }
  }
  if (n == 0 && got < 0) return Napi::Number::New(env, -1);
  if (got < 0 || byte != LP_LISTENER_BYTE || extra || (m.msg_flags & MSG_CTRUNC)) {
    if (got >= 0) close(got);
    throw make_error(env, "ERR_SECCOMP_LOAD", "the launcher's listener hand-off was malformed", EPROTO, "recvmsg");
  }
  return Napi::Number::New(env, got);
}

// new ListenerWatch(fd, callback): owns fd from now on. callback(notification) for each
// notification; callback(null, errno) once at the end: errno 0 when the listener hung up (no
// task uses the filter any more: the whole tree has exited), else why receiving failed. After
// the end, or close(), the fd is closed and nothing more is called.
class ListenerWatch : public Napi::ObjectWrap<ListenerWatch> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "ListenerWatch", {InstanceMethod("close", &ListenerWatch::Close)});
  }

  explicit ListenerWatch(const Napi::CallbackInfo &info) : Napi::ObjectWrap<ListenerWatch>(info) {
    Napi::Env env = info.Env();
    fd_ = info[0].As<Napi::Number>().Int32Value();
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    context_ = new Napi::AsyncContext(env, "seccomp:notify");
    try {
      poll_ = start_poll(env, fd_, UV_READABLE | UV_DISCONNECT, &ListenerWatch::OnPoll, this, "watching the listener");
    } catch (...) {
      close(fd_);
      fd_ = -1;
      throw;
    }
    Ref();  // alive while polling, whatever JavaScript keeps
  }

  ~ListenerWatch() override { delete context_; }

 private:
  // Stops polling and closes the fd; the handle is freed by libuv afterwards.
  void Stop() {
    if (!poll_) return;
    stop_poll(poll_);
    poll_ = nullptr;
    close(fd_);
    fd_ = -1;
    Unref();
  }

  Napi::Value Close(const Napi::CallbackInfo &info) {
    Stop();
    return info.Env().Undefined();
  }

  void Deliver(Napi::Env env, napi_value arg0, napi_value arg1) {
    try {
      callback_.MakeCallback(Value(), {arg0, arg1}, *context_);
    } catch (const Napi::Error &e) {
      napi_fatal_exception(env, e.Value());
    }
  }

  void End(int err) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    Stop();
    Deliver(env, env.Null(), Napi::Number::New(env, err));
  }

  static void OnPoll(uv_poll_t *h, int status, int events) {
    auto *self = static_cast<ListenerWatch *>(h->data);
    if (!self) return;
    self->Drain(status);
  }

  // Receives what is pending (at most a batch, so that other handles get their turn).
  void Drain(int status) {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (status < 0) return End(-status);
    for (int i = 0; i < 64 && poll_; i++) {
      // Only receive what poll says is there: RECV blocks when nothing is pending.
      struct pollfd p = {fd_, POLLIN, 0};
      int rc;
      do rc = poll(&p, 1, 0); while (rc < 0 && errno == EINTR);
      if (rc < 0) return End(errno);
      if (rc == 0) return;
      if (!(p.revents & POLLIN)) {
        if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) return End(p.revents & POLLNVAL ? EBADF : 0);
        return;
      }
      struct seccomp_notif n;
      memset(&n, 0, sizeof n);
      do rc = ioctl(fd_, SECCOMP_IOCTL_NOTIF_RECV, &n); while (rc < 0 && errno == EINTR);
      if (rc < 0) {
        if (errno == ENOENT) continue;  // withdrawn: the task was killed before we got it
        return End(errno);
      }
      Napi::HandleScope each(env);
      Deliver(env, NotificationObject(env, n), env.Undefined());
    }
  }

  int fd_ = -1;
  uv_poll_t *poll_ = nullptr;
  Napi::FunctionReference callback_;
  Napi::AsyncContext *context_ = nullptr;
};

// notifySend(fd, id, val, error, flags) -> 0, or the errno (ENOENT: the target is gone or was
// interrupted; the caller decides what that means).
Napi::Value NotifySend(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  struct seccomp_notif_resp r;
  memset(&r, 0, sizeof r);
  uint64_t id = 0;
  get_u64(env, info[1], &id);
  bool lossless = false;
  r.id = id;
  r.val = info[2].As<Napi::BigInt>().Int64Value(&lossless);
  r.error = info[3].As<Napi::Number>().Int32Value();
  r.flags = info[4].As<Napi::Number>().Uint32Value();
  int rc;
  do rc = ioctl(info[0].As<Napi::Number>().Int32Value(), SECCOMP_IOCTL_NOTIF_SEND, &r); while (rc < 0 && errno == EINTR);
  return Napi::Number::New(env, rc < 0 ? errno : 0);
}

// notifyIdAlive(fd, id) -> boolean: the notification is still pending and its task alive.
Napi::Value NotifyIdAlive(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  uint64_t id = 0;
  get_u64(env, info[1], &id);
  int rc = ioctl(info[0].As<Napi::Number>().Int32Value(), SECCOMP_IOCTL_NOTIF_ID_VALID, &id);
  return Napi::Boolean::New(env, rc == 0);
}

// readTargetString(pid, addr, max) -> Buffer up to and with the first NUL (without one when
// max bytes had none), or the errno when nothing could be read. Page by page, so that a
// string that ends just before an unmapped page is read whole.
Napi::Value ReadTargetString(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  uint64_t addr = 0;
  get_u64(env, info[1], &addr);
  size_t max = info[2].As<Napi::Number>().Uint32Value();
  std::string out;
  const uint64_t page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  while (out.size() < max) {
    size_t want = static_cast<size_t>(page - (addr % page));
    if (want > max - out.size()) want = max - out.size();
    char buf[65536];
    if (want > sizeof buf) want = sizeof buf;
    struct iovec local = {buf, want};
    struct iovec remote = {reinterpret_cast<void *>(addr), want};
    ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
    if (n <= 0) {
      if (out.empty()) return Napi::Number::New(env, n < 0 ? errno : EFAULT);
      break;
    }
    const char *nul = static_cast<const char *>(memchr(buf, 0, static_cast<size_t>(n)));
    if (nul) {
      out.append(buf, static_cast<size_t>(nul - buf) + 1);
      break;
    }
    out.append(buf, static_cast<size_t>(n));
    addr += static_cast<uint64_t>(n);
  }
  return Napi::Buffer<char>::Copy(env, out.data(), out.size());
}

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif

// pidfdOpen(pid) -> a pidfd (close-on-exec, as pidfd_open makes it), or -errno. With a pidfd the
// caller can check that the process is still the one it means before signalling it.
Napi::Value PidfdOpen(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  long fd = syscall(SYS_pidfd_open, static_cast<pid_t>(info[0].As<Napi::Number>().Int32Value()), 0u);
  return Napi::Number::New(env, fd < 0 ? -errno : static_cast<double>(fd));
}

// pidfdSendSignal(pidfd, sig) -> 0, or the errno.
Napi::Value PidfdSendSignal(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  long rc = syscall(SYS_pidfd_send_signal, info[0].As<Napi::Number>().Int32Value(),
                    info[1].As<Napi::Number>().Int32Value(), nullptr, 0u);
  return Napi::Number::New(env, rc < 0 ? errno : 0);
}

}  // namespace

void init_supervisor(Napi::Env env, Napi::Object exports) {
  exports.Set("socketpairCloexec", Napi::Function::New(env, SocketpairCloexec));
  exports.Set("receiveListener", Napi::Function::New(env, ReceiveListener));
  exports.Set("ListenerWatch", ListenerWatch::Define(env));
  exports.Set("notifySend", Napi::Function::New(env, NotifySend));
  exports.Set("notifyIdAlive", Napi::Function::New(env, NotifyIdAlive));
  exports.Set("readTargetString", Napi::Function::New(env, ReadTargetString));
  exports.Set("pidfdOpen", Napi::Function::New(env, PidfdOpen));
  exports.Set("pidfdSendSignal", Napi::Function::New(env, PidfdSendSignal));
}

}  // namespace seccomp_addon
