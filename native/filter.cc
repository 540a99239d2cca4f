#include "filter.h"

#include <sys/mman.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "common.h"

namespace seccomp_addon {

namespace {

// Runs an exporter that writes to a file descriptor, into memory (via a memfd).
std::string export_to_memory(Napi::Env env, scmp::fn_export_fd fn, scmp::filter_ctx ctx,
                             const char *func) {
  int fd = memfd_create("seccomp-export", MFD_CLOEXEC);
  if (fd < 0) throw make_error(env, "", std::string("memfd_create failed"), errno, "memfd_create");
  int rc = fn(ctx, fd);
  std::string out;
  bool ok = rc == 0 && read_all_fd(fd, &out);
  int read_errno = errno;
  close(fd);
  if (rc < 0) throw lib_error(env, rc, func);
  if (!ok) throw make_error(env, "", "reading the exported filter failed", read_errno, func);
  return out;
}

}  // namespace

Napi::Function Filter::Define(Napi::Env env) {
  return DefineClass(env, "NativeFilter",
                     {
                         InstanceMethod("reset", &Filter::Reset),
                         InstanceMethod("release", &Filter::Release),
                         InstanceMethod("released", &Filter::Released),
                         InstanceMethod("merge", &Filter::Merge),
                         InstanceMethod("archAdd", &Filter::ArchAdd),
                         InstanceMethod("archRemove", &Filter::ArchRemove),
                         InstanceMethod("archExist", &Filter::ArchExist),
                         InstanceMethod("attrGet", &Filter::AttrGet),
                         InstanceMethod("attrSet", &Filter::AttrSet),
                         InstanceMethod("ruleAdd", &Filter::RuleAdd),
                         InstanceMethod("priority", &Filter::Priority),
                         InstanceMethod("load", &Filter::Load),
                         InstanceMethod("exportBpf", &Filter::ExportBpf),
                         InstanceMethod("exportPfc", &Filter::ExportPfc),
                         InstanceMethod("notifyFd", &Filter::NotifyFd),
                         InstanceMethod("precompute", &Filter::Precompute),
                     });
}

Filter::Filter(const Napi::CallbackInfo &info) : Napi::ObjectWrap<Filter>(info) {
  Napi::Env env = info.Env();
  lib_ = need_lib(env);
  uint32_t def = info[0].As<Napi::Number>().Uint32Value();
  ctx_ = lib_->init(def);
  if (!ctx_) throw make_error(env, "EINVAL", "seccomp_init failed: invalid default action", 22, "seccomp_init");
}

Filter::~Filter() {
  if (ctx_) lib_->release(ctx_);
  ctx_ = nullptr;
}

bool Filter::live(Napi::Env env) {
  if (!ctx_) throw make_error(env, "ERR_SECCOMP_RELEASED", "the filter has been released");
  return true;
}

Napi::Value Filter::Reset(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->reset(ctx_, info[0].As<Napi::Number>().Uint32Value());
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_reset");
  return info.Env().Undefined();
}

Napi::Value Filter::Release(const Napi::CallbackInfo &info) {
  if (ctx_) lib_->release(ctx_);
  ctx_ = nullptr;
  return info.Env().Undefined();
}

Napi::Value Filter::Released(const Napi::CallbackInfo &info) {
  return Napi::Boolean::New(info.Env(), ctx_ == nullptr);
}

Napi::Value Filter::Merge(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  live(env);
  Filter *other = Filter::Unwrap(info[0].As<Napi::Object>());
  if (!other || other == this) throw Napi::TypeError::New(env, "merge needs another filter");
  other->live(env);
  int rc = lib_->merge(ctx_, other->ctx_);
  if (rc < 0) throw lib_error(env, rc, "seccomp_merge");
  other->ctx_ = nullptr;  // libseccomp released the source context on success
  return env.Undefined();
}

Napi::Value Filter::ArchAdd(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->arch_add(ctx_, info[0].As<Napi::Number>().Uint32Value());
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_arch_add");
  return info.Env().Undefined();
}

Napi::Value Filter::ArchRemove(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->arch_remove(ctx_, info[0].As<Napi::Number>().Uint32Value());
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_arch_remove");
  return info.Env().Undefined();
}

Napi::Value Filter::ArchExist(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->arch_exist(ctx_, info[0].As<Napi::Number>().Uint32Value());
  if (rc == 0) return Napi::Boolean::New(info.Env(), true);
  if (rc == -EEXIST) return Napi::Boolean::New(info.Env(), false);
  throw lib_error(info.Env(), rc, "seccomp_arch_exist");
}

Napi::Value Filter::AttrGet(const Napi::CallbackInfo &info) {
  live(info.Env());
  uint32_t v = 0;
  int rc = lib_->attr_get(ctx_, static_cast<scmp::attr>(info[0].As<Napi::Number>().Int32Value()), &v);
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_attr_get");
  return Napi::Number::New(info.Env(), v);
}

Napi::Value Filter::AttrSet(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->attr_set(ctx_, static_cast<scmp::attr>(info[0].As<Napi::Number>().Int32Value()),
                          info[1].As<Napi::Number>().Uint32Value());
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_attr_set");
  return info.Env().Undefined();
}

// ruleAdd(action, syscallNr, flatConds: [arg, op, a, b, ...], exact, syscallNameForErrors)
Napi::Value Filter::RuleAdd(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  live(env);
  uint32_t action = info[0].As<Napi::Number>().Uint32Value();
  int nr = info[1].As<Napi::Number>().Int32Value();
  Napi::Array flat = info[2].As<Napi::Array>();
  bool exact = info[3].ToBoolean();
  std::string name = info[4].IsString() ? info[4].As<Napi::String>().Utf8Value() : std::to_string(nr);
  uint32_t n = flat.Length() / 4;
  if (n > 6) throw Napi::RangeError::New(env, "at most 6 conditions per rule");
  scmp::arg_cmp conds[6];
  for (uint32_t i = 0; i < n; i++) {
    conds[i].arg = flat.Get(i * 4).As<Napi::Number>().Uint32Value();
    conds[i].op = static_cast<scmp::compare>(flat.Get(i * 4 + 1).As<Napi::Number>().Int32Value());
    get_u64(env, flat.Get(i * 4 + 2), &conds[i].datum_a);
    get_u64(env, flat.Get(i * 4 + 3), &conds[i].datum_b);
  }
  int rc = (exact ? lib_->rule_add_exact_array : lib_->rule_add_array)(ctx_, action, nr, n, conds);
  if (rc < 0)
    throw lib_error(env, rc, exact ? "seccomp_rule_add_exact_array" : "seccomp_rule_add_array",
                    name.c_str());
  return env.Undefined();
}

Napi::Value Filter::Priority(const Napi::CallbackInfo &info) {
  live(info.Env());
  int nr = info[0].As<Napi::Number>().Int32Value();
  int rc = lib_->syscall_priority(ctx_, nr, static_cast<uint8_t>(info[1].As<Napi::Number>().Uint32Value()));
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_syscall_priority");
  return info.Env().Undefined();
}

Napi::Value Filter::Load(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->load(ctx_);
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_load");
  if (rc > 0)  // TSYNC failed: the kernel names the thread that could not be synchronised
    throw make_error(info.Env(), "ERR_SECCOMP_TSYNC",
                     "thread " + std::to_string(rc) + " could not be synchronised; no filter applied",
                     0, "seccomp_load");
  return info.Env().Undefined();
}

Napi::Value Filter::ExportBpf(const Napi::CallbackInfo &info) {
  Napi::Env env = info.Env();
  live(env);
  if (lib_->export_bpf_mem) {
    size_t len = 0;
    int rc = lib_->export_bpf_mem(ctx_, nullptr, &len);
    if (rc < 0) throw lib_error(env, rc, "seccomp_export_bpf_mem");
    Napi::Buffer<uint8_t> buf = Napi::Buffer<uint8_t>::New(env, len);
    rc = lib_->export_bpf_mem(ctx_, buf.Data(), &len);
    if (rc < 0) throw lib_error(env, rc, "seccomp_export_bpf_mem");
    return buf;
  }
  std::string out = export_to_memory(env, lib_->export_bpf, ctx_, "seccomp_export_bpf");
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<const uint8_t *>(out.data()), out.size());
}

Napi::Value Filter::ExportPfc(const Napi::CallbackInfo &info) {
  live(info.Env());
  return Napi::String::New(info.Env(), export_to_memory(info.Env(), lib_->export_pfc, ctx_, "seccomp_export_pfc"));
}

Napi::Value Filter::NotifyFd(const Napi::CallbackInfo &info) {
  live(info.Env());
  int rc = lib_->notify_fd(ctx_);
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_notify_fd");
  return Napi::Number::New(info.Env(), rc);
}

Napi::Value Filter::Precompute(const Napi::CallbackInfo &info) {
  live(info.Env());
  if (!lib_->precompute) return Napi::Boolean::New(info.Env(), false);
  int rc = lib_->precompute(ctx_);
  if (rc < 0) throw lib_error(info.Env(), rc, "seccomp_precompute");
  return Napi::Boolean::New(info.Env(), true);
}

}  // namespace seccomp_addon
