// Shared helpers for the addon's native files.
#pragma once

#include <napi.h>
#include <uv.h>
#include "errors.h"
#include "lib.h"

namespace seccomp_addon {

// The loaded libseccomp; throws ERR_SECCOMP_LIBRARY_MISSING when it cannot be loaded.
const scmp::Lib *need_lib(Napi::Env env);

// Reads a bigint (or safe-integer number) as an exact uint64; throws RangeError otherwise.
bool get_u64(Napi::Env env, Napi::Value v, uint64_t *out);

// Writes a whole file descriptor's contents (from offset 0) into a string.
bool read_all_fd(int fd, std::string *out);

// A notification as JS sees it ({ id, pid, flags, syscall, arch, instructionPointer, args });
// shared by the low-level receive (notify.cc) and the supervisor (supervisor.cc).
Napi::Object NotificationObject(Napi::Env env, const struct seccomp_notif &n);

// A libuv poll on fd for `events`, started on env's loop, its data set to `data`; throws (fd left
// to the caller) when it cannot be. stop_poll ends one and frees it once libuv is done with it.
uv_poll_t *start_poll(Napi::Env env, int fd, int events, uv_poll_cb cb, void *data, const char *what);
void stop_poll(uv_poll_t *poll);

}  // namespace seccomp_addon
