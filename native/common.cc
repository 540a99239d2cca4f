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

}  // namespace seccomp_addon
