// deny-family-partial: a rule restricts one syscall of a family while another member, doing the
// same thing, stays open (mkdir denied, mkdirat allowed: Go and every aarch64 program use
// mkdirat). Only restrictions a rule writes count: an allowlist that merely leaves `mkdir` out
// while allowing `mkdirat` lets the operation through on purpose.
import { FAMILIES, memberName } from '../families.js';
import type { Facts, RuleView } from '../facts.js';
import type { Finding } from '../types.js';

/** A rule that denies its syscall, or allows it only for some arguments. */
const restricting = (r: RuleView): boolean => (r.action !== 'ALLOW' && r.action !== 'LOG') || r.args.length > 0;

interface Hit {
  path: string;
  restricted: string;
  what: string;
  /** Open members, each with the arches it is open on. */
  open: Map<string, string[]>;
  /** Only socketcall/ipc sub-calls are open. */
  subOnly: boolean;
  via?: string;
}

export function checkFamilies(f: Facts): Finding[] {
  const hits = new Map<string, Hit>();
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
          const key = `${a}\0${fam.what}`;
          let hit = hits.get(key);
          if (!hit) hits.set(key, (hit = { path: rule.path, restricted: a, what: fam.what, open: new Map(), subOnly: true }));
          if (typeof b === 'string') hit.subOnly = false;
          else hit.via = b.via;
          const on = hit.open.get(memberName(b)) ?? [];
          if (!on.includes(arch)) on.push(arch);
          hit.open.set(memberName(b), on);
        }
      }
    }
  }
  return [...hits.values()].map((h) => {
    const open = [...h.open].map(([name, arches]) => `${name} (${arches.join(', ')})`);
    return {
      code: 'deny-family-partial',
      // A socketcall/ipc sub-call cannot be argument-checked by any filter: a warning, since the
      // fix (denying the multiplexer) breaks old 32-bit programs.
      severity: h.subOnly ? 'warning' as const : 'error' as const,
      path: h.path,
      message: `${h.restricted} is restricted here but ${open.join(', ')} ${h.open.size === 1 ? 'is' : 'are'} allowed: all ${h.what}, so the restriction can be stepped around`,
      fix: h.subOnly
        ? `deny ${h.via} too if the 32-bit programs you run do not need it (no filter can read a sub-call's arguments)`
        : `give ${[...h.open.keys()].join(', ')} the same rule as ${h.restricted}`,
    };
  });
}
