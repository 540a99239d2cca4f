// What lint() returns and takes.

export type Severity = 'error' | 'warning' | 'info';

/** One hazard found in a profile. */
export interface Finding {
  /** Stable code (`deny-family-partial`, `io-uring-bypass`, ...): the README's table lists them. */
  readonly code: string;
  readonly severity: Severity;
  /** JSON path of the part of the profile concerned (`syscalls[3].names[1]`, `defaultAction`). */
  readonly path: string;
  readonly message: string;
  /** One line saying what to change. */
  readonly fix: string;
}

/**
 * Where the profile is meant to run. `docker` (default): loaded as runc loads it, every
 * argument compared on 64 bits and socketcall/ipc sub-calls left to libseccomp. `kubernetes`:
 * the same, and no seccomp agent receives SCMP_ACT_NOTIFY. `sandbox`: loaded by this
 * package's sandbox()/spawn(), with its int-argument and multiplexer blocks.
 */
export type LintTarget = 'docker' | 'kubernetes' | 'sandbox';
export const LINT_TARGETS: readonly LintTarget[] = ['docker', 'kubernetes', 'sandbox'];

export interface LintOptions {
  /** Capability set for includes/excludes.caps; default: Docker's 14 (DOCKER_DEFAULT_CAPABILITIES). */
  capabilities?: string[];
  /** Docker or libseccomp arch name; default: native. */
  arch?: string;
  /** Kernel version for minKernel ("6.1" or { major, minor }); default: uname. */
  kernel?: string | { major: number; minor: number };
  target?: LintTarget;
}
