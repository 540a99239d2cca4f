#include "common.h"

#include <unistd.h>

namespace seccomp_addon {

const scmp::Lib *need_lib(Napi::Env env) {
  std::string err;
  const scmp::Lib *l = scmp::load_lib(&err);
  if (!l) {
    throw make_error(env, "ERR_SECCOMP_LIBRARY_MISSING",
               "libseccomp.so.2 could not be loaded (" + err +
                   "). Install the libseccomp runtime library: libseccomp2 on Debian/Ubuntu "
                   "(apt-get install libseccomp2), libseccomp on Fedora (dnf install libseccomp), "
                   "libseccomp on Alpine (apk add libseccomp).");
  }
  return l;
}

bool get_u64(Napi::Env env, Napi::Value v, uint64_t *out) {
  if (v.IsBigInt()) {
    bool lossless = false;
    *out = v.As<Napi::BigInt>().Uint64Value(&lossless);
    if (lossless) return true;
  } else if (v.IsNumber()) {
    double d = v.As<Napi::Number>().DoubleValue();
    if (d >= 0 && d <= 9007199254740991.0 && d == static_cast<double>(static_cast<uint64_t>(d))) {
      *out = static_cast<uint64_t>(d);
      return true;
    }
  }
  throw Napi::RangeError::New(env, "expected an unsigned 64-bit integer");
}

bool read_all_fd(int fd, std::string *out) {
  if (lseek(fd, 0, SEEK_SET) < 0) return false;
  char buf[16384];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) return false;
    if (n == 0) return true;
    out->append(buf, static_cast<size_t>(n));
  }
}

namespace {
void freed(uv_handle_t *h) { delete reinterpret_cast<uv_poll_t *>(h); }
}  // namespace

uv_poll_t *start_poll(Napi::Env env, int fd, int events, uv_poll_cb cb, void *data, const char *what) {
  uv_loop_t *loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) throw Napi::Error::New(env, "no event loop");
  auto *poll = new uv_poll_t;
  int rc = uv_poll_init(loop, poll, fd);
  if (rc != 0) {
    delete poll;
  } else {
    poll->data = data;
    rc = uv_poll_start(poll, events, cb);
    if (rc != 0) uv_close(reinterpret_cast<uv_handle_t *>(poll), freed);
  }
  if (rc != 0) throw make_error(env, "", std::string(what) + " failed: " + uv_strerror(rc), -rc, "uv_poll_start");
  return poll;
}

void stop_poll(uv_poll_t *poll) {
  uv_poll_stop(poll);
  poll->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t *>(poll), freed);
}

}  // namespace seccomp_addon
