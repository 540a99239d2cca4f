// rule-shadowed: a rule that cannot decide anything because another rule for the same syscall
// always answers first. libseccomp's order, checked against its programs: an unconditional rule
// decides every call of its syscall, whatever conditional rules say and wherever they stand; of
// two unconditional rules the first wins; an identical rule adds nothing. A rule only shadows
// one gated alike (or is itself ungated): two grants under different capabilities, either of
// which allows the syscall (Docker's syslog, bpf), are each needed in some context.
import type { Facts, RuleView } from '../facts.js';
import type { Finding } from '../types.js';

interface Seen {
  path: string;
  gate: string;
}

/** Per syscall, what earlier rules left, indexed so that each rule costs O(1). */
interface Earlier {
  /** The first unconditional rule per gate. */
  uncond: Map<string, Seen>;
  /** The first rule per gate and (action, conditions). */
  same: Map<string, Seen>;
  /** Conditional rules not yet reported, per gate. */
  conds: Map<string, Seen[]>;
}

function argsKey(r: RuleView): string {
  return r.args.map((a) => `${a.index}:${a.op}:${a.value}:${a.op === 'SCMP_CMP_MASKED_EQ' ? a.valueTwo : ''}`).sort().join(',');
}

function effective(f: Facts, r: RuleView): boolean {
  const { defaultAction, defaultData } = f.compiled;
  if (!r.applies) return false;
  // A rule with the default action is rule-never-effective's.
  return !(r.action === defaultAction && ((r.action !== 'ERRNO' && r.action !== 'TRACE') || r.data === (defaultData ?? 1)));
}

export function checkShadowed(f: Facts): Finding[] {
  const out: Finding[] = [];
  const bySyscall = new Map<string, Earlier>();
  const reported = new Set<string>();
  const report = (path: string, name: string, by: string, why: string): void => {
    if (reported.has(path)) return;
    reported.add(path);
    out.push({
      code: 'rule-shadowed',
      severity: 'warning',
      path,
      message: `this rule for ${name} never decides anything: ${why} (${by})`,
      fix: 'remove it, or merge it with the other rule',
    });
  };
  for (const r of f.rules) {
    if (!effective(f, r)) continue;
    const key = `${r.action}:${r.data ?? ''}|${argsKey(r)}`;
    for (const n of r.names) {
      let e = bySyscall.get(n.name);
      if (!e) bySyscall.set(n.name, (e = { uncond: new Map(), same: new Map(), conds: new Map() }));
      // An earlier rule covers this one when it is ungated or gated alike.
      const earlier = <T>(m: Map<string, T>, k: (gate: string) => string): T | undefined => m.get(k('')) ?? m.get(k(r.gate));
      const uncond = earlier(e.uncond, (g) => g);
      const same = earlier(e.same, (g) => `${g}\0${key}`);
      const seen: Seen = { path: n.path, gate: r.gate };
      if (uncond) {
        report(n.path, n.name, uncond.path, 'an earlier rule without argument conditions decides every call');
      } else if (r.args.length === 0) {
        // Earlier conditional rules lose to this one, whatever their order.
        for (const [gate, list] of e.conds) {
          if (r.gate !== '' && gate !== r.gate) continue;
          for (const c of list) report(c.path, n.name, n.path, 'a later rule without argument conditions decides every call');
          e.conds.delete(gate);
        }
      } else if (same) {
        report(n.path, n.name, same.path, 'an earlier rule has the same conditions and action');
      }
      if (r.args.length === 0) {
        if (!e.uncond.has(r.gate)) e.uncond.set(r.gate, seen);
      } else {
        const list = e.conds.get(r.gate);
        if (list) list.push(seen);
        else e.conds.set(r.gate, [seen]);
      }
      if (!e.same.has(`${r.gate}\0${key}`)) e.same.set(`${r.gate}\0${key}`, seen);
    }
  }
  return out;
}
