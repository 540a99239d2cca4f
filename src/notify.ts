// User-space notification (SCMP_ACT_NOTIFY) primitives, for supervisors and recorders.
import { archName } from './arch.js';
import { native } from './native.js';
import { toInt, toU64 } from './values.js';
import { argTypeError, argRangeError } from './errors.js';

export interface Notification {
  id: bigint;
  pid: number;
  flags: number;
  /** The syscall number and its arch's libseccomp name. */
  syscall: number;
  arch: string | number;
  instructionPointer: bigint;
  args: bigint[];
}

/**
 * Waits for the next notification on a listener fd, off the event loop (in the libuv
 * pool). Resolves null when `timeoutMs` passes first (default: wait for ever).
 */
export async function receiveNotification(fd: number, options: { timeoutMs?: number } = {}): Promise<Notification | null> {
  toInt(fd, 'fd', 0, 0x7fff_ffff);
  if (options === null || typeof options !== 'object') throw argTypeError('options must be an object');
  const timeout = options.timeoutMs === undefined ? -1 : toInt(options.timeoutMs, 'timeoutMs', 0, 0x7fff_ffff);
  const n = await native().notifyReceive(fd, timeout);
  if (!n) return null;
  return { ...n, arch: archName(n.arch) ?? n.arch };
}

export type NotificationResponse =
  | { error: number }
  | { value: bigint | number }
  | { continue: true };

/** Answers a notification: fail with an errno, return a value, or let the syscall run ("continue"). */
export function respondNotification(fd: number, id: bigint, response: NotificationResponse): void {
  toInt(fd, 'fd', 0, 0x7fff_ffff);
  const nid = toU64(id, 'id');
  if (response === null || typeof response !== 'object') {
    throw argTypeError('response must be { error }, { value } or { continue: true }');
  }
  if ('continue' in response && response.continue === true) {
    native().notifyRespond(fd, nid, 0n, 0, 1 /* SECCOMP_USER_NOTIF_FLAG_CONTINUE */);
  } else if ('error' in response) {
    const e = toInt(response.error, 'error', 1, 4095);
    native().notifyRespond(fd, nid, 0n, -e, 0);
  } else if ('value' in response) {
    const v = typeof response.value === 'bigint' ? response.value : BigInt(toInt(response.value, 'value', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER));
    if (v < -(2n ** 63n) || v >= 2n ** 63n) throw argRangeError('value must fit a signed 64-bit integer');
    native().notifyRespond(fd, nid, v, 0, 0);
  } else {
    throw argTypeError('response must be { error }, { value } or { continue: true }');
  }
}

/** True while the notification `id` is still pending (the target has not died or been interrupted). */
export function notificationIdValid(fd: number, id: bigint): boolean {
  return native().notifyIdValid(toInt(fd, 'fd', 0, 0x7fff_ffff), toU64(id, 'id'));
}
