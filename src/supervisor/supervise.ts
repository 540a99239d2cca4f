// The notify supervisor: answers a filter's SCMP_ACT_NOTIFY syscalls in this process.
//
// API (small on purpose; denial reports and `seccomp run` build on it):
//   supervise(listenerFd, onSyscall, { signal? }) -> Supervisor
//     Takes ownership of the listener fd. onSyscall(notification) is called for every notified
//     syscall, in order of arrival, and returns (or resolves to) a SyscallAnswer:
//       { errno: N }    the syscall fails with errno N (1..4095)
//       { value: V }    the syscall "succeeds" with V without running
//       'continue'      the kernel runs the syscall as if allowed
//     Anything else, a throw or a rejection is answered { errno: EPERM } (DEFAULT_ERRNO): fail
//     closed, as Docker's default errno.
//   supervisor.closed: Promise<SupervisorEnd>, resolved once, when the listener hung up (no task
//     uses the filter any more: the whole supervised tree has exited), on close(), on abort, or
//     on a receive error. The fd is closed by then; answers still pending are dropped, and the
//     kernel fails their syscalls (and any later notified one) with ENOSYS.
//   supervisor.stats: { received, answered, defaulted }.
//   spawn/execFile/fork({ seccomp, onSyscall }) start one per child (launch/spawn.ts) and keep it
//   on child.seccompSupervisor.
//
// Receiving never blocks: the addon polls the fd with a libuv handle on this loop
// (native/supervisor.cc). A synchronous handler is answered within the same turn.
//
// TOCTOU: a pointer argument read here (notification.readString) may be changed by another
// thread of the target between the read and the kernel's own read after 'continue'. Answering
// with an errno or a value is a decision; 'continue' after inspecting memory is not a security
// boundary (the kernel's seccomp_unotify(2) says the same).
import { archName } from '../arch.js';
import { syscallName } from '../library.js';
import { native, type NativeNotification } from '../native.js';
import { readArgString } from './decode.js';

export const DEFAULT_ERRNO = 1; // EPERM
const FLAG_CONTINUE = 1; // SECCOMP_USER_NOTIF_FLAG_CONTINUE

export type SyscallAnswer = { errno: number } | { value: number | bigint } | 'continue';

export interface SyscallNotification {
  /** The kernel's cookie for this notification. */
  readonly id: bigint;
  /** The calling thread's id, in this process's pid namespace. */
  readonly pid: number;
  /** The syscall number and its name on `arch` (undefined when libseccomp has none). */
  readonly nr: number;
  readonly syscall: string | undefined;
  /** libseccomp arch name (x86_64, ...), or the audit value when unknown. */
  readonly arch: string | number;
  readonly args: readonly bigint[];
  readonly instructionPointer: bigint;
  /**
   * Reads a NUL-terminated string (a path, say) that argument `index` points to in the target's
   * memory, at most `max` bytes (default 4096); undefined when it cannot be read, has no NUL
   * within max, or the notification stopped being valid while reading. Subject to TOCTOU.
   */
  readString(index: number, max?: number): string | undefined;
  /** True while the syscall still waits for an answer (its task alive, not interrupted). */
  isValid(): boolean;
}

export type SyscallHandler = (n: SyscallNotification) => SyscallAnswer | Promise<SyscallAnswer> | unknown;

/** An AbortSignal, as far as the supervisor uses one (declared so that the types need no DOM or Node lib). */
export interface AbortSignalLike {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

export interface SupervisorOptions {
  signal?: AbortSignalLike;
}

export interface SupervisorEnd {
  /** 'hangup': the tree exited; 'closed': close() or abort; 'error': receiving failed. */
  reason: 'hangup' | 'closed' | 'error';
  errno?: number;
}

export interface Supervisor {
  readonly closed: Promise<SupervisorEnd>;
  readonly stats: { received: number; answered: number; defaulted: number };
  close(): void;
}


/** Converts a handler's answer to the kernel's (val, error, flags); undefined when it is none. */
export function kernelAnswer(a: unknown): { val: bigint; error: number; flags: number } | undefined {
  if (a === 'continue') return { val: 0n, error: 0, flags: FLAG_CONTINUE };
  if (a === null || typeof a !== 'object') return undefined;
  const o = a as { errno?: unknown; value?: unknown };
  if ('errno' in o && !('value' in o)) {
    const e = o.errno;
    return typeof e === 'number' && Number.isInteger(e) && e >= 1 && e <= 4095 ? { val: 0n, error: -e, flags: 0 } : undefined;
  }
  if ('value' in o && !('errno' in o)) {
    const v = o.value;
    const big = typeof v === 'bigint' ? v : typeof v === 'number' && Number.isSafeInteger(v) ? BigInt(v) : undefined;
    return big !== undefined && big >= -(2n ** 63n) && big < 2n ** 63n ? { val: big, error: 0, flags: 0 } : undefined;
  }
  return undefined;
}

const DENY = { val: 0n, error: -DEFAULT_ERRNO, flags: 0 };

// Names per (arch, number): a busy tree asks for the same few again and again. Only names found
// are kept (a bounded set); numbers without one are the child's choice (2^32 of them) and are
// looked up each time, so that a child cannot grow this process's memory at will.
const names = new Map<string, string>();
function nameOf(nr: number, arch: string | number): string | undefined {
  if (typeof arch !== 'string') return undefined;
  const key = `${arch}:${nr}`;
  const known = names.get(key);
  if (known !== undefined) return known;
  const name = syscallName(nr, arch);
  if (name !== undefined) names.set(key, name);
  return name;
}

/** How many (arch, number) names are cached (tests: a hostile child must not grow it at will). */
export function namesCached(): number {
  return names.size;
}

/** Supervises the listener `fd` (now owned by the supervisor) with `onSyscall`. */
export function supervise(fd: number, onSyscall: SyscallHandler, options: SupervisorOptions = {}): Supervisor {
  if (!Number.isInteger(fd) || fd < 0) throw new TypeError('fd must be a listener file descriptor');
  if (typeof onSyscall !== 'function') throw new TypeError('onSyscall must be a function');
  const b = native();
  const stats = { received: 0, answered: 0, defaulted: 0 };
  let open = true;
  let finish!: (e: SupervisorEnd) => void;
  const closed = new Promise<SupervisorEnd>((resolve) => (finish = resolve));
  const signal = options.signal;

  // Answers only while the fd is ours: after close its number may belong to another file.
  const send = (id: bigint, a: { val: bigint; error: number; flags: number }) => {
    if (!open) return;
    b.notifySend(fd, id, a.val, a.error, a.flags); // ENOENT: the task went away; nothing to do
    stats.answered++;
  };
  const answer = (id: bigint, result: unknown) => {
    const k = kernelAnswer(result);
    if (!k) stats.defaulted++;
    send(id, k ?? DENY);
  };

  const onNotification = (n: NativeNotification | null, errno?: number) => {
    if (n === null) return end(errno ? { reason: 'error', errno } : { reason: 'hangup' });
    stats.received++;
    const note = notification(n);
    // One answer per notification, whatever the handler's thenable does (settle twice, call
    // both callbacks, throw from then()): the first wins, the rest are ignored. Nothing the
    // handler does may throw out of here: the addon would make it a fatal exception, and the
    // syscall would never be answered.
    let done = false;
    const once = (r: unknown) => {
      if (done) return;
      done = true;
      answer(n.id, r);
    };
    try {
      const result = onSyscall(note);
      const then = result !== null && (typeof result === 'object' || typeof result === 'function')
        ? (result as { then?: unknown }).then : undefined;
      if (typeof then === 'function') then.call(result, once, () => once(undefined));
      else once(result);
    } catch {
      once(undefined);
    }
  };

  const notification = (n: NativeNotification): SyscallNotification => {
    const arch = archName(n.arch) ?? n.arch;
    return {
      id: n.id, pid: n.pid, nr: n.syscall, arch, args: n.args, instructionPointer: n.instructionPointer,
      get syscall() {
        return nameOf(n.syscall, arch);
      },
      readString: (index: number, max = 4096) => (open ? readArgString(fd, n, index, max) : undefined),
      isValid: () => open && b.notifyIdAlive(fd, n.id),
    } as SyscallNotification;
  };

  const watch = new b.ListenerWatch(fd, onNotification);
  const onAbort = () => close();
  function end(e: SupervisorEnd) {
    if (!open) return;
    open = false;
    signal?.removeEventListener('abort', onAbort);
    finish(e);
  }
  function close() {
    if (!open) return;
    watch.close();
    end({ reason: 'closed' });
  }
  if (signal?.aborted) close();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return { closed, stats, close };
}
