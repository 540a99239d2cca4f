// Errors thrown into JavaScript. The TS layer registers its SeccompError class at load
// time so native errors are real SeccompError instances with stable string codes.
#pragma once

#include <napi.h>
#include <string>

namespace seccomp_addon {

void set_error_class(Napi::Env env, Napi::Function ctor);

// code: stable string code ("EINVAL", "ERR_SECCOMP_LOAD", ...); err: positive errno or 0.
Napi::Error make_error(Napi::Env env, const std::string &code, const std::string &message,
                       int err = 0, const char *func = nullptr, const char *syscall = nullptr);

// For a negative libseccomp return value; the JS side names the code after the errno.
Napi::Error lib_error(Napi::Env env, int rc, const char *func, const char *syscall = nullptr);

}  // namespace seccomp_addon
