#include "errors.h"

#include <cerrno>
#include <cstring>

namespace seccomp_addon {

// The SeccompError constructor is kept per environment (instance data): each worker
// thread that loads the addon has its own, and a reference must not cross environments.
void set_error_class(Napi::Env env, Napi::Function ctor) {
  env.SetInstanceData<Napi::FunctionReference>(new Napi::FunctionReference(Napi::Persistent(ctor)));
}

Napi::Error make_error(Napi::Env env, const std::string &code, const std::string &message,
                       int err, const char *func, const char *syscall) {
  Napi::Object props = Napi::Object::New(env);
  if (!code.empty()) props.Set("code", code);
  if (err) props.Set("errno", Napi::Number::New(env, err));
  if (func) props.Set("func", func);
  if (syscall) props.Set("syscall", syscall);
  Napi::FunctionReference *ctor = env.GetInstanceData<Napi::FunctionReference>();
  if (ctor && !ctor->IsEmpty()) {
    Napi::Value e = ctor->New({Napi::String::New(env, message), props});
    if (!env.IsExceptionPending() && e.IsObject()) return Napi::Error(env, e);
  }
  Napi::Error e = Napi::Error::New(env, message);
  e.Set("code", code.empty() ? std::string("ERR_SECCOMP_ERRNO_") + std::to_string(err) : code);
  if (err) e.Set("errno", Napi::Number::New(env, err));
  if (func) e.Set("func", func);
  if (syscall) e.Set("syscall", syscall);
  return e;
}

Napi::Error lib_error(Napi::Env env, int rc, const char *func, const char *syscall) {
  int err = rc < 0 ? -rc : rc;
  std::string msg = std::string(func) + " failed: " + strerror(err);
  if (syscall) msg += std::string(" (syscall ") + syscall + ")";
  return make_error(env, "", msg, err, func, syscall);
}

}  // namespace seccomp_addon
