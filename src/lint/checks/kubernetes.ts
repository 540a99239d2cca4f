// notify-for-kubernetes: Kubernetes runs no seccomp agent. A profile with SCMP_ACT_NOTIFY or a
// listenerPath makes the runtime wait on a socket nobody serves: the container fails to start.
import { field, type Facts } from '../facts.js';
import { join } from '../../profile/problems.js';
import type { Finding } from '../types.js';

export function checkKubernetes(f: Facts): Finding[] {
  if (f.target !== 'kubernetes') return [];
  const out: Finding[] = [];
  const lp = field(f.profile, 'listenerPath');
  if (typeof lp?.value === 'string' && lp.value !== '') {
    out.push({
      code: 'notify-for-kubernetes',
      severity: 'error',
      path: join(f.base, lp.key),
      message: `listenerPath ${JSON.stringify(lp.value)}: Kubernetes starts no seccomp agent to listen there`,
      fix: 'remove listenerPath and listenerMetadata',
    });
  }
  for (const r of f.rules) {
    if (r.action !== 'NOTIFY') continue;
    out.push({
      code: 'notify-for-kubernetes',
      severity: 'error',
      path: r.actionPath,
      message: `SCMP_ACT_NOTIFY for ${r.names.map((n) => n.name).join(', ')}: Kubernetes runs no agent to answer the notifications`,
      fix: 'use SCMP_ACT_ERRNO (or SCMP_ACT_ALLOW) instead',
    });
  }
  return out;
}
