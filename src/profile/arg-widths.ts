// How many bits of each syscall argument the kernel reads, written from the kernel's
// SYSCALL_DEFINE prototypes. A 64-bit ABI passes every argument in a 64-bit register, but the
// syscall wrappers cast it to the declared type: an `int` family in socket(2) is the register's
// low 32 bits, whatever the high ones hold. libseccomp compares all 64, so a rule on such an
// argument can be stepped around by setting high bits the kernel never looks at.
//
// One letter per argument, in order:
//   i  32 bits: int, unsigned int, pid_t, uid_t, gid_t, key_t, key_serial_t, clockid_t, timer_t,
//      mqd_t, qid_t, rwf_t, u32, enum
//   m  16 bits: umode_t
//   l  64 bits: long, unsigned long, pointers, size_t, off_t, loff_t, u64, aio_context_t
// Arguments past the end of a string, and syscalls not listed, are read as 64 bits (compared as
// libseccomp does). The prototypes are the native 64-bit ones (x86_64, aarch64, ... share them);
// ARCH_OVERRIDES holds the ones that differ by arch. A 32-bit ABI's arguments are 32 bits, so
// there only `m` narrows anything.
//
// Declared types are followed with one exception the kernel spells out: clone(2) declares its
// flags `unsigned long` but reads lower_32_bits(clone_flags) (kernel/fork.c, since 5.3).

/** Letters per syscall name. */
const PROTOTYPES: Readonly<Record<string, string>> = Object.freeze({
  // files and descriptors
  read: 'ill', write: 'ill', open: 'lim', close: 'i', fstat: 'il', poll: 'lii', lseek: 'ili',
  ioctl: 'iil', pread64: 'illl', pwrite64: 'illl', access: 'li', select: 'illll', dup: 'i', dup2: 'ii',
  dup3: 'iii', fcntl: 'iil', flock: 'ii', fsync: 'i', fdatasync: 'i', ftruncate: 'il', getdents: 'ili',
  getdents64: 'ili', fchdir: 'i', mkdir: 'lm', creat: 'lm', readlink: 'lli', chmod: 'lm', fchmod: 'im',
  chown: 'lii', fchown: 'iii', lchown: 'lii', umask: 'i', mknod: 'lmi', fstatfs: 'il', ustat: 'il',
  openat: 'ilim', mkdirat: 'ilm', mknodat: 'ilmi', fchownat: 'iliii', futimesat: 'ill', newfstatat: 'illi',
  unlinkat: 'ili', renameat: 'ilil', renameat2: 'ilili', linkat: 'ilili', symlinkat: 'lil',
  readlinkat: 'illi', fchmodat: 'ilm', fchmodat2: 'ilmi', faccessat: 'ili', faccessat2: 'ilii',
  pselect6: 'illlll', ppoll: 'lilll', splice: 'ililli', tee: 'iili', sync_file_range: 'illi',
  vmsplice: 'illi', utimensat: 'illi', fallocate: 'iill', readahead: 'ill', fadvise64: 'illi',
  sendfile: 'iill', copy_file_range: 'ililli', preadv2: 'llllli', pwritev2: 'llllli', statx: 'iliil',
  name_to_handle_at: 'illli', open_by_handle_at: 'ili', syncfs: 'i', openat2: 'illl', close_range: 'iii',
  cachestat: 'illi', swapon: 'li', umount2: 'li', sethostname: 'li', setdomainname: 'li',
  delete_module: 'li', finit_module: 'ili', init_module: 'lll', quotactl: 'ilil', quotactl_fd: 'iiil',
  memfd_create: 'li', memfd_secret: 'i', mq_open: 'liml', mq_timedsend: 'illil', mq_timedreceive: 'illll',
  mq_notify: 'il', mq_getsetattr: 'ill', inotify_init1: 'i', inotify_add_watch: 'ili',
  inotify_rm_watch: 'ii', fanotify_init: 'ii', fanotify_mark: 'iilil', epoll_create: 'i',
  epoll_create1: 'i', epoll_ctl: 'iiil', epoll_wait: 'ilii', epoll_pwait: 'iliill', epoll_pwait2: 'ililll',
  eventfd: 'i', eventfd2: 'ii', signalfd: 'ill', signalfd4: 'illi', timerfd_create: 'ii',
  timerfd_settime: 'iill', timerfd_gettime: 'il', pipe2: 'li', userfaultfd: 'i',
  fsetxattr: 'illli', fgetxattr: 'illl', flistxattr: 'ill', fremovexattr: 'il', setxattr: 'lllli',
  lsetxattr: 'lllli', setxattrat: 'ililll', getxattrat: 'ililll', listxattrat: 'ilill',
  removexattrat: 'ilil', file_getattr: 'illli', file_setattr: 'illli',
  // mounts
  open_tree: 'ili', open_tree_attr: 'ilill', move_mount: 'ilili', fsopen: 'li', fsconfig: 'iilli',
  fsmount: 'iii', fspick: 'ili', mount_setattr: 'ilill', statmount: 'llli', listmount: 'llli',
  listns: 'llli',
  // memory
  msync: 'lli', madvise: 'lli', mlockall: 'i', mlock2: 'lli', pkey_mprotect: 'llli', pkey_free: 'i',
  mbind: 'llllli', set_mempolicy: 'ill', migrate_pages: 'illl', move_pages: 'illlli',
  process_madvise: 'illii', process_mrelease: 'ii', map_shadow_stack: 'lli',
  // processes, signals, scheduling
  clone: 'illll', exit: 'i', exit_group: 'i', wait4: 'ilil', waitid: 'iilil', kill: 'ii', tkill: 'ii',
  tgkill: 'iii', rt_sigaction: 'illl', rt_sigprocmask: 'illl', rt_sigqueueinfo: 'iil',
  rt_tgsigqueueinfo: 'iiil', pidfd_open: 'ii', pidfd_send_signal: 'iili', pidfd_getfd: 'iii',
  personality: 'i', prctl: 'illll', arch_prctl: 'il', setns: 'ii', execveat: 'illli', alarm: 'i',
  getitimer: 'il', setitimer: 'ill', getpriority: 'ii', setpriority: 'iii', sched_setparam: 'il',
  sched_getparam: 'il', sched_setscheduler: 'iil', sched_getscheduler: 'i', sched_get_priority_max: 'i',
  sched_get_priority_min: 'i', sched_rr_get_interval: 'il', sched_setaffinity: 'iil',
  sched_getaffinity: 'iil', sched_setattr: 'ili', sched_getattr: 'ilii', get_robust_list: 'ill',
  kcmp: 'iiill', process_vm_readv: 'illlll', process_vm_writev: 'illlll', perf_event_open: 'liiil',
  ioprio_set: 'iii', ioprio_get: 'ii', getrlimit: 'il', setrlimit: 'il', prlimit64: 'iill',
  getrusage: 'il', syslog: 'ili', sysfs: 'ill', reboot: 'iiil', iopl: 'i', ioperm: 'lli', modify_ldt: 'ill',
  kexec_file_load: 'iilll', seccomp: 'iil', bpf: 'ili', membarrier: 'iii', rseq: 'liii', getrandom: 'lli',
  futex: 'liilli', futex_waitv: 'liili', futex_wake: 'llii', futex_wait: 'lllili', futex_requeue: 'liii',
  // credentials
  setuid: 'i', setgid: 'i', setreuid: 'ii', setregid: 'ii', setresuid: 'iii', setresgid: 'iii',
  setfsuid: 'i', setfsgid: 'i', getgroups: 'il', setgroups: 'il', setpgid: 'ii', getpgid: 'i', getsid: 'i',
  // time
  timer_create: 'ill', timer_settime: 'iill', timer_gettime: 'il', timer_getoverrun: 'i',
  timer_delete: 'i', clock_settime: 'il', clock_gettime: 'il', clock_getres: 'il',
  clock_nanosleep: 'iill', clock_adjtime: 'il',
  // sockets
  socket: 'iii', socketpair: 'iiil', connect: 'ili', bind: 'ili', listen: 'ii', accept: 'ill',
  accept4: 'illi', getsockname: 'ill', getpeername: 'ill', sendto: 'illili', recvfrom: 'illill',
  sendmsg: 'ili', recvmsg: 'ili', sendmmsg: 'ilii', recvmmsg: 'iliil', shutdown: 'ii',
  setsockopt: 'iiili', getsockopt: 'iiill', socketcall: 'il',
  // System V IPC
  ipc: 'iillll', shmget: 'ili', shmat: 'ili', shmctl: 'iil', semget: 'iii', semop: 'ili', semctl: 'iiil',
  semtimedop: 'ilil', msgget: 'ii', msgsnd: 'illi', msgrcv: 'illli', msgctl: 'iil',
  // keys, io_uring, Landlock, LSM
  add_key: 'lllli', request_key: 'llli', keyctl: 'illll', io_setup: 'il', io_uring_setup: 'il',
  io_uring_enter: 'iiiill', io_uring_register: 'iili', landlock_create_ruleset: 'lli',
  landlock_add_rule: 'iili', landlock_restrict_self: 'ii', lsm_get_self_attr: 'illi',
  lsm_set_self_attr: 'ilii', lsm_list_modules: 'lli',
});

/**
 * Arches (libseccomp names) whose prototype differs. s390 passes clone's stack first and its
 * flags second (CONFIG_CLONE_BACKWARDS2).
 */
const ARCH_OVERRIDES: Readonly<Record<string, Readonly<Record<string, string>>>> = Object.freeze({
  s390: { clone: 'lilll' },
  s390x: { clone: 'lilll' },
});

const BITS: Readonly<Record<string, 16 | 32 | 64>> = { i: 32, m: 16, l: 64 };

/**
 * The bits the kernel reads of argument `index` (0..5) of `syscall` on `arch` (libseccomp name):
 * 16, 32 or 64 (64 also for names and arguments the table does not know).
 */
export function argBits(syscall: string, index: number, arch: string): 16 | 32 | 64 {
  const own = Object.hasOwn(ARCH_OVERRIDES, arch) ? ARCH_OVERRIDES[arch] : undefined;
  const proto = own !== undefined && Object.hasOwn(own, syscall)
    ? own[syscall]
    : Object.hasOwn(PROTOTYPES, syscall) ? PROTOTYPES[syscall] : '';
  return BITS[proto[index] ?? 'l'] ?? 64;
}

/** Every syscall the table describes (tests check the letters). */
export const ARG_WIDTH_NAMES: readonly string[] = Object.freeze(Object.keys(PROTOTYPES));

/** The raw letters for a syscall on an arch, '' when unknown (for tests and inspection). */
export function argLetters(syscall: string, arch: string): string {
  const own = Object.hasOwn(ARCH_OVERRIDES, arch) ? ARCH_OVERRIDES[arch] : undefined;
  if (own !== undefined && Object.hasOwn(own, syscall)) return own[syscall];
  return Object.hasOwn(PROTOTYPES, syscall) ? PROTOTYPES[syscall] : '';
}
