// Builds the small static C programs the tests run (exact syscall results, no libc surprises).
import { spawnSync } from 'node:child_process';

/** cc -O2 -static [extra] -o OUT SRC; throws with the compiler's output when it fails. */
export function buildStatic(source: string, out: string, extra: string[] = []): string {
  const r = spawnSync('cc', ['-O2', '-static', ...extra, '-o', out, source], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`building ${source} failed: ${r.stderr || r.error?.message}`);
  return out;
}
