// Syscall numbers as the profile pipeline needs them, from an injected resolver plus our table
// of the newest syscalls (bpf/newer-syscalls.ts). Pure: no native calls of its own.
import { newerSyscallNumber } from '../bpf/newer-syscalls.js';
import type { SyscallResolver } from '../model/resolver.js';
import { tableBase } from './kernel-args.js';

export interface Numbers {
  /**
   * The number of `name` on `arch`: the resolver's when it has one (negative pseudo numbers
   * included), else, with newSyscalls, our table's.
   */
  numberOn(name: string, arch: string): number | undefined;
  /** The number the kernel sees for `name` on `arch`, never a pseudo number; undefined if it has none. */
  directNumberOn(name: string, arch: string): number | undefined;
}

const TABLE_SPAN = 1024;

// Per resolver and arch, name -> number from the resolver's table read backwards: the direct
// number of a syscall that libseccomp names by a multiplexer's pseudo number (socket on x86: -101).
const direct = new WeakMap<SyscallResolver, Map<string, Map<string, number>>>();

function directTable(resolver: SyscallResolver, arch: string): Map<string, number> {
  let byArch = direct.get(resolver);
  if (!byArch) direct.set(resolver, (byArch = new Map()));
  let m = byArch.get(arch);
  if (!m) {
    byArch.set(arch, (m = new Map()));
    const base = tableBase(arch);
    for (let n = base; n < base + TABLE_SPAN; n++) {
      const s = resolver.name(n, arch);
      if (s !== undefined && !m.has(s)) m.set(s, n);
    }
  }
  return m;
}

/** Number lookups over `resolver`, with our table of the newest syscalls when `newSyscalls`. */
export function numbersFrom(resolver: SyscallResolver, newSyscalls: boolean): Numbers {
  const numberOn = (name: string, arch: string): number | undefined => {
    const nr = resolver.number(name, arch);
    return nr !== undefined || !newSyscalls ? nr : newerSyscallNumber(name, arch);
  };
  return {
    numberOn,
    directNumberOn: (name, arch) => {
      const nr = numberOn(name, arch);
      if (nr === undefined || nr >= 0) return nr;
      return directTable(resolver, arch).get(name);
    },
  };
}
