// What the checks look at: the profile document (a light, already validated view with JSON
// paths) and the compiled program, asked per arch what it does with a syscall.
import type { ActionName } from '../action.js';
import { archToken } from '../arch.js';
import { newerSyscallNumber } from '../bpf/newer-syscalls.js';
import { decide, dependence, type Decision } from '../decide.js';
import { errnoNumber } from '../errors.js';
import { native } from '../native.js';
import { syscallNumberOn } from '../profile/compile.js';
import { dockerArchName, normalizeCapability, parseKernelVersion } from '../profile/context.js';
import { tableBase } from '../profile/kernel-args.js';
import { join } from '../profile/problems.js';
import { PROFILE_ACTIONS } from '../profile/resolve.js';
import type { CompiledProfile, KernelVersion, ProfileContext } from '../profile/types.js';
import type { Member } from './families.js';
import type { LintTarget } from './types.js';

export interface ArgView {
  index: number;
  op: string;
  value: bigint;
  valueTwo: bigint;
  path: string;
}

/** One `syscalls[]` entry, as far as the checks need it. */
export interface RuleView {
  path: string;
  /** Each name with its path (`syscalls[3].names[1]`, or `.name`). */
  names: { name: string; path: string }[];
  action: ActionName;
  /** errno for ERRNO (EPERM when absent), message for TRACE. */
  data?: number;
  actionPath: string;
  args: ArgView[];
  /** Whether includes/excludes let it apply in the context (moby's rule). */
  applies: boolean;
  /** includes/excludes as JSON ('' when neither): rules gated alike compare equal. */
  gate: string;
}

/** What a syscall gets on one arch: every answer, or `absent` when the arch has no such syscall. */
export type State = 'allow' | 'deny' | 'partial' | 'absent';

export interface Facts {
  compiled: CompiledProfile;
  target: LintTarget;
  /** `defaultAction`, or `linux.seccomp.defaultAction` in an OCI config. */
  defaultPath: string;
  /** The seccomp object's path prefix ('' or `linux.seccomp`). */
  base: string;
  /** The seccomp object itself. */
  profile: Record<string, unknown>;
  rules: RuleView[];
  /** Every answer the program can give `member` on `arch` (libseccomp name); undefined: absent. */
  outcomes(member: Member, arch: string): Decision[] | undefined;
  state(member: Member, arch: string): State;
  /** The first applying rule naming `name` that `pick` accepts, as the name's path. */
  ruleFor(name: string, pick?: (r: RuleView) => boolean): { rule: RuleView; path: string } | undefined;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A field as Go's decoder finds it: the exact key, else one equal ignoring case. */
export function field(obj: Record<string, unknown>, key: string): { value: unknown; key: string } | undefined {
  if (Object.hasOwn(obj, key) && obj[key] !== null) return { value: obj[key], key };
  const lower = key.toLowerCase();
  for (const k of Object.keys(obj)) {
    if (k.toLowerCase() === lower && obj[k] !== null) return { value: obj[k], key: k };
  }
  return undefined;
}

export function isAllowing(d: Decision): boolean {
  return d.action === 'ALLOW' || d.action === 'LOG';
}

/** NOTIFY and TRACE hand the decision to another process: it may go either way. */
function undecided(d: Decision): boolean {
  return d.action === 'NOTIFY' || d.action === 'TRACE';
}

export function stateOf(outcomes: readonly Decision[] | undefined): State {
  if (outcomes === undefined) return 'absent';
  const allow = outcomes.some((d) => isAllowing(d) || undecided(d));
  const deny = outcomes.some((d) => !isAllowing(d));
  return allow && deny ? 'partial' : allow ? 'allow' : 'deny';
}

/** The seccomp object: the document, or `linux.seccomp` of an OCI config (as compile reads it). */
function locate(doc: Record<string, unknown>): { obj: Record<string, unknown>; base: string } {
  const own = ['defaultAction', 'syscalls', 'architectures', 'archMap'].some((k) => field(doc, k) !== undefined);
  if (own || !(Object.hasOwn(doc, 'ociVersion') || Object.hasOwn(doc, 'linux'))) return { obj: doc, base: '' };
  const linux = doc.linux as Record<string, unknown>;
  return { obj: linux.seccomp as Record<string, unknown>, base: 'linux.seccomp' };
}

function big(v: unknown): bigint {
  return typeof v === 'bigint' ? v : typeof v === 'number' && Number.isInteger(v) && v >= 0 ? BigInt(v) : 0n;
}

function kernelAtLeast(k: KernelVersion, min: KernelVersion): boolean {
  return k.major > min.major || (k.major === min.major && k.minor >= min.minor);
}

/** moby's includes/excludes: excludes drops on any match, includes needs every condition. */
export function appliesIn(rule: Record<string, unknown>, ctx: ProfileContext): boolean {
  const arch = dockerArchName(ctx.arch) ?? ctx.arch;
  const caps = new Set(ctx.capabilities.map((c) => normalizeCapability(c) ?? c));
  const read = (f: unknown) => {
    const o = isObject(f) ? f : {};
    const list = (k: string): string[] => {
      const v = field(o, k)?.value;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    };
    const mk = field(o, 'minKernel')?.value;
    return {
      arches: list('arches').map((a) => dockerArchName(a) ?? a),
      caps: list('caps').map((c) => normalizeCapability(c) ?? c),
      minKernel: typeof mk === 'string' && mk !== '' ? parseKernelVersion(mk) : undefined,
    };
  };
  const exF = field(rule, 'excludes')?.value;
  if (exF !== undefined) {
    const ex = read(exF);
    if (ex.arches.includes(arch) || ex.caps.some((c) => caps.has(c))) return false;
    if (ex.minKernel && kernelAtLeast(ctx.kernel, ex.minKernel)) return false;
  }
  const inF = field(rule, 'includes')?.value;
  if (inF !== undefined) {
    const inc = read(inF);
    if (inc.arches.length > 0 && !inc.arches.includes(arch)) return false;
    if (!inc.caps.every((c) => caps.has(c))) return false;
    if (inc.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) return false;
  }
  return true;
}

function gateOf(rule: Record<string, unknown>): string {
  const inc = field(rule, 'includes')?.value;
  const exc = field(rule, 'excludes')?.value;
  if (inc === undefined && exc === undefined) return '';
  return JSON.stringify([inc ?? null, exc ?? null], (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}

function actionData(obj: Record<string, unknown>, action: ActionName): number | undefined {
  if (action !== 'ERRNO' && action !== 'TRACE') return undefined;
  const v = field(obj, 'errnoRet')?.value ?? field(obj, 'errno')?.value;
  if (typeof v === 'string') return errnoNumber(v);
  return v === undefined ? 1 : Number(big(v));
}

function ruleViews(obj: Record<string, unknown>, base: string, ctx: ProfileContext): RuleView[] {
  const f = field(obj, 'syscalls');
  if (!f || !Array.isArray(f.value)) return [];
  const listPath = join(base, f.key);
  return f.value.flatMap((r, i): RuleView[] => {
    if (!isObject(r)) return [];
    const path = join(listPath, i);
    const names: RuleView['names'] = [];
    const nf = field(r, 'names');
    if (nf && Array.isArray(nf.value)) {
      nf.value.forEach((n, k) => {
        if (typeof n === 'string') names.push({ name: n, path: join(join(path, nf.key), k) });
      });
    }
    const one = field(r, 'name');
    if (one && typeof one.value === 'string' && one.value !== '') names.push({ name: one.value, path: join(path, one.key) });
    const af = field(r, 'action');
    const action = typeof af?.value === 'string' && Object.hasOwn(PROFILE_ACTIONS, af.value) ? PROFILE_ACTIONS[af.value] : 'ALLOW';
    const args: ArgView[] = [];
    const argsF = field(r, 'args');
    if (argsF && Array.isArray(argsF.value)) {
      argsF.value.forEach((a, k) => {
        if (!isObject(a)) return;
        const op = field(a, 'op')?.value;
        args.push({
          index: Number(big(field(a, 'index')?.value)),
          op: typeof op === 'string' ? op : '',
          value: big(field(a, 'value')?.value),
          valueTwo: big(field(a, 'valueTwo')?.value),
          path: join(join(path, argsF.key), k),
        });
      });
    }
    const data = actionData(r, action);
    return [{
      path,
      names,
      action,
      ...(data !== undefined ? { data } : {}),
      actionPath: join(path, af?.key ?? 'action'),
      args,
      applies: appliesIn(r, ctx),
      gate: gateOf(r),
    }];
  });
}

// Per arch, name -> the number the kernel sees, read backwards from libseccomp's table for
// syscalls it numbers by a multiplexer's pseudo number (socket on x86 is -101 to libseccomp).
const direct = new Map<string, Map<string, number>>();
const TABLE_SPAN = 1024;

/** The number the kernel sees for `name` on `arch`; undefined when the arch has none. */
export function kernelNumber(name: string, arch: string): number | undefined {
  const token = archToken(arch);
  const nr = syscallNumberOn(name, token) ?? newerSyscallNumber(name, arch);
  if (nr === undefined || nr >= 0) return nr;
  let m = direct.get(arch);
  if (!m) {
    direct.set(arch, (m = new Map()));
    const first = tableBase(arch);
    for (let n = first; n < first + TABLE_SPAN; n++) {
      const s = native().syscallName(n, token);
      if (s !== null && !m.has(s)) m.set(s, n);
    }
  }
  return m.get(name);
}

/** Builds the facts for a compiled profile and the document it came from. */
export function factsOf(compiled: CompiledProfile, doc: Record<string, unknown>, target: LintTarget): Facts {
  const { obj, base } = locate(doc);
  const rules = ruleViews(obj, base, compiled.context);
  const memo = new Map<string, Decision[] | undefined>();
  const outcomes = (member: Member, arch: string): Decision[] | undefined => {
    const key = `${arch}\0${typeof member === 'string' ? member : `${member.via}\0${member.call}`}`;
    if (memo.has(key)) return memo.get(key);
    let out: Decision[] | undefined;
    if (typeof member !== 'string') {
      const nr = kernelNumber(member.via, arch);
      out = nr === undefined ? undefined : [decide(compiled, { syscall: nr, arch, args: [member.call] })];
    } else {
      const nr = kernelNumber(member, arch);
      if (nr !== undefined) {
        const dep = dependence(compiled, nr, arch);
        // undefined: outside what the partial evaluation reads; the all-zero call stands for it.
        out = dep ? dep.outcomes : [decide(compiled, { syscall: nr, arch })];
      }
    }
    memo.set(key, out);
    return out;
  };
  const byName = new Map<string, { rule: RuleView; path: string }[]>();
  for (const r of rules) {
    if (!r.applies) continue;
    for (const n of r.names) {
      const list = byName.get(n.name);
      if (list) list.push({ rule: r, path: n.path });
      else byName.set(n.name, [{ rule: r, path: n.path }]);
    }
  }
  const daKey = field(obj, 'defaultAction')?.key ?? 'defaultAction';
  return {
    compiled,
    target,
    defaultPath: join(base, daKey),
    base,
    profile: obj,
    rules,
    outcomes,
    state: (member, arch) => stateOf(outcomes(member, arch)),
    ruleFor: (name, pick) => byName.get(name)?.find((x) => pick === undefined || pick(x.rule)),
  };
}
