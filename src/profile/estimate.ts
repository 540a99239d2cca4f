// Two cheap passes over the rules before libseccomp sees them. libseccomp's cost grows faster
// than linearly with the rules it is given (each identical rule is merged again; thousands of
// argument comparisons take it minutes), so identical rules are dropped here, and a profile whose
// program cannot fit the kernel's limit is refused from a count that never exceeds the real size.
import type { Condition } from '../model/conditions.js';
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

const LO = 0xffff_ffffn;
const lo32 = (v: bigint | number | undefined): bigint => BigInt(v ?? 0) & LO;

/** The comparison instruction libseccomp emits for a condition's low word: [opcode family, k]. */
function jumpOf(c: Condition): string | undefined {
  switch (c.op) {
    // NE, LT and LE are EQ, GE and GT with the branches swapped.
    case 'EQ': case 'NE': return `jeq:${lo32(c.value)}`;
    case 'GE': case 'LT': return `jge:${lo32(c.value)}`;
    case 'GT': case 'LE': return `jgt:${lo32(c.value)}`;
    // (arg & mask) == valueTwo: an AND, then a JEQ; a mask without low bits may fold away.
    case 'MASKED_EQ': return lo32(c.value) === 0n ? undefined : `jeq:${lo32(c.valueTwo)}`;
    default: return undefined;
  }
}

/**
 * A lower bound of the length of libseccomp's program for `rules` (the rules given to it).
 *
 * An instruction holds one opcode and one constant, so the program holds at least one
 * instruction for each distinct (comparison, constant) it must make, however libseccomp shares
 * identical blocks between syscalls and arches. Counted: the low-word comparison (and the AND
 * of a MASKED_EQ) of each condition libseccomp cannot leave out. Left out, to stay below the
 * real size: every condition of a syscall that also has an unconditional rule (it may make them
 * moot), each condition that follows a prefix another rule of the syscall ends at (libseccomp
 * prunes below a leaf), high-word comparisons, syscall-number checks, and the arch checks but 3.
 */
export function insnsLowerBound(rules: readonly ResolvedRule[]): number {
  const chains = new Map<string, { unconditional: boolean; ends: Set<string>; chains: Condition[][] }>();
  for (const r of rules) {
    let s = chains.get(r.syscall);
    if (!s) chains.set(r.syscall, (s = { unconditional: false, ends: new Set(), chains: [] }));
    if (r.conditions.length === 0) {
      s.unconditional = true;
      continue;
    }
    // libseccomp's tree for a syscall goes by argument number.
    const chain = [...r.conditions].sort((a, b) => a.arg - b.arg);
    s.chains.push(chain);
    s.ends.add(chain.map(conditionKey).join(','));
  }
  const jumps = new Set<string>();
  const masks = new Set<bigint>();
  for (const s of chains.values()) {
    if (s.unconditional) continue;
    for (const chain of s.chains) {
      let prefix = '';
      for (let i = 0; i < chain.length; i++) {
        if (i > 0 && s.ends.has(prefix)) break;
        const c = chain[i];
        const j = jumpOf(c);
        if (j !== undefined) jumps.add(j);
        if (c.op === 'MASKED_EQ' && lo32(c.value) !== 0n) masks.add(lo32(c.value));
        prefix = prefix === '' ? conditionKey(c) : `${prefix},${conditionKey(c)}`;
      }
    }
  }
  return 3 + jumps.size + masks.size;
}
