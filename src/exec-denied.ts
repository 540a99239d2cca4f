// A profile that denies execve stops every command before it starts: the launcher (and runc)
// must exec the command after the filter is attached. Said plainly instead of "killed by SIGSYS".
import { decide, dependence, type Decision } from './decide.js';
import { libseccompArchName } from './model/arch.js';
import { syscallNumberOn } from './profile/libseccomp-resolver.js';
import { archToken } from './arch.js';
import { errnoName } from './errors.js';
import type { CompiledProfile } from './profile/types.js';

/** What to do about it, for messages. */
export const EXECVE_HINT = 'the profile must allow execve (and execveat) for a command to start';

/**
 * The profile's answer to execve on its arch when it is not ALLOW whatever the arguments, else
 * undefined (allowed, depends on the arguments, or not known).
 */
export function execveDenied(c: CompiledProfile): Decision | undefined {
  if (c.unconfined) return undefined;
  try {
    const arch = libseccompArchName(c.context.arch);
    const nr = syscallNumberOn('execve', archToken(arch));
    if (nr === undefined || nr < 0 || dependence(c, nr, arch) !== null) return undefined;
    const d = decide(c, { syscall: nr, arch });
    return d.action === 'ALLOW' || d.action === 'LOG' || d.action === 'NOTIFY' ? undefined : d;
  } catch {
    return undefined;
  }
}

/** The denial for a message: `ERRNO EPERM`, `KILL_THREAD`, ... */
export function describeDenial(d: Decision): string {
  return d.action === 'ERRNO' ? `ERRNO ${errnoName(d.errno ?? 0)}` : d.action;
}

// What the launcher may still call once its filter is on, besides sendmsg (refused as NOTIFY
// elsewhere) and write (refused as NOTIFY by resolve): its execve, and the exit after a failure.
const LAUNCHER_TAIL = ['execve', 'exit_group', 'exit'];

/**
 * True when the program never notifies the launcher's last system calls, whatever their
 * arguments: an in-process launch waits for the exec (CLONE_VFORK) and could not answer them.
 */
export function tailNeverNotified(c: CompiledProfile): boolean {
  if (c.unconfined) return true;
  try {
    const arch = libseccompArchName(c.context.arch);
    return LAUNCHER_TAIL.every((name) => {
      const nr = syscallNumberOn(name, archToken(arch));
      return nr !== undefined && nr >= 0 && dependence(c, nr, arch) === null && decide(c, { syscall: nr, arch }).action !== 'NOTIFY';
    });
  } catch {
    return false;
  }
}
