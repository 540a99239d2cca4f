// Two cheap passes over the rules before libseccomp sees them. libseccomp's cost grows faster
// than linearly with the rules it is given (each identical rule is merged again; thousands of
// argument comparisons take it minutes), so identical rules are dropped here, and a profile whose
// program cannot fit the kernel's limit is refused from a count that never exceeds the real size.
import type { Condition } from '../filter.js';
import type { ResolvedRule } from './types.js';

function conditionKey(c: Condition): string {
  return `${c.arg}:${c.op}:${BigInt(c.value)}:${c.valueTwo === undefined ? '' : BigInt(c.valueTwo)}`;
}

/**
 * The rules without repeats of an earlier identical one (same syscall, action, data and
 * conditions in the same order). libseccomp ignores a rule it already holds, so the program
 * is the same; only the time to build it changes.
 */
export function dedupeRules(rules: readonly ResolvedRule[]): ResolvedRule[] {
  const seen = new Set<string>();
  const out: ResolvedRule[] = [];
  for (const r of rules) {
    const key = `${r.syscall}\0${r.action}\0${r.data ?? ''}\0${r.conditions.map(conditionKey).join(',')}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(r);
  }
  return out;
}

/**
 * A lower bound of the instructions libseccomp emits for the native arch's part of the filter,
 * for rules given to it with their native numbers (`nrs[i]` for `rules[i]`; negative pseudo
 * numbers have no code on the native arch and count nothing).
 *
 * What is counted, each a distinct instruction in libseccomp's program: the arch check, the
 * load of the syscall number and the default return (3); one comparison of the number per
 * syscall with rules; and, for a syscall without an unconditional rule (which could make its
 * conditions moot), one comparison per distinct first condition of its rules (the one on the
 * lowest argument, where libseccomp's tree for the syscall starts), told apart by the low 32
 * bits of its operands only (a MASKED_EQ whose mask has no low bits not at all), so that neither the merging of the high-word comparisons on 64-bit
 * arches nor 32-bit arches can make the real program shorter than the count.
 */
export function nativeInsnsLowerBound(rules: readonly ResolvedRule[], nrs: readonly number[]): number {
  const bySyscall = new Map<number, { unconditional: boolean; firsts: Set<string> }>();
  rules.forEach((r, i) => {
    const nr = nrs[i];
    if (nr === undefined || nr < 0) return;
    let s = bySyscall.get(nr);
    if (!s) bySyscall.set(nr, (s = { unconditional: false, firsts: new Set() }));
    if (r.conditions.length === 0) {
      s.unconditional = true;
      return;
    }
    let first = r.conditions[0];
    for (const c of r.conditions) if (c.arg < first.arg) first = c;
    const lo = (v: bigint | number | undefined): bigint => BigInt(v ?? 0) & 0xffff_ffffn;
    // A mask without low bits may be folded away by libseccomp: not counted.
    if (first.op === 'MASKED_EQ' && lo(first.value) === 0n) return;
    s.firsts.add(`${first.arg}:${first.op}:${lo(first.value)}:${lo(first.valueTwo)}`);
  });
  let n = 3;
  for (const s of bySyscall.values()) n += 1 + (s.unconditional ? 0 : s.firsts.size);
  return n;
}
