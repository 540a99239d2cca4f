// Docker/OCI profile -> the rule list libseccomp gets, as moby's setupSeccomp and runc's loader
// would build it. Two pure steps: validate() checks the whole document and collects every problem
// (nothing is evaluated if there is one), evaluate() applies the context.
import type { ActionName } from '../action.js';
import { ErrorCode, SeccompError, errnoNumber, type ProfileProblem } from '../errors.js';
import type { Condition, Op } from '../model/conditions.js';
import {
  ARCHES_BY_DOCKER,
  ARCHES_BY_SCMP,
  PROFILE_ARCH_SPELLINGS,
  SCMP_ARCH_NAMES,
  dockerArchName,
  isCapabilityName,
  normalizeCapability,
} from './context.js';
import { NEWER_SYSCALLS } from '../bpf/newer-syscalls.js';
import { invalid, join, own } from './problems.js';
import { nearest, suggestSyscall } from './suggest.js';
import { isLinuxSyscallName } from './syscall-names.js';
import type { KernelVersion, ProfileContext, ProfileWarning, ResolvedProfile, ResolvedRule, UnknownSyscalls } from './types.js';

/** Profile action names (`SCMP_ACT_*`) -> ours. SCMP_ACT_KILL is KILL_THREAD, as in libseccomp. */
export const PROFILE_ACTIONS: Readonly<Record<string, ActionName>> = {
  SCMP_ACT_KILL: 'KILL_THREAD',
  SCMP_ACT_KILL_THREAD: 'KILL_THREAD',
  SCMP_ACT_KILL_PROCESS: 'KILL_PROCESS',
  SCMP_ACT_TRAP: 'TRAP',
  SCMP_ACT_ERRNO: 'ERRNO',
  SCMP_ACT_TRACE: 'TRACE',
  SCMP_ACT_ALLOW: 'ALLOW',
  SCMP_ACT_LOG: 'LOG',
  SCMP_ACT_NOTIFY: 'NOTIFY',
};

/** Profile operators (`SCMP_CMP_*`) -> ours. */
export const PROFILE_OPS: Readonly<Record<string, Op>> = {
  SCMP_CMP_NE: 'NE',
  SCMP_CMP_LT: 'LT',
  SCMP_CMP_LE: 'LE',
  SCMP_CMP_EQ: 'EQ',
  SCMP_CMP_GE: 'GE',
  SCMP_CMP_GT: 'GT',
  SCMP_CMP_MASKED_EQ: 'MASKED_EQ',
};

/** The `flags` a profile may list (runtime-spec LinuxSeccompFlag). */
export const PROFILE_FLAGS: readonly string[] = [
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
];

const U64_MAX = 0xffff_ffff_ffff_ffffn;
/** Problems listed in the error; more are counted. */
export const MAX_PROBLEMS = 1000;
const EPERM = 1;

const TOP_KEYS = [
  'defaultAction', 'defaultErrnoRet', 'defaultErrno', 'architectures', 'archMap', 'flags', 'listenerPath',
  'listenerMetadata', 'syscalls',
] as const;
const RULE_KEYS = ['name', 'names', 'action', 'errnoRet', 'errno', 'args', 'comment', 'includes', 'excludes'] as const;
const ARG_KEYS = ['index', 'value', 'valueTwo', 'op'] as const;
const FILTER_KEYS = ['caps', 'arches', 'minKernel'] as const;
const ARCHMAP_KEYS = ['architecture', 'subArchitectures'] as const;
/** Keys whose loss changes nothing in the filter: a near miss of one is only a warning. */
const HARMLESS_KEYS: readonly string[] = ['comment'];

/** How names that are no syscall and misspelt keys are treated (compile's `unknownSyscalls`). */
export interface TypoOptions {
  /** 'error' (default): refused; 'warn': warnings; 'ignore': names skipped silently, as Docker does. */
  unknownSyscalls?: UnknownSyscalls;
  /** Whether a name is a syscall somewhere; default: the kernel tables (syscall-names.ts) and ours. */
  isSyscall?: (name: string) => boolean;
}

/** A syscall on some Linux arch by the tables this package carries. */
export function isKnownSyscallName(name: string): boolean {
  return isLinuxSyscallName(name) || Object.hasOwn(NEWER_SYSCALLS, name);
}

// ---- validated form -------------------------------------------------------------------------

interface Arg {
  index: number;
  op: Op;
  value: bigint;
  valueTwo: bigint;
}

interface Applicability {
  caps: string[];
  /** Docker arch names. */
  arches: string[];
  minKernel?: KernelVersion;
}

interface Rule {
  path: string;
  names: string[];
  action: ActionName;
  data?: number;
  args: Arg[];
  /** The `args` path, for the duplicate-index warning. */
  argsPath: string;
  includes?: Applicability;
  excludes?: Applicability;
}

interface Profile {
  defaultAction: ActionName;
  defaultData?: number;
  /** SCMP_ARCH_* names. */
  architectures: string[];
  archMap: { arch: string; subs: string[] }[];
  flags: string[];
  flagsGiven: boolean;
  listenerPath?: string;
  listenerMetadata?: string;
  rules: Rule[];
}

// ---- helpers --------------------------------------------------------------------------------

/** Lower-cased key -> key, per list of known keys (built once). */
const lowerKeys = new WeakMap<readonly string[], Map<string, string>>();

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'bigint') return 'a number';
  return `a ${typeof v}`;
}

/** A value for a message: JSON for strings, digits for numbers and bigints, else its kind. */
function shown(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return typeName(v);
}

/** Names go to C (libseccomp) and are compared with tables: a NUL would cut them short. */
const NUL = '\0';

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A field that was present (and not null, which Go treats as absent). */
interface Field {
  value: unknown;
  path: string;
}

class Checker {
  problems: ProfileProblem[] = [];
  /** Every problem found; only the first MAX_PROBLEMS are kept (a huge bad list stays cheap to report). */
  total = 0;
  warnings: ProfileWarning[] = [];
  /** Names that are no syscall, warned about one by one up to MAX_PROBLEMS ('warn'). */
  typoWarnings = 0;
  readonly mode: UnknownSyscalls;
  readonly isSyscall: (name: string) => boolean;

  constructor(o: TypoOptions = {}) {
    this.mode = o.unknownSyscalls ?? 'error';
    this.isSyscall = o.isSyscall ?? isKnownSyscallName;
  }

  /**
   * A syscall name as the profile gives it: one that is no syscall on any Linux arch is a
   * problem ('error'), a warning ('warn') or nothing ('ignore'); either way the rule for it is
   * skipped later, as Docker skips names libseccomp cannot resolve.
   */
  syscallName(s: string, path: () => string): string | undefined {
    if (this.mode === 'ignore' || this.isSyscall(s)) return s;
    if (this.mode === 'error') {
      if (this.total >= MAX_PROBLEMS) return this.problem('', '');
      return this.problem(path(), unknownSyscallMessage(s, 'refused'));
    }
    if (this.typoWarnings++ < MAX_PROBLEMS) this.warn(path(), unknownSyscallMessage(s, 'skipped'));
    return s;
  }

  problem(path: string, message: string): undefined {
    if (this.total++ < MAX_PROBLEMS) this.problems.push({ path, message });
    return undefined;
  }

  warn(path: string, message: string): void {
    this.warnings.push({ path, message });
  }

  /**
   * The known fields of an object. Unknown keys are warnings (Docker ignores them). Go's JSON
   * decoder matches keys case-insensitively, so `DefaultAction` is read as `defaultAction` too,
   * with a warning; both spellings at once is an error.
   */
  fields<K extends string>(obj: Record<string, unknown>, path: string, known: readonly K[]): Map<K, Field> {
    const out = new Map<K, Field>();
    let lower = lowerKeys.get(known);
    if (!lower) lowerKeys.set(known, (lower = new Map(known.map((k) => [k.toLowerCase(), k]))));
    for (const key of Object.keys(obj)) {
      const keyPath = join(path, key);
      let k = known.includes(key as K) ? (key as K) : undefined;
      if (k === undefined) {
        k = lower.get(key.toLowerCase()) as K | undefined;
        if (k === undefined) {
          this.unknownKey(key, keyPath, known);
          continue;
        }
        if (Object.prototype.hasOwnProperty.call(obj, k) || out.has(k)) {
          this.problem(keyPath, `both ${JSON.stringify(key)} and ${JSON.stringify(k)} are given (Docker reads keys case-insensitively)`);
          continue;
        }
        this.warn(keyPath, `read as ${JSON.stringify(k)} (Docker matches keys case-insensitively); spell it ${JSON.stringify(k)}`);
      }
      const value = obj[key];
      // null is "not given" to Docker's Go decoder; undefined (JS objects only) means the same.
      if (value === null || value === undefined) continue;
      out.set(k, { value, path: keyPath });
    }
    return out;
  }

  /**
   * A key the profile format does not have. Docker ignores it; so do we (a warning), unless it
   * is a near miss of a known key (`sycalls`, `agrs`, `include`): Docker would drop that part of
   * the profile, its rules or their conditions, and the filter would allow what was meant to be
   * denied. That is refused ('error') or a warning with the key meant ('warn', 'ignore').
   */
  unknownKey(key: string, keyPath: string, known: readonly string[]): void {
    const meant = key.length > 1 ? nearest(key.toLowerCase(), known.map((k) => k.toLowerCase())) : undefined;
    const k = meant === undefined ? undefined : known.find((x) => x.toLowerCase() === meant);
    if (k === undefined) {
      this.warn(keyPath, `unknown key ${JSON.stringify(key)} ignored`);
    } else if (this.mode === 'error' && !HARMLESS_KEYS.includes(k)) {
      this.problem(keyPath, `unknown key ${JSON.stringify(key)}: did you mean ${JSON.stringify(k)}? (Docker would ignore the key and what it holds; pass unknownSyscalls: 'warn' to do the same)`);
    } else {
      this.warn(keyPath, `unknown key ${JSON.stringify(key)} ignored; did you mean ${JSON.stringify(k)}?`);
    }
  }

  string(f: Field | undefined, what = 'a string', nulOk = false): string | undefined {
    if (f === undefined) return undefined;
    if (typeof f.value !== 'string') return this.problem(f.path, `must be ${what}, got ${typeName(f.value)}`);
    if (!nulOk && f.value.includes(NUL)) return this.problem(f.path, `must not contain a NUL character, got ${JSON.stringify(f.value)}`);
    return f.value;
  }

  array(f: Field | undefined): unknown[] | undefined {
    if (f === undefined) return undefined;
    if (!Array.isArray(f.value)) return this.problem(f.path, `must be an array, got ${typeName(f.value)}`);
    return f.value;
  }

  object(f: Field | undefined): Record<string, unknown> | undefined {
    if (f === undefined) return undefined;
    if (!isObject(f.value)) return this.problem(f.path, `must be an object, got ${typeName(f.value)}`);
    return f.value;
  }

  /** An unsigned integer, exact: bigint, or a number that is a safe integer. */
  unsigned(v: unknown, path: string, max: bigint, what: string): bigint | undefined {
    if (typeof v === 'bigint') {
      if (v < 0n) return this.problem(path, `${what} must not be negative, got ${v}`);
      if (v > max) return this.problem(path, `${what} is out of range (at most ${max}), got ${v}`);
      return v;
    }
    if (typeof v !== 'number') return this.problem(path, `${what} must be an integer, got ${typeName(v)}`);
    if (!Number.isFinite(v) || !Number.isInteger(v)) return this.problem(path, `${what} must be an integer, got ${v}`);
    if (v < 0) return this.problem(path, `${what} must not be negative, got ${v}`);
    if (!Number.isSafeInteger(v)) {
      return this.problem(path, `${what} ${v} is not exact (above 2^53-1): give it as a bigint or in JSON text`);
    }
    if (BigInt(v) > max) return this.problem(path, `${what} is out of range (at most ${max}), got ${v}`);
    return BigInt(v);
  }

  /**
   * A string list; each entry checked by `each`, which reports its own problems and gets the
   * entry's path as a function (names lists are long: paths are only built for problems).
   */
  list<T>(f: Field | undefined, each: (s: string, path: () => string) => T | undefined): T[] | undefined {
    const arr = this.array(f);
    if (arr === undefined || f === undefined) return undefined;
    const out: T[] = [];
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      const at = (): string => join(f.path, i);
      if (typeof v !== 'string') {
        this.problem(at(), `must be a string, got ${typeName(v)}`);
        continue;
      }
      if (v.includes(NUL)) {
        this.problem(at(), `must not contain a NUL character, got ${JSON.stringify(v)}`);
        continue;
      }
      const r = each(v, at);
      if (r !== undefined) out.push(r);
    }
    return out;
  }

  action(f: Field | undefined): ActionName | undefined {
    const s = this.string(f);
    if (s === undefined || f === undefined) return undefined;
    const a = own(PROFILE_ACTIONS, s);
    if (a === undefined) {
      return this.problem(f.path, `unknown action ${JSON.stringify(s)} (one of ${Object.keys(PROFILE_ACTIONS).join(', ')})`);
    }
    return a;
  }

  scmpArch(s: string, path: () => string): string | undefined {
    if (ARCHES_BY_SCMP.has(s)) return s;
    const d = dockerArchName(s);
    const hint = d ? `; did you mean ${ARCHES_BY_DOCKER.get(d)?.scmp}?` : '';
    return this.problem(path(), `unknown architecture ${JSON.stringify(s)} (SCMP_ARCH_* names: ${SCMP_ARCH_NAMES.join(', ')})${hint}`);
  }

  /**
   * errnoRet (a number) and Podman's errno (a number or a name such as "EPERM") for an action:
   * only ERRNO and TRACE take one, ERRNO below 4096, TRACE up to 65535; both default to EPERM.
   */
  errno(ret: Field | undefined, named: Field | undefined, action: ActionName | undefined, actionText: string): number | undefined {
    let fromRet: bigint | undefined;
    let fromName: bigint | undefined;
    if (ret !== undefined) fromRet = this.unsigned(ret.value, ret.path, U64_MAX, 'errno');
    if (named !== undefined) {
      if (typeof named.value === 'string') {
        const n = errnoNumber(named.value);
        if (n === undefined) this.problem(named.path, `unknown errno name ${JSON.stringify(named.value)} (e.g. EPERM, ENOSYS)`);
        else fromName = BigInt(n);
      } else {
        fromName = this.unsigned(named.value, named.path, U64_MAX, 'errno');
      }
    }
    if (fromRet !== undefined && fromName !== undefined && fromRet !== fromName) {
      const other = ret!.path.slice(ret!.path.lastIndexOf('.') + 1);
      return this.problem(named!.path, `${shown(named!.value)} (${fromName}) disagrees with ${other} ${fromRet}`);
    }
    const given = ret ?? named;
    const data = fromRet ?? fromName;
    if (action === undefined) return undefined;
    if (action !== 'ERRNO' && action !== 'TRACE') {
      if (given !== undefined) {
        this.problem(given.path, `an errno is only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE, the action here is ${actionText}`);
      }
      return undefined;
    }
    if (data === undefined) return given === undefined ? EPERM : undefined;
    if (action === 'ERRNO' && data >= 4096n) return this.problem(given!.path, `errno must be below 4096, got ${data}`);
    if (action === 'TRACE' && data > 0xffffn) return this.problem(given!.path, `a TRACE message must be at most 65535, got ${data}`);
    return Number(data);
  }

  filter(f: Field | undefined): Applicability | undefined {
    const obj = this.object(f);
    if (obj === undefined || f === undefined) return undefined;
    const fs = this.fields(obj, f.path, FILTER_KEYS);
    const caps = this.list(fs.get('caps'), (s, p) => {
      if (isCapabilityName(s)) return s;
      const n = normalizeCapability(s);
      return this.problem(
        p(),
        n
          ? `capability ${JSON.stringify(s)} never matches: Docker compares names exactly; write ${JSON.stringify(n)}`
          : `unknown capability ${JSON.stringify(s)}`,
      );
    });
    const arches = this.list(fs.get('arches'), (s, p) => {
      if (ARCHES_BY_DOCKER.has(s)) return s;
      const spelled = own(PROFILE_ARCH_SPELLINGS, s);
      if (spelled) return spelled;
      const d = dockerArchName(s);
      return this.problem(
        p(),
        d
          ? `arch ${JSON.stringify(s)} never matches: Docker compares its own arch names; write ${JSON.stringify(d)}`
          : `unknown arch ${JSON.stringify(s)} (Docker names: ${[...ARCHES_BY_DOCKER.keys()].join(', ')})`,
      );
    });
    let minKernel: KernelVersion | undefined;
    const mk = fs.get('minKernel');
    const s = this.string(mk, 'a string "<kernel>.<major>"');
    if (s !== undefined && mk !== undefined) {
      if (s === '') {
        // Docker decodes "" as version 0.0, which every kernel satisfies.
        this.warn(mk.path, 'an empty minKernel is read by Docker as 0.0, which every kernel satisfies');
        minKernel = { major: 0, minor: 0 };
      } else {
        const m = /^(\d+)\.(\d+)$/.exec(s);
        const major = m ? Number(m[1]) : NaN;
        const minor = m ? Number(m[2]) : NaN;
        if (!m || major > 255 || minor > 255) {
          this.problem(mk.path, `invalid minKernel ${JSON.stringify(s)}: expected "<kernel>.<major>", each 0-255 (e.g. "4.8")`);
        } else if (major === 0 && minor === 0) {
          this.problem(mk.path, `invalid minKernel ${JSON.stringify(s)}: version cannot be 0.0`);
        } else {
          minKernel = { major, minor };
        }
      }
    }
    if (!caps?.length && !arches?.length && minKernel === undefined) return undefined;
    return { caps: caps ?? [], arches: arches ?? [], minKernel };
  }

  arg(v: unknown, path: string): Arg | undefined {
    if (!isObject(v)) return this.problem(path, `a condition must be an object, got ${typeName(v)}`);
    const fs = this.fields(v, path, ARG_KEYS);
    let index: number | undefined;
    const fi = fs.get('index');
    if (fi === undefined) this.problem(join(path, 'index'), 'missing index (the argument number, 0-5)');
    else {
      const i = this.unsigned(fi.value, fi.path, U64_MAX, 'index');
      if (i !== undefined) {
        if (i > 5n) this.problem(fi.path, `index ${i} is out of range: syscall arguments are 0-5`);
        else index = Number(i);
      }
    }
    let value: bigint | undefined;
    const fv = fs.get('value');
    if (fv === undefined) this.problem(join(path, 'value'), 'missing value');
    else value = this.unsigned(fv.value, fv.path, U64_MAX, 'value');
    const f2 = fs.get('valueTwo');
    const valueTwo = f2 === undefined ? 0n : this.unsigned(f2.value, f2.path, U64_MAX, 'valueTwo');
    let op: Op | undefined;
    const fo = fs.get('op');
    if (fo === undefined) this.problem(join(path, 'op'), 'missing op');
    else {
      const s = this.string(fo);
      if (s !== undefined) {
        op = own(PROFILE_OPS, s);
        if (op === undefined) {
          this.problem(fo.path, `unknown operator ${JSON.stringify(s)} (one of ${Object.keys(PROFILE_OPS).join(', ')})`);
        }
      }
    }
    if (index === undefined || value === undefined || valueTwo === undefined || op === undefined) return undefined;
    if (op === 'MASKED_EQ' && (valueTwo & ~value & U64_MAX) !== 0n) {
      this.warn(path, `never matches: valueTwo 0x${valueTwo.toString(16)} has bits outside the mask 0x${value.toString(16)}`);
    } else if (op !== 'MASKED_EQ' && valueTwo !== 0n && f2 !== undefined) {
      this.warn(f2.path, `valueTwo is only used by SCMP_CMP_MASKED_EQ; ignored for ${shown(fo!.value)}`);
    }
    return { index, op, value, valueTwo };
  }

  rule(v: unknown, path: string): Rule | undefined {
    if (v === null) return this.problem(path, 'a rule must be an object, got null');
    if (!isObject(v)) return this.problem(path, `a rule must be an object, got ${typeName(v)}`);
    const fs = this.fields(v, path, RULE_KEYS);
    let ok = true;
    const fail = (): void => {
      ok = false;
    };

    const nameField = fs.get('name');
    let name = this.string(nameField);
    if (name) name = this.syscallName(name, () => nameField!.path);
    if (nameField && name === undefined) fail();
    const namesField = fs.get('names');
    const names = this.list(namesField, (s, p) => (s === '' ? this.problem(p(), 'empty syscall name') : this.syscallName(s, p)));
    if (namesField && (names === undefined || names.length !== (namesField.value as unknown[]).length)) fail();
    let all: string[] = [];
    if (name) {
      if (namesField && Array.isArray(namesField.value) && namesField.value.length > 0) {
        this.problem(nameField!.path, `"name" and "names" are both given; use one ("names")`);
        fail();
      } else {
        all = [name];
      }
    } else if (names) {
      all = names;
    }
    if (ok && all.length === 0) {
      this.problem(path, 'the rule names no syscall ("names" is missing or empty)');
      fail();
    }

    const actionField = fs.get('action');
    let action: ActionName | undefined;
    if (actionField === undefined) {
      this.problem(join(path, 'action'), 'missing action');
      fail();
    } else {
      action = this.action(actionField);
      if (action === undefined) fail();
    }
    const problemsBefore = this.total;
    const data = this.errno(fs.get('errnoRet'), fs.get('errno'), action, shown(actionField?.value));
    if (this.total !== problemsBefore) fail();

    const argsField = fs.get('args');
    const args: Arg[] = [];
    const argsPath = argsField?.path ?? join(path, 'args');
    const arr = this.array(argsField);
    if (argsField && !arr) fail();
    arr?.forEach((a, i) => {
      const r = this.arg(a, join(argsField!.path, i));
      if (r) args.push(r);
      else fail();
    });

    this.string(fs.get('comment'), 'a string', true);
    const n = this.total;
    const includes = this.filter(fs.get('includes'));
    const excludes = this.filter(fs.get('excludes'));
    if (this.total !== n) fail();

    if (action === 'NOTIFY') {
      all.forEach((s, i) => {
        if (s === 'write') {
          this.problem(name ? nameField!.path : join(namesField!.path, i), 'SCMP_ACT_NOTIFY cannot be used for write (runc refuses it: it needs write to hand the listener over)');
          fail();
        }
      });
    }
    if (!ok || action === undefined) return undefined;
    return { path, names: all, action, data, args, argsPath, includes, excludes };
  }
}

function unknownSyscallMessage(name: string, what: 'refused' | 'skipped'): string {
  const meant = suggestSyscall(name);
  const hint = meant === undefined ? '' : `; did you mean ${JSON.stringify(meant)}?`;
  return what === 'refused'
    ? `unknown syscall ${JSON.stringify(name)}: no Linux arch has a syscall of that name${hint}`
    : `unknown syscall ${JSON.stringify(name)} skipped: no Linux arch has a syscall of that name${hint}`;
}

/** Locates the seccomp object: the document itself, or `linux.seccomp` of a full OCI config. */
function locate(doc: Record<string, unknown>, c: Checker): { obj: Record<string, unknown>; base: string } | undefined {
  const has = (k: string): boolean => Object.hasOwn(doc, k);
  const seccompKeys = ['defaultAction', 'syscalls', 'architectures', 'archMap'].some(has);
  if (seccompKeys || !(has('ociVersion') || has('linux'))) return { obj: doc, base: '' };
  const linux = doc.linux;
  if (!isObject(linux)) return c.problem('linux', `must be an object holding "seccomp", got ${typeName(linux)}`);
  const sec = linux.seccomp;
  if (sec === undefined || sec === null) {
    return c.problem('linux.seccomp', 'this OCI config has no linux.seccomp (for no filter, use the built-in "unconfined")');
  }
  if (!isObject(sec)) return c.problem('linux.seccomp', `must be an object, got ${typeName(sec)}`);
  return { obj: sec, base: 'linux.seccomp' };
}

function validate(doc: unknown, c: Checker): Profile | undefined {
  if (!isObject(doc)) return c.problem('', `a profile must be a JSON object, got ${typeName(doc)}`);
  const at = locate(doc, c);
  if (!at) return undefined;
  const { obj, base } = at;
  const fs = c.fields(obj, base, TOP_KEYS);

  const syscallsField = fs.get('syscalls');
  const syscalls = c.array(syscallsField) ?? [];

  const daField = fs.get('defaultAction');
  let defaultAction: ActionName | undefined;
  if (daField === undefined || daField.value === '') {
    const p = join(base, 'defaultAction');
    if (syscalls.length > 0) c.problem(p, 'missing defaultAction (required when there are syscalls rules)');
    else c.problem(p, 'missing defaultAction: Docker reads a profile with no defaultAction and no syscalls as "no filter"; use the built-in "unconfined" to say so');
  } else {
    defaultAction = c.action(daField);
    if (defaultAction === 'NOTIFY') {
      c.problem(daField.path, 'SCMP_ACT_NOTIFY cannot be the default action (runc refuses it: write must not notify)');
    }
  }
  const defaultData = c.errno(fs.get('defaultErrnoRet'), fs.get('defaultErrno'), defaultAction, shown(daField?.value));

  const architectures = c.list(fs.get('architectures'), (s, p) => c.scmpArch(s, p)) ?? [];
  const archMap: Profile['archMap'] = [];
  const amField = fs.get('archMap');
  c.array(amField)?.forEach((e, i) => {
    const p = join(amField!.path, i);
    if (!isObject(e)) {
      c.problem(p, `an archMap entry must be an object, got ${typeName(e)}`);
      return;
    }
    const efs = c.fields(e, p, ARCHMAP_KEYS);
    const af = efs.get('architecture');
    let arch: string | undefined;
    if (af === undefined) c.problem(join(p, 'architecture'), 'missing architecture');
    else {
      const s = c.string(af);
      if (s !== undefined) arch = c.scmpArch(s, () => af.path);
    }
    const subs = c.list(efs.get('subArchitectures'), (s, sp) => c.scmpArch(s, sp)) ?? [];
    if (arch) archMap.push({ arch, subs });
  });
  const archField = fs.get('architectures');
  if (archField && Array.isArray(archField.value) && archField.value.length > 0 && amField && Array.isArray(amField.value) && amField.value.length > 0) {
    c.problem(amField.path, '"architectures" and "archMap" are both given; use one');
  }

  const flagsField = fs.get('flags');
  const flags = c.list(flagsField, (s, p) =>
    PROFILE_FLAGS.includes(s) ? s : c.problem(p(), `unknown flag ${JSON.stringify(s)} (one of ${PROFILE_FLAGS.join(', ')})`),
  );
  const listenerPath = c.string(fs.get('listenerPath'));
  const listenerMetadata = c.string(fs.get('listenerMetadata'), 'a string', true);

  // Rules last, so that problems come in the order a profile is usually written.
  const rules: Rule[] = [];
  syscalls.forEach((v, i) => {
    const r = c.rule(v, join(syscallsField!.path, i));
    if (r) rules.push(r);
  });

  if (!listenerPath) {
    syscalls.forEach((v, i) => {
      if (isObject(v) && v.action === 'SCMP_ACT_NOTIFY') {
        c.problem(join(join(syscallsField!.path, i), 'action'), 'SCMP_ACT_NOTIFY needs a listenerPath to receive the notifications, and the profile has none');
      }
    });
  }

  if (c.typoWarnings > MAX_PROBLEMS) {
    c.warn(join(base, 'syscalls'), `${c.typoWarnings - MAX_PROBLEMS} more names that are no syscall are skipped`);
  }
  if (c.total > 0 || defaultAction === undefined) return undefined;
  return {
    defaultAction,
    defaultData,
    architectures,
    archMap,
    flags: [...new Set(flags ?? [])],
    flagsGiven: flagsField !== undefined,
    listenerPath: listenerPath === '' ? undefined : listenerPath,
    listenerMetadata: listenerMetadata === '' ? undefined : listenerMetadata,
    rules,
  };
}

function kernelAtLeast(k: KernelVersion, min: KernelVersion): boolean {
  return k.major > min.major || (k.major === min.major && k.minor >= min.minor);
}

/** moby's setupSeccomp filter: excludes drops on any match, includes needs every condition. */
function applies(rule: Rule, arch: string, caps: ReadonlySet<string>, kernel: KernelVersion): boolean {
  const ex = rule.excludes;
  if (ex) {
    if (ex.arches.includes(arch)) return false;
    if (ex.caps.some((c) => caps.has(c))) return false;
    if (ex.minKernel && kernelAtLeast(kernel, ex.minKernel)) return false;
  }
  const inc = rule.includes;
  if (inc) {
    if (inc.arches.length > 0 && !inc.arches.includes(arch)) return false;
    if (!inc.caps.every((c) => caps.has(c))) return false;
    if (inc.minKernel && !kernelAtLeast(kernel, inc.minKernel)) return false;
  }
  return true;
}

function toCondition(a: Arg): Condition {
  // MASKED_EQ is (arg & value) == valueTwo; other operators ignore valueTwo (as libseccomp does).
  return a.op === 'MASKED_EQ'
    ? { arg: a.index, op: a.op, value: a.value, valueTwo: a.valueTwo }
    : { arg: a.index, op: a.op, value: a.value };
}

function evaluate(p: Profile, ctx: ProfileContext, c: Checker): ResolvedProfile {
  const arch = dockerArchName(ctx.arch);
  const info = arch === undefined ? undefined : ARCHES_BY_DOCKER.get(arch);
  if (arch === undefined || info === undefined) {
    throw new SeccompError(`unknown architecture ${JSON.stringify(ctx.arch)} in the context`, { code: ErrorCode.UNKNOWN_ARCH });
  }
  const caps = new Set(ctx.capabilities.map((x) => (typeof x === 'string' ? normalizeCapability(x) ?? x : String(x))));

  let scmp: string[] = p.architectures;
  if (scmp.length === 0) {
    const entry = p.archMap.find((e) => e.arch === info.scmp);
    if (entry) scmp = [entry.arch, ...entry.subs];
  }
  const arches = [...new Set(scmp.map((s) => ARCHES_BY_SCMP.get(s)!.libseccomp))];
  // Written for another arch: Docker still runs it here with the native arch only; say so.
  const declared = p.architectures.length > 0 ? 'architectures' : p.archMap.length > 0 ? 'archMap' : undefined;
  if (declared && !scmp.includes(info.scmp)) {
    c.warnings.push({
      path: declared,
      code: ErrorCode.ARCH_MISMATCH,
      message: `names no entry for ${info.scmp}, the arch it is compiled for: its rules are applied to ${info.libseccomp}, which a filter always covers (as with Docker), though the profile looks written for another arch`,
    });
  }

  const rules: ResolvedRule[] = [];
  for (const r of p.rules) {
    if (!applies(r, arch, caps, ctx.kernel)) continue;
    // runc skips a rule whose action (with its errno) is the default one: libseccomp rejects it.
    if (r.action === p.defaultAction && r.data === p.defaultData) continue;
    const seen = new Set<number>();
    const split = r.args.some((a) => seen.size === seen.add(a.index).size);
    if (split) {
      c.warn(r.argsPath, 'an argument index appears more than once: as runc does, each condition becomes its own rule, so any one of them matching applies the action');
    }
    const make = (syscall: string, conditions: Condition[]): ResolvedRule =>
      r.data === undefined
        ? { syscall, action: r.action, conditions, source: r.path }
        : { syscall, action: r.action, data: r.data, conditions, source: r.path };
    for (const name of r.names) {
      if (split) {
        for (const a of r.args) rules.push(make(name, [toCondition(a)]));
      } else {
        rules.push(make(name, r.args.length === 0 ? [] : r.args.map(toCondition)));
      }
    }
  }

  const out: ResolvedProfile = {
    defaultAction: p.defaultAction,
    arches,
    flags: p.flags,
    rules,
    warnings: c.warnings,
    targetArch: info.libseccomp,
    flagsGiven: p.flagsGiven,
  };
  if (p.defaultData !== undefined) out.defaultData = p.defaultData;
  if (p.listenerPath !== undefined) out.listenerPath = p.listenerPath;
  if (p.listenerMetadata !== undefined) out.listenerMetadata = p.listenerMetadata;
  return out;
}

/**
 * Validates a Docker/OCI profile document completely, then evaluates it in `ctx` the way moby's
 * setupSeccomp and runc's loader do: one rule per syscall name in profile order, rules equal to
 * the default dropped, duplicate argument indexes split into one rule per condition.
 * Any problem -> one SeccompError ERR_SECCOMP_PROFILE_INVALID whose `problems` lists them all.
 * Names that are no syscall on any arch, and near misses of known keys, are problems unless
 * `typos.unknownSyscalls` says otherwise.
 */
export function resolveProfile(doc: unknown, ctx: ProfileContext, typos?: TypoOptions): ResolvedProfile {
  const c = new Checker(typos);
  const p = validate(doc, c);
  if (c.total > 0 || p === undefined) throw invalid(c.problems, c.total);
  return evaluate(p, ctx, c);
}
