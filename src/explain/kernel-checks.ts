// What else, besides seccomp, commonly makes these syscalls fail with EPERM/EACCES: the kernel's
// own permission checks (capabilities, ptrace access modes, sysctls, LSMs) and this package's
// isolation (a Landlock domain and the tree guard). Written from the man pages and the kernel's
// documentation; the syscalls that matter, not all of them.
import { fs } from '../builtins.js';

export interface KernelCheck {
  /** What to check, in a sentence. */
  check: string;
  /** `kernel`: the kernel's own check; `isolation`: this package's sandbox isolation, not seccomp. */
  source: 'kernel' | 'isolation';
  /** A sysctl file the check depends on. */
  sysctl?: string;
  /** Its current value, when it could be read. */
  value?: string;
}

interface Entry {
  check: string;
  source?: 'kernel' | 'isolation';
  sysctl?: string;
  /** Applies only for these arguments (args[i] as given; no args given: always shown). */
  when?: (args: readonly bigint[]) => boolean;
}

const SYS = '/proc/sys/';
const YAMA: Entry = {
  check: 'Yama: ptrace_scope 0 allows attaching to any process of the same uid, 1 only to descendants (or a process that named the tracer with PR_SET_PTRACER), 2 only with CAP_SYS_PTRACE, 3 never',
  sysctl: `${SYS}kernel/yama/ptrace_scope`,
};
const PTRACE_ACCESS: Entry = {
  check: 'the target must have the same real, effective and saved uid and gid as the caller and be dumpable (not a setuid program), unless the caller has CAP_SYS_PTRACE over the target\'s user namespace',
};
const LANDLOCK_PTRACE: Entry = {
  source: 'isolation',
  check: 'this package\'s isolation: a sandboxed process is in a Landlock domain and cannot ptrace, read or write the memory of, or take fds from a process outside its own tree (EPERM from Landlock, not seccomp; isolation: \'none\' lifts it)',
};
const NS_FLAGS = 0x7e02_0000n; // CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET
const CLONE_NEWUSER = 0x1000_0000n;
const NAMESPACES: Entry[] = [
  {
    check: 'namespaces other than a user namespace need CAP_SYS_ADMIN (in the current user namespace; creating a user namespace in the same call gives it)',
    when: (a) => ((a[0] ?? 0n) & NS_FLAGS & ~CLONE_NEWUSER) !== 0n,
  },
  {
    check: 'an unprivileged user namespace needs user.max_user_namespaces above 0 (ENOSPC when the count is reached); the caller must not be chrooted, and for unshare single-threaded',
    sysctl: `${SYS}user/max_user_namespaces`,
    when: (a) => ((a[0] ?? 0n) & CLONE_NEWUSER) !== 0n,
  },
  {
    check: 'Debian and Ubuntu kernels refuse unprivileged user namespaces when kernel.unprivileged_userns_clone is 0; Ubuntu 23.10+ also when AppArmor\'s kernel.apparmor_restrict_unprivileged_userns is 1 and the program has no profile allowing it',
    sysctl: `${SYS}kernel/unprivileged_userns_clone`,
    when: (a) => ((a[0] ?? 0n) & CLONE_NEWUSER) !== 0n,
  },
];
const MEMPOLICY: Entry = {
  check: 'CAP_SYS_NICE is needed to move pages of other processes or pages shared with them (MPOL_MF_MOVE_ALL); the policy calls on one\'s own memory need no capability, so an EPERM for them is almost always the filter',
};
const SETID: Entry = {
  check: 'without CAP_SETUID (CAP_SETGID for group ids) a process may only switch among its own real, effective and saved ids',
};

const TABLE: Readonly<Record<string, readonly Entry[]>> = {
  ptrace: [PTRACE_ACCESS, YAMA, LANDLOCK_PTRACE],
  process_vm_readv: [PTRACE_ACCESS, YAMA, LANDLOCK_PTRACE],
  process_vm_writev: [PTRACE_ACCESS, YAMA, LANDLOCK_PTRACE],
  pidfd_getfd: [PTRACE_ACCESS, YAMA, LANDLOCK_PTRACE],
  kcmp: [
    { check: 'both processes must pass a ptrace read-access check (same uids, or CAP_SYS_PTRACE); the kernel needs CONFIG_KCMP (ENOSYS without it)' },
    LANDLOCK_PTRACE,
  ],
  process_madvise: [{ check: 'advice on another process needs ptrace read access to it, and CAP_SYS_NICE for advice that affects it (MADV_PAGEOUT, MADV_COLD)' }, LANDLOCK_PTRACE],
  mount: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the mount namespace (unprivileged: only in a mount namespace of one\'s own user namespace, and some filesystems never)' }],
  umount: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the mount namespace' }],
  umount2: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the mount namespace' }],
  pivot_root: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the mount namespace; new_root must be a mount point (EINVAL otherwise)' }],
  get_mempolicy: [MEMPOLICY],
  set_mempolicy: [MEMPOLICY],
  mbind: [MEMPOLICY],
  move_pages: [{ check: 'moving another process\'s pages needs CAP_SYS_NICE and ptrace read access to it' }, LANDLOCK_PTRACE],
  migrate_pages: [{ check: 'migrating another process\'s pages needs CAP_SYS_NICE (or the same uid) and ptrace read access to it' }, LANDLOCK_PTRACE],
  unshare: NAMESPACES,
  clone: NAMESPACES,
  setns: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the target namespace (and in the target user namespace to enter one)' }],
  perf_event_open: [{
    check: 'kernel.perf_event_paranoid: 2 allows only user-space measurement of one\'s own processes, 1 adds kernel profiling, 0 and -1 more; Debian/Ubuntu\'s 3 or 4 refuse unprivileged use; CAP_PERFMON (or CAP_SYS_ADMIN) bypasses it',
    sysctl: `${SYS}kernel/perf_event_paranoid`,
  }],
  bpf: [{
    check: 'kernel.unprivileged_bpf_disabled 1 or 2 refuses bpf() without CAP_BPF/CAP_SYS_ADMIN; most program types also need CAP_PERFMON or CAP_NET_ADMIN',
    sysctl: `${SYS}kernel/unprivileged_bpf_disabled`,
  }],
  kexec_load: [{ check: 'CAP_SYS_BOOT in the initial user namespace; kernel.kexec_load_disabled 1 refuses it for good, and lockdown refuses unsigned images', sysctl: `${SYS}kernel/kexec_load_disabled` }],
  kexec_file_load: [{ check: 'CAP_SYS_BOOT in the initial user namespace; kernel.kexec_load_disabled 1 refuses it for good, and signature checks may refuse the image', sysctl: `${SYS}kernel/kexec_load_disabled` }],
  reboot: [{ check: 'CAP_SYS_BOOT; in a PID namespace other than the first, reboot ends that namespace\'s init instead of the machine' }],
  init_module: [{ check: 'CAP_SYS_MODULE in the initial user namespace; kernel.modules_disabled 1 refuses every load, and signature enforcement or lockdown refuses unsigned modules', sysctl: `${SYS}kernel/modules_disabled` }],
  finit_module: [{ check: 'CAP_SYS_MODULE in the initial user namespace; kernel.modules_disabled 1 refuses every load, and signature enforcement or lockdown refuses unsigned modules', sysctl: `${SYS}kernel/modules_disabled` }],
  delete_module: [{ check: 'CAP_SYS_MODULE in the initial user namespace; kernel.modules_disabled 1 refuses unloading too', sysctl: `${SYS}kernel/modules_disabled` }],
  setuid: [SETID], setgid: [SETID], setreuid: [SETID], setregid: [SETID], setresuid: [SETID], setresgid: [SETID],
  setfsuid: [SETID], setfsgid: [SETID],
  setgroups: [{ check: 'CAP_SETGID; in a user namespace, also /proc/PID/setgroups must say "allow" (it is "deny" after an unprivileged gid_map is written)' }],
  chown: [{ check: 'changing the owner needs CAP_CHOWN; the owner may change the group only to a group it is a member of' }],
  fchown: [{ check: 'changing the owner needs CAP_CHOWN; the owner may change the group only to a group it is a member of' }],
  lchown: [{ check: 'changing the owner needs CAP_CHOWN; the owner may change the group only to a group it is a member of' }],
  fchownat: [{ check: 'changing the owner needs CAP_CHOWN; the owner may change the group only to a group it is a member of' }],
  mknod: [{ check: 'character and block devices need CAP_MKNOD (and a user namespace never gets them); FIFOs, sockets and regular files need no capability' }],
  mknodat: [{ check: 'character and block devices need CAP_MKNOD (and a user namespace never gets them); FIFOs, sockets and regular files need no capability' }],
  settimeofday: [{ check: 'CAP_SYS_TIME in the initial user namespace (time namespaces do not virtualize the real-time clock)' }],
  clock_settime: [{ check: 'CAP_SYS_TIME in the initial user namespace (time namespaces do not virtualize the real-time clock)' }],
  clock_adjtime: [{ check: 'adjusting (not just reading) the clock needs CAP_SYS_TIME in the initial user namespace' }],
  adjtimex: [{ check: 'adjusting (not just reading) the clock needs CAP_SYS_TIME in the initial user namespace' }],
  sethostname: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the UTS namespace' }],
  setdomainname: [{ check: 'CAP_SYS_ADMIN in the user namespace that owns the UTS namespace' }],
  socket: [
    {
      check: 'SOCK_RAW and AF_PACKET sockets need CAP_NET_RAW in the network namespace\'s user namespace; ICMP echo sockets (SOCK_DGRAM, IPPROTO_ICMP) need the group in net.ipv4.ping_group_range instead',
      sysctl: `${SYS}net/ipv4/ping_group_range`,
      // SOCK_RAW, AF_PACKET, or an ICMP/ICMPv6 datagram socket.
      when: (a) => ((a[1] ?? 0n) & 0xfn) === 3n || (a[0] ?? 0n) === 17n || (((a[1] ?? 0n) & 0xfn) === 2n && (a[2] === 1n || a[2] === 58n)),
    },
  ],
  bind: [{
    check: 'ports below net.ipv4.ip_unprivileged_port_start (usually 1024) need CAP_NET_BIND_SERVICE',
    sysctl: `${SYS}net/ipv4/ip_unprivileged_port_start`,
  }],
  keyctl: [{ check: 'each key\'s permission mask decides (EACCES); quotas kernel.keys.maxkeys/maxbytes give EDQUOT; Docker\'s profile denies keyrings since they are not namespaced', sysctl: `${SYS}kernel/keys/maxkeys` }],
  add_key: [{ check: 'the destination keyring needs write permission; quotas kernel.keys.maxkeys/maxbytes give EDQUOT', sysctl: `${SYS}kernel/keys/maxkeys` }],
  request_key: [{ check: 'the keyrings searched need search permission; quotas kernel.keys.maxkeys/maxbytes give EDQUOT', sysctl: `${SYS}kernel/keys/maxkeys` }],
  personality: [{ check: 'the kernel itself makes no permission check on a persona; a refused value is the filter\'s (Docker\'s allows only PER_LINUX, PER_LINUX32, UNAME26 and the query 0xffffffff). Executing a setuid program clears ADDR_NO_RANDOMIZE and the other PER_CLEAR_ON_SETID flags' }],
  iopl: [{ check: 'CAP_SYS_RAWIO; since Linux 5.5 only level 3 is emulated, and kernel lockdown refuses it' }],
  ioperm: [{ check: 'CAP_SYS_RAWIO; kernel lockdown refuses it' }],
  chroot: [{ check: 'CAP_SYS_CHROOT' }],
  acct: [{ check: 'CAP_SYS_PACCT' }],
  swapon: [{ check: 'CAP_SYS_ADMIN' }],
  swapoff: [{ check: 'CAP_SYS_ADMIN' }],
  syslog: [{ check: 'reading the kernel log needs CAP_SYSLOG when kernel.dmesg_restrict is 1', sysctl: `${SYS}kernel/dmesg_restrict` }],
  open_by_handle_at: [{ check: 'CAP_DAC_READ_SEARCH' }],
  userfaultfd: [{ check: 'vm.unprivileged_userfaultfd 0 allows only UFFD_USER_MODE_ONLY without CAP_SYS_PTRACE', sysctl: `${SYS}vm/unprivileged_userfaultfd` }],
  io_uring_setup: [{ check: 'kernel.io_uring_disabled 2 refuses io_uring to everyone, 1 to processes outside kernel.io_uring_group', sysctl: `${SYS}kernel/io_uring_disabled` }],
  setpriority: [{ check: 'raising priority (lower nice value) needs CAP_SYS_NICE or RLIMIT_NICE; another user\'s processes need CAP_SYS_NICE' }],
  sched_setscheduler: [{ check: 'real-time policies need CAP_SYS_NICE or a nonzero RLIMIT_RTPRIO' }],
  sched_setattr: [{ check: 'real-time and deadline policies need CAP_SYS_NICE or a nonzero RLIMIT_RTPRIO' }],
  mlock: [{ check: 'locked memory beyond RLIMIT_MEMLOCK needs CAP_IPC_LOCK' }],
  mlockall: [{ check: 'locked memory beyond RLIMIT_MEMLOCK needs CAP_IPC_LOCK' }],
  fanotify_init: [{ check: 'CAP_SYS_ADMIN, except the limited unprivileged mode (Linux 5.13+)' }],
  prlimit64: [{ source: 'isolation', check: 'this package\'s tree guard: a sandboxed process cannot set another process\'s limits (EPERM from the guard in front of the profile, not the profile; reading them is allowed)' }],
  ioctl: [
    { source: 'isolation', check: 'this package\'s tree guard refuses TIOCSTI and TIOCLINUX on any terminal (EPERM in front of the profile)' },
    { check: 'TIOCSTI needs CAP_SYS_ADMIN when dev.tty.legacy_tiocsti is 0 (Linux 6.2+)', sysctl: `${SYS}dev/tty/legacy_tiocsti` },
  ],
  kill: [{ source: 'isolation', check: 'this package\'s isolation (Landlock ABI 6, Linux 6.12+): a sandboxed process cannot signal processes outside its tree' }, { check: 'signalling another user\'s process needs CAP_KILL' }],
  tgkill: [{ source: 'isolation', check: 'this package\'s isolation (Landlock ABI 6, Linux 6.12+): a sandboxed process cannot signal processes outside its tree' }],
  pidfd_send_signal: [{ source: 'isolation', check: 'this package\'s isolation (Landlock ABI 6, Linux 6.12+): a sandboxed process cannot signal processes outside its tree' }],
};

/** Every syscall the table covers (for tests). */
export const KERNEL_CHECK_SYSCALLS: readonly string[] = Object.keys(TABLE);

export type SysctlReader = (path: string) => string | undefined;

/** Reads a sysctl file: trimmed text, or undefined when absent or unreadable. */
export const readSysctl: SysctlReader = (path) => {
  try {
    return fs.readFileSync(path, 'latin1').trim().replace(/\s+/g, ' ');
  } catch {
    return undefined;
  }
};

/** The checks for `syscall`; `args` (when given) leave out those that cannot apply. */
export function kernelChecks(syscall: string | undefined, args: readonly bigint[] | undefined, read: SysctlReader = readSysctl): KernelCheck[] {
  if (syscall === undefined || !Object.hasOwn(TABLE, syscall)) return [];
  const out: KernelCheck[] = [];
  for (const e of TABLE[syscall]) {
    if (args !== undefined && e.when && !e.when(args)) continue;
    const c: KernelCheck = { check: e.check, source: e.source ?? 'kernel' };
    if (e.sysctl) {
      c.sysctl = e.sysctl;
      const v = read(e.sysctl);
      if (v !== undefined) c.value = v;
    }
    out.push(c);
  }
  return out;
}
