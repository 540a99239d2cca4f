// Reading a notified syscall's pointer arguments from the target's memory (process_vm_readv,
// in the addon). The target is identified by its tid only, which may die and be reused while we
// read: the notification id is checked again after the read, and a read whose id went stale is
// thrown away (SECCOMP_IOCTL_NOTIF_ID_VALID, as seccomp_unotify(2) prescribes).
import { native } from '../native.js';

interface Target {
  id: bigint;
  pid: number;
  args: readonly bigint[];
}

/**
 * The NUL-terminated string argument `index` of `n` points to, as UTF-8 (invalid bytes
 * replaced), at most `max` bytes before the NUL; undefined for a NULL pointer, an unreadable
 * address, no NUL within max, or a notification that stopped being valid during the read.
 */
export function readArgString(listenerFd: number, n: Target, index: number, max: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index > 5) throw new RangeError('index must be an argument index 0..5');
  if (!Number.isInteger(max) || max < 1 || max > 1 << 20) throw new RangeError('max must be 1..1048576');
  const addr = n.args[index];
  if (addr === undefined || addr === 0n) return undefined;
  const b = native();
  const got = b.readTargetString(n.pid, addr, max + 1);
  if (typeof got === 'number') return undefined;
  // The tid may have been reused by another process since the notification: only a still-valid
  // id proves that the memory read was the caller's.
  if (!b.notifyIdAlive(listenerFd, n.id)) return undefined;
  if (got.length === 0 || got[got.length - 1] !== 0) return undefined;
  return got.toString('utf8', 0, got.length - 1);
}
