// Actions are plain numbers: the kernel's SECCOMP_RET_* encodings (libseccomp's SCMP_ACT_*).
import { toInt } from './values.js';
import { argTypeError, argRangeError } from './errors.js';

export type ActionName =
  | 'ALLOW'
  | 'ERRNO'
  | 'KILL_PROCESS'
  | 'KILL_THREAD'
  | 'TRAP'
  | 'TRACE'
  | 'LOG'
  | 'NOTIFY';

/** The kernel's SECCOMP_RET_* action values (linux/seccomp.h). */
export const SECCOMP_RET = {
  KILL_PROCESS: 0x8000_0000,
  KILL_THREAD: 0x0000_0000,
  TRAP: 0x0003_0000,
  ERRNO: 0x0005_0000,
  NOTIFY: 0x7fc0_0000,
  TRACE: 0x7ff0_0000,
  LOG: 0x7ffc_0000,
  ALLOW: 0x7fff_0000,
} as const;

export const Action = {
  ALLOW: SECCOMP_RET.ALLOW,
  KILL_PROCESS: SECCOMP_RET.KILL_PROCESS,
  KILL_THREAD: SECCOMP_RET.KILL_THREAD,
  /** Alias of KILL_THREAD, as in libseccomp and Docker's SCMP_ACT_KILL. */
  KILL: SECCOMP_RET.KILL_THREAD,
  TRAP: SECCOMP_RET.TRAP,
  LOG: SECCOMP_RET.LOG,
  NOTIFY: SECCOMP_RET.NOTIFY,
  /** Fail the syscall with errno `n` (0 <= n < 4096). */
  ERRNO(n: number): number {
    return (SECCOMP_RET.ERRNO | toInt(n, 'errno', 0, 4095)) >>> 0;
  },
  /** Notify a ptrace tracer with message `n` (0..65535). */
  TRACE(n: number): number {
    return (SECCOMP_RET.TRACE | toInt(n, 'trace message', 0, 0xffff)) >>> 0;
  },
} as const;

export interface DecodedAction {
  action: ActionName;
  /** errno for ERRNO, message for TRACE. */
  data?: number;
}

/** Decodes a SECCOMP_RET_* value (the kernel's full action mask, as runc/libseccomp use it). */
export function decodeAction(value: number): DecodedAction {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < -0x8000_0000 || value > 0xffff_ffff) {
    throw argTypeError(`action must be a 32-bit integer (a SECCOMP_RET_* value), got ${typeof value === 'number' ? value : typeof value}`);
  }
  const full = (value & 0xffff_0000) >>> 0;
  const data = value & 0xffff;
  switch (full) {
    case SECCOMP_RET.KILL_PROCESS: return { action: 'KILL_PROCESS' };
    case SECCOMP_RET.KILL_THREAD: return { action: 'KILL_THREAD' };
    case SECCOMP_RET.TRAP: return { action: 'TRAP' };
    case SECCOMP_RET.ERRNO: return { action: 'ERRNO', data };
    case SECCOMP_RET.NOTIFY: return { action: 'NOTIFY' };
    case SECCOMP_RET.TRACE: return { action: 'TRACE', data };
    case SECCOMP_RET.LOG: return { action: 'LOG' };
    case SECCOMP_RET.ALLOW: return { action: 'ALLOW' };
    default: throw argRangeError(`unknown seccomp action 0x${(value >>> 0).toString(16)}`);
  }
}

/** Checks that `value` is a valid action for libseccomp; returns it as uint32. */
export function checkAction(value: unknown, what = 'action'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw argTypeError(`${what} must be an Action value (e.g. Action.ERRNO(1)), got ${String(value)}`);
  }
  const d = decodeAction(value);
  if (d.action === 'ERRNO' && (d.data as number) >= 4096) throw argRangeError(`${what}: errno must be < 4096`);
  const data = value & 0xffff;
  if (data !== 0 && d.action !== 'ERRNO' && d.action !== 'TRACE') {
    throw argRangeError(`${what}: ${d.action} takes no data`);
  }
  return value >>> 0;
}

/** The seccomp return value of a profile's action (ERRNO and TRACE with their data, default 1). */
export function actionValue(action: ActionName, data: number | undefined): number {
  switch (action) {
    case 'ERRNO': return Action.ERRNO(data ?? 1);
    case 'TRACE': return Action.TRACE(data ?? 1);
    default: return Action[action];
  }
}
