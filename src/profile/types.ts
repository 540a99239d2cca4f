// Shared types of the profile engine: what resolution produces and compile returns.
import type { ActionName } from '../action.js';
import type { Condition } from '../filter.js';

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

export interface CompileOptions {
  /** Capability set (`CAP_*` names) for includes/excludes.caps; default: this process's bounding set. */
  capabilities?: string[];
  /** Docker arch name (amd64, arm64, ...) or libseccomp name (x86_64, aarch64, ...); default: native. */
  arch?: string;
  /** Kernel version for minKernel, as "6.1" or { major, minor }; default: uname. */
  kernel?: string | KernelVersion;
  /** Unknown syscall names are an error instead of a warning. */
  strict?: boolean;
  /** ENOSYS (not the default errno) for syscalls newer than the profile; default true. */
  enosys?: boolean;
  /** Serve a repeat compile from the in-process cache; default true. */
  cache?: boolean;
}

export interface ProfileWarning {
  path: string;
  message: string;
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
}

export interface CompiledProfile {
  /** Built-in name or file path, when there is one. */
  readonly name?: string;
  /** No filter at all (the `unconfined` built-in). */
  readonly unconfined: boolean;
  /** The BPF program (struct sock_filter[]), with the ENOSYS stub when it applies. */
  readonly bpf: Buffer;
  readonly arches: string[];
  readonly flags: string[];
  /** SECCOMP_FILTER_FLAG_* bits the profile's flags ask of seccomp(2) (LOG, SPEC_ALLOW, ...; never TSYNC). */
  readonly filterFlags: number;
  readonly defaultAction: ActionName;
  readonly defaultData?: number;
  readonly rules: readonly ResolvedRule[];
  readonly unknownSyscalls: readonly string[];
  readonly warnings: readonly ProfileWarning[];
  /** sha256 over (profile, context, libseccomp version). */
  readonly hash: string;
  readonly context: ProfileContext;
  readonly listenerPath?: string;
  readonly listenerMetadata?: string;
}
