// How the pure layers (profile/, bpf/) learn syscall numbers: through a resolver handed to them,
// not by calling the native layer, so that they can run (and be tested) without libseccomp.
// compile() hands them libseccomp's (profile/libseccomp-resolver.ts); a table serves as well.

/** Syscall names and numbers per arch (libseccomp arch names, e.g. x86_64). */
export interface SyscallResolver {
  /**
   * The number of `name` on `arch` as libseccomp gives it: negative pseudo numbers for a
   * syscall the arch lacks or multiplexes (socket on x86: -101); undefined for an unknown name.
   */
  number(name: string, arch: string): number | undefined;
  /** The name of syscall `nr` on `arch`, or undefined. */
  name(nr: number, arch: string): string | undefined;
}

/** A resolver from a table: arch -> name -> number (tests, tools that read a syscall table). */
export function tableResolver(table: Readonly<Record<string, Readonly<Record<string, number>>>>): SyscallResolver {
  const byNumber = new Map<string, Map<number, string>>();
  for (const [arch, names] of Object.entries(table)) {
    const m = new Map<number, string>();
    for (const [n, nr] of Object.entries(names)) if (!m.has(nr)) m.set(nr, n);
    byNumber.set(arch, m);
  }
  return {
    number: (name, arch) => {
      const t = Object.hasOwn(table, arch) ? table[arch] : undefined;
      return t !== undefined && Object.hasOwn(t, name) ? t[name] : undefined;
    },
    name: (nr, arch) => byNumber.get(arch)?.get(nr),
  };
}
