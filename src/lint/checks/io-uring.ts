// io-uring-bypass: io_uring runs file and socket operations in the kernel without the
// syscalls, so seccomp never sees them: a profile that allows io_uring_setup while it denies
// any of those operations denies nothing against a program that uses the ring.
import { IO_URING_OPERATIONS } from '../families.js';
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

export function checkIoUring(f: Facts): Finding[] {
  const arches: string[] = [];
  const denied = new Set<string>();
  for (const arch of f.compiled.arches) {
    const setup = f.state('io_uring_setup', arch);
    if (setup !== 'allow' && setup !== 'partial') continue;
    let any = false;
    for (const op of IO_URING_OPERATIONS) {
      const s = f.state(op, arch);
      if (s === 'deny' || s === 'partial') {
        denied.add(op);
        any = true;
      }
    }
    if (any) arches.push(arch);
  }
  if (arches.length === 0) return [];
  const rule = f.ruleFor('io_uring_setup', (r) => r.action === 'ALLOW' || r.action === 'LOG');
  const list = [...denied];
  const shown = list.length > 6 ? `${list.slice(0, 6).join(', ')} and ${list.length - 6} more` : list.join(', ');
  return [{
    code: 'io-uring-bypass',
    severity: 'error',
    path: rule?.path ?? f.defaultPath,
    message: `io_uring_setup is allowed on ${arches.join(', ')} while ${shown} ${list.length === 1 ? 'is' : 'are'} denied: io_uring performs them without the syscall, out of seccomp's sight`,
    fix: 'deny io_uring_setup, io_uring_enter and io_uring_register (programs fall back to ordinary syscalls)',
  }];
}
