// Denial reports on the notify supervisor: the child runs the reporting program (every ERRNO and
// KILL return turned into NOTIFY); each notification is decided again on the ORIGINAL program
// with decide(), answered exactly so, and reported once per (pid, syscall, arguments).
import { fs } from '../builtins.js';
import { decide } from '../decide.js';
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { ErrorCode, SeccompError } from '../errors.js';
import { FilterFlag } from '../library.js';
import { nativeArch } from '../arch.js';
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
  const compiled: CompiledProfile = {
    ...original,
    bpf: reportingProgram(original),
    filterFlags: (original.filterFlags | FilterFlag.NEW_LISTENER) >>> 0,
  };
  // Fixes may compile the profile again (slow): found when the summary asks, never while the
  // supervised tree waits for answers.
  const log = new DenialLog((q) => fixOf(original, q.nr, q.arch, q.args));

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
    if (a.kill) {
      const st = readText(`/proc/${n.pid}/status`);
      const status = st === undefined ? undefined : parseProcStatus(st);
      // Only while the notification is valid is the tid still the caller's (no reuse).
      if (status?.Tgid && n.isValid()) {
        try {
          process.kill(status.Tgid, killSignal(status));
        } catch {
          /* gone already */
        }
      }
    }
    const time = Date.now();
    // Reported on the next turn: the answer goes first.
    setImmediate(() => {
      const denial = log.add({ time, pid: n.pid, ...(exe ? { exe } : {}), arch: abi, nr: n.nr, args: n.args, paths, decision: d, rule });
      if (denial) onDenied(denial);
    });
    return toAnswer(a.response);
  };
  return { compiled, onSyscall: handler, log };
}

function toAnswer(r: { error: number } | { value: bigint | number } | { continue: true }): SyscallAnswer {
  if ('error' in r) return { errno: r.error };
  if ('value' in r) return { value: r.value };
  return 'continue';
}
