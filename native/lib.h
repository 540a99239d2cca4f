// Run-time binding to the system's libseccomp.so.2 (dlopen), so the addon needs no
// libseccomp headers or archive at build time.
#pragma once

#include <string>
#include "seccomp_abi.h"

namespace scmp {

struct Lib {
  fn_version version;
  fn_api_get api_get;
  fn_api_set api_set;
  fn_init init;
  fn_reset reset;
  fn_release release;
  fn_merge merge;
  fn_arch_resolve_name arch_resolve_name;
  fn_arch_native arch_native;
  fn_arch_exist arch_exist;
  fn_arch_add arch_add;
  fn_arch_remove arch_remove;
  fn_load load;
  fn_attr_get attr_get;
  fn_attr_set attr_set;
  fn_syscall_resolve_num_arch syscall_resolve_num_arch;
  fn_syscall_resolve_name_arch syscall_resolve_name_arch;
  fn_syscall_priority syscall_priority;
  fn_rule_add_array rule_add_array;
  fn_rule_add_array rule_add_exact_array;
  fn_notify_alloc notify_alloc;
  fn_notify_free notify_free;
  fn_notify_receive notify_receive;
  fn_notify_respond notify_respond;
  fn_notify_id_valid notify_id_valid;
  fn_notify_fd notify_fd;
  fn_export_fd export_pfc;
  fn_export_fd export_bpf;
  // Optional (libseccomp >= 2.6.0); null when absent.
  fn_export_bpf_mem export_bpf_mem;
  fn_precompute precompute;
  fn_transaction_start transaction_start;
  fn_transaction_commit transaction_commit;
  fn_transaction_reject transaction_reject;
};

// Returns the loaded library, or nullptr with *error set (dlopen/dlsym message).
const Lib *load_lib(std::string *error);

}  // namespace scmp
