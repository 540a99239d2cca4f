// kill-on-startup-probe: Node, libuv and glibc call these at startup to learn whether the
// kernel has them; a KILL or TRAP answer ends the process before it can say why.
import { STARTUP_PROBES } from '../families.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

const FATAL = new Set(['KILL_THREAD', 'KILL_PROCESS', 'TRAP']);

export function checkStartupProbes(f: Facts): Finding[] {
  const out: Finding[] = [];
  for (const name of STARTUP_PROBES) {
    const arches: string[] = [];
    let action = '';
    for (const arch of f.compiled.arches) {
      const fatal = f.outcomes(name, arch)?.find((d) => FATAL.has(d.action));
      if (!fatal) continue;
      arches.push(arch);
      action = fatal.action;
    }
    if (arches.length === 0) continue;
    const rule = f.ruleFor(name, (r) => FATAL.has(r.action));
    out.push({
      code: 'kill-on-startup-probe',
      severity: 'error',
      path: rule?.path ?? f.defaultPath,
      message: `${name} gets ${action} on ${arches.join(', ')}: Node/libuv or glibc probe it at startup, so the process dies with no message`,
      fix: `answer ${name} with ENOSYS instead: {"names": ["${name}"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}`,
    });
  }
  return out;
}
