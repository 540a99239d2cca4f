// The one table of architecture facts: every name an arch goes by (Docker's, libseccomp's, the
// profile's SCMP_ARCH_*, the kernel's), the values the kernel and libseccomp identify it by, and
// what BPF code needs to read its syscalls (number base, word size, byte order). Pure data: the
// rest of the package derives its arch lookups from here, and test/09 checks it against the
// installed libseccomp.
import { ErrorCode, SeccompError } from '../errors.js';

/** One architecture, as every layer names and reads it. */
export interface ArchFacts {
  /** Docker's name, what includes/excludes.arches are compared with (amd64, x86, arm64, ...). */
  docker: string;
  /** libseccomp's name (x86_64, x86, aarch64, ...), what the native layer takes. */
  libseccomp: string;
  /** The profile spelling (SCMP_ARCH_X86_64, ...) used in architectures and archMap. */
  scmp: string;
  /** The kernel source tree's arch directory (arch/x86, arch/arm64, ...). */
  kernel: string;
  /** AUDIT_ARCH_* value the kernel puts in seccomp_data.arch. */
  audit: number;
  /**
   * libseccomp's SCMP_ARCH_* token; the audit value everywhere except x32, which libseccomp
   * tells apart from x86_64 by dropping the 64-bit flag (the kernel reports x86_64's value).
   */
  token: number;
  /** Added to the generic syscall number on this ABI (x32's flag bit, MIPS o32/n64/n32 bases). */
  base: number;
  /** Argument width as libseccomp compares it: 32-bit ABIs (x32, n32 too) compare the low word only. */
  bits: 32 | 64;
  /** Whether the high half of a 64-bit argument comes first in struct seccomp_data. */
  bigEndian: boolean;
}

// linux/audit.h: AUDIT_ARCH_* = EM_* | these flags.
const AUDIT_64BIT = 0x8000_0000;
const AUDIT_LE = 0x4000_0000;
const AUDIT_MIPS64_N32 = 0x2000_0000;

/** x32 syscalls are x86_64's AUDIT_ARCH with this bit set in the number. */
export const X32_SYSCALL_BIT = 0x4000_0000;
export const AUDIT_ARCH_X86_64 = (62 | AUDIT_64BIT | AUDIT_LE) >>> 0;

function arch(
  docker: string, libseccomp: string, kernel: string, em: number, bits: 32 | 64, bigEndian: boolean,
  extra: { base?: number; flags?: number; token?: number } = {},
): ArchFacts {
  const audit = (em | (bits === 64 || extra.flags ? AUDIT_64BIT : 0) | (bigEndian ? 0 : AUDIT_LE) | (extra.flags ?? 0)) >>> 0;
  return Object.freeze({
    docker,
    libseccomp,
    scmp: `SCMP_ARCH_${libseccomp.toUpperCase()}`,
    kernel,
    audit,
    token: extra.token ?? audit,
    base: extra.base ?? 0,
    bits,
    bigEndian,
  });
}

// Docker names are libseccomp-golang's arch strings (GOARCH 386 is "x86"). ELF machine numbers
// (EM_*) from linux/elf-em.h.
export const ARCHES: readonly ArchFacts[] = Object.freeze([
  arch('x86', 'x86', 'x86', 3, 32, false),
  arch('amd64', 'x86_64', 'x86', 62, 64, false),
  // x32: the kernel reports x86_64's AUDIT_ARCH; libseccomp's token is it without the 64-bit flag.
  { ...arch('x32', 'x32', 'x86', 62, 64, false, { base: X32_SYSCALL_BIT, token: (62 | AUDIT_LE) >>> 0 }), bits: 32 as const },
  arch('arm', 'arm', 'arm', 40, 32, false),
  arch('arm64', 'aarch64', 'arm64', 183, 64, false),
  arch('loong64', 'loongarch64', 'loongarch', 258, 64, false),
  arch('m68k', 'm68k', 'm68k', 4, 32, true),
  arch('mips', 'mips', 'mips', 8, 32, true, { base: 4000 }),
  arch('mipsel', 'mipsel', 'mips', 8, 32, false, { base: 4000 }),
  arch('mips64', 'mips64', 'mips', 8, 64, true, { base: 5000 }),
  arch('mipsel64', 'mipsel64', 'mips', 8, 64, false, { base: 5000 }),
  arch('mips64n32', 'mips64n32', 'mips', 8, 32, true, { base: 6000, flags: AUDIT_MIPS64_N32 }),
  arch('mipsel64n32', 'mipsel64n32', 'mips', 8, 32, false, { base: 6000, flags: AUDIT_MIPS64_N32 }),
  arch('parisc', 'parisc', 'parisc', 15, 32, true),
  arch('parisc64', 'parisc64', 'parisc', 15, 64, true),
  arch('ppc', 'ppc', 'powerpc', 20, 32, true),
  arch('ppc64', 'ppc64', 'powerpc', 21, 64, true),
  arch('ppc64le', 'ppc64le', 'powerpc', 21, 64, false),
  arch('riscv64', 'riscv64', 'riscv', 243, 64, false),
  arch('s390', 's390', 's390', 22, 32, true),
  arch('s390x', 's390x', 's390', 22, 64, true),
  arch('sh', 'sh', 'sh', 42, 32, false),
  arch('sheb', 'sheb', 'sh', 42, 32, true),
].map((a) => Object.freeze(a)));

/** Docker name -> facts. */
export const ARCH_BY_DOCKER: ReadonlyMap<string, ArchFacts> = new Map(ARCHES.map((a) => [a.docker, a]));
/** libseccomp name -> facts. */
export const ARCH_BY_LIBSECCOMP: ReadonlyMap<string, ArchFacts> = new Map(ARCHES.map((a) => [a.libseccomp, a]));
/** SCMP_ARCH_* -> facts. */
export const ARCH_BY_SCMP: ReadonlyMap<string, ArchFacts> = new Map(ARCHES.map((a) => [a.scmp, a]));

/**
 * Arch spellings that moby itself uses in includes/excludes.arches and as the host's name:
 * "loongarch64" (Go and libseccomp-golang say loong64) and "mips3l64n32" (a typo for mipsel64n32
 * that Docker's own 20.10 default profile uses). They mean the same arch as the Docker name.
 */
export const PROFILE_ARCH_SPELLINGS: Readonly<Record<string, string>> = Object.freeze({
  loongarch64: 'loong64',
  mips3l64n32: 'mipsel64n32',
});

/** Other spellings accepted for an `arch` option: GOARCH, uname and Node names. */
const ARCH_ALIASES: Readonly<Record<string, string>> = Object.freeze({
  ...PROFILE_ARCH_SPELLINGS,
  '386': 'x86', i386: 'x86', i686: 'x86', ia32: 'x86', x86_64: 'amd64', x64: 'amd64', aarch64: 'arm64',
  mipsle: 'mipsel', mips64le: 'mipsel64', mips64el: 'mipsel64', mips64p32: 'mips64n32', mips64p32le: 'mipsel64n32',
});

/** The facts for an arch given in Docker, GOARCH, libseccomp, uname or SCMP_ARCH_* spelling; undefined if unknown. */
export function archFacts(name: string): ArchFacts | undefined {
  if (typeof name !== 'string') return undefined;
  const d = ARCH_BY_DOCKER.get(name);
  if (d) return d;
  if (Object.hasOwn(ARCH_ALIASES, name)) return ARCH_BY_DOCKER.get(ARCH_ALIASES[name]);
  return ARCH_BY_LIBSECCOMP.get(name) ?? ARCH_BY_SCMP.get(name);
}

/** The facts for a libseccomp arch name; throws for one not in the table (a bug in the caller). */
export function factsOf(libseccomp: string): ArchFacts {
  const f = ARCH_BY_LIBSECCOMP.get(libseccomp);
  if (!f) throw new Error(`internal: no facts for arch ${libseccomp}`);
  return f;
}

/** The AUDIT_ARCH_* value the kernel reports for a libseccomp arch (x32 shares x86_64's). */
export function auditArch(libseccomp: string): number {
  return factsOf(libseccomp).audit;
}

/** The libseccomp name for a token (SCMP_ARCH_* value), or undefined. */
export function archByToken(token: number): ArchFacts | undefined {
  const t = token >>> 0;
  return ARCHES.find((a) => a.token === t);
}

/** This machine's arch from Node's process.arch and byte order; undefined for one not in the table. */
export function hostArch(nodeArch: string = process.arch, littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1): ArchFacts | undefined {
  // Node says ppc64 for both byte orders; mips64el is Node's little-endian MIPS64.
  if (nodeArch === 'ppc64') return ARCH_BY_DOCKER.get(littleEndian ? 'ppc64le' : 'ppc64');
  return archFacts(nodeArch);
}

/** The libseccomp name of an arch in any spelling archFacts() takes; ERR_SECCOMP_UNKNOWN_ARCH otherwise. */
export function libseccompArchName(arch: string): string {
  const info = archFacts(arch);
  if (!info) throw new SeccompError(`unknown architecture "${String(arch)}"`, { code: ErrorCode.UNKNOWN_ARCH });
  return info.libseccomp;
}
