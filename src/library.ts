// Library-level calls: version, API level, syscall names, and what this system supports.
import { fs } from './builtins.js';
const { readFileSync } = fs;
import { archToken } from './arch.js';
import { ErrorCode, SeccompError, argTypeError } from './errors.js';
import { native } from './native.js';
import { toInt } from './values.js';

export interface Version {
  major: number;
  minor: number;
  micro: number;
}

let versionCache: Version | undefined;

/** The installed libseccomp's version. */
export function version(): Version {
  if (!versionCache) {
    const { major, minor, micro } = native().libraryInfo();
    versionCache = { major, minor, micro };
  }
  return { ...versionCache };
}

/** True when the installed libseccomp is at least major.minor.micro. */
export function versionAtLeast(major: number, minor: number, micro = 0): boolean {
  const v = version();
  return v.major !== major ? v.major > major : v.minor !== minor ? v.minor > minor : v.micro >= micro;
}

export function apiLevel(): number {
  return native().libraryInfo().api;
}

export function setApiLevel(level: number): void {
  native().apiSet(toInt(level, 'API level', 1, 255));
}

/**
 * The number of a syscall by name for an arch (default: native). libseccomp's negative
 * pseudo-syscall numbers (e.g. `socketcall` on x86_64) are returned as they are.
 */
export function resolveSyscall(name: string, arch?: string): number {
  if (typeof name !== 'string' || name === '') throw argTypeError('syscall name must be a non-empty string');
  if (name.includes('\0')) throw argTypeError('syscall name must not contain NUL');
  const nr = native().resolveSyscall(name, arch === undefined ? 0 : archToken(arch));
  if (nr === -1) {
    throw new SeccompError(`unknown syscall "${name}"${arch ? ` on ${arch}` : ''}`, {
      code: ErrorCode.UNKNOWN_SYSCALL,
      syscall: name,
    });
  }
  return nr;
}

/** The name of a syscall number for an arch (default: native), or undefined when unknown. */
export function syscallName(nr: number, arch?: string): string | undefined {
  toInt(nr, 'syscall number', -0x8000_0000, 0x7fff_ffff);
  return native().syscallName(nr, arch === undefined ? 0 : archToken(arch)) ?? undefined;
}

/** SECCOMP_FILTER_FLAG_* values (linux/seccomp.h). */
export { FilterFlag } from './filter-flags.js';
import { FilterFlag } from './filter-flags.js';

export interface Features {
  libseccomp: Version;
  apiLevel: number;
  /** `/proc/sys/kernel/seccomp/actions_avail`, split. */
  actionsAvail: string[];
  /** Optional libseccomp functions (newer than 2.5) and whether they exist. */
  optional: Record<string, boolean>;
  /** Which SECCOMP_FILTER_FLAG_* bits the kernel accepts. */
  flags: Record<keyof typeof FilterFlag, boolean>;
  notify: boolean;
  tsync: boolean;
}

interface Probed {
  actionsAvail: string[];
  flags: Features['flags'];
}
let probed: Probed | undefined;

/** The kernel's answers, which do not change while the process runs. */
function probeKernel(): Probed {
  if (probed) return probed;
  const b = native();
  let actionsAvail: string[] = [];
  try {
    actionsAvail = readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8').trim().split(/\s+/);
  } catch {
    actionsAvail = [];
  }
  const flags = Object.fromEntries(
    // WAIT_KILLABLE_RECV is only valid together with NEW_LISTENER.
    Object.entries(FilterFlag).map(([k, v]) => [
      k,
      b.probeFilterFlags(v === FilterFlag.WAIT_KILLABLE_RECV ? v | FilterFlag.NEW_LISTENER : v),
    ]),
  ) as Features['flags'];
  probed = { actionsAvail, flags };
  return probed;
}

/** What this system's kernel and libseccomp support (a fresh object; the API level is current). */
export function features(): Features {
  const info = native().libraryInfo();
  const { actionsAvail, flags } = probeKernel();
  return {
    libseccomp: { major: info.major, minor: info.minor, micro: info.micro },
    apiLevel: info.api,
    actionsAvail: [...actionsAvail],
    optional: { ...info.optional },
    flags: { ...flags },
    // Filter turns TSYNC on, and libseccomp combines TSYNC with NOTIFY only from API level 6
    // (the kernel's TSYNC_ESRCH flag); below that, adding a NOTIFY rule fails with EINVAL.
    notify: actionsAvail.includes('user_notif') && flags.NEW_LISTENER && flags.TSYNC_ESRCH && info.api >= 6,
    tsync: flags.TSYNC,
  };
}
