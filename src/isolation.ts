// What keeps sandboxed code from reaching processes outside its sandbox. Docker has a PID
// namespace for that; unprivileged, the kernel offers Landlock: a process in a Landlock
// domain cannot ptrace, read or write the memory of (process_vm_*, /proc/PID/mem), or take
// fds from (pidfd_getfd) a process outside its domain (ABI 1, Linux 5.13), nor, with
// LANDLOCK_SCOPE_SIGNAL (ABI 6, Linux 6.12), signal one. Its own descendants stay inside,
// so `strace -f` of its own children keeps working.
import { ErrorCode, SeccompError } from './errors.js';
import { native } from './native.js';

/** `full`: both guards or an error; `available`: what the kernel has; `none`: no domain. */
export type IsolationMode = 'full' | 'available' | 'none';
export const ISOLATION_MODES: readonly IsolationMode[] = ['full', 'available', 'none'];

/** Which guards a sandbox got. */
export interface Isolation {
  readonly mode: IsolationMode;
  /** `landlock`, or `none` when no domain was made. */
  readonly method: 'landlock' | 'none';
  /** The kernel's Landlock ABI version (0: none). */
  readonly landlockAbi: number;
  /** ptrace, process_vm_readv/writev, /proc/PID/mem, pidfd_getfd, kcmp on outside processes are denied. */
  readonly ptrace: boolean;
  /** kill, tgkill, pidfd_send_signal, SIGIO/SIGURG to outside processes are denied. */
  readonly signals: boolean;
  /** prlimit64 cannot set another process's limits (RLIMIT_CPU on the parent would kill it). */
  readonly rlimits: boolean;
  /** ioctl TIOCSTI/TIOCLINUX cannot type into, or paste from, a terminal shared with the user. */
  readonly terminal: boolean;
}

const SCOPE_SIGNAL = 1 << 1;
// Before ABI 6 a domain must handle some access; this one is granted again beneath "/".
// ABI 1 is not used: its domains also refuse to move files across directories (EXDEV).
const FS_MAKE_BLOCK = 1 << 11;

export interface IsolationPlan {
  isolation: Isolation;
  /** Landlock scope bits and the filesystem right to handle; both 0 for no domain. */
  scoped: number;
  fs: number;
  /** Put the tree guard (native/tree_guard.h) in front of the profile's program. */
  guard: boolean;
}

/** Arches for which native/tree_guard.h has a program. */
export const TREE_GUARD_ARCHES: readonly string[] = ['x64', 'arm64'];

let abi: number | undefined;
/** The running kernel's Landlock ABI version, asked once. */
export function landlockAbi(): number {
  return (abi ??= native().landlockAbi());
}

/** Checks an `isolation` option (undefined means `full`). */
export function isolationMode(value: unknown, what = 'options.isolation'): IsolationMode {
  if (value === undefined) return 'full';
  if (typeof value === 'string' && (ISOLATION_MODES as readonly string[]).includes(value)) return value as IsolationMode;
  throw Object.assign(new TypeError(`${what} must be one of ${ISOLATION_MODES.join(', ')}, got ${JSON.stringify(String(value))}`), {
    code: 'ERR_INVALID_ARG_VALUE',
  });
}

/** What to apply for `mode` on a kernel with Landlock ABI `abiVersion` (pure). */
export function planIsolation(mode: IsolationMode, abiVersion: number, where: string, arch: string = process.arch): IsolationPlan {
  const guard = mode !== 'none' && TREE_GUARD_ARCHES.includes(arch);
  const make = (method: 'landlock' | 'none', ptrace: boolean, signals: boolean, scoped: number, fs: number): IsolationPlan => ({
    isolation: Object.freeze({ mode, method, landlockAbi: abiVersion, ptrace, signals, rlimits: guard, terminal: guard }),
    scoped,
    fs,
    guard,
  });
  if (mode === 'none') return make('none', false, false, 0, 0);
  if (abiVersion >= 6 && guard) return make('landlock', true, true, SCOPE_SIGNAL, 0);
  const partial = abiVersion >= 6
    ? make('landlock', true, true, SCOPE_SIGNAL, 0)
    : abiVersion >= 2 ? make('landlock', true, false, 0, FS_MAKE_BLOCK) : make('none', false, false, 0, 0);
  if (mode === 'available') return partial;
  const missing = abiVersion >= 6
    ? `from setting the resource limits of, or typing into the terminal of, processes outside it on ${arch} (no guard program for this arch)`
    : abiVersion >= 2
    ? 'from signalling processes outside it (that needs Landlock ABI 6, Linux 6.12)'
    : 'from tracing or signalling processes outside it (that needs Landlock ABI 2, Linux 5.19, and ABI 6, Linux 6.12, for signals)';
  throw new SeccompError(
    `${where}: this kernel (Landlock ABI ${abiVersion}) cannot keep a sandboxed process ${missing}; ` +
      `nothing was started. Pass isolation: 'available' (seccomp run --isolation=available) to accept ` +
      `${abiVersion >= 2 ? 'the ptrace guard alone' : 'no guard'}, or 'none' for no guard`,
    { code: ErrorCode.ISOLATION, landlockAbi: abiVersion },
  );
}

/** The launcher's ISOLATE argument for a plan. */
export function launcherIsolateArg(plan: IsolationPlan): string {
  if (plan.scoped === 0 && plan.fs === 0 && !plan.guard) return '-';
  return `${plan.scoped.toString(16)}:${plan.fs.toString(16)}:${plan.guard ? 1 : 0}`;
}
