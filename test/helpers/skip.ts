// Named skips: a test that cannot run here is still registered and reported as skipped with the
// reason (vitest's `t.skip(condition, note)`), never left out and never an empty placeholder.
import { beforeEach } from 'vitest';

/** Inside a describe: every test of it is skipped, with `reason`, when `skip` is true. */
export function skipAllIf(skip: boolean, reason: string): void {
  beforeEach((t) => t.skip(skip, reason));
}

export const NOT_ROOT = 'needs root (uid 0): changes capabilities or user ids';
export const NOT_X64 = 'needs x86_64: the child programs make raw x86_64 system calls';
export const NO_NOTIFY = 'this kernel/libseccomp has no user notification with TSYNC (API level < 6)';
