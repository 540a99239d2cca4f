// Module entry: library-level calls (version, API level, arch and syscall names) and
// registration of the Filter class and the process/notify functions.
#include <cstdlib>

#include "common.h"
#include "filter.h"

namespace seccomp_addon {

void init_process(Napi::Env env, Napi::Object exports);
void init_notify(Napi::Env env, Napi::Object exports);
void init_isolation(Napi::Env env, Napi::Object exports);
void init_caps(Napi::Env env, Napi::Object exports);
void init_supervisor(Napi::Env env, Napi::Object exports);
void init_spawn_direct(Napi::Env env, Napi::Object exports);

namespace {

Napi::Value SetErrorClass(const Napi::CallbackInfo &info) {
  set_error_class(info.Env(), info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

// libraryInfo() -> { major, minor, micro, api, optional: {...} }; throws when missing.
Napi::Value LibraryInfo(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  const scmp::Lib *lib = need_lib(env);
  const scmp::version_t *v = lib->version();
  Napi::Object o = Napi::Object::New(env);
  o.Set("major", v->major);
  o.Set("minor", v->minor);
  o.Set("micro", v->micro);
  o.Set("api", lib->api_get());
  Napi::Object opt = Napi::Object::New(env);
  opt.Set("seccomp_export_bpf_mem", lib->export_bpf_mem != nullptr);
  opt.Set("seccomp_precompute", lib->precompute != nullptr);
  opt.Set("seccomp_transaction_start", lib->transaction_start != nullptr);
  opt.Set("seccomp_transaction_commit", lib->transaction_commit != nullptr);
  opt.Set("seccomp_transaction_reject", lib->transaction_reject != nullptr);
  o.Set("optional", opt);
  return o;
}

Napi::Value ApiSet(const Napi::CallbackInfo &info) {
  const scmp::Lib *lib = need_lib(info.Env());
  int rc = lib->api_set(info[0].As<Napi::Number>().Uint32Value());
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_api_set");
  return info.Env().Undefined();
}

Napi::Value ArchNative(const Napi::CallbackInfo &info) {
  return Napi::Number::New(info.Env(), need_lib(info.Env())->arch_native());
}

// archResolve(name) -> token, or 0 when libseccomp does not know the name.
Napi::Value ArchResolve(const Napi::CallbackInfo &info) {
  const scmp::Lib *lib = need_lib(info.Env());
  std::string name = info[0].As<Napi::String>().Utf8Value();
  return Napi::Number::New(info.Env(), lib->arch_resolve_name(name.c_str()));
}

// resolveSyscall(name, archToken) -> number (-1 = __NR_SCMP_ERROR: unknown).
Napi::Value ResolveSyscall(const Napi::CallbackInfo &info) {
  const scmp::Lib *lib = need_lib(info.Env());
  std::string name = info[0].As<Napi::String>().Utf8Value();
  uint32_t arch = info[1].As<Napi::Number>().Uint32Value();
  return Napi::Number::New(info.Env(), lib->syscall_resolve_name_arch(arch, name.c_str()));
}

// syscallName(nr, archToken) -> string | null
Napi::Value SyscallName(const Napi::CallbackInfo &info) {
  const scmp::Lib *lib = need_lib(info.Env());
  char *name = lib->syscall_resolve_num_arch(info[1].As<Napi::Number>().Uint32Value(),
                                             info[0].As<Napi::Number>().Int32Value());
  if (!name) return info.Env().Null();
  Napi::String s = Napi::String::New(info.Env(), name);
  free(name);
  return s;
}

// checksum64(bytes) -> 16 hex digits of FNV-1a 64: the disk cache's check against damaged
// entries (not against forgery). Native because a startup cannot afford node:crypto's load
// time, nor a cold JavaScript loop over the entry.
Napi::Value Checksum64(const Napi::CallbackInfo &info) {
  Napi::Uint8Array bytes = info[0].As<Napi::Uint8Array>();
  const uint8_t *p = bytes.Data();
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0, n = bytes.ByteLength(); i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3ULL;
  }
  static const char digits[] = "0123456789abcdef";
  char out[16];
  for (int i = 15; i >= 0; i--, h >>= 4) out[i] = digits[h & 15];
  return Napi::String::New(info.Env(), out, 16);
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("checksum64", Napi::Function::New(env, Checksum64));
  exports.Set("setErrorClass", Napi::Function::New(env, SetErrorClass));
  exports.Set("libraryInfo", Napi::Function::New(env, LibraryInfo));
  exports.Set("apiSet", Napi::Function::New(env, ApiSet));
  exports.Set("archNative", Napi::Function::New(env, ArchNative));
  exports.Set("archResolve", Napi::Function::New(env, ArchResolve));
  exports.Set("resolveSyscall", Napi::Function::New(env, ResolveSyscall));
  exports.Set("syscallName", Napi::Function::New(env, SyscallName));
  exports.Set("Filter", Filter::Define(env));
  init_process(env, exports);
  init_notify(env, exports);
  init_isolation(env, exports);
  init_caps(env, exports);
  init_supervisor(env, exports);
  init_spawn_direct(env, exports);
  return exports;
}

}  // namespace

}  // namespace seccomp_addon

static Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  return seccomp_addon::Init(env, exports);
}

NODE_API_MODULE(seccomp, InitModule)
