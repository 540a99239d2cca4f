// A small table for showing a denied syscall's arguments: which are paths (read from the
// target's memory by the supervisor), flags (named bits), or enumerations (socket families).
// Values are the Linux UAPI ones (same on every arch for these, except where noted).

import { SOCKET_FAMILIES } from '../explain/arg-names.js';

type Names = readonly (readonly [number, string])[];

// The families explain names (explain/arg-names.ts), as value -> name.
const AF: Names = SOCKET_FAMILIES.map(([name, value]) => [value, name] as const);

const CLONE: Names = [
  [0x100, 'CLONE_VM'], [0x200, 'CLONE_FS'], [0x400, 'CLONE_FILES'], [0x800, 'CLONE_SIGHAND'],
  [0x1000, 'CLONE_PIDFD'], [0x2000, 'CLONE_PTRACE'], [0x4000, 'CLONE_VFORK'], [0x8000, 'CLONE_PARENT'],
  [0x10000, 'CLONE_THREAD'], [0x20000, 'CLONE_NEWNS'], [0x40000, 'CLONE_SYSVSEM'], [0x80000, 'CLONE_SETTLS'],
  [0x100000, 'CLONE_PARENT_SETTID'], [0x200000, 'CLONE_CHILD_CLEARTID'], [0x800000, 'CLONE_UNTRACED'],
  [0x1000000, 'CLONE_CHILD_SETTID'], [0x2000000, 'CLONE_NEWCGROUP'], [0x4000000, 'CLONE_NEWUTS'],
  [0x8000000, 'CLONE_NEWIPC'], [0x10000000, 'CLONE_NEWUSER'], [0x20000000, 'CLONE_NEWPID'],
  [0x40000000, 'CLONE_NEWNET'], [0x80000000, 'CLONE_IO'], [0x80, 'CLONE_NEWTIME'],
];

/** Every CLONE_NEW* bit (Docker's mask for clone without CAP_SYS_ADMIN is the same set without NEWTIME). */
export const CLONE_NAMESPACE_BITS = 0x7e02_0080;

// x86/arm/generic values; O_DIRECTORY etc. differ on a few arches (alpha, sparc, parisc).
const OPEN: Names = [
  [0o100, 'O_CREAT'], [0o200, 'O_EXCL'], [0o400, 'O_NOCTTY'], [0o1000, 'O_TRUNC'], [0o2000, 'O_APPEND'],
  [0o4000, 'O_NONBLOCK'], [0o10000, 'O_DSYNC'], [0o40000, 'O_DIRECT'], [0o200000, 'O_DIRECTORY'],
  [0o400000, 'O_NOFOLLOW'], [0o1000000, 'O_NOATIME'], [0o2000000, 'O_CLOEXEC'], [0o10000000, 'O_PATH'],
  [0o20000000, 'O_TMPFILE'],
];
const ACCMODE: Names = [[0, 'O_RDONLY'], [1, 'O_WRONLY'], [2, 'O_RDWR']];

const SOCK_TYPE: Names = [[1, 'SOCK_STREAM'], [2, 'SOCK_DGRAM'], [3, 'SOCK_RAW'], [4, 'SOCK_RDM'], [5, 'SOCK_SEQPACKET'], [10, 'SOCK_PACKET']];
const SOCK_FLAGS: Names = [[0o4000, 'SOCK_NONBLOCK'], [0o2000000, 'SOCK_CLOEXEC']];

const PERSONALITY: Names = [
  [0xffff_ffff, 'QUERY'], [0, 'PER_LINUX'], [8, 'PER_LINUX32'], [0x20000, 'UNAME26'], [0x20008, 'PER_LINUX32|UNAME26'],
  [0x0040000, 'ADDR_NO_RANDOMIZE'],
];

const PTRACE: Names = [
  [0, 'PTRACE_TRACEME'], [16, 'PTRACE_ATTACH'], [17, 'PTRACE_DETACH'], [0x4206, 'PTRACE_SEIZE'],
  [0x4207, 'PTRACE_INTERRUPT'], [12, 'PTRACE_GETREGS'], [24, 'PTRACE_SYSCALL'], [7, 'PTRACE_CONT'],
];

const PROT: Names = [[1, 'PROT_READ'], [2, 'PROT_WRITE'], [4, 'PROT_EXEC']];

type Decoder = { kind: 'path' } | { kind: 'enum'; names: Names } | { kind: 'flags'; names: Names; low?: 'signal' } | { kind: 'open' } | { kind: 'socktype' };

const path = { kind: 'path' } as const;
const en = (names: Names): Decoder => ({ kind: 'enum', names });
const fl = (names: Names): Decoder => ({ kind: 'flags', names });

/** Per syscall name, decoders by argument index. */
const TABLE: Readonly<Record<string, Readonly<Record<number, Decoder>>>> = {
  open: { 0: path, 1: { kind: 'open' } }, openat: { 1: path, 2: { kind: 'open' } }, openat2: { 1: path },
  creat: { 0: path }, mkdir: { 0: path }, mkdirat: { 1: path }, rmdir: { 0: path }, unlink: { 0: path },
  unlinkat: { 1: path }, rename: { 0: path, 1: path }, renameat: { 1: path, 3: path }, renameat2: { 1: path, 3: path },
  link: { 0: path, 1: path }, linkat: { 1: path, 3: path }, symlink: { 0: path, 1: path }, symlinkat: { 0: path, 2: path },
  chmod: { 0: path }, fchmodat: { 1: path }, chown: { 0: path }, lchown: { 0: path }, fchownat: { 1: path },
  stat: { 0: path }, lstat: { 0: path }, newfstatat: { 1: path }, statx: { 1: path }, access: { 0: path },
  faccessat: { 1: path }, faccessat2: { 1: path }, execve: { 0: path }, execveat: { 1: path }, chdir: { 0: path },
  chroot: { 0: path }, truncate: { 0: path }, readlink: { 0: path }, readlinkat: { 1: path }, mknod: { 0: path },
  mknodat: { 1: path }, utimensat: { 1: path }, mount: { 0: path, 1: path }, umount2: { 0: path },
  pivot_root: { 0: path, 1: path }, swapon: { 0: path }, swapoff: { 0: path }, acct: { 0: path },
  setxattr: { 0: path }, lsetxattr: { 0: path }, getxattr: { 0: path }, lgetxattr: { 0: path },
  socket: { 0: en(AF), 1: { kind: 'socktype' } }, socketpair: { 0: en(AF), 1: { kind: 'socktype' } },
  clone: { 0: { kind: 'flags', names: CLONE, low: 'signal' } }, unshare: { 0: fl(CLONE) }, setns: { 1: fl(CLONE) },
  personality: { 0: en(PERSONALITY) }, ptrace: { 0: en(PTRACE) },
  mmap: { 2: fl(PROT) }, mprotect: { 2: fl(PROT) }, pkey_mprotect: { 2: fl(PROT) },
};

/** Argument indices whose values are paths in the target's memory (for the supervisor to read). */
export function pathArgs(syscall: string): number[] {
  const t = Object.hasOwn(TABLE, syscall) ? TABLE[syscall] : undefined;
  if (!t) return [];
  return Object.entries(t).filter(([, d]) => d.kind === 'path').map(([i]) => Number(i));
}

function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

function flagNames(v: bigint, names: Names): string {
  const parts: string[] = [];
  let rest = v;
  for (const [bit, name] of names) {
    const b = BigInt(bit);
    if (b !== 0n && (rest & b) === b) {
      parts.push(name);
      rest &= ~b;
    }
  }
  if (rest !== 0n || parts.length === 0) parts.push(hex(rest));
  return parts.join('|');
}

function decodeOne(d: Decoder, v: bigint, paths: ReadonlyMap<number, string>, i: number): string {
  switch (d.kind) {
    case 'path': {
      const p = paths.get(i);
      return p === undefined ? hex(v) : JSON.stringify(p);
    }
    case 'enum': {
      const hit = d.names.find(([n]) => BigInt(n) === (v & 0xffff_ffffn));
      return hit ? hit[1] : hex(v);
    }
    case 'flags': {
      if (d.low === 'signal') {
        const sig = v & 0xffn;
        const rest = v & ~0xffn;
        const f = rest === 0n ? '' : flagNames(rest, d.names);
        const s = sig === 0n ? '' : sig === 17n ? 'SIGCHLD' : `signal ${sig}`;
        return [f, s].filter(Boolean).join('|') || '0';
      }
      return v === 0n ? '0' : flagNames(v, d.names);
    }
    case 'open': {
      const mode = ACCMODE.find(([n]) => BigInt(n) === (v & 3n));
      const rest = v & ~3n;
      return [mode ? mode[1] : hex(v & 3n), ...(rest === 0n ? [] : [flagNames(rest, OPEN)])].join('|');
    }
    case 'socktype': {
      const t = SOCK_TYPE.find(([n]) => BigInt(n) === (v & 0xfn));
      const rest = v & ~0xfn;
      return [t ? t[1] : hex(v & 0xfn), ...(rest === 0n ? [] : [flagNames(rest, SOCK_FLAGS)])].join('|');
    }
  }
}

/**
 * The arguments the table knows for `syscall`, by index, as text: paths quoted (from `paths`,
 * else the pointer in hex), flags as `A|B|0x..` (unknown bits kept in hex), enumerations by
 * name. Arguments the table does not know are left out.
 */
export function decodeArgs(syscall: string, args: readonly bigint[], paths: ReadonlyMap<number, string> = new Map()): Record<string, string> {
  const t = Object.hasOwn(TABLE, syscall) ? TABLE[syscall] : undefined;
  const out: Record<string, string> = {};
  if (!t) return out;
  for (const [k, d] of Object.entries(t)) {
    const i = Number(k);
    const v = args[i];
    if (typeof v !== 'bigint') continue;
    out[k] = decodeOne(d, v, paths, i);
  }
  return out;
}
