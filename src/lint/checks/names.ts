// unknown-syscall: a name that is no syscall on any Linux arch, usually a typo. Docker skips it
// silently, so the rule meant for it does nothing.
import { isSyscallAnywhere } from '../../profile/compile.js';
import { suggestSyscall } from '../../profile/suggest.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

export function checkNames(f: Facts): Finding[] {
  const out: Finding[] = [];
  for (const r of f.rules) {
    for (const { name, path } of r.names) {
      if (name.includes('\0') || isSyscallAnywhere(name)) continue;
      const meant = suggestSyscall(name);
      out.push({
        code: 'unknown-syscall',
        severity: 'error',
        path,
        message: `${JSON.stringify(name)} is no syscall on any Linux arch: Docker skips it silently, so its rule does nothing`,
        fix: meant === undefined ? 'remove the name, or correct its spelling' : `did you mean ${JSON.stringify(meant)}?`,
      });
    }
  }
  return out;
}
