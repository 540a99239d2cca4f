// The one place that turns errors, warnings and decisions into text for a terminal: the CLI's
// commands and the `seccomp/register` hook print through it, so both say the same thing the
// same way. Kept light (errors and report only): the register hook loads it on every start.
import { ErrorCode, errnoName, SeccompError } from '../errors.js';
import { warningLines } from '../profile/report.js';
import type { ProfileWarning } from '../profile/types.js';
import type { Decision, Dependence } from '../decide.js';

// Codes that say the profile itself is wrong; anything else is not labelled a profile error.
const PROFILE_CODES: readonly string[] = [
  ErrorCode.PROFILE_INVALID, ErrorCode.PROFILE_NOT_FOUND, ErrorCode.PROFILE_TOO_LARGE, ErrorCode.UNKNOWN_SYSCALL,
];

/** The error's own text, then each problem with its JSON path unless the text already names it. */
export function errorDetail(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  let text = err.message;
  for (const p of (err as SeccompError).problems ?? []) {
    const line = `${p.path || '(profile)'}: ${p.message}`;
    if (!text.includes(line)) text += `\n  ${line}`;
  }
  return text;
}

/** An error from compiling a profile, one block: "profile error" only when the profile is at fault. */
export function formatProfileError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const label = err instanceof SeccompError && PROFILE_CODES.includes(err.code) ? 'profile error' : 'error';
  return `${label}${typeof code === 'string' ? ` (${code})` : ''}: ${errorDetail(err)}`;
}

/** Warnings, one line each, every line starting with `prefix` (`seccomp: warning: `). */
export function formatWarnings(warnings: readonly ProfileWarning[], prefix: string): string {
  return warningLines(warnings).map((l) => `${prefix}${l}\n`).join('');
}

/** A decision as `ALLOW`, `ERRNO EPERM (1)`, `TRACE 7`, `KILL_PROCESS`. */
export function formatDecision(d: Decision): string {
  if (d.action === 'ERRNO') return `ERRNO ${errnoName(d.errno ?? 0)} (${d.errno})`;
  if (d.action === 'TRACE') return `TRACE ${d.data}`;
  return d.action;
}

/**
 * One syscall's answer over all argument values: `at` (the decision with every argument 0)
 * when nothing depends on them, else what it depends on and every answer it can give.
 * `dep` is dependence()'s result (undefined: not analysed).
 */
export function formatDependence(dep: Dependence | null | undefined, at: Decision): string {
  if (dep === null) return formatDecision(at);
  if (dep === undefined) return `${formatDecision(at)} with all arguments 0 (others not analysed)`;
  const on = [...dep.args.map((i) => `args[${i}]`), ...(dep.instructionPointer ? ['instruction_pointer'] : [])];
  return `depends on ${on.join(', ') || 'its arguments'}: ${dep.outcomes.map(formatDecision).join(' | ')}`;
}
