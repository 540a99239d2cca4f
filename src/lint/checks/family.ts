// deny-family-partial: a rule restricts one syscall of a family while another member, doing the
// same thing, stays open (mkdir denied, mkdirat allowed: Go and every aarch64 program use
// mkdirat). Only restrictions a rule writes count: an allowlist that merely leaves `mkdir` out
// while allowing `mkdirat` lets the operation through on purpose.
import { FAMILIES, memberName, type Member } from '../families.js';
import type { Facts, RuleView } from '../facts.js';
import type { Finding } from '../types.js';

/** A rule that denies its syscall, or allows it only for some arguments. */
const restricting = (r: RuleView): boolean => (r.action !== 'ALLOW' && r.action !== 'LOG') || r.args.length > 0;

function nameOf(m: Member): string {
  return typeof m === 'string' ? m : m.via;
}

export function checkFamilies(f: Facts): Finding[] {
  const found = new Map<string, { finding: Omit<Finding, 'message'>; restricted: string; open: string; what: string; arches: string[] }>();
  for (const fam of FAMILIES) {
    for (const a of fam.members) {
      // A multiplexer's rule is the multiplexer's own, never a restriction of the operation.
      if (typeof a !== 'string') continue;
      const rule = f.ruleFor(a, restricting);
      if (!rule) continue;
      for (const arch of f.compiled.arches) {
        const sa = f.state(a, arch);
        if (sa !== 'deny' && sa !== 'partial') continue;
        for (const b of fam.members) {
          if (b === a || f.state(b, arch) !== 'allow') continue;
          const open = memberName(b);
          const key = `${a}\0${open}`;
          const hit = found.get(key);
          if (hit) {
            if (!hit.arches.includes(arch)) hit.arches.push(arch);
            continue;
          }
          // A socketcall/ipc sub-call cannot be argument-checked by any filter: a warning, since
          // the fix (denying the multiplexer) breaks old 32-bit programs.
          const sub = typeof b !== 'string';
          found.set(key, {
            restricted: a,
            open,
            what: fam.what,
            arches: [arch],
            finding: {
              code: 'deny-family-partial',
              severity: sub ? 'warning' : 'error',
              path: rule.path,
              fix: sub
                ? `deny ${nameOf(b)} too if the 32-bit programs you run do not need it (no filter can read a sub-call's arguments)`
                : `give ${open} the same rule as ${a}`,
            },
          });
        }
      }
    }
  }
  return [...found.values()].map(({ finding: { code, severity, path, fix }, ...h }) => ({
    code,
    severity,
    path,
    message: `${h.restricted} is restricted here but ${h.open} is allowed on ${h.arches.join(', ')}: both ${h.what}, so the restriction can be stepped around`,
    fix,
  }));
}
