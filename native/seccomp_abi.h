// The part of the libseccomp 2.x ABI this package uses, declared by us so that the
// addon builds without libseccomp-dev. libseccomp.so.2 is opened at run time.
//
// Sources of the facts below (values are ABI, stable across 2.x):
//  - enums, action values, struct scmp_arg_cmp, struct scmp_version, prototypes:
//    libseccomp include/seccomp.h.in (v2.5.4 and v2.6.0) and seccomp_init(3),
//    seccomp_rule_add(3), seccomp_attr_set(3), seccomp_export_bpf(3) man pages.
//  - arch tokens are the kernel's AUDIT_ARCH_* values (linux/audit.h, linux/elf-em.h).
//  - notify structs are the kernel's (linux/seccomp.h), which libseccomp re-exports.
#pragma once

#include <cstddef>
#include <cstdint>
#include <linux/seccomp.h>

namespace scmp {

typedef void *filter_ctx;
typedef uint64_t datum_t;

// enum scmp_filter_attr
enum attr : int {
  ATTR_ACT_DEFAULT = 1,
  ATTR_ACT_BADARCH = 2,
  ATTR_CTL_NNP = 3,
  ATTR_CTL_TSYNC = 4,      // 2.2.0
  ATTR_API_TSKIP = 5,      // 2.3.0
  ATTR_CTL_LOG = 6,        // 2.4.0
  ATTR_CTL_SSB = 7,        // 2.4.0
  ATTR_CTL_OPTIMIZE = 8,   // 2.5.0
  ATTR_API_SYSRAWRC = 9,   // 2.5.0
  ATTR_CTL_WAITKILL = 10,  // 2.6.0
};

// enum scmp_compare
enum compare : int {
  CMP_NE = 1,
  CMP_LT = 2,
  CMP_LE = 3,
  CMP_EQ = 4,
  CMP_GE = 5,
  CMP_GT = 6,
  CMP_MASKED_EQ = 7,
};

struct arg_cmp {
  unsigned int arg;
  compare op;
  datum_t datum_a;
  datum_t datum_b;
};

struct version_t {
  unsigned int major;
  unsigned int minor;
  unsigned int micro;
};

// Action values (SCMP_ACT_*), identical to the kernel's SECCOMP_RET_*.
constexpr uint32_t ACT_KILL_PROCESS = 0x80000000U;
constexpr uint32_t ACT_KILL_THREAD = 0x00000000U;
constexpr uint32_t ACT_TRAP = 0x00030000U;
constexpr uint32_t ACT_ERRNO_BASE = 0x00050000U;
constexpr uint32_t ACT_NOTIFY = 0x7fc00000U;
constexpr uint32_t ACT_TRACE_BASE = 0x7ff00000U;
constexpr uint32_t ACT_LOG = 0x7ffc0000U;
constexpr uint32_t ACT_ALLOW = 0x7fff0000U;

// __NR_SCMP_ERROR: what the resolve functions return for an unknown name.
constexpr int NR_SCMP_ERROR = -1;

// Function types, named after the libseccomp symbols.
typedef const version_t *(*fn_version)(void);
typedef unsigned int (*fn_api_get)(void);
typedef int (*fn_api_set)(unsigned int);
typedef filter_ctx (*fn_init)(uint32_t);
typedef int (*fn_reset)(filter_ctx, uint32_t);
typedef void (*fn_release)(filter_ctx);
typedef int (*fn_merge)(filter_ctx, filter_ctx);
typedef uint32_t (*fn_arch_resolve_name)(const char *);
typedef uint32_t (*fn_arch_native)(void);
typedef int (*fn_arch_exist)(const filter_ctx, uint32_t);
typedef int (*fn_arch_add)(filter_ctx, uint32_t);
typedef int (*fn_arch_remove)(filter_ctx, uint32_t);
typedef int (*fn_load)(const filter_ctx);
typedef int (*fn_attr_get)(const filter_ctx, attr, uint32_t *);
typedef int (*fn_attr_set)(filter_ctx, attr, uint32_t);
typedef char *(*fn_syscall_resolve_num_arch)(uint32_t, int);
typedef int (*fn_syscall_resolve_name_arch)(uint32_t, const char *);
typedef int (*fn_syscall_priority)(filter_ctx, int, uint8_t);
typedef int (*fn_rule_add_array)(filter_ctx, uint32_t, int, unsigned int, const arg_cmp *);
typedef int (*fn_notify_alloc)(struct seccomp_notif **, struct seccomp_notif_resp **);
typedef void (*fn_notify_free)(struct seccomp_notif *, struct seccomp_notif_resp *);
typedef int (*fn_notify_receive)(int, struct seccomp_notif *);
typedef int (*fn_notify_respond)(int, struct seccomp_notif_resp *);
typedef int (*fn_notify_id_valid)(int, uint64_t);
typedef int (*fn_notify_fd)(const filter_ctx);
typedef int (*fn_export_fd)(const filter_ctx, int);
// 2.6.0 and later: optional.
typedef int (*fn_export_bpf_mem)(const filter_ctx, void *, size_t *);
typedef int (*fn_precompute)(const filter_ctx);
typedef int (*fn_transaction_start)(const filter_ctx);
typedef int (*fn_transaction_commit)(const filter_ctx);
typedef void (*fn_transaction_reject)(const filter_ctx);

}  // namespace scmp
