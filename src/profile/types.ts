// Shared types of the profile engine: what resolution produces and compile returns.
import type { ActionName } from '../action.js';
import type { Condition } from '../filter.js';
import type { Bytes } from '../node-shapes.js';
import type { Composition } from './compose.js';

/** A Docker/OCI profile as JSON text, a parsed object, a file path, or a built-in name. */
export type ProfileInput = string | Record<string, unknown>;

export interface KernelVersion {
  major: number;
  minor: number;
}

/** What a profile's includes/excludes are evaluated against. */
export interface ProfileContext {
  /** `CAP_*` names. */
  capabilities: string[];
  /** Docker's arch naming: amd64, x86, arm64, arm, s390x, ppc64le, riscv64, ... */
  arch: string;
  kernel: KernelVersion;
}

/**
 * What compile does with a syscall name no Linux arch has (a typo such as `mkdri`): `'error'`
 * refuses the profile (ERR_SECCOMP_PROFILE_INVALID, the name's JSON path and the nearest real
 * name), and near misses of known keys (`sycalls`, `agrs`) too; `'warn'` skips the name's rule
 * with a warning (and near-miss keys are warnings); `'ignore'` skips names silently, as Docker
 * does. Real syscall names this libseccomp cannot number on the arch (another arch's, or newer)
 * are skipped with a warning in every mode but `'ignore'`.
 */
export type UnknownSyscalls = 'error' | 'warn' | 'ignore';

export interface CompileOptions {
  /** Capability set (`CAP_*` names) for includes/excludes.caps; default: this process's bounding set. */
  capabilities?: string[];
  /** Docker arch name (amd64, arm64, ...) or libseccomp name (x86_64, aarch64, ...); default: native. */
  arch?: string;
  /** Kernel version for minKernel, as "6.1" or { major, minor }; default: uname. */
  kernel?: string | KernelVersion;
  /** Names that are no syscall on any arch, and misspelt keys: `'error'` (default), `'warn'` or `'ignore'` (UnknownSyscalls). */
  unknownSyscalls?: UnknownSyscalls;
  /**
   * @deprecated Use `unknownSyscalls`. `true` is `unknownSyscalls: 'error'` (the default); it
   * no longer refuses real syscall names this libseccomp cannot number (uretprobe on 2.5.4).
   */
  strict?: boolean;
  /** ENOSYS (not the default errno) for syscalls newer than the profile; default true. */
  enosys?: boolean;
  /**
   * Serve a repeat compile from the in-process cache and, across processes, from the per-user
   * disk cache ($XDG_CACHE_HOME/seccomp or ~/.cache/seccomp; SECCOMP_CACHE=0 turns it off);
   * default true. `'memory'`: the in-process cache only. `false`: neither.
   */
  cache?: boolean | 'memory';
  /**
   * Number the newest syscalls (424 and up: mseal, statmount, ...) from our own table when the
   * installed libseccomp cannot name them, and serve their rules in a BPF block before
   * libseccomp's program; default true. A name libseccomp knows is always libseccomp's.
   * `false` reproduces exactly what runc does with the same libseccomp: such names are skipped
   * (`unknownSyscalls`) and the ENOSYS stub answers for them.
   */
  newSyscalls?: boolean;
  /**
   * libseccomp's OPTIMIZE level: 1, rules in priority order; 2, a binary tree over syscall
   * numbers. Default: runc's rule, 2 for more than 32 rules, else libseccomp's default (1).
   */
  optimize?: 1 | 2;
  /**
   * Rewrite the finished program (stub, newer-syscalls block and libseccomp's program) into an
   * equivalent, shorter one: an arch dispatch, then a binary search over runs of syscall numbers
   * with one outcome, argument checks kept where they matter. Left as built when the pass cannot
   * prove the rewrite exact. Default true; false returns the program as runc would build it.
   */
  specialize?: boolean;
  /**
   * Compare each argument on the bits the kernel reads (src/profile/arg-widths.ts): 32 for
   * int-typed ones (socket's family, personality, ioctl's cmd, ...), 16 for umode_t. libseccomp
   * compares all 64 bits on 64-bit ABIs, so high bits the kernel ignores step around a rule
   * (socket(0x100000028) is AF_VSOCK). Values in the profile are cut to the same width. Default
   * true; false compares as Docker does.
   */
  narrowArgs?: boolean;
  /**
   * socketcall(2)/ipc(2) sub-calls whose direct syscall's answer depends on its arguments (which
   * the multiplexer keeps in memory, out of the filter's reach) get the strictest answer the
   * direct syscall can give. Default true; false leaves them to libseccomp, as Docker does.
   */
  multiplexers?: boolean;
}

export interface ProfileWarning {
  path: string;
  message: string;
  /** A stable code for warnings a caller may act on (ERR_SECCOMP_ARCH_MISMATCH). */
  code?: string;
}

/** One rule as it goes to libseccomp, with where it came from in the profile. */
export interface ResolvedRule {
  syscall: string;
  action: ActionName;
  /** errno for ERRNO, message for TRACE. */
  data?: number;
  conditions: Condition[];
  /** JSON path of the profile rule, e.g. `syscalls[12]`. */
  source: string;
  /**
   * Set when libseccomp could not name the syscall and compile numbered it from its own table
   * (newSyscalls): the number on each arch of the filter. Such a rule is not given to
   * libseccomp; compile's own block in front of libseccomp's program serves it.
   */
  numbers?: readonly { readonly arch: string; readonly nr: number }[];
}

/** A profile after validation and evaluation in a context: ready for libseccomp. */
export interface ResolvedProfile {
  defaultAction: ActionName;
  defaultData?: number;
  /** libseccomp arch names; empty means native only. */
  arches: string[];
  /** Docker/OCI flag names, e.g. SECCOMP_FILTER_FLAG_LOG. */
  flags: string[];
  rules: ResolvedRule[];
  listenerPath?: string;
  listenerMetadata?: string;
  warnings: ProfileWarning[];
  /** libseccomp name of the context's arch (x86_64, ...): always in the filter, as in runc. */
  nativeArch: string;
  /**
   * Whether the profile had a `flags` list (even an empty one). runc, when it has none, adds
   * SECCOMP_FILTER_FLAG_SPEC_ALLOW if libseccomp and the kernel support it.
   */
  flagsGiven: boolean;
  /**
   * Names of rules left out because their action equals the default. runc still counts them
   * when it finds each arch's highest syscall for the ENOSYS stub, so compile does too.
   */
  redundantSyscalls?: string[];
}

export interface CompiledProfile {
  /** Built-in name or file path, when there is one. */
  readonly name?: string;
  /** No filter at all (the `unconfined` built-in). */
  readonly unconfined: boolean;
  /** The BPF program (struct sock_filter[]), with the ENOSYS stub when it applies. */
  readonly bpf: Bytes;
  readonly arches: string[];
  readonly flags: string[];
  /** SECCOMP_FILTER_FLAG_* bits the profile's flags ask of seccomp(2) (LOG, SPEC_ALLOW, ...; never TSYNC). */
  readonly filterFlags: number;
  readonly defaultAction: ActionName;
  readonly defaultData?: number;
  readonly rules: readonly ResolvedRule[];
  readonly unknownSyscalls: readonly string[];
  /** Names libseccomp could not resolve that compile numbered from its own table (newSyscalls). */
  readonly tableSyscalls: readonly string[];
  readonly warnings: readonly ProfileWarning[];
  /** sha256 over (profile, context, libseccomp version). */
  readonly hash: string;
  readonly context: ProfileContext;
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
  /**
   * Set for a profile that extends a base: the bases, and where each rule was written
   * (`composition.rules[i]` for the rules whose `source` is `syscalls[i]`; originPath() turns such a path into where it was written).
   */
  readonly composition?: Composition;
  /** Per arch (libseccomp name), the highest syscall number the profile names: the ENOSYS stub answers above it. Empty without a stub. */
  readonly lastSyscalls: readonly { readonly arch: string; readonly nr: number }[];
}
