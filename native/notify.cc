// User-space notification: receive (off the event loop), respond, and id validity.
#include <poll.h>

#include <cerrno>
#include <cstring>

#include "common.h"

namespace seccomp_addon {

namespace {

// Waits (poll) up to timeout_ms for a notification on fd, then receives it.
class ReceiveWorker : public Napi::AsyncWorker {
 public:
  ReceiveWorker(Napi::Env env, const scmp::Lib *lib, int fd, int timeout_ms)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), lib_(lib), fd_(fd),
        timeout_ms_(timeout_ms) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    struct pollfd p = {fd_, POLLIN, 0};
    int rc;
    do rc = poll(&p, 1, timeout_ms_); while (rc < 0 && errno == EINTR);
    if (rc < 0) { err_ = errno; func_ = "poll"; return; }
    if (rc == 0) { timed_out_ = true; return; }
    if (p.revents & (POLLHUP | POLLERR | POLLNVAL)) {
      if (!(p.revents & POLLIN)) { err_ = (p.revents & POLLNVAL) ? EBADF : ENOENT; func_ = "poll"; return; }
    }
    struct seccomp_notif *req = nullptr;
    struct seccomp_notif_resp *resp = nullptr;
    rc = lib_->notify_alloc(&req, &resp);
    if (rc < 0) { err_ = -rc; func_ = "seccomp_notify_alloc"; return; }
    rc = lib_->notify_receive(fd_, req);
    if (rc < 0) { err_ = -rc; func_ = "seccomp_notify_receive"; }
    else got_ = *req;
    lib_->notify_free(req, resp);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (err_) {
      deferred_.Reject(make_error(env, "", std::string(func_) + " failed: " + strerror(err_), err_, func_).Value());
      return;
    }
    if (timed_out_) { deferred_.Resolve(env.Null()); return; }
    deferred_.Resolve(NotificationObject(env, got_));
  }

  void OnError(const Napi::Error &e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  const scmp::Lib *lib_;
  int fd_;
  int timeout_ms_;
  int err_ = 0;
  const char *func_ = "";
  bool timed_out_ = false;
  struct seccomp_notif got_ {};
};

// notifyReceive(fd, timeoutMs) -> Promise<notification | null>
Napi::Value NotifyReceive(const Napi::CallbackInfo &info) {
  const scmp::Lib *lib = need_lib(info.Env());
  auto *w = new ReceiveWorker(info.Env(), lib, info[0].As<Napi::Number>().Int32Value(),
                              info[1].As<Napi::Number>().Int32Value());
  Napi::Promise p = w->Promise();
  w->Queue();
  return p;
}

// notifyRespond(fd, id, val, error, flags)
Napi::Value NotifyRespond(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const scmp::Lib *lib = need_lib(env);
  int fd = info[0].As<Napi::Number>().Int32Value();
  uint64_t id = 0;
  get_u64(env, info[1], &id);
  bool lossless = false;
  int64_t val = info[2].As<Napi::BigInt>().Int64Value(&lossless);
  struct seccomp_notif *req = nullptr;
  struct seccomp_notif_resp *resp = nullptr;
  int rc = lib->notify_alloc(&req, &resp);
  if (rc < 0) throw lib_error(env, rc, "seccomp_notify_alloc");
  resp->id = id;
  resp->val = val;
  resp->error = info[3].As<Napi::Number>().Int32Value();
  resp->flags = info[4].As<Napi::Number>().Uint32Value();
  rc = lib->notify_respond(fd, resp);
  lib->notify_free(req, resp);
  if (rc < 0) throw lib_error(env, rc, "seccomp_notify_respond");
  return env.Undefined();
}

// notifyIdValid(fd, id) -> boolean
Napi::Value NotifyIdValid(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const scmp::Lib *lib = need_lib(env);
  uint64_t id = 0;
  get_u64(env, info[1], &id);
  int rc = lib->notify_id_valid(info[0].As<Napi::Number>().Int32Value(), id);
  if (rc == 0) return Napi::Boolean::New(env, true);
  if (rc == -ENOENT) return Napi::Boolean::New(env, false);
  throw lib_error(env, rc, "seccomp_notify_id_valid");
}

}  // namespace

Napi::Object NotificationObject(Napi::Env env, const struct seccomp_notif &n) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("id", Napi::BigInt::New(env, static_cast<uint64_t>(n.id)));
  o.Set("pid", Napi::Number::New(env, n.pid));
  o.Set("flags", Napi::Number::New(env, n.flags));
  o.Set("syscall", Napi::Number::New(env, n.data.nr));
  o.Set("arch", Napi::Number::New(env, n.data.arch));
  o.Set("instructionPointer", Napi::BigInt::New(env, static_cast<uint64_t>(n.data.instruction_pointer)));
  Napi::Array args = Napi::Array::New(env, 6);
  for (uint32_t i = 0; i < 6; i++) args.Set(i, Napi::BigInt::New(env, static_cast<uint64_t>(n.data.args[i])));
  o.Set("args", args);
  return o;
}

void init_notify(Napi::Env env, Napi::Object exports) {
  exports.Set("notifyReceive", Napi::Function::New(env, NotifyReceive));
  exports.Set("notifyRespond", Napi::Function::New(env, NotifyRespond));
  exports.Set("notifyIdValid", Napi::Function::New(env, NotifyIdValid));
}

}  // namespace seccomp_addon
