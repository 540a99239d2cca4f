// Filter: one libseccomp filter context, owned by a JS object.
#pragma once

#include <napi.h>
#include "lib.h"

namespace seccomp_addon {

class Filter : public Napi::ObjectWrap<Filter> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit Filter(const Napi::CallbackInfo &info);
  ~Filter() override;

 private:
  scmp::filter_ctx ctx_ = nullptr;
  const scmp::Lib *lib_ = nullptr;

  bool live(Napi::Env env);
  Napi::Value Reset(const Napi::CallbackInfo &info);
  Napi::Value Release(const Napi::CallbackInfo &info);
  Napi::Value Released(const Napi::CallbackInfo &info);
  Napi::Value Merge(const Napi::CallbackInfo &info);
  Napi::Value ArchAdd(const Napi::CallbackInfo &info);
  Napi::Value ArchRemove(const Napi::CallbackInfo &info);
  Napi::Value ArchExist(const Napi::CallbackInfo &info);
  Napi::Value AttrGet(const Napi::CallbackInfo &info);
  Napi::Value AttrSet(const Napi::CallbackInfo &info);
  Napi::Value RuleAdd(const Napi::CallbackInfo &info);
  Napi::Value Priority(const Napi::CallbackInfo &info);
  Napi::Value Load(const Napi::CallbackInfo &info);
  Napi::Value ExportBpf(const Napi::CallbackInfo &info);
  Napi::Value ExportPfc(const Napi::CallbackInfo &info);
  Napi::Value NotifyFd(const Napi::CallbackInfo &info);
  Napi::Value Precompute(const Napi::CallbackInfo &info);
};

}  // namespace seccomp_addon
