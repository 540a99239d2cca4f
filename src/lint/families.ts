// Syscall tables the checks read: families of syscalls that do the same thing (denying one
// member alone leaves the others open), what io_uring can do without a syscall, what Node,
// libuv and glibc probe at startup, and which newer syscalls libc retries as an older one.
// Kept here, independent of the profile groups: these are facts about the kernel and libc.

/**
 * A member reached through a multiplexer: socketcall(2) or ipc(2) with `call` as its first
 * argument (32-bit x86, s390, ... where the sub-call is invisible to an argument check).
 */
export interface SubCall {
  readonly via: 'socketcall' | 'ipc';
  readonly call: number;
  /** The sub-call's name in linux/net.h or linux/ipc.h (SOCKET for SYS_SOCKET). */
  readonly label: string;
}

export type Member = string | SubCall;

export interface Family {
  /** What the members do, for messages. */
  readonly what: string;
  readonly members: readonly Member[];
}

const SOCKETCALLS: Readonly<Record<number, string>> = {
  1: 'SOCKET', 2: 'BIND', 3: 'CONNECT', 4: 'LISTEN', 5: 'ACCEPT', 8: 'SOCKETPAIR', 9: 'SEND', 10: 'RECV',
  11: 'SENDTO', 12: 'RECVFROM', 14: 'SETSOCKOPT', 16: 'SENDMSG', 17: 'RECVMSG', 18: 'ACCEPT4', 19: 'RECVMMSG',
  20: 'SENDMMSG',
};
const IPC_CALLS: Readonly<Record<number, string>> = {
  1: 'SEMOP', 3: 'SEMCTL', 4: 'SEMTIMEDOP', 11: 'MSGSND', 21: 'SHMAT', 23: 'SHMGET', 24: 'SHMCTL',
};
const sc = (call: number): SubCall => ({ via: 'socketcall', call, label: `SYS_${SOCKETCALLS[call]}` });
const ipc = (call: number): SubCall => ({ via: 'ipc', call, label: IPC_CALLS[call] });

/** The list and their kin: each line is one operation under several syscalls. */
export const FAMILIES: readonly Family[] = [
  { what: 'create a directory', members: ['mkdir', 'mkdirat'] },
  { what: 'open or create a file', members: ['open', 'openat', 'openat2', 'creat'] },
  { what: 'rename a file', members: ['rename', 'renameat', 'renameat2'] },
  { what: 'remove a file', members: ['unlink', 'unlinkat'] },
  { what: 'remove a directory', members: ['rmdir', 'unlinkat'] },
  { what: 'change a mode', members: ['chmod', 'fchmod', 'fchmodat', 'fchmodat2'] },
  { what: 'change an owner', members: ['chown', 'lchown', 'fchown', 'fchownat', 'chown32', 'lchown32', 'fchown32'] },
  { what: 'make a hard link', members: ['link', 'linkat'] },
  { what: 'make a symlink', members: ['symlink', 'symlinkat'] },
  { what: 'make a device node', members: ['mknod', 'mknodat'] },
  { what: 'check access', members: ['access', 'faccessat', 'faccessat2'] },
  { what: 'set file times', members: ['utime', 'utimes', 'futimesat', 'utimensat', 'utimensat_time64'] },
  { what: 'set an extended attribute', members: ['setxattr', 'lsetxattr', 'fsetxattr', 'setxattrat'] },
  { what: 'remove an extended attribute', members: ['removexattr', 'lremovexattr', 'fremovexattr', 'removexattrat'] },
  { what: 'run a program', members: ['execve', 'execveat'] },
  { what: 'create a process or thread with flags', members: ['clone', 'clone3'] },
  { what: 'mount a filesystem', members: ['mount', 'fsopen', 'fsmount', 'move_mount', 'open_tree'] },
  { what: 'signal a process', members: ['kill', 'pidfd_send_signal'] },
  { what: 'signal a thread', members: ['tkill', 'tgkill'] },
  { what: 'duplicate a descriptor', members: ['dup2', 'dup3'] },
  // Sockets: each direct syscall and its socketcall(2) sub-call (linux/net.h SYS_*).
  { what: 'create a socket', members: ['socket', sc(1)] },
  { what: 'bind a socket', members: ['bind', sc(2)] },
  { what: 'connect a socket', members: ['connect', sc(3)] },
  { what: 'listen on a socket', members: ['listen', sc(4)] },
  { what: 'accept a connection', members: ['accept', 'accept4', sc(5), sc(18)] },
  { what: 'create a socket pair', members: ['socketpair', sc(8)] },
  { what: 'send on a socket', members: ['sendto', 'sendmsg', 'sendmmsg', sc(9), sc(11), sc(16), sc(20)] },
  { what: 'receive from a socket', members: ['recvfrom', 'recvmsg', 'recvmmsg', sc(10), sc(12), sc(17), sc(19)] },
  { what: 'set a socket option', members: ['setsockopt', sc(14)] },
  // System V IPC and its ipc(2) sub-calls (linux/ipc.h).
  { what: 'operate on semaphores', members: ['semop', 'semtimedop', ipc(1), ipc(4)] },
  { what: 'control semaphores', members: ['semctl', ipc(3)] },
  { what: 'send a message', members: ['msgsnd', ipc(11)] },
  { what: 'attach shared memory', members: ['shmat', ipc(21)] },
  { what: 'get shared memory', members: ['shmget', ipc(23)] },
  { what: 'control shared memory', members: ['shmctl', ipc(24)] },
];

/** How a member is written in messages: `socketcall(SYS_SOCKET)` for a sub-call. */
export function memberName(m: Member): string {
  return typeof m === 'string' ? m : `${m.via}(${m.label})`;
}

/** The io_uring entry points: allowing setup hands the ring to every operation below. */
export const IO_URING_SYSCALLS: readonly string[] = ['io_uring_setup', 'io_uring_enter', 'io_uring_register'];

/**
 * Syscalls whose work io_uring does as IORING_OP_* without the syscall: seccomp never sees it
 * (io_uring/opdef.c).
 */
export const IO_URING_OPERATIONS: readonly string[] = [
  'openat', 'openat2', 'close', 'read', 'write', 'readv', 'writev', 'statx', 'fsync', 'fallocate',
  'fadvise64', 'madvise', 'sync_file_range', 'splice', 'tee', 'renameat', 'unlinkat', 'mkdirat',
  'symlinkat', 'linkat', 'setxattr', 'fsetxattr', 'getxattr', 'fgetxattr', 'ftruncate',
  'socket', 'connect', 'accept', 'bind', 'listen', 'shutdown', 'sendmsg', 'recvmsg', 'sendto', 'recvfrom',
  'epoll_ctl', 'waitid', 'futex', 'futex_wait', 'futex_wake', 'futex_waitv',
];

/**
 * Syscalls that Node, libuv or glibc call at startup to see whether the kernel has them: a
 * KILL (or TRAP) answer ends the process before it can print anything.
 */
export const STARTUP_PROBES: readonly string[] = ['io_uring_setup', 'rseq', 'clone3', 'statx', 'faccessat2', 'close_range'];

/**
 * Newer syscalls libc (glibc, musl, Go's runtime) retries as an older one only when the kernel
 * answers ENOSYS: any other errno is taken as the call's failure.
 */
export const ENOSYS_FALLBACKS: Readonly<Record<string, readonly string[]>> = {
  // glibc 2.34+: pthread_create and posix_spawn.
  clone3: ['clone'],
  // glibc 2.33+: faccessat with flags (the famous Fedora 33 in old Docker failure).
  faccessat2: ['faccessat', 'access'],
  // glibc's stat family on 32-bit ABIs, Rust's std: stat.
  statx: ['newfstatat', 'fstatat64', 'stat', 'lstat', 'fstat'],
  // glibc 2.34+: closefrom.
  close_range: ['close'],
  // glibc 2.39+: fchmodat with AT_SYMLINK_NOFOLLOW.
  fchmodat2: ['fchmodat', 'chmod'],
  // glibc: preadv2/pwritev2 without flags.
  preadv2: ['preadv'],
  pwritev2: ['pwritev'],
};

/** Reaching into other processes: ptrace and cross-process memory access. */
export const DEBUG_SYSCALLS: readonly string[] = ['ptrace', 'process_vm_readv', 'process_vm_writev'];
