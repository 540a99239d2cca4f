// rule-never-effective: a rule whose action (and errno) is the default action's. runc leaves it
// out (libseccomp refuses it), so it does nothing, usually not what its author meant.
import type { Facts } from '../facts.js';
import type { Finding } from '../types.js';

export function checkNeverEffective(f: Facts): Finding[] {
  const { defaultAction, defaultData } = f.compiled;
  const out: Finding[] = [];
  for (const r of f.rules) {
    if (r.names.length === 0 || r.action !== defaultAction) continue;
    if ((r.action === 'ERRNO' || r.action === 'TRACE') && r.data !== (defaultData ?? 1)) continue;
    const names = r.names.map((n) => n.name);
    out.push({
      code: 'rule-never-effective',
      severity: 'warning',
      path: r.actionPath,
      message: `the rule for ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', ...' : ''} has the default action, so runc leaves it out and it changes nothing`,
      fix: 'remove the rule, or give it the action it was meant to have',
    });
  }
  return out;
}
