// rule-shadowed: a rule that cannot decide anything because another rule for the same syscall
// always answers first. libseccomp's order, checked against its programs: an unconditional rule
// decides every call of its syscall, whatever conditional rules say and wherever they stand; of
// two unconditional rules the first wins; an identical rule adds nothing. A rule only shadows
// one gated alike (or is itself ungated): two grants under different capabilities, either of
// which allows the syscall (Docker's syslog, bpf), are each needed in some context.
import type { Facts, RuleView } from '../facts.js';
import type { Finding } from '../types.js';

interface Seen {
  rule: RuleView;
  path: string;
  key: string;
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
  const bySyscall = new Map<string, Seen[]>();
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
      const earlier = bySyscall.get(n.name) ?? [];
      const covers = (by: RuleView, what: RuleView): boolean => by.gate === '' || by.gate === what.gate;
      const uncond = earlier.find((e) => e.rule.args.length === 0 && covers(e.rule, r));
      if (uncond) {
        report(n.path, n.name, uncond.path, 'an earlier rule without argument conditions decides every call');
      } else if (r.args.length === 0) {
        // Earlier conditional rules lose to this one, whatever their order.
        for (const e of earlier) if (covers(r, e.rule)) report(e.path, n.name, n.path, 'a later rule without argument conditions decides every call');
      } else {
        const same = earlier.find((e) => e.key === key && covers(e.rule, r));
        if (same) report(n.path, n.name, same.path, 'an earlier rule has the same conditions and action');
      }
      earlier.push({ rule: r, path: n.path, key });
      bySyscall.set(n.name, earlier);
    }
  }
  return out;
}
