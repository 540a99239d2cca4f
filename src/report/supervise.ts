// Denial reports on the notify supervisor: the child runs the reporting program (every ERRNO and
// KILL return turned into NOTIFY); each notification is decided again on the ORIGINAL program
// with decide(), answered exactly so, and reported once per (pid, syscall, arguments).
import { fs } from '../builtins.js';
import { decide } from '../decide.js';
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { ErrorCode, SeccompError } from '../errors.js';
import { FilterFlag } from '../library.js';
import { nativeArch } from '../arch.js';
import { native } from '../native.js';
import { isProduced, markProduced } from '../profile/produced.js';
import type { CompiledProfile } from '../profile/types.js';
import type { SyscallAnswer, SyscallHandler, SyscallNotification } from '../supervisor/supervise.js';
import { answerFor, killSignal, parseProcStatus } from './answer.js';
import { pathArgs } from './decode.js';
import { DenialLog, nameOfSyscall, type Denial } from './model.js';
import { fixOf, ruleOf } from './rule.js';
import { reportingProgram } from './transform.js';

export interface Reporting {
  /** The profile to launch: the original's context and rules, the reporting program. */
  compiled: CompiledProfile;
  onSyscall: SyscallHandler;
  log: DenialLog;
}

function readText(path: string): string | undefined {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function readLink(path: string): string | undefined {
  try {
    return fs.readlinkSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Sends `sig` to process `tgid` through a pidfd, and only if notification `n` is still waiting
 * once the pidfd is open: the waiting thread keeps its process (and so the pid) from being reused,
 * so the pidfd is the caller's process and the signal cannot reach another one.
 */
function signalCaller(n: SyscallNotification, tgid: number, sig: number): boolean {
  const b = native();
  const fd = b.pidfdOpen(tgid);
  if (fd < 0) return false;
  try {
    return n.isValid() && b.pidfdSendSignal(fd, sig) === 0;
  } finally {
    fs.closeSync(fd);
  }
}

/** Most processes remembered as sent SIGSYS (see `doomed` below); the oldest are forgotten. */
const MAX_DOOMED = 1024;

// The reporting form of each result of compile(), made once: rewriting the program, and the
// launch checks a new object would get at every spawn, are fixed for it. Its own hash keys its own
// memfd (prepare.ts), apart from the original program's. A hand-made profile, which may change
// between spawns, is rewritten each time.
const reporting = new WeakMap<CompiledProfile, CompiledProfile>();

function reportingProfile(original: CompiledProfile): CompiledProfile {
  const kept = reporting.get(original);
  if (kept) return kept;
  const derived: CompiledProfile = {
    ...original,
    bpf: reportingProgram(original),
    filterFlags: (original.filterFlags | FilterFlag.NEW_LISTENER) >>> 0,
  };
  if (!isProduced(original)) return derived;
  const made = Object.freeze({ ...derived, hash: `${original.hash}:report` });
  markProduced(made);
  reporting.set(original, made);
  return made;
}

/**
 * Everything a launch needs to report denials of `original`. `onDenied` gets each new denial
 * (after the syscall was answered); `onSyscall` answers the profile's own NOTIFY rules.
 * ERR_SECCOMP_UNSUPPORTED when the profile denies sendmsg on this arch: the launcher hands the
 * listener over with it, and notifying it would wait for a supervisor that has no listener yet.
 */
export function reportingLaunch(original: CompiledProfile, onDenied: (d: Denial) => void, onSyscall?: SyscallHandler): Reporting {
  const arch = nativeArch();
  if (decide(original, { syscall: 'sendmsg', arch }).action !== 'ALLOW') {
    throw new SeccompError('denial reports need sendmsg allowed on the native arch (the launcher hands the listener to the supervisor with it)', {
      code: ErrorCode.UNSUPPORTED,
    });
  }
  const compiled = reportingProfile(original);
  // Fixes may compile the profile again (slow): found when the summary asks, never while the
  // supervised tree waits for answers.
  const log = new DenialLog((q) => fixOf(original, q.nr, q.arch, q.args));

  // Processes sent SIGSYS for a kill. One that notifies again survived it (a handler appeared
  // after we read its status, e.g. from a process sharing its handlers): SIGKILL this time.
  const doomed = new Set<number>();

  const handler: SyscallHandler = (n: SyscallNotification) => {
    if (typeof n.arch !== 'string') return { errno: 1 };
    // x32 shares x86_64's audit arch; the number's bit tells them apart.
    const abi = n.arch === 'x86_64' && (n.nr & X32_SYSCALL_BIT) !== 0 ? 'x32' : n.arch;
    const d = decide(original, { syscall: n.nr, arch: n.arch, args: [...n.args] });
    const a = answerFor(d);
    if (a.delegate) return onSyscall ? onSyscall(n) : { errno: 1 };
    if (!a.denied) return toAnswer(a.response);
    // Facts are read while the syscall waits (the id is re-checked after each memory read).
    const syscall = nameOfSyscall(n.nr, abi);
    const paths = new Map<number, string>();
    for (const i of pathArgs(syscall)) {
      const s = n.readString(i);
      if (s !== undefined) paths.set(i, s);
    }
    const exe = readLink(`/proc/${n.pid}/exe`);
    const rule = ruleOf(original, n.nr, abi, n.args);
    let pending = false;
    if (a.kill) {
      const st = readText(`/proc/${n.pid}/status`);
      const status = st === undefined ? undefined : parseProcStatus(st);
      const tgid = status?.Tgid ?? n.pid;
      const sig = doomed.has(tgid) ? SIGKILL : killSignal(status);
      if (sig !== SIGKILL) {
        if (doomed.size >= MAX_DOOMED) doomed.delete(doomed.values().next().value as number);
        doomed.add(tgid);
      }
      signalCaller(n, tgid, sig);
      // Never answered: the signal ends the waiting syscall with its process. If the process
      // somehow lives on, the syscall waits until it is gone (fail closed: it never runs).
      pending = true;
    }
    const time = Date.now();
    // Reported on the next turn: the answer goes first.
    setImmediate(() => {
      const denial = log.add({ time, pid: n.pid, ...(exe ? { exe } : {}), arch: abi, nr: n.nr, args: n.args, paths, decision: d, rule });
      if (denial) onDenied(denial);
    });
    return pending ? new Promise<never>(() => {}) : toAnswer(a.response);
  };
  return { compiled, onSyscall: handler, log };
}

const SIGKILL = 9;

function toAnswer(r: { error: number } | { value: bigint | number } | { continue: true }): SyscallAnswer {
  if ('error' in r) return { errno: r.error };
  if ('value' in r) return { value: r.value };
  return 'continue';
}
