// Syscall numbers and names per arch, and the words used to describe decisions and arguments.
import { SOCKET_FAMILIES } from '../explain/arg-names.js';
import { archToken } from '../arch.js';
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { newerSyscallNumber } from '../bpf/newer-syscalls.js';
import type { Decision } from '../decide.js';
import { errnoName } from '../errors.js';
import { native } from '../native.js';
import { syscallNumberOn } from '../profile/compile.js';
import { linuxSyscallNames } from '../profile/syscall-names.js';

const byArch = new Map<string, Map<number, string>>();

/** Number -> name for every syscall `arch` (libseccomp name) has, x32's with X32_SYSCALL_BIT. */
export function syscallTable(arch: string): ReadonlyMap<number, string> {
  let m = byArch.get(arch);
  if (m) return m;
  m = new Map();
  const token = archToken(arch);
  for (const name of linuxSyscallNames()) {
    const nr = syscallNumberOn(name, token) ?? newerSyscallNumber(name, arch);
    // Negative numbers are libseccomp's pseudo syscalls: the kernel never sees them.
    if (nr !== undefined && nr >= 0 && !m.has(nr)) m.set(nr, name);
  }
  byArch.set(arch, m);
  return m;
}

/**
 * The name of syscall `nr` on `arch`: from the table, else libseccomp's reverse lookup (on x86,
 * libseccomp numbers `socket` as a socketcall pseudo syscall but still names 359).
 */
export function syscallNameAt(arch: string, nr: number): string | undefined {
  const known = syscallTable(arch).get(nr);
  if (known !== undefined || nr > 0x7fff_ffff) return known;
  return native().syscallName(nr, archToken(arch)) ?? undefined;
}

/** The syscall numbers diff looks at on `arch`: [from, to). x32 is x86_64's audit arch with the x32 bit. */
export function numberSpace(arch: string): [number, number] {
  if (arch === 'x32') return [X32_SYSCALL_BIT, 2 * X32_SYSCALL_BIT];
  if (arch === 'x86_64') return [0, X32_SYSCALL_BIT];
  return [0, 0x8000_0000];
}

export function decisionKey(d: Decision): string {
  return d.action === 'ERRNO' ? `ERRNO(${d.errno})` : d.action === 'TRACE' ? `TRACE(${d.data})` : d.action;
}

/** What a decision does, as a verb phrase: `allows`, `returns EPERM`. */
export function describeDecision(d: Decision): string {
  switch (d.action) {
    case 'ALLOW': return 'allows';
    case 'LOG': return 'allows and logs';
    case 'ERRNO': return `returns ${errnoName(d.errno ?? 0)}`;
    case 'TRACE': return `stops for a tracer (${d.data})`;
    case 'NOTIFY': return 'asks the supervisor';
    case 'TRAP': return 'sends SIGSYS';
    case 'KILL_THREAD': return 'kills the thread';
    default: return 'kills the process';
  }
}

/** A readable name for an argument value where one is known (`AF_VSOCK`). */
export function valueName(syscall: string | undefined, arg: number, value: bigint): string | undefined {
  if (syscall !== 'socket' && syscall !== 'socketpair') return undefined;
  return arg === 0 ? SOCKET_FAMILIES.find(([, v]) => BigInt(v) === value)?.[0] : undefined;
}
