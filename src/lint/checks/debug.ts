// debug-allowed: ptrace and process_vm_* reach into other processes. A container has its PID
// namespace in the way; a process sandboxed by this package needs the isolation guard.
import { DEBUG_SYSCALLS } from '../families.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

export function checkDebug(f: Facts): Finding[] {
  const allowed: string[] = [];
  let arches: string[] = [];
  for (const name of DEBUG_SYSCALLS) {
    const on = f.compiled.arches.filter((a) => { const s = f.state(name, a); return s === 'allow' || s === 'partial'; });
    if (on.length === 0) continue;
    allowed.push(name);
    arches = [...new Set([...arches, ...on])];
  }
  if (allowed.length === 0) return [];
  const rule = f.ruleFor(allowed[0], (r) => r.action === 'ALLOW' || r.action === 'LOG');
  return [{
    code: 'debug-allowed',
    severity: 'warning',
    path: rule?.path ?? f.defaultPath,
    message: `${allowed.join(', ')} ${allowed.length === 1 ? 'is' : 'are'} allowed on ${arches.join(', ')}: they read and write other processes' memory, held back only by a PID namespace (containers) or this package's isolation guard`,
    fix: "keep sandbox isolation on ('full'), or allow them only with CAP_SYS_PTRACE (\"includes\": {\"caps\": [\"CAP_SYS_PTRACE\"]})",
  }];
}
