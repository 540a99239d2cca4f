// Which part of a compiled profile made decide()'s answer: a rule of the profile (by JSON
// path), the default action, runc's ENOSYS fallback, compile's newer-syscalls block, argument
// narrowing or the multiplexer block. Attribution only names a part whose answer is decide()'s
// own, so explain never disagrees with decide(). One function, so that rule-origin data (a rule
// that came from a base profile) can be added in one place.
import type { Decision } from '../decide.js';
import type { Condition } from '../filter.js';
import { argBits } from '../profile/arg-widths.js';
import type { CompiledProfile, ResolvedRule } from '../profile/types.js';
import type { ProfileRule } from './profile-rules.js';

/** Which part of the filter decided. */
export type DecidedBy =
  | 'rule'
  | 'newerSyscalls'
  | 'narrowing'
  | 'defaultAction'
  | 'enosys'
  | 'multiplexer'
  | 'unconfined'
  | 'unattributed';

export interface Attribution {
  /** `syscalls[28].names[3]`, `defaultAction`, `enosys`, `multiplexer`, `unconfined` or `unattributed`. */
  rule: string;
  decidedBy: DecidedBy;
  /** The compiled rule that decided, when a rule did. */
  resolved?: ResolvedRule;
}

export interface SyscallQuery {
  /** The syscall's name on the arch; undefined for a number nothing names. */
  name?: string;
  /** The number the kernel sees (with x32's bit). */
  nr: number;
  /** libseccomp arch name. */
  arch: string;
  /** Six unsigned 64-bit values. */
  args: readonly bigint[];
}

const U64 = (1n << 64n) - 1n;

/** Whether one condition holds for `args` (libseccomp's unsigned comparisons). */
export function conditionHolds(c: Condition, args: readonly bigint[]): boolean {
  const a = args[c.arg] ?? 0n;
  const v = BigInt(c.value) & U64;
  switch (c.op) {
    case 'EQ': return a === v;
    case 'NE': return a !== v;
    case 'LT': return a < v;
    case 'LE': return a <= v;
    case 'GT': return a > v;
    case 'GE': return a >= v;
    case 'MASKED_EQ': return (a & v) === (BigInt(c.valueTwo ?? 0) & U64);
  }
}

/** The arguments as the kernel reads them (arg-widths.ts): what narrowArgs compares. */
export function narrowedArgs(name: string, arch: string, args: readonly bigint[]): bigint[] {
  return args.map((a, i) => {
    const bits = argBits(name, i, arch);
    return bits === 64 ? a : a & ((1n << BigInt(bits)) - 1n);
  });
}

function sameAnswer(r: ResolvedRule, d: Decision): boolean {
  if (r.action !== d.action) return false;
  if (r.action === 'ERRNO') return Math.min(r.data ?? 1, 4095) === d.errno;
  if (r.action === 'TRACE') return (r.data ?? 1) === d.data;
  return true;
}

function defaultAnswer(c: CompiledProfile, d: Decision): boolean {
  return sameAnswer({ syscall: '', action: c.defaultAction, data: c.defaultData, conditions: [], source: '' }, d);
}

/** The first rule on `name`, in profile order, whose conditions hold and whose answer is `d`. */
function matching(c: CompiledProfile, name: string, args: readonly bigint[], d: Decision): ResolvedRule | undefined {
  return c.rules.find((r) => r.syscall === name && sameAnswer(r, d) && r.conditions.every((k) => conditionHolds(k, args)));
}

/** Whether any rule on `name` holds for `args` (so the default did not decide). */
function anyHolds(c: CompiledProfile, name: string, args: readonly bigint[]): boolean {
  return c.rules.some((r) => r.syscall === name && r.conditions.every((k) => conditionHolds(k, args)));
}

/** `syscalls[28].names[3]` from a compiled rule's `syscalls[28]`, when the document is at hand. */
export function rulePath(source: string, name: string, rules: readonly ProfileRule[] | undefined): string {
  const r = rules?.find((x) => x.path === source);
  return r?.names.get(name) ?? source;
}

function byRule(r: ResolvedRule, name: string, rules: readonly ProfileRule[] | undefined, narrowed: boolean): Attribution {
  const decidedBy: DecidedBy = r.numbers ? 'newerSyscalls' : narrowed ? 'narrowing' : 'rule';
  return { rule: rulePath(r.source, name, rules), decidedBy, resolved: r };
}

/**
 * What decided `d` for `q`. Rules are tried on the arguments as the kernel reads them, then on
 * all 64 bits (a profile compiled with narrowArgs: false); where only the narrowed reading
 * agrees with decide(), argument narrowing made the difference (decidedBy 'narrowing').
 */
export function attribute(
  compiled: CompiledProfile,
  q: SyscallQuery,
  d: Decision,
  rules?: readonly ProfileRule[],
): Attribution {
  if (compiled.unconfined) return { rule: 'unconfined', decidedBy: 'unconfined' };
  const name = q.name;
  if (name !== undefined) {
    const narrow = narrowedArgs(name, q.arch, q.args);
    const differs = narrow.some((a, i) => a !== q.args[i]);
    const wide = matching(compiled, name, q.args, d);
    const near = differs ? matching(compiled, name, narrow, d) : wide;
    const wideHolds = anyHolds(compiled, name, q.args);
    const nearHolds = differs ? anyHolds(compiled, name, narrow) : wideHolds;
    if (near) return byRule(near, name, rules, differs && !wide);
    if (wide) return byRule(wide, name, rules, false);
    if (defaultAnswer(compiled, d) && !nearHolds) {
      return { rule: 'defaultAction', decidedBy: differs && wideHolds ? 'narrowing' : 'defaultAction' };
    }
    if (defaultAnswer(compiled, d) && !wideHolds) return { rule: 'defaultAction', decidedBy: 'defaultAction' };
  }
  const last = compiled.lastSyscalls.find((l) => l.arch === q.arch);
  if (d.action === 'ERRNO' && d.errno === 38 && last !== undefined && q.nr >>> 0 > last.nr >>> 0) {
    return { rule: 'enosys', decidedBy: 'enosys' };
  }
  if (name === undefined && defaultAnswer(compiled, d)) return { rule: 'defaultAction', decidedBy: 'defaultAction' };
  // socketcall/ipc sub-calls get their direct syscall's strictest answer (compile's multiplexers).
  if (name === 'socketcall' || name === 'ipc') return { rule: 'multiplexer', decidedBy: 'multiplexer' };
  return { rule: 'unattributed', decidedBy: 'unattributed' };
}
