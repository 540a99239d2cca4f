// Names for the argument values explain shows and the CLI accepts: clone/unshare flags,
// personality values, socket families and types. Only the arguments profiles commonly check;
// any other value is shown in hex. Values from the kernel's uapi headers.

/** Flag bits: a value is shown as the names of its set bits (and the rest in hex). */
type Flags = readonly (readonly [string, number])[];
/** Whole values: a value is shown by its name when it has one. */
type Values = readonly (readonly [string, number])[];

const CLONE_FLAGS: Flags = [
  ['CLONE_VM', 0x100], ['CLONE_FS', 0x200], ['CLONE_FILES', 0x400], ['CLONE_SIGHAND', 0x800],
  ['CLONE_PIDFD', 0x1000], ['CLONE_PTRACE', 0x2000], ['CLONE_VFORK', 0x4000], ['CLONE_PARENT', 0x8000],
  ['CLONE_THREAD', 0x10000], ['CLONE_NEWNS', 0x20000], ['CLONE_SYSVSEM', 0x40000], ['CLONE_SETTLS', 0x80000],
  ['CLONE_PARENT_SETTID', 0x100000], ['CLONE_CHILD_CLEARTID', 0x200000], ['CLONE_DETACHED', 0x400000],
  ['CLONE_UNTRACED', 0x800000], ['CLONE_CHILD_SETTID', 0x1000000], ['CLONE_NEWCGROUP', 0x2000000],
  ['CLONE_NEWUTS', 0x4000000], ['CLONE_NEWIPC', 0x8000000], ['CLONE_NEWUSER', 0x10000000],
  ['CLONE_NEWPID', 0x20000000], ['CLONE_NEWNET', 0x40000000], ['CLONE_IO', 0x80000000],
];

/** The low byte of clone's flags is the exit signal. */
const SIGNALS: Values = [['SIGCHLD', 17]];

const PERSONALITY: Values = [
  ['PER_LINUX', 0x0], ['PER_LINUX32', 0x8], ['UNAME26', 0x20000], ['PER_LINUX32|UNAME26', 0x20008],
  ['ADDR_NO_RANDOMIZE', 0x40000], ['READ_IMPLIES_EXEC', 0x400000], ['ADDR_LIMIT_3GB', 0x8000000],
  ['PER_QUERY', 0xffffffff],
];

/** linux/socket.h address families (socket(2)'s first argument); also used by reports and diff. */
export const SOCKET_FAMILIES: Values = [
  ['AF_UNSPEC', 0], ['AF_UNIX', 1], ['AF_INET', 2], ['AF_AX25', 3], ['AF_IPX', 4], ['AF_APPLETALK', 5],
  ['AF_NETROM', 6], ['AF_BRIDGE', 7], ['AF_ATMPVC', 8], ['AF_X25', 9], ['AF_INET6', 10], ['AF_ROSE', 11],
  ['AF_DECnet', 12], ['AF_NETBEUI', 13], ['AF_SECURITY', 14], ['AF_KEY', 15], ['AF_NETLINK', 16],
  ['AF_PACKET', 17], ['AF_ASH', 18], ['AF_ECONET', 19], ['AF_ATMSVC', 20], ['AF_RDS', 21], ['AF_SNA', 22],
  ['AF_IRDA', 23], ['AF_PPPOX', 24], ['AF_WANPIPE', 25], ['AF_LLC', 26], ['AF_IB', 27], ['AF_MPLS', 28],
  ['AF_CAN', 29], ['AF_TIPC', 30], ['AF_BLUETOOTH', 31], ['AF_IUCV', 32], ['AF_RXRPC', 33], ['AF_ISDN', 34],
  ['AF_PHONET', 35], ['AF_IEEE802154', 36], ['AF_CAIF', 37], ['AF_ALG', 38], ['AF_NFC', 39], ['AF_VSOCK', 40],
  ['AF_KCM', 41], ['AF_QIPCRTR', 42], ['AF_SMC', 43], ['AF_XDP', 44], ['AF_MCTP', 45],
];

const SOCKET_TYPES: Values = [
  ['SOCK_STREAM', 1], ['SOCK_DGRAM', 2], ['SOCK_RAW', 3], ['SOCK_RDM', 4], ['SOCK_SEQPACKET', 5],
  ['SOCK_DCCP', 6], ['SOCK_PACKET', 10],
];
const SOCKET_TYPE_FLAGS: Flags = [['SOCK_NONBLOCK', 0x800], ['SOCK_CLOEXEC', 0x80000]];

interface ArgTable {
  flags?: Flags;
  values?: Values;
}

/** Per syscall, per argument index. s390's clone (flags second) is not named. */
const TABLES: Readonly<Record<string, Readonly<Record<number, ArgTable>>>> = {
  clone: { 0: { flags: CLONE_FLAGS, values: SIGNALS } },
  unshare: { 0: { flags: CLONE_FLAGS } },
  setns: { 1: { flags: CLONE_FLAGS } },
  personality: { 0: { values: PERSONALITY } },
  socket: { 0: { values: SOCKET_FAMILIES }, 1: { values: SOCKET_TYPES, flags: SOCKET_TYPE_FLAGS } },
  socketpair: { 0: { values: SOCKET_FAMILIES }, 1: { values: SOCKET_TYPES, flags: SOCKET_TYPE_FLAGS } },
};

function tableOf(syscall: string, index: number): ArgTable | undefined {
  return Object.hasOwn(TABLES, syscall) && Object.hasOwn(TABLES[syscall], index) ? TABLES[syscall][index] : undefined;
}

export function hex(v: bigint): string {
  return `0x${v.toString(16)}`;
}

/**
 * A value of argument `index` of `syscall` by name where the tables have one: `SIGCHLD|CLONE_NEWUSER`,
 * `AF_VSOCK`, `PER_LINUX32`; undefined when nothing in it has a name.
 */
export function argValueName(syscall: string, index: number, value: bigint): string | undefined {
  const t = tableOf(syscall, index);
  if (!t) return undefined;
  const whole = t.values?.find(([, v]) => BigInt(v) === value);
  if (whole && !t.flags) return whole[0];
  if (!t.flags) return undefined;
  const parts: string[] = [];
  let rest = value;
  for (const [name, bit] of t.flags) {
    const b = BigInt(bit);
    if ((rest & b) !== 0n) {
      parts.push(name);
      rest &= ~b;
    }
  }
  // clone's low byte (exit signal) and socket's type are values inside a flags word.
  const low = rest & 0xffn;
  const lowName = t.values?.find(([, v]) => BigInt(v) === low)?.[0];
  if (lowName !== undefined && (low !== 0n || parts.length === 0)) {
    parts.unshift(lowName);
    rest &= ~0xffn;
  }
  if (parts.length === 0) return undefined;
  if (rest !== 0n) parts.push(hex(rest));
  return parts.join('|');
}

/** The names of the flag bits set in `bits` (for "without CLONE_NEWUSER"); hex for unnamed bits. */
export function flagNames(syscall: string, index: number, bits: bigint): string[] {
  const t = tableOf(syscall, index);
  const out: string[] = [];
  let rest = bits;
  for (const [name, bit] of t?.flags ?? []) {
    const b = BigInt(bit);
    if ((rest & b) === b) {
      out.push(name);
      rest &= ~b;
    }
  }
  if (rest !== 0n) out.push(hex(rest));
  return out;
}

/** `0x10000011 (SIGCHLD|CLONE_NEWUSER)`, or `0x0` where nothing has a name. */
export function showArg(syscall: string, index: number, value: bigint): string {
  const name = argValueName(syscall, index, value);
  return name === undefined ? hex(value) : `${hex(value)} (${name})`;
}

/** Every name the tables know for `syscall`'s argument `index` (for parsing `CLONE_NEWUSER|SIGCHLD`). */
export function namedValue(syscall: string, index: number, name: string): bigint | undefined {
  const t = tableOf(syscall, index);
  const hit = t?.flags?.find(([n]) => n === name) ?? t?.values?.find(([n]) => n === name);
  return hit ? BigInt(hit[1]) : undefined;
}
