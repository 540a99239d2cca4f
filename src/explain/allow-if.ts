// For a denied syscall, every way the profile would allow it: a capability, a newer kernel,
// another arch, other argument values, or none (then: the rule to add or the name to remove).
// Each way is found in the profile's own rules and checked by compiling in the changed context
// and asking decide(), so a suggestion is never one the filter would still refuse.
import { decide, type Decision } from '../decide.js';
import { errnoName } from '../errors.js';
import type { Condition } from '../filter.js';
import { compile } from '../profile/compile.js';
import { dockerArchName } from '../profile/context.js';
import type { CompiledProfile, KernelVersion, ProfileInput } from '../profile/types.js';
import { flagNames, hex, showArg } from './arg-names.js';
import { conditionHolds } from './attribute.js';
import type { ProfileRule, RuleArg } from './profile-rules.js';

export type AllowIfKind = 'capability' | 'kernel' | 'arch' | 'args' | 'remove' | 'none';

/** One way the syscall would be allowed. */
export interface AllowIf {
  /** The main change: capability, kernel, arch, args; `remove` (a deny rule's name) or `none`. */
  kind: AllowIfKind;
  /** One line for a user: `--cap-add SYS_NICE`, `clone without CLONE_NEWUSER`, ... */
  fix: string;
  /** The JSON path of the rule that would allow it (or, for `remove`, the rule that denies it). */
  rule?: string;
  /** Capabilities to add (`CAP_*`). */
  capabilities?: string[];
  /** The lowest kernel version, "4.8". */
  minKernel?: string;
  /** Docker arch names on which it would be allowed. */
  arches?: string[];
  /** The rule's argument conditions, readable: `arg0 & 0x7e020000 == 0x0`. */
  conditions?: string[];
  /** Arguments (hex, six) that would be allowed: the query's with the conditions met. */
  args?: string[];
}

const ALLOWING = new Set(['ALLOW', 'LOG']);
const PRIORITY: Record<AllowIfKind, number> = { capability: 0, kernel: 1, arch: 2, args: 3, remove: 4, none: 5 };

export function allowed(d: Decision): boolean {
  return ALLOWING.has(d.action);
}

export interface DenialContext {
  compiled: CompiledProfile;
  /** The syscall's name (rules are by name). */
  name: string;
  /** libseccomp arch name of the query. */
  arch: string;
  args: readonly bigint[];
  rules: readonly ProfileRule[] | undefined;
  /** What to compile for the checks: the profile's name, path or document. */
  input: ProfileInput | undefined;
  /** The rule that decided, when it was one of the profile's (for `remove`). */
  decidingRule?: { path: string; action: string };
}

function kernelAtLeast(k: KernelVersion, min: KernelVersion): boolean {
  return k.major > min.major || (k.major === min.major && k.minor >= min.minor);
}

const OP_TEXT: Record<string, string> = { EQ: '==', NE: '!=', LT: '<', LE: '<=', GT: '>', GE: '>=' };

function conditionText(name: string, a: RuleArg): string {
  if (a.op === 'MASKED_EQ') return `arg${a.index} & ${hex(a.value)} == ${showArg(name, a.index, a.valueTwo)}`;
  return `arg${a.index} ${OP_TEXT[a.op]} ${showArg(name, a.index, a.value)}`;
}

function toCondition(a: RuleArg): Condition {
  return { arg: a.index, op: a.op, value: a.value, valueTwo: a.valueTwo };
}

/** The query's arguments changed as little as possible to meet `conds`; undefined when they conflict. */
export function satisfy(args: readonly bigint[], conds: readonly RuleArg[]): bigint[] | undefined {
  const out = [...args];
  const MAX = (1n << 64n) - 1n;
  for (const c of conds) {
    const a = out[c.index];
    switch (c.op) {
      case 'EQ': case 'LE': case 'GE': if (!conditionHolds(toCondition(c), out)) out[c.index] = c.value; break;
      case 'NE': if (a === c.value) out[c.index] = c.value === MAX ? 0n : c.value + 1n; break;
      case 'LT': if (a >= c.value) { if (c.value === 0n) return undefined; out[c.index] = c.value - 1n; } break;
      case 'GT': if (a <= c.value) { if (c.value === MAX) return undefined; out[c.index] = c.value + 1n; } break;
      case 'MASKED_EQ': out[c.index] = (a & ~c.value & MAX) | (c.valueTwo & c.value); break;
    }
  }
  return conds.every((c) => conditionHolds(toCondition(c), out)) ? out : undefined;
}

/** `clone without CLONE_NEWUSER`, `personality with arg0 == 0x8 (PER_LINUX32)`. */
function argsFix(name: string, conds: readonly RuleArg[], from: readonly bigint[], to: readonly bigint[]): string {
  const parts: string[] = [];
  for (const c of conds) {
    if (c.op === 'MASKED_EQ' && c.valueTwo === 0n) {
      const cleared = from[c.index] & ~to[c.index];
      if (cleared !== 0n) parts.push(`without ${flagNames(name, c.index, cleared).join('|')}`);
      else parts.push(`with ${conditionText(name, c)}`);
    } else {
      parts.push(`with ${conditionText(name, c)}`);
    }
  }
  return `${name} ${[...new Set(parts)].join(' and ')}`;
}

function tryDecide(compiled: CompiledProfile, name: string, arch: string, args: readonly bigint[]): Decision | undefined {
  try {
    return decide(compiled, { syscall: name, arch, args });
  } catch {
    return undefined; // e.g. the syscall does not exist on that arch
  }
}

/** The ways `ctx`'s denied syscall would be allowed, most useful first; never empty. */
export function allowIf(ctx: DenialContext): AllowIf[] {
  const { compiled, name, arch, args } = ctx;
  const c = compiled.context;
  const caps = new Set(c.capabilities);
  const here = dockerArchName(c.arch) ?? c.arch;
  const out: AllowIf[] = [];
  const seen = new Set<string>();
  const add = (a: AllowIf): void => {
    if (seen.has(a.fix)) return;
    seen.add(a.fix);
    out.push(a);
  };
  const compiledFor = new Map<string, CompiledProfile | null>();
  const recompile = (capabilities: string[], kernel: KernelVersion, onArch: string): CompiledProfile | undefined => {
    if (ctx.input === undefined) return undefined;
    const key = `${capabilities.join(',')}|${kernel.major}.${kernel.minor}|${onArch}`;
    if (!compiledFor.has(key)) {
      try {
        compiledFor.set(key, compile(ctx.input, { capabilities, kernel, arch: onArch, unknownSyscalls: 'ignore', cache: 'memory' }));
      } catch {
        compiledFor.set(key, null);
      }
    }
    return compiledFor.get(key) ?? undefined;
  };

  for (const r of ctx.rules ?? []) {
    const path = r.names.get(name);
    if (path === undefined || !ALLOWING.has(r.action)) continue;
    const ex = r.excludes;
    // Allowed only by dropping a capability, an older kernel or leaving this arch: not advice.
    if (ex && (ex.caps.some((x) => caps.has(x)) || ex.arches.includes(here) || (ex.minKernel && kernelAtLeast(c.kernel, ex.minKernel)))) continue;
    const inc = r.includes;
    const missingCaps = (inc?.caps ?? []).filter((x) => !caps.has(x));
    const needKernel = inc?.minKernel && !kernelAtLeast(c.kernel, inc.minKernel) ? inc.minKernel : undefined;
    const otherArches = inc && inc.arches.length > 0 && !inc.arches.includes(here) ? inc.arches.filter((a) => !(ex?.arches ?? []).includes(a)) : undefined;
    const tried = r.args.length > 0 ? satisfy(args, r.args) : [...args];
    if (tried === undefined) continue;
    const argsChanged = tried.some((v, i) => v !== args[i]);
    const kernel = needKernel ?? c.kernel;
    const fixes: string[] = [];
    const entry: Partial<AllowIf> = { rule: path };
    let kind: AllowIfKind | undefined;
    if (missingCaps.length) {
      kind = 'capability';
      entry.capabilities = missingCaps;
      fixes.push(missingCaps.map((x) => `--cap-add ${x.replace(/^CAP_/, '')}`).join(' '));
    }
    if (needKernel) {
      kind ??= 'kernel';
      entry.minKernel = `${needKernel.major}.${needKernel.minor}`;
      fixes.push(`Linux ${entry.minKernel} or later`);
    }
    if (argsChanged) {
      kind ??= 'args';
      entry.conditions = r.args.map((a) => conditionText(name, a));
      entry.args = tried.map(hex);
      fixes.push(argsFix(name, r.args, args, tried));
    }
    if (otherArches) {
      // One arch that has the syscall is enough to check; the rule lists the rest.
      const target = otherArches.find((a) => {
        const p = recompile([...caps, ...missingCaps], kernel, a);
        const d = p && tryDecide(p, name, a, tried);
        return d !== undefined && allowed(d);
      });
      if (target === undefined) continue;
      kind ??= 'arch';
      entry.arches = otherArches;
      fixes.push(`on ${otherArches.join(' or ')}`);
    } else if (kind === undefined) {
      continue; // the rule applies and its conditions hold: something else decided
    } else {
      const p = missingCaps.length || needKernel ? recompile([...caps, ...missingCaps], kernel, here) : compiled;
      const d = p && tryDecide(p, name, arch, tried);
      if (d === undefined || !allowed(d)) continue;
    }
    add({ kind, fix: fixes.join(' and '), ...entry } as AllowIf);
  }
  out.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind]);
  if (out.length > 0) return out;

  const addRule = `add { "names": ["${name}"], "action": "SCMP_ACT_ALLOW" }`;
  const deny = ctx.decidingRule;
  if (deny !== undefined && deny.action !== 'ALLOW') {
    const def = compiled.defaultAction;
    const then = ALLOWING.has(def) ? `the default action (${def}) then allows it` : `then ${addRule}`;
    return [{ kind: 'remove', rule: deny.path, fix: `remove "${name}" from ${deny.path.replace(/\.names\[\d+\]$|\.name$/, '')} (${then})` }];
  }
  return [{ kind: 'none', fix: `no rule allows it: ${addRule}` }];
}

/** `EPERM`-style name of a decision's errno, for text. */
export function decisionText(d: Decision): string {
  if (d.action === 'ERRNO') return `ERRNO ${errnoName(d.errno ?? 0)} (${d.errno})`;
  if (d.action === 'TRACE') return `TRACE ${d.data}`;
  return d.action;
}
