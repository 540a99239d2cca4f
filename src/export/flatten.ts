// A compiled profile written back as one flat Docker/OCI profile for its context: bases, groups
// and includes/excludes already resolved, so the file means the same under any runtime that reads
// the format. Same compiled input, same object (and same bytes through jsonText).
import type { ActionName } from '../action.js';
import type { Condition } from '../filter.js';
import { syscallNameAt } from '../diff/names.js';
import { argTypeError } from '../errors.js';
import { ARCHES_BY_LIBSECCOMP } from '../profile/context.js';
import type { CompiledProfile, ResolvedRule } from '../profile/types.js';

export interface FlatArg {
  index: number;
  value: bigint;
  valueTwo?: bigint;
  op: string;
}

export interface FlatRule {
  names: string[];
  action: string;
  errnoRet?: number;
  args?: FlatArg[];
}

/** The Docker/OCI profile fields (runtime-spec LinuxSeccomp). */
export interface FlatProfile {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: FlatRule[];
}

/** Our action names -> the profile's `SCMP_ACT_*`. */
export function profileAction(a: ActionName): string {
  return a === 'KILL_THREAD' ? 'SCMP_ACT_KILL_THREAD' : `SCMP_ACT_${a}`;
}

/** errnoRet for actions that carry one (ERRNO's errno, TRACE's message). */
export function actionData(a: ActionName, data: number | undefined): number | undefined {
  return a === 'ERRNO' || a === 'TRACE' ? (data ?? (a === 'ERRNO' ? 1 : 0)) : undefined;
}

export function flatArgs(conditions: readonly Condition[]): FlatArg[] | undefined {
  if (conditions.length === 0) return undefined;
  return conditions.map((c) => {
    const valueTwo = c.valueTwo === undefined ? 0n : BigInt(c.valueTwo);
    return { index: c.arg, value: BigInt(c.value), ...(c.op === 'MASKED_EQ' || valueTwo !== 0n ? { valueTwo } : {}), op: `SCMP_CMP_${c.op}` };
  });
}

const SPEC_ALLOW = 'SECCOMP_FILTER_FLAG_SPEC_ALLOW';

/**
 * The `flags` field for a filter's flags. runc adds SPEC_ALLOW to a profile without a `flags`
 * list (where the kernel has it), so SPEC_ALLOW alone is written as no list, and no flags at all
 * as an empty list (which keeps runc from adding it).
 */
export function flagsField(flags: readonly string[]): { flags?: string[] } {
  if (flags.length === 1 && flags[0] === SPEC_ALLOW) return {};
  return { flags: [...flags].sort() };
}

/** SCMP_ARCH_* names of libseccomp arch names. */
export function scmpArches(arches: readonly string[]): string[] {
  return arches.map((a) => ARCHES_BY_LIBSECCOMP.get(a)?.scmp ?? `SCMP_ARCH_${a.toUpperCase()}`);
}

function ruleKey(r: { action: ActionName; data?: number; conditions: readonly Condition[] }): string {
  return `${r.action}|${actionData(r.action, r.data) ?? ''}|${JSON.stringify(flatArgs(r.conditions) ?? [], (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`;
}

/**
 * Groups rules into profile entries: unconditional ones one entry per action, sorted; rules
 * with conditions after them, in the order libseccomp was given them, names sorted in each.
 */
export function groupRules(rules: readonly Pick<ResolvedRule, 'syscall' | 'action' | 'data' | 'conditions'>[]): FlatRule[] {
  const plain = new Map<string, { rule: (typeof rules)[number]; names: Set<string> }>();
  const conditional = new Map<string, { rule: (typeof rules)[number]; names: Set<string> }>();
  for (const r of rules) {
    const into = r.conditions.length ? conditional : plain;
    const key = ruleKey(r);
    const g = into.get(key);
    if (g) g.names.add(r.syscall);
    else into.set(key, { rule: r, names: new Set([r.syscall]) });
  }
  const entry = ({ rule, names }: { rule: (typeof rules)[number]; names: Set<string> }): FlatRule => {
    const errnoRet = actionData(rule.action, rule.data);
    const args = flatArgs(rule.conditions);
    return { names: [...names].sort(), action: profileAction(rule.action), ...(errnoRet !== undefined ? { errnoRet } : {}), ...(args ? { args } : {}) };
  };
  const first = [...plain.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, g]) => entry(g));
  return [...first, ...[...conditional.values()].map(entry)];
}

/**
 * Whether the source profile listed its arches. runc sizes the ENOSYS stub from the listed arches
 * only, so a profile without any has no stub: listing the native arch would add one. A filter
 * of the native arch alone and no stub is written without the list (equivalent either way).
 */
function archesListed(c: CompiledProfile): boolean {
  return c.arches.length > 1 || c.lastSyscalls.length > 0;
}

/** The flat profile a compiled profile was made from, for its context. */
export function flatten(compiled: CompiledProfile): FlatProfile {
  if (compiled === null || typeof compiled !== 'object' || typeof compiled.unconfined !== 'boolean' || !Array.isArray(compiled.rules)) {
    throw argTypeError('export needs a compiled profile (the result of compile())');
  }
  if (compiled.unconfined) return { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] };
  const rules: Pick<ResolvedRule, 'syscall' | 'action' | 'data' | 'conditions'>[] = [...compiled.rules];
  // Rules equal to the default were left out of the filter, but runc still counts them for the
  // ENOSYS stub's last syscall: keep the highest one so the stub starts at the same number.
  const named = new Set(rules.map((r) => r.syscall));
  for (const { arch, nr } of compiled.lastSyscalls) {
    const name = syscallNameAt(arch, nr);
    if (name !== undefined && !named.has(name)) {
      rules.push({ syscall: name, action: compiled.defaultAction, data: compiled.defaultData, conditions: [] });
      named.add(name);
    }
  }
  const defaultErrnoRet = actionData(compiled.defaultAction, compiled.defaultData);
  return {
    defaultAction: profileAction(compiled.defaultAction),
    ...(defaultErrnoRet !== undefined ? { defaultErrnoRet } : {}),
    ...(archesListed(compiled) ? { architectures: scmpArches(compiled.arches) } : {}),
    ...flagsField(compiled.flags),
    ...(compiled.listenerPath !== undefined ? { listenerPath: compiled.listenerPath } : {}),
    ...(compiled.listenerMetadata !== undefined ? { listenerMetadata: compiled.listenerMetadata } : {}),
    syscalls: groupRules(rules),
  };
}
