// What sandbox() and spawn() both refuse before anything is installed: profiles they cannot
// apply exactly on this system.
import { nativeArch } from './arch.js';
import { ErrorCode, SeccompError, unsupported } from './errors.js';
import { FilterFlag } from './library.js';
import { isCompiledProfile } from './profile/produced.js';
import type { CompiledProfile } from './profile/types.js';

/** The profile's filter returns a listener: some rule (or the default) is SCMP_ACT_NOTIFY. */
export function usesNotify(compiled: CompiledProfile): boolean {
  if (compiled.unconfined) return false;
  // compile() asks for a listener (NEW_LISTENER) whenever a rule notifies: only a hand-made
  // object's rules need reading (a cached profile's are parsed only when asked for).
  const handMade: boolean = !isCompiledProfile(compiled);
  return (
    compiled.defaultAction === 'NOTIFY' ||
    (compiled.filterFlags & FilterFlag.NEW_LISTENER) !== 0 ||
    (handMade && Array.isArray(compiled.rules) && compiled.rules.some((r) => r.action === 'NOTIFY'))
  );
}

/**
 * Throws ERR_SECCOMP_UNSUPPORTED for a profile that uses SCMP_ACT_NOTIFY where nothing would
 * supervise it (sandbox(); spawn() passes `notify: true`, it hands the listener to its
 * supervisor), and ERR_SECCOMP_ARCH_MISMATCH for one compiled for another arch (its bad-arch
 * action would kill every native syscall).
 */
export function checkApplicable(compiled: CompiledProfile, where: string, allow: { notify?: boolean } = {}): void {
  if (compiled.unconfined) return;
  if (!allow.notify && usesNotify(compiled)) {
    throw unsupported(
      `${where} cannot serve SCMP_ACT_NOTIFY rules: nothing would receive the listener fd ` +
        '(supervising notifications is left to the low-level Filter and notify API)',
    );
  }
  const here = nativeArch();
  if (Array.isArray(compiled.arches) && compiled.arches.length > 0 && !compiled.arches.includes(here)) {
    throw new SeccompError(
      `${where}: the profile was compiled for ${compiled.arches.join(', ')}, but this system is ${here}; ` +
        'its bad-arch action would kill every syscall',
      { code: ErrorCode.ARCH_MISMATCH },
    );
  }
}
