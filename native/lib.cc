#include "lib.h"

#include <dlfcn.h>
#include <mutex>

namespace scmp {

namespace {

Lib g_lib;
const Lib *g_loaded = nullptr;
std::string g_error;
std::once_flag g_once;

template <typename T>
bool sym(void *h, const char *name, T *out, bool required, std::string *err) {
  *out = reinterpret_cast<T>(dlsym(h, name));
  if (!*out && required) {
    *err = std::string("libseccomp.so.2 lacks ") + name;
    return false;
  }
  return true;
}

void do_load() {
  void *h = dlopen("libseccomp.so.2", RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char *e = dlerror();
    g_error = e ? e : "dlopen(libseccomp.so.2) failed";
    return;
  }
  Lib l{};
  std::string err;
  bool ok = sym(h, "seccomp_version", &l.version, true, &err) &&
            sym(h, "seccomp_api_get", &l.api_get, true, &err) &&
            sym(h, "seccomp_api_set", &l.api_set, true, &err) &&
            sym(h, "seccomp_init", &l.init, true, &err) &&
            sym(h, "seccomp_reset", &l.reset, true, &err) &&
            sym(h, "seccomp_release", &l.release, true, &err) &&
            sym(h, "seccomp_merge", &l.merge, true, &err) &&
            sym(h, "seccomp_arch_resolve_name", &l.arch_resolve_name, true, &err) &&
            sym(h, "seccomp_arch_native", &l.arch_native, true, &err) &&
            sym(h, "seccomp_arch_exist", &l.arch_exist, true, &err) &&
            sym(h, "seccomp_arch_add", &l.arch_add, true, &err) &&
            sym(h, "seccomp_arch_remove", &l.arch_remove, true, &err) &&
            sym(h, "seccomp_load", &l.load, true, &err) &&
            sym(h, "seccomp_attr_get", &l.attr_get, true, &err) &&
            sym(h, "seccomp_attr_set", &l.attr_set, true, &err) &&
            sym(h, "seccomp_syscall_resolve_num_arch", &l.syscall_resolve_num_arch, true, &err) &&
            sym(h, "seccomp_syscall_resolve_name_arch", &l.syscall_resolve_name_arch, true, &err) &&
            sym(h, "seccomp_syscall_priority", &l.syscall_priority, true, &err) &&
            sym(h, "seccomp_rule_add_array", &l.rule_add_array, true, &err) &&
            sym(h, "seccomp_rule_add_exact_array", &l.rule_add_exact_array, true, &err) &&
            sym(h, "seccomp_notify_alloc", &l.notify_alloc, true, &err) &&
            sym(h, "seccomp_notify_free", &l.notify_free, true, &err) &&
            sym(h, "seccomp_notify_receive", &l.notify_receive, true, &err) &&
            sym(h, "seccomp_notify_respond", &l.notify_respond, true, &err) &&
            sym(h, "seccomp_notify_id_valid", &l.notify_id_valid, true, &err) &&
            sym(h, "seccomp_notify_fd", &l.notify_fd, true, &err) &&
            sym(h, "seccomp_export_pfc", &l.export_pfc, true, &err) &&
            sym(h, "seccomp_export_bpf", &l.export_bpf, true, &err) &&
            sym(h, "seccomp_export_bpf_mem", &l.export_bpf_mem, false, &err) &&
            sym(h, "seccomp_precompute", &l.precompute, false, &err) &&
            sym(h, "seccomp_transaction_start", &l.transaction_start, false, &err) &&
            sym(h, "seccomp_transaction_commit", &l.transaction_commit, false, &err) &&
            sym(h, "seccomp_transaction_reject", &l.transaction_reject, false, &err);
  if (!ok) {
    g_error = err;
    dlclose(h);
    return;
  }
  // The ABI is 2.x; this package needs 2.5 or later.
  const version_t *v = l.version();
  if (!v || v->major != 2 || v->minor < 5) {
    g_error = "libseccomp 2.5 or later is required";
    dlclose(h);
    return;
  }
  g_lib = l;
  g_loaded = &g_lib;
}

}  // namespace

const Lib *load_lib(std::string *error) {
  std::call_once(g_once, do_load);
  if (!g_loaded && error) *error = g_error;
  return g_loaded;
}

}  // namespace scmp
