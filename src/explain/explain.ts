// explain(): decide()'s answer for one syscall, the part of the profile that made it, every way
// the profile would allow it, and the kernel's own checks that can still refuse it.
import type { ActionName } from '../action.js';
import { archToken, nativeArch } from '../arch.js';
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { NEWER_SYSCALLS, newerSyscallNumber } from '../bpf/newer-syscalls.js';
import { decide, type DecideQuery } from '../decide.js';
import { argTypeError, errnoName } from '../errors.js';
import { native } from '../native.js';
import { libseccompArchName, syscallNumberOn } from '../profile/compile.js';
import { loadProfileDocument } from '../profile/load.js';
import type { CompiledProfile, ProfileInput } from '../profile/types.js';
import { toU64 } from '../values.js';
import { allowed, allowIf, type AllowIf } from './allow-if.js';
import { hex } from './arg-names.js';
import { attribute, type DecidedBy } from './attribute.js';
import { kernelChecks, type KernelCheck, type SysctlReader } from './kernel-checks.js';
import { profileRules, type ProfileRule } from './profile-rules.js';

export type ExplainQuery = DecideQuery;

export interface ExplainOptions {
  /**
   * The profile `compiled` was compiled from, when it has no `name` (an object or JSON text):
   * needed to name a rule's `names` index and to find rules that apply in other contexts.
   */
  profile?: ProfileInput;
  /** Reads a sysctl file for kernelChecks (default: the file's text; tests pass their own). */
  readSysctl?: SysctlReader;
}

export interface Explanation {
  /** The syscall's name on the arch; null for a number nothing names. */
  syscall: string | null;
  /** The number the kernel sees (with x32's bit). */
  nr: number;
  /** libseccomp arch name. */
  arch: string;
  /** The six arguments decided on, hex. */
  args: string[];
  action: ActionName;
  /** For ERRNO. */
  errno?: number;
  /** For ERRNO: `EPERM`. */
  errnoName?: string;
  /** For TRACE: the message. */
  data?: number;
  /** The JSON path of the rule that decided (`syscalls[28].names[3]`), or `defaultAction`, `enosys`, `multiplexer`, `unconfined`. */
  rule: string;
  /** What kind of part decided: `rule`, `newerSyscalls`, `narrowing`, `defaultAction`, `enosys`, `multiplexer`, `unconfined`. */
  decidedBy: DecidedBy;
  /** For a denial: every way the profile would allow it, most useful first (never empty); [] when allowed. */
  allowIf: AllowIf[];
  /** What the kernel (or this package's isolation) checks besides the filter. */
  kernelChecks: KernelCheck[];
}

function checkCompiled(compiled: unknown): CompiledProfile {
  if (compiled === null || typeof compiled !== 'object' || typeof (compiled as CompiledProfile).unconfined !== 'boolean') {
    throw argTypeError('explain needs a compiled profile (the result of compile())');
  }
  return compiled as CompiledProfile;
}

function checkOptions(options: unknown): ExplainOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') throw argTypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  const { profile, readSysctl } = options as ExplainOptions;
  if (readSysctl !== undefined && typeof readSysctl !== 'function') throw argTypeError('options.readSysctl must be a function');
  return { ...(profile !== undefined ? { profile } : {}), ...(readSysctl ? { readSysctl } : {}) };
}

/** The name of number `nr` on `arch`: libseccomp's, else compile's table of the newest. */
function nameOf(nr: number, arch: string): string | undefined {
  const n = arch === 'x32' ? (nr & ~X32_SYSCALL_BIT) >>> 0 : nr;
  const s = native().syscallName(n | 0, archToken(arch));
  if (s) return s;
  return Object.keys(NEWER_SYSCALLS).find((k) => newerSyscallNumber(k, arch) === n);
}

/** The profile's rules from its document, when it can be had; undefined otherwise. */
function documentRules(compiled: CompiledProfile, input: ProfileInput | undefined): ProfileRule[] | undefined {
  if (input === undefined) return undefined;
  // A compiled profile's own name always loads the same document it was compiled from (for a
  // file: as far as anyone can tell), so its rules are read once per compiled profile.
  const own = input === compiled.name;
  if (own && byCompiled.has(compiled)) return byCompiled.get(compiled);
  let rules: ProfileRule[] | undefined;
  try {
    const loaded = loadProfileDocument(input);
    rules = loaded.unconfined ? [] : profileRules(loaded.doc);
  } catch {
    rules = undefined; // the file is gone or unreadable: attribute without names indexes
  }
  if (own) byCompiled.set(compiled, rules);
  return rules;
}

const byCompiled = new WeakMap<CompiledProfile, ProfileRule[] | undefined>();

/** decide()'s answer and the part of the profile that gave it (no compiling: cheap enough per syscall). */
function decided(c: CompiledProfile, query: ExplainQuery, o: ExplainOptions) {
  const d = decide(c, query); // validates the query
  const { syscall, args: given, arch: qArch } = query;
  const arch = libseccompArchName(qArch ?? c.context?.arch ?? nativeArch());
  const args = Array.from({ length: 6 }, (_, i) => (given && i < given.length ? toU64(given[i], `args[${i}]`) : 0n));
  let name: string | undefined;
  let nr: number;
  if (typeof syscall === 'string') {
    name = syscall;
    nr = syscallNumberOn(syscall, archToken(arch)) ?? (newerSyscallNumber(syscall, arch) as number);
  } else {
    nr = syscall;
    name = nameOf(nr, arch);
  }
  if (arch === 'x32') nr = (nr | X32_SYSCALL_BIT) >>> 0;

  const input = o.profile ?? c.name;
  const rules = documentRules(c, input);
  const who = attribute(c, { name, nr, arch, args }, d, rules);
  return { d, name, nr, arch, args, given, input, rules, who };
}

/**
 * explain()'s `rule` and `decidedBy` alone, without the ways to allow a denial (which compile):
 * what denial reports name for each syscall while the supervised tree waits for its answer.
 */
export function decidingRule(compiled: CompiledProfile, query: ExplainQuery, options?: ExplainOptions): { rule: string; decidedBy: DecidedBy } {
  const { who } = decided(checkCompiled(compiled), query, checkOptions(options));
  return { rule: who.rule, decidedBy: who.decidedBy };
}

/**
 * What `compiled` does with one syscall and why. `action`/`errno` are decide()'s, always;
 * `rule` names the part of the profile that gave that answer. Bad input throws as decide() does:
 * ERR_SECCOMP_UNKNOWN_SYSCALL, ERR_SECCOMP_UNKNOWN_ARCH, ERR_OUT_OF_RANGE, ERR_INVALID_ARG_TYPE.
 */
export function explain(compiled: CompiledProfile, query: ExplainQuery, options?: ExplainOptions): Explanation {
  const c = checkCompiled(compiled);
  const o = checkOptions(options);
  const { d, name, nr, arch, args, given, input, rules, who } = decided(c, query, o);
  const out: Explanation = {
    syscall: name ?? null,
    nr,
    arch,
    args: args.map(hex),
    action: d.action,
    ...(d.errno !== undefined ? { errno: d.errno, errnoName: errnoName(d.errno) } : {}),
    ...(d.data !== undefined ? { data: d.data } : {}),
    rule: who.rule,
    decidedBy: who.decidedBy,
    allowIf: [],
    kernelChecks: kernelChecks(name, given === undefined ? undefined : args, o.readSysctl),
  };
  if (!allowed(d) && d.action !== 'NOTIFY') {
    out.allowIf = name === undefined
      ? [{ kind: 'none', fix: `no rule can allow syscall ${nr}: it has no name on ${arch}` }]
      : allowIf({
        compiled: c,
        name,
        arch,
        args,
        rules,
        input,
        ...(who.resolved ? { decidingRule: { path: who.rule, action: who.resolved.action } } : {}),
      });
  }
  return out;
}

/**
 * The one-line fix for a denial (`--cap-add SYS_NICE`, `Linux 4.8 or later`, `clone without
 * CLONE_NEWUSER`, `no rule allows it: add {...}`); undefined when the syscall is allowed.
 */
export function fixFor(compiled: CompiledProfile, syscall: string | number, args?: readonly (bigint | number)[], options?: ExplainOptions & { arch?: string }): string | undefined {
  const { arch, ...rest } = options ?? {};
  const e = explain(compiled, { syscall, ...(args ? { args } : {}), ...(arch ? { arch } : {}) }, rest);
  return e.allowIf[0]?.fix;
}
