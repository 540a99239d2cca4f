// libseccomp's syscall tables as a SyscallResolver (model/resolver.ts): the one place where the
// profile pipeline asks the native layer for numbers. Its tables are fixed for the process, so
// each name is asked of the library once.
import { archToken, nativeArch } from '../arch.js';
import type { SyscallResolver } from '../model/resolver.js';
import { native } from '../native.js';
import { NEWER_SYSCALLS } from '../bpf/newer-syscalls.js';
import { isLinuxSyscallName } from './syscall-names.js';

// resolve.ts's isKnownSyscallName, without loading the resolver (decide() and reports use this).
function isKnownSyscallName(name: string): boolean {
  return isLinuxSyscallName(name) || Object.hasOwn(NEWER_SYSCALLS, name);
}

const UNKNOWN_CACHED = 4096;

// Syscall numbers by arch token and name. undefined: libseccomp doesn't know the name.
const numbers = new Map<number, Map<string, number | undefined>>();

/** A syscall's number on an arch (token), negative pseudo numbers included; undefined if unknown. */
export function syscallNumberOn(name: string, token: number): number | undefined {
  // libseccomp reads a C string: "mkdir\0x" would be mkdir.
  if (typeof name !== 'string' || name === '' || name.includes('\0')) return undefined;
  let m = numbers.get(token);
  if (!m) numbers.set(token, (m = new Map()));
  if (m.has(name)) return m.get(name);
  const nr = native().resolveSyscall(name, token);
  const v = nr === -1 ? undefined : nr; // __NR_SCMP_ERROR
  // Known names are a few hundred; unknown ones come from profiles: only a few are kept.
  if (v !== undefined || m.size < UNKNOWN_CACHED) m.set(name, v);
  return v;
}

/** The installed libseccomp's numbers and names. */
export const libseccompResolver: SyscallResolver = {
  number: (name, arch) => syscallNumberOn(name, archToken(arch)),
  name: (nr, arch) => native().syscallName(nr, archToken(arch)) ?? undefined,
};

/**
 * True when `name` is a syscall on some Linux arch: in our tables, or known to libseccomp,
 * which numbers every name of its table on every arch (a pseudo number where the arch lacks it),
 * so asking it for the native arch covers all of its arches.
 */
export function isSyscallAnywhere(name: string): boolean {
  return isKnownSyscallName(name) || syscallNumberOn(name, archToken(nativeArch())) !== undefined;
}
