import { os } from './builtins.js';

/** Stable error codes thrown by this package (besides errno names such as `EINVAL`). */
export const ErrorCode = {
  LIBRARY_MISSING: 'ERR_SECCOMP_LIBRARY_MISSING',
  UNSUPPORTED: 'ERR_SECCOMP_UNSUPPORTED',
  UNKNOWN_SYSCALL: 'ERR_SECCOMP_UNKNOWN_SYSCALL',
  UNKNOWN_ARCH: 'ERR_SECCOMP_UNKNOWN_ARCH',
  PROFILE_INVALID: 'ERR_SECCOMP_PROFILE_INVALID',
  PROFILE_NOT_FOUND: 'ERR_SECCOMP_PROFILE_NOT_FOUND',
  /** The profile's filter exceeds the kernel's 4096 instructions (BPF_MAXINSNS). */
  PROFILE_TOO_LARGE: 'ERR_SECCOMP_PROFILE_TOO_LARGE',
  RELEASED: 'ERR_SECCOMP_RELEASED',
  LOAD: 'ERR_SECCOMP_LOAD',
  TSYNC: 'ERR_SECCOMP_TSYNC',
  ISOLATION: 'ERR_SECCOMP_ISOLATION',
  UNKNOWN_CAPABILITY: 'ERR_SECCOMP_UNKNOWN_CAPABILITY',
  CAPABILITIES: 'ERR_SECCOMP_CAPABILITIES',
  ARCH_MISMATCH: 'ERR_SECCOMP_ARCH_MISMATCH',
  /** A profile's base cannot be used: bases forming a cycle, nesting too deep, or `unconfined`. */
  PROFILE_BASE: 'ERR_SECCOMP_PROFILE_BASE',
  /** An options object holds a key the function does not take (a TypeError, with a suggestion). */
  UNKNOWN_OPTION: 'ERR_SECCOMP_UNKNOWN_OPTION',
  /** export: the profile cannot be written in the requested format (a field the format lacks). */
  EXPORT: 'ERR_SECCOMP_EXPORT',
  /** merge: the inputs' decisions cannot be combined into one Docker-format profile. */
  MERGE: 'ERR_SECCOMP_MERGE',
} as const;

/** One problem found in a profile, located by its JSON path (e.g. `syscalls[3].args[0].op`). */
export interface ProfileProblem {
  path: string;
  message: string;
}

export interface SeccompErrorProps {
  code?: string;
  errno?: number;
  func?: string;
  syscall?: string;
  problems?: ProfileProblem[];
  [extra: string]: unknown;
}

// Built when first asked for: the startup paths name no errno unless something fails.
let errnoNames: Map<number, string> | undefined;

/** The errno name for a positive errno number (`EPERM` for 1), or `E<n>` when unknown. */
export function errnoName(errno: number): string {
  if (errnoNames === undefined) {
    errnoNames = new Map();
    for (const [name, value] of Object.entries(os().constants.errno)) if (!errnoNames.has(value)) errnoNames.set(value, name);
  }
  return errnoNames.get(errno) ?? `E${errno}`;
}

/** The errno number for a name (`EPERM` -> 1), or undefined. */
export function errnoNumber(name: string): number | undefined {
  const { errno } = os().constants;
  if (typeof name !== 'string' || !Object.hasOwn(errno, name)) return undefined;
  const v = (errno as Record<string, number>)[name];
  return typeof v === 'number' ? v : undefined;
}

/**
 * Every error this package raises, apart from argument TypeError/RangeError.
 * `code` is stable: an `ERR_SECCOMP_*` string, or the errno name for a failed libseccomp call.
 */
export class SeccompError extends Error {
  code: string;
  // `declare`: set only when given (by Object.assign below), not as own `undefined` fields.
  declare errno?: number;
  /** The libseccomp (or system) function that failed. */
  declare func?: string;
  /** The syscall concerned, where there is one. */
  declare syscall?: string;
  /** For ERR_SECCOMP_PROFILE_INVALID: every problem found. */
  declare problems?: ProfileProblem[];

  constructor(message: string, props: SeccompErrorProps = {}) {
    super(message);
    this.name = 'SeccompError';
    const { code, ...rest } = props;
    Object.assign(this, rest);
    this.code = code ?? (props.errno ? errnoName(props.errno) : 'ERR_SECCOMP');
  }
}

export function unsupported(message: string, extra: SeccompErrorProps = {}): SeccompError {
  return new SeccompError(message, { code: ErrorCode.UNSUPPORTED, ...extra });
}

/** Node's codes for bad arguments, so that every error this package throws has a `code`. */
export const ArgCode = { TYPE: 'ERR_INVALID_ARG_TYPE', RANGE: 'ERR_OUT_OF_RANGE' } as const;

/** A TypeError with `code` ERR_INVALID_ARG_TYPE (an argument of the wrong kind). */
export function argTypeError(message: string): TypeError & { code: string } {
  return Object.assign(new TypeError(message), { code: ArgCode.TYPE });
}

/** A RangeError with `code` ERR_OUT_OF_RANGE (an argument of the right kind, out of range). */
export function argRangeError(message: string): RangeError & { code: string } {
  return Object.assign(new RangeError(message), { code: ArgCode.RANGE });
}
