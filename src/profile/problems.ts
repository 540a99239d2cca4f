// JSON paths and the profile error, shared by the snapshot, the parser's callers and validation.
import { ErrorCode, SeccompError, type ProfileProblem } from '../errors.js';

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `path` extended by a key or index: `a.b`, `a[3]`, `a["odd key"]`. */
export function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (!IDENT.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path === '' ? key : `${path}.${key}`;
}

/** The error listing every problem, each with its JSON path. */
export function invalid(problems: ProfileProblem[], total = problems.length): SeccompError {
  const lines = problems.map((p) => `  ${p.path === '' ? '(profile)' : p.path}: ${p.message}`);
  if (total > problems.length) lines.push(`  ... and ${total - problems.length} more (the first ${problems.length} are listed)`);
  const n = total;
  return new SeccompError(`invalid seccomp profile, ${n} problem${n === 1 ? '' : 's'}:\n${lines.join('\n')}`, {
    code: ErrorCode.PROFILE_INVALID,
    problems,
  });
}

/** The value of an own property only: names given by a profile never reach Object.prototype. */
export function own<V>(table: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
