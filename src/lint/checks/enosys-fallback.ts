// eperm-for-newer-syscall: libc tries the newer syscall first and falls back to the older one
// only on ENOSYS. An EPERM answer (Docker's default errno) is taken as the call's own failure:
// the classic cause of new distributions failing in containers of an older runtime.
import { ENOSYS_FALLBACKS } from '../families.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

const ENOSYS = 38;

export function checkEnosysFallbacks(f: Facts): Finding[] {
  const out: Finding[] = [];
  for (const [newer, older] of Object.entries(ENOSYS_FALLBACKS)) {
    const arches: string[] = [];
    let errno = 0;
    for (const arch of f.compiled.arches) {
      const answers = f.outcomes(newer, arch);
      const bad = answers?.find((d) => d.action === 'ERRNO' && d.errno !== ENOSYS);
      if (!bad) continue;
      // Only a hazard when the fallback would have worked.
      if (!older.some((o) => { const s = f.state(o, arch); return s === 'allow' || s === 'partial'; })) continue;
      arches.push(arch);
      errno = bad.errno ?? 0;
    }
    if (arches.length === 0) continue;
    const rule = f.ruleFor(newer, (r) => r.action === 'ERRNO' && r.data !== ENOSYS);
    out.push({
      code: 'eperm-for-newer-syscall',
      severity: 'error',
      path: rule?.path ?? f.defaultPath,
      message: `${newer} fails with errno ${errno} on ${arches.join(', ')}, not ENOSYS: libc falls back to ${older.join('/')} only on ENOSYS, so the call fails instead`,
      fix: `answer ${newer} with ENOSYS: {"names": ["${newer}"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}`,
    });
  }
  return out;
}
