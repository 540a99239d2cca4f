// Docker's default seccomp profile (moby/profiles seccomp v0.2.3), written as groups of syscalls by
// purpose. The default is to deny with EPERM; what is listed here is allowed, some of it only for an
// arch, a kernel, or a capability. The output is a Docker-format profile object that decides every
// syscall as Docker's `default.json` does, in every context (caps, arch, kernel).

/** A Docker-format `args[]` entry. */
interface ArgRule {
  index: number;
  value: number;
  valueTwo?: number;
  op: 'SCMP_CMP_EQ' | 'SCMP_CMP_LT' | 'SCMP_CMP_GT' | 'SCMP_CMP_MASKED_EQ';
}

/** A Docker-format `includes`/`excludes` filter. */
interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

/** A Docker-format `syscalls[]` entry. */
interface Rule {
  names: string[];
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errnoRet?: number;
  args?: ArgRule[];
  comment?: string;
  includes?: Filter;
  excludes?: Filter;
}

const EPERM = 1;
const ENOSYS = 38;

// ---------------------------------------------------------------------------------------------
// Architectures: a native arch (libseccomp name) and the compat ABIs its kernel also runs, which
// the filter must cover too or a 32-bit call would slip past it (they fall to the default).

const ARCH_FAMILIES: ReadonlyArray<readonly [native: string, compat: readonly string[] | null]> = [
  ['SCMP_ARCH_X86_64', ['SCMP_ARCH_X86', 'SCMP_ARCH_X32']],
  ['SCMP_ARCH_AARCH64', ['SCMP_ARCH_ARM']],
  ['SCMP_ARCH_MIPS64', ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64N32']],
  ['SCMP_ARCH_MIPS64N32', ['SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64']],
  ['SCMP_ARCH_MIPSEL64', ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64N32']],
  ['SCMP_ARCH_MIPSEL64N32', ['SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64']],
  ['SCMP_ARCH_S390X', ['SCMP_ARCH_S390']],
  // No compat ABI: Docker writes these with `subArchitectures: null`.
  ['SCMP_ARCH_RISCV64', null],
  ['SCMP_ARCH_LOONGARCH64', null],
];

// ---------------------------------------------------------------------------------------------
// Allowed everywhere: the ordinary life of a program. None of these reaches past the container's
// own namespaces, or the kernel checks the capability that would make it do so.

const ALWAYS_ALLOWED: Readonly<Record<string, readonly string[]>> = {
  // Reading and writing open descriptors, and moving data between them.
  fileIo: [
    'read', 'write', 'readv', 'writev', 'pread64', 'pwrite64', 'preadv', 'preadv2', 'pwritev', 'pwritev2',
    'lseek', '_llseek', 'sendfile', 'sendfile64', 'splice', 'tee', 'vmsplice', 'copy_file_range',
    'readahead', 'fadvise64', 'fadvise64_64', 'fallocate', 'cachestat',
  ],
  // Descriptor bookkeeping: duplicating, closing, flags, locks, pipes, syncing.
  descriptors: [
    'close', 'close_range', 'dup', 'dup2', 'dup3', 'fcntl', 'fcntl64', 'ioctl', 'flock', 'pipe', 'pipe2',
    'fsync', 'fdatasync', 'sync', 'syncfs', 'sync_file_range', 'ftruncate', 'ftruncate64',
  ],
  // Paths: opening, inspecting and changing files and directories. Ownership and device nodes are
  // still checked by the kernel (CAP_CHOWN, CAP_MKNOD) and by the device cgroup.
  paths: [
    'open', 'openat', 'openat2', 'creat', 'access', 'faccessat', 'faccessat2',
    'stat', 'stat64', 'lstat', 'lstat64', 'fstat', 'fstat64', 'fstatat64', 'newfstatat', 'statx',
    'statfs', 'statfs64', 'fstatfs', 'fstatfs64',
    'chdir', 'fchdir', 'getcwd', 'getdents', 'getdents64',
    'mkdir', 'mkdirat', 'mknod', 'mknodat', 'rmdir', 'rename', 'renameat', 'renameat2',
    'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat', 'readlink', 'readlinkat',
    'truncate', 'truncate64', 'umask',
    'chmod', 'fchmod', 'fchmodat', 'fchmodat2',
    'chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32',
    'utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat',
    // Only makes a handle; opening one (open_by_handle_at) needs CAP_DAC_READ_SEARCH, below.
    'name_to_handle_at',
  ],
  // Extended attributes; the trusted/security namespaces are checked by the kernel.
  xattrs: [
    'getxattr', 'lgetxattr', 'fgetxattr', 'getxattrat',
    'setxattr', 'lsetxattr', 'fsetxattr', 'setxattrat',
    'listxattr', 'llistxattr', 'flistxattr', 'listxattrat',
    'removexattr', 'lremovexattr', 'fremovexattr', 'removexattrat',
  ],
  // Reading the mount table of the container's own mount namespace.
  mountInfo: ['statmount', 'listmount'],
  // Waiting for events: poll/select/epoll, event/signal/timer descriptors, inotify, and marks on an
  // fanotify group (creating the group, fanotify_init, needs CAP_SYS_ADMIN).
  events: [
    'poll', 'ppoll', 'ppoll_time64', 'select', '_newselect', 'pselect6', 'pselect6_time64',
    'epoll_create', 'epoll_create1', 'epoll_ctl', 'epoll_ctl_old', 'epoll_wait', 'epoll_wait_old',
    'epoll_pwait', 'epoll_pwait2',
    'eventfd', 'eventfd2', 'signalfd', 'signalfd4',
    'timerfd_create', 'timerfd_gettime', 'timerfd_gettime64', 'timerfd_settime', 'timerfd_settime64',
    'inotify_init', 'inotify_init1', 'inotify_add_watch', 'inotify_rm_watch', 'fanotify_mark',
  ],
  // Linux native AIO. (io_uring is left out: it is a large attack surface and not needed.)
  asyncIo: [
    'io_setup', 'io_destroy', 'io_submit', 'io_cancel', 'io_getevents', 'io_pgetevents', 'io_pgetevents_time64',
  ],
  // Memory management of the process's own address space.
  memory: [
    'brk', 'mmap', 'mmap2', 'munmap', 'mremap', 'mprotect', 'madvise', 'mincore', 'msync',
    'mlock', 'mlock2', 'mlockall', 'munlock', 'munlockall', 'remap_file_pages',
    'memfd_create', 'memfd_secret', 'membarrier', 'pkey_alloc', 'pkey_free', 'pkey_mprotect',
    'map_shadow_stack', 'mseal',
  ],
  // Processes and threads: creating them (fork/vfork; clone is argument-checked below), running
  // programs, exiting, waiting, futexes, thread-local state, restartable sequences.
  processes: [
    'fork', 'vfork', 'execve', 'execveat', 'exit', 'exit_group', 'wait4', 'waitid', 'waitpid',
    'set_tid_address', 'set_robust_list', 'get_robust_list', 'rseq', 'restart_syscall',
    'futex', 'futex_time64', 'futex_wait', 'futex_wake', 'futex_requeue', 'futex_waitv',
    'get_thread_area', 'set_thread_area', 'prctl', 'getcpu', 'uretprobe', 'riscv_hwprobe',
    'pidfd_open', 'pidfd_send_signal', 'process_mrelease',
  ],
  // Dropping privilege and sandboxing oneself further: capabilities, seccomp, Landlock.
  selfRestriction: [
    'capget', 'capset', 'seccomp', 'landlock_create_ruleset', 'landlock_add_rule', 'landlock_restrict_self',
  ],
  // Scheduling and I/O priority; raising either past the limits needs CAP_SYS_NICE in the kernel.
  scheduling: [
    'sched_yield', 'sched_getaffinity', 'sched_setaffinity', 'sched_getattr', 'sched_setattr',
    'sched_getparam', 'sched_setparam', 'sched_getscheduler', 'sched_setscheduler',
    'sched_get_priority_max', 'sched_get_priority_min', 'sched_rr_get_interval', 'sched_rr_get_interval_time64',
    'getpriority', 'setpriority', 'ioprio_get', 'ioprio_set',
  ],
  // Signals, within what the kernel's permission checks allow.
  signals: [
    'kill', 'tkill', 'tgkill', 'pause', 'sigaltstack', 'sigprocmask', 'sigreturn',
    'rt_sigaction', 'rt_sigpending', 'rt_sigprocmask', 'rt_sigqueueinfo', 'rt_sigreturn', 'rt_sigsuspend',
    'rt_sigtimedwait', 'rt_sigtimedwait_time64', 'rt_tgsigqueueinfo',
  ],
  // Identity: process, group and session ids, and user/group ids (changing them needs CAP_SETUID /
  // CAP_SETGID in the kernel).
  identity: [
    'getpid', 'getppid', 'gettid', 'getpgid', 'getpgrp', 'setpgid', 'getsid', 'setsid',
    'getuid', 'getuid32', 'geteuid', 'geteuid32', 'getgid', 'getgid32', 'getegid', 'getegid32',
    'getresuid', 'getresuid32', 'getresgid', 'getresgid32', 'getgroups', 'getgroups32',
    'setuid', 'setuid32', 'setgid', 'setgid32', 'setreuid', 'setreuid32', 'setregid', 'setregid32',
    'setresuid', 'setresuid32', 'setresgid', 'setresgid32', 'setfsuid', 'setfsuid32', 'setfsgid', 'setfsgid32',
    'setgroups', 'setgroups32',
  ],
  // Resource limits and usage, and what the system is.
  resources: ['getrlimit', 'ugetrlimit', 'setrlimit', 'prlimit64', 'getrusage', 'times', 'sysinfo', 'uname'],
  // Reading clocks, sleeping and timers. adjtimex/clock_adjtime only read the clock without
  // CAP_SYS_TIME; setting it is gated below.
  time: [
    'time', 'gettimeofday', 'clock_gettime', 'clock_gettime64', 'clock_getres', 'clock_getres_time64',
    'clock_nanosleep', 'clock_nanosleep_time64', 'nanosleep', 'adjtimex', 'clock_adjtime', 'clock_adjtime64',
    'alarm', 'getitimer', 'setitimer',
    'timer_create', 'timer_delete', 'timer_getoverrun', 'timer_gettime', 'timer_gettime64',
    'timer_settime', 'timer_settime64',
  ],
  // Sockets once they exist (socket itself is argument-checked below). socketcall multiplexes all of
  // these on 32-bit x86 and cannot be argument-checked, so it is allowed as it is.
  sockets: [
    'socketpair', 'bind', 'connect', 'listen', 'accept', 'accept4', 'shutdown',
    'getsockname', 'getpeername', 'getsockopt', 'setsockopt',
    'send', 'sendto', 'sendmsg', 'sendmmsg', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recvmmsg_time64',
    'socketcall',
  ],
  // System V IPC and POSIX message queues, confined by the container's IPC namespace.
  ipc: [
    'ipc', 'msgget', 'msgsnd', 'msgrcv', 'msgctl', 'semget', 'semop', 'semtimedop', 'semtimedop_time64',
    'semctl', 'shmget', 'shmat', 'shmdt', 'shmctl',
    'mq_open', 'mq_unlink', 'mq_timedsend', 'mq_timedsend_time64', 'mq_timedreceive',
    'mq_timedreceive_time64', 'mq_notify', 'mq_getsetattr',
  ],
  // Entropy.
  random: ['getrandom'],
};

// ---------------------------------------------------------------------------------------------
// Values the argument-checked rules use.

/** socket(2) families a container may not open: AF_ALG (kernel crypto API, a history of bugs) and
 * AF_VSOCK (reaches the hypervisor/host). Every other family is allowed. */
const BLOCKED_SOCKET_FAMILIES = [38 /* AF_ALG */, 40 /* AF_VSOCK */];

/** personality(2) values allowed: the Linux personalities (plain and 32-bit, with and without
 * UNAME26) and 0xffffffff, which only queries. Others (e.g. READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE)
 * weaken the process's own protections. */
const PER_LINUX = 0x0000;
const PER_LINUX32 = 0x0008;
const UNAME26 = 0x0002_0000;
const PERSONALITY_QUERY = 0xffff_ffff;
const ALLOWED_PERSONALITIES = [PER_LINUX, PER_LINUX32, UNAME26, UNAME26 | PER_LINUX32, PERSONALITY_QUERY];

/** clone(2) flags that create namespaces; without CAP_SYS_ADMIN clone is allowed when none is set. */
const CLONE_NEWNS = 0x0002_0000;
const CLONE_NEWCGROUP = 0x0200_0000;
const CLONE_NEWUTS = 0x0400_0000;
const CLONE_NEWIPC = 0x0800_0000;
const CLONE_NEWUSER = 0x1000_0000;
const CLONE_NEWPID = 0x2000_0000;
const CLONE_NEWNET = 0x4000_0000;
const CLONE_NAMESPACE_FLAGS =
  CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;

// ---------------------------------------------------------------------------------------------
// Helpers that build the Docker-format rule objects.

function allow(names: readonly string[], includes?: Filter, excludes?: Filter): Rule {
  const rule: Rule = { names: [...names], action: 'SCMP_ACT_ALLOW' };
  if (includes) rule.includes = includes;
  if (excludes) rule.excludes = excludes;
  return rule;
}

/** Allowed only with every capability in `caps`. */
function allowWithCaps(caps: string[], names: readonly string[]): Rule {
  return allow(names, { caps });
}

/** Allowed only when the native arch is one of `arches` (Docker's names: amd64, arm64, ...). */
function allowOnArches(arches: string[], names: readonly string[]): Rule {
  return allow(names, { arches });
}

/** One rule per allowed value of argument `index`. */
function allowArgEquals(name: string, index: number, values: readonly number[]): Rule[] {
  return values.map((value) => ({
    names: [name],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index, value, op: 'SCMP_CMP_EQ' }],
  }));
}

/** Rules allowing argument `index` to be anything but the `blocked` values: below the lowest, each
 * value in the gaps between them, and above the highest. (Two conditions on one index would be ORed
 * by runc, so a range can't be written as one rule.) */
function allowArgExcept(name: string, index: number, blocked: readonly number[]): Rule[] {
  const sorted = [...new Set(blocked)].sort((a, b) => a - b);
  const rule = (op: ArgRule['op'], value: number): Rule => ({
    names: [name],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index, value, op }],
  });
  const rules = [rule('SCMP_CMP_LT', sorted[0])];
  for (let i = 1; i < sorted.length; i++) {
    for (let v = sorted[i - 1] + 1; v < sorted[i]; v++) rules.push(rule('SCMP_CMP_EQ', v));
  }
  rules.push(rule('SCMP_CMP_GT', sorted[sorted.length - 1]));
  return rules;
}

/** Allowed when `(arg[index] & mask) == 0`, i.e. none of the `mask` bits set. */
function allowFlagsClear(name: string, index: number, mask: number, includes?: Filter, excludes?: Filter): Rule {
  const rule = allow([name], includes, excludes);
  rule.args = [{ index, value: mask, op: 'SCMP_CMP_MASKED_EQ' }];
  return rule;
}

// ---------------------------------------------------------------------------------------------
// Argument-checked, arch-specific, kernel-specific and capability-gated rules.

const ARG_CHECKED: Rule[] = [
  ...allowArgExcept('socket', 0, BLOCKED_SOCKET_FAMILIES),
  ...allowArgEquals('personality', 0, ALLOWED_PERSONALITIES),
];

/** Syscalls that exist only on some arches; allowed where the native arch has them. */
const ARCH_SPECIFIC: Rule[] = [
  allowOnArches(['ppc64le'], ['sync_file_range2', 'swapcontext']),
  allowOnArches(['arm', 'arm64'], [
    'arm_fadvise64_64', 'arm_sync_file_range', 'sync_file_range2', 'breakpoint', 'cacheflush', 'set_tls',
  ]),
  allowOnArches(['amd64', 'x32'], ['arch_prctl']),
  allowOnArches(['amd64', 'x32', 'x86'], ['modify_ldt']),
  allowOnArches(['s390', 's390x'], ['s390_pci_mmio_read', 's390_pci_mmio_write', 's390_runtime_instr']),
  allowOnArches(['riscv64'], ['riscv_flush_icache']),
];

/** Before Linux 4.8 a ptraced process could bypass seccomp, so tracing and cross-process memory
 * access are allowed without CAP_SYS_PTRACE only on 4.8 and later. */
const KERNEL_GATED: Rule[] = [allow(['process_vm_readv', 'process_vm_writev', 'ptrace'], { minKernel: '4.8' })];

const CAP_SYS_ADMIN = 'CAP_SYS_ADMIN';

/** Capability-gated: each group is allowed when the container holds the capability that the
 * group's kernel operations need anyway (Docker's rule: the filter should not forbid what a
 * granted capability permits). */
const CAPABILITY_GATED: Rule[] = [
  // Opening files by handle bypasses path permission checks (the "shocker" escape).
  allowWithCaps(['CAP_DAC_READ_SEARCH'], ['open_by_handle_at']),

  // CAP_SYS_ADMIN: mounts and the new mount API.
  allowWithCaps([CAP_SYS_ADMIN], [
    'mount', 'umount', 'umount2', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount',
    'fspick',
  ]),
  // CAP_SYS_ADMIN: namespaces (entering, leaving, creating them with any clone flags).
  allowWithCaps([CAP_SYS_ADMIN], ['clone', 'clone3', 'setns', 'unshare']),
  // CAP_SYS_ADMIN: host identity of the UTS namespace, and disk quotas.
  allowWithCaps([CAP_SYS_ADMIN], ['sethostname', 'setdomainname', 'quotactl', 'quotactl_fd']),
  // CAP_SYS_ADMIN: kernel observation and instrumentation (BPF, perf, fanotify groups, the kernel
  // log, dcookies) and LSM attributes.
  allowWithCaps([CAP_SYS_ADMIN], [
    'bpf', 'perf_event_open', 'fanotify_init', 'syslog', 'lookup_dcookie',
    'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  ]),

  // Without CAP_SYS_ADMIN, clone may not create namespaces. s390 passes the flags in the second
  // argument, so there the check moves to arg 1.
  allowFlagsClear('clone', 0, CLONE_NAMESPACE_FLAGS, undefined, { caps: [CAP_SYS_ADMIN], arches: ['s390', 's390x'] }),
  {
    ...allowFlagsClear('clone', 1, CLONE_NAMESPACE_FLAGS, { arches: ['s390', 's390x'] }, { caps: [CAP_SYS_ADMIN] }),
    comment: 's390 parameter ordering for clone is different',
  },
  // clone3 passes its flags in memory, which seccomp cannot read; without CAP_SYS_ADMIN it fails with
  // ENOSYS so that libc falls back to clone, whose flags are checked above.
  {
    names: ['clone3'],
    action: 'SCMP_ACT_ERRNO',
    errnoRet: ENOSYS,
    excludes: { caps: [CAP_SYS_ADMIN] },
  },

  allowWithCaps(['CAP_SYS_BOOT'], ['reboot']),
  allowWithCaps(['CAP_SYS_CHROOT'], ['chroot']),
  allowWithCaps(['CAP_SYS_MODULE'], ['init_module', 'finit_module', 'delete_module']),
  allowWithCaps(['CAP_SYS_PACCT'], ['acct']),
  // Inspecting and manipulating other processes (on any kernel, unlike the 4.8 rule above).
  allowWithCaps(['CAP_SYS_PTRACE'], [
    'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'process_madvise',
  ]),
  // Raw I/O port access.
  allowWithCaps(['CAP_SYS_RAWIO'], ['iopl', 'ioperm']),
  // Setting the system clock.
  allowWithCaps(['CAP_SYS_TIME'], ['settimeofday', 'stime', 'clock_settime', 'clock_settime64']),
  allowWithCaps(['CAP_SYS_TTY_CONFIG'], ['vhangup']),
  // NUMA memory policy can affect other workloads on the host.
  allowWithCaps(['CAP_SYS_NICE'], ['get_mempolicy', 'set_mempolicy', 'set_mempolicy_home_node', 'mbind']),
  allowWithCaps(['CAP_SYSLOG'], ['syslog']),
  allowWithCaps(['CAP_BPF'], ['bpf']),
  allowWithCaps(['CAP_PERFMON'], ['perf_event_open']),
];

/** A fresh Docker-format object of Docker's default profile (the caller may change it freely). */
export function dockerDefaultProfile(): Record<string, unknown> {
  const syscalls: Rule[] = [
    allow(Object.values(ALWAYS_ALLOWED).flat()),
    ...KERNEL_GATED,
    ...ARG_CHECKED,
    ...ARCH_SPECIFIC,
    ...CAPABILITY_GATED,
  ];
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    archMap: ARCH_FAMILIES.map(([architecture, compat]) => ({
      architecture,
      subArchitectures: compat ? [...compat] : null,
    })),
    // structuredClone: no rule object or array is shared between two calls or two rules.
    syscalls: structuredClone(syscalls),
  };
}
