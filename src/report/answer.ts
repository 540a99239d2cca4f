// How the report supervisor answers a notification so that the program sees what the original
// filter would have done: the decision comes from decide() on the ORIGINAL compiled program.
import type { Decision } from '../decide.js';
import type { NotificationResponse } from '../notify.js';

/** What to do with one notification of a reporting filter. */
export interface Answer {
  /** Respond with this (never for a kill). */
  response: NotificationResponse;
  /** A denial to report (ERRNO or a kill); absent for the profile's own NOTIFY and for ALLOW. */
  denied: boolean;
  /** Kill the task's whole process and leave the notification unanswered (KILL_PROCESS, KILL_THREAD). */
  kill?: 'process';
  /** The profile's own NOTIFY rule: hand the notification to the user's onSyscall. */
  delegate?: true;
}

/**
 * ERRNO n: fail with n, except ERRNO 0, which the kernel turns into a return of 0 without running
 * the syscall (`{ value: 0 }` does the same; a notification cannot answer error 0).
 * KILL_PROCESS and KILL_THREAD: report, then kill the process (signal from killSignal) and never
 * answer: the signal ends the waiting syscall with its process (the kernel would kill only the
 * thread for KILL_THREAD; a supervisor cannot kill one thread of a process). `response` is then
 * unused. ALLOW (a rewritten program never notifies it): continue. TRAP, TRACE and LOG are left
 * in the filter and never arrive; if one does, fail closed with EPERM.
 */
export function answerFor(original: Decision): Answer {
  switch (original.action) {
    case 'ERRNO': {
      const e = original.errno ?? 0;
      return { response: e === 0 ? { value: 0 } : { error: e }, denied: true };
    }
    case 'KILL_PROCESS':
    case 'KILL_THREAD':
      return { response: { error: 1 }, denied: true, kill: 'process' };
    case 'ALLOW':
      return { response: { continue: true }, denied: false };
    case 'NOTIFY':
      return { response: { error: 1 }, denied: false, delegate: true };
    default:
      return { response: { error: 1 }, denied: false };
  }
}

const SIGSYS = 31;
const SIGKILL = 9;

type ProcStatus = { Tgid?: number; Threads?: number; SigBlk?: string; SigIgn?: string; SigCgt?: string };

/**
 * The signal that ends a process for a KILL action, given /proc/PID/status (Threads and the hex
 * masks SigBlk, SigIgn, SigCgt). The kernel's kill looks like death by SIGSYS (with a core dump
 * when allowed); sending SIGSYS gives the same wait status when the process neither blocks,
 * ignores nor catches it, and cannot start to before the signal lands: only when its one thread
 * is the one waiting for our answer (another thread could install a handler in between).
 * Otherwise SIGKILL: the process still dies, but by SIGKILL.
 */
export function killSignal(status: ProcStatus | undefined): number {
  if (!status || status.Threads !== 1) return SIGKILL;
  const bit = 1n << BigInt(SIGSYS - 1);
  for (const mask of [status.SigBlk, status.SigIgn, status.SigCgt]) {
    if (mask === undefined || !/^[0-9a-fA-F]{1,16}$/.test(mask)) return SIGKILL;
    if ((BigInt(`0x${mask}`) & bit) !== 0n) return SIGKILL;
  }
  return SIGSYS;
}

/** Tgid, thread count and signal masks from the text of /proc/PID/status. */
export function parseProcStatus(text: string): ProcStatus {
  const out: ProcStatus = {};
  for (const line of text.split('\n')) {
    const m = /^(Tgid|Threads|SigBlk|SigIgn|SigCgt):\s*(\S+)/.exec(line);
    if (!m) continue;
    if (m[1] === 'Tgid' || m[1] === 'Threads') {
      if (/^[0-9]{1,10}$/.test(m[2])) out[m[1]] = Number(m[2]);
    } else out[m[1] as 'SigBlk' | 'SigIgn' | 'SigCgt'] = m[2];
  }
  return out;
}
