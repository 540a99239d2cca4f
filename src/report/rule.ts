// The one seam between reports and `explain`: which rule decided a denial and what would allow
// it. Until src/explain/ (fixFor, explain) is merged, a small local version: the first resolved
// rule for the name whose action and conditions match, else defaultAction; the fix is a
// capability found by compiling the named profile again with more capabilities.
import { decide, type Decision } from '../decide.js';
import { compile } from '../profile/compile.js';
import { CAPABILITIES } from '../profile/context.js';
import type { Condition } from '../filter.js';
import type { CompiledProfile, ResolvedRule } from '../profile/types.js';

export interface RuleInfo {
  /** JSON path of the rule (`syscalls[12]`), `defaultAction`, or the ENOSYS fallback. */
  rule: string;
  /** What would allow it, e.g. `--cap-add SYS_NICE`. */
  fix?: string;
}

const M64 = (1n << 64n) - 1n;

function holds(c: Condition, args: readonly bigint[]): boolean {
  const v = (args[c.arg] ?? 0n) & M64;
  const k = BigInt(c.value) & M64;
  switch (c.op) {
    case 'EQ': return v === k;
    case 'NE': return v !== k;
    case 'LT': return v < k;
    case 'LE': return v <= k;
    case 'GT': return v > k;
    case 'GE': return v >= k;
    case 'MASKED_EQ': return (v & k) === (BigInt(c.valueTwo ?? 0) & M64);
  }
}

function sameOutcome(r: ResolvedRule, d: Decision): boolean {
  if (r.action !== d.action) return false;
  return d.action !== 'ERRNO' || (r.data ?? 0) === d.errno;
}

/** Where the decision came from, by the compiled profile's resolved rules. */
export function ruleOf(compiled: CompiledProfile, syscall: string, args: readonly bigint[], d: Decision): string {
  const named = compiled.rules.filter((r) => r.syscall === syscall);
  const hit = named.find((r) => sameOutcome(r, d) && r.conditions.every((c) => holds(c, args)));
  if (hit) return hit.source;
  if (d.action === compiled.defaultAction && (d.action !== 'ERRNO' || (compiled.defaultData ?? 0) === d.errno)) return 'defaultAction';
  if (d.action === 'ERRNO' && d.errno === 38) return 'ENOSYS fallback (a syscall newer than the profile)';
  return named.length > 0 ? named[0].source : 'defaultAction';
}

const fixes = new Map<string, string | null>();

/** `--cap-add X` when adding one capability allows the call; undefined when none does or the profile has no name. */
export function capabilityFix(compiled: CompiledProfile, syscall: string | number, arch: string, args: readonly bigint[]): string | undefined {
  if (compiled.name === undefined) return undefined;
  const key = `${compiled.hash}\0${arch}\0${syscall}\0${args.join(',')}`;
  const hit = fixes.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const have = new Set(compiled.context.capabilities);
  const missing = CAPABILITIES.filter((c) => !have.has(c));
  const allows = (caps: readonly string[]): boolean => {
    try {
      const c = compile(compiled.name as string, { capabilities: [...have, ...caps], arch: compiled.context.arch, kernel: compiled.context.kernel });
      return decide(c, { syscall, arch, args: [...args] }).action === 'ALLOW';
    } catch {
      return false;
    }
  };
  let found: string | null = null;
  // One compile tells whether any capability helps; then halve the set (about log2(41) compiles).
  if (missing.length > 0 && allows(missing)) {
    let set = missing;
    while (set.length > 1) {
      const half = set.slice(0, set.length >> 1);
      if (allows(half)) set = half;
      else if (allows(set.slice(half.length))) set = set.slice(half.length);
      else break; // needs capabilities from both halves: no single one
    }
    if (set.length === 1) found = `--cap-add ${set[0].replace(/^CAP_/, '')}`;
  }
  if (fixes.size > 1000) fixes.clear();
  fixes.set(key, found);
  return found ?? undefined;
}

/** The seam the report uses; swap for explain's fixFor()/explain() once merged. */
export function ruleFor(compiled: CompiledProfile, syscall: string, nr: number, arch: string, args: readonly bigint[], d: Decision): RuleInfo {
  const rule = ruleOf(compiled, syscall, args, d);
  const fix = capabilityFix(compiled, nr, arch, args);
  return fix === undefined ? { rule } : { rule, fix };
}
