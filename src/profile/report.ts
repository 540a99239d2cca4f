// A compiled profile's warnings, brought to the user once: `seccomp run` and the register hook
// print them to stderr, spawn()/execFile()/fork() emit them as a process warning
// (SECCOMP_PROFILE_WARNING). SECCOMP_QUIET=1 (or the CLI's --quiet) keeps them silent.
import { ErrorCode } from '../errors.js';
import { BUILTIN_NAMES } from '../profiles/names.js';
import type { CompiledProfile, ProfileWarning } from './types.js';

/** The `code` of the process warning spawn(), execFile() and fork() emit. */
export const PROFILE_WARNING_CODE = 'SECCOMP_PROFILE_WARNING';

/** True when SECCOMP_QUIET=1 asks for no warnings. */
export function quietFromEnv(): boolean {
  return process.env.SECCOMP_QUIET === '1';
}

/**
 * The warnings worth showing for a run: all of them, except for a built-in profile the names it
 * lists for other arches and newer kernels (as Docker's own list does), which are expected.
 */
export function reportableWarnings(c: CompiledProfile): readonly ProfileWarning[] {
  const builtin = c.name !== undefined && BUILTIN_NAMES.includes(c.name);
  // The same for the rules a profile inherits from a built-in base (compose.ts paths).
  const fromBuiltin = (w: ProfileWarning): boolean => BUILTIN_NAMES.some((n) => w.path.startsWith(`base ${n}:`));
  return c.warnings.filter((w) => w.code !== ErrorCode.UNKNOWN_SYSCALL || (!builtin && !fromBuiltin(w)));
}

/** One line per warning: `path: message`. */
export function warningLines(warnings: readonly ProfileWarning[]): string[] {
  return warnings.map((w) => `${w.path || '(profile)'}: ${w.message}`);
}

// By program hash: a profile compiled again (cache: false) is the same profile.
const reported = new Set<string>();

/** Marks the profile's warnings as shown; returns false when they already were. */
export function markReported(c: CompiledProfile): boolean {
  const key = `${c.hash}\0${c.name ?? ''}`;
  if (reported.has(key)) return false;
  reported.add(key);
  return true;
}

/** Emits the profile's warnings as one process warning, once per profile, unless SECCOMP_QUIET=1. */
export function emitProfileWarnings(c: CompiledProfile): void {
  if (typeof c.hash !== 'string' || !Array.isArray(c.warnings)) return; // a hand-made object
  const list = reportableWarnings(c);
  if (list.length === 0 || quietFromEnv() || !markReported(c)) return;
  const what = c.name === undefined ? 'the seccomp profile' : `the seccomp profile ${JSON.stringify(c.name)}`;
  const lines = warningLines(list);
  process.emitWarning(`${what} has ${lines.length} warning${lines.length > 1 ? 's' : ''}:\n  ${lines.join('\n  ')}`, {
    type: 'SeccompProfileWarning',
    code: PROFILE_WARNING_CODE,
  });
}
