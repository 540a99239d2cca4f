// Syscall groups (`@network`, `@file-write`, ...): our own names for sets of syscalls, usable
// wherever a profile lists syscall names. Each group lists every spelling of what it covers on
// every arch (mkdir and mkdirat, socket and x86's socketcall, chown and chown32, ...): the filter
// then numbers each name per arch, and a name an arch lacks is simply not there.

export interface SyscallGroup {
  readonly description: string;
  readonly syscalls: readonly string[];
}

const OWNERSHIP = ['chown', 'chown32', 'fchown', 'fchown32', 'fchownat', 'lchown', 'lchown32'];
const MODES = ['chmod', 'fchmod', 'fchmodat', 'fchmodat2'];
const TIMES = ['utime', 'utimes', 'utimensat', 'utimensat_time64', 'futimesat'];
const XATTR_WRITES = ['setxattr', 'lsetxattr', 'fsetxattr', 'setxattrat', 'removexattr', 'lremovexattr', 'fremovexattr', 'removexattrat'];

export const SYSCALL_GROUPS: Readonly<Record<string, SyscallGroup>> = Object.freeze({
  '@file-write': {
    description:
      'create, rename, link, remove and truncate files and directories, change their mode, owner, times and ' +
      'extended attributes (not write(2) on an open descriptor, nor open(2) for writing: names cannot tell open\'s flags)',
    syscalls: [
      'mkdir', 'mkdirat', 'rmdir', 'mknod', 'mknodat', 'creat',
      'rename', 'renameat', 'renameat2', 'link', 'linkat', 'symlink', 'symlinkat', 'unlink', 'unlinkat',
      'truncate', 'truncate64', 'ftruncate', 'ftruncate64', 'fallocate',
      ...MODES, ...OWNERSHIP, ...TIMES, ...XATTR_WRITES,
    ],
  },
  '@network': {
    description: 'make and use sockets of any family, AF_UNIX and socketpair included (x86\'s socketcall multiplexes them all)',
    syscalls: [
      'socket', 'socketcall', 'socketpair', 'bind', 'connect', 'listen', 'accept', 'accept4', 'shutdown',
      'getsockname', 'getpeername', 'getsockopt', 'setsockopt',
      'send', 'sendto', 'sendmsg', 'sendmmsg', 'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recvmmsg_time64',
    ],
  },
  '@process': {
    description: 'create processes and threads, and run programs (denying it stops threads too: Node needs clone)',
    syscalls: ['fork', 'vfork', 'clone', 'clone3', 'execve', 'execveat'],
  },
  '@exec': {
    description: 'run a program in place of the current one',
    syscalls: ['execve', 'execveat'],
  },
  '@debug': {
    description: 'trace or inspect other processes: ptrace, their memory, their descriptors, performance counters',
    syscalls: ['ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'perf_event_open'],
  },
  '@namespaces': {
    description:
      'enter or create namespaces (clone\'s namespace flags are an argument, not a name: the presets check them)',
    syscalls: ['unshare', 'setns'],
  },
  '@mount': {
    description: 'mount, unmount and change the root, with the old and the new mount API',
    syscalls: [
      'mount', 'umount', 'umount2', 'mount_setattr', 'move_mount', 'open_tree', 'fsopen', 'fsconfig', 'fsmount',
      'fspick', 'pivot_root', 'chroot',
    ],
  },
  '@module': {
    description: 'load and unload kernel modules',
    syscalls: ['init_module', 'finit_module', 'delete_module', 'create_module'],
  },
  '@reboot': {
    description: 'reboot, or load a new kernel to boot into',
    syscalls: ['reboot', 'kexec_load', 'kexec_file_load'],
  },
  '@clock': {
    description: 'set or adjust the system clock',
    syscalls: ['settimeofday', 'stime', 'clock_settime', 'clock_settime64', 'adjtimex', 'clock_adjtime', 'clock_adjtime64'],
  },
  '@io-uring': {
    description: 'io_uring, whose operations (opening files, sockets) the filter never sees',
    syscalls: ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
  },
  '@keyring': {
    description: 'the kernel\'s key retention service',
    syscalls: ['add_key', 'request_key', 'keyctl'],
  },
  '@obsolete': {
    description: 'syscalls no current program needs, kept by the kernel for old binaries or never implemented',
    syscalls: [
      '_sysctl', 'afs_syscall', 'bdflush', 'break', 'create_module', 'ftime', 'get_kernel_syms', 'getpmsg', 'gtty',
      'idle', 'lock', 'mpx', 'prof', 'profil', 'putpmsg', 'query_module', 'security', 'sgetmask', 'ssetmask', 'stty',
      'sysfs', 'tuxcall', 'ulimit', 'uselib', 'ustat', 'vserver',
    ],
  },
});

/**
 * Names that do the same thing by another syscall: a group holding one holds them all, or
 * it would be stepped around (mkdirat for mkdir, clone3 for clone, socketcall for socket).
 */
export const SYSCALL_PAIRS: readonly (readonly string[])[] = [
  ['mkdir', 'mkdirat'],
  ['open', 'openat', 'openat2'],
  ['socket', 'socketcall'],
  ['clone', 'clone3'],
  ['fork', 'vfork', 'clone', 'clone3'],
  ['execve', 'execveat'],
  ['rename', 'renameat', 'renameat2'],
  ['link', 'linkat'],
  ['symlink', 'symlinkat'],
  ['unlink', 'unlinkat', 'rmdir'],
  ['mknod', 'mknodat'],
  ['truncate', 'truncate64', 'ftruncate', 'ftruncate64'],
  MODES,
  OWNERSHIP,
  TIMES,
  XATTR_WRITES,
  ['accept', 'accept4'],
  ['send', 'sendto', 'sendmsg', 'sendmmsg'],
  ['recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'recvmmsg_time64'],
  ['process_vm_readv', 'process_vm_writev'],
  ['umount', 'umount2'],
  ['init_module', 'finit_module'],
  ['kexec_load', 'kexec_file_load'],
  ['settimeofday', 'stime', 'clock_settime', 'clock_settime64'],
  ['adjtimex', 'clock_adjtime', 'clock_adjtime64'],
  ['io_uring_setup', 'io_uring_enter', 'io_uring_register'],
  ['add_key', 'request_key', 'keyctl'],
  ['unshare', 'setns'],
];

/** True for a name that looks like a group (`@...`), known or not. */
export function isGroupName(name: string): boolean {
  return name.startsWith('@');
}

/** The group's syscalls, or undefined for an unknown group. */
export function groupSyscalls(name: string): readonly string[] | undefined {
  return Object.hasOwn(SYSCALL_GROUPS, name) ? SYSCALL_GROUPS[name].syscalls : undefined;
}

/** The names of every group, in their listed order. */
export function groupNames(): string[] {
  return Object.keys(SYSCALL_GROUPS);
}
