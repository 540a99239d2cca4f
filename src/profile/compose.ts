// Composition, a step before validation: a profile that extends a base ("baseProfileName", or
// the API form { base, allow, deny, errno }) becomes ONE Docker profile in which the own rules
// have replaced the base's rules for every name they list; syscall groups (`@network`) become
// their names; each rule of the result keeps where it was written (RuleOrigin). A profile with no
// base is left as it is, apart from groups, and gets warnings for rules that can never act.
import { ErrorCode, SeccompError, errnoNumber, type ProfileProblem } from '../errors.js';
import { groupNames, groupSyscalls, isGroupName } from './groups.js';
import { invalid, join } from './problems.js';
import type { ProfileWarning } from './types.js';

/** Where one rule of a composed profile was written. */
export interface RuleOrigin {
  /** `base`: inherited from a base profile; `own`: written by the profile that extends it. */
  readonly origin: 'base' | 'own';
  /** The built-in name or file path the rule was written in; absent for the caller's own object or JSON text. */
  readonly profile?: string;
  /** JSON path of the rule in that profile: `syscalls[3]`, `allow[0]`, `errno.io_uring_setup`. */
  readonly path: string;
}

/** What composition did: the bases, nearest first, and an origin per rule (`syscalls[i]` is `rules[i]`). */
export interface Composition {
  readonly bases: readonly string[];
  readonly rules: readonly RuleOrigin[];
}

/** A document before composition, as the loader found it. */
export interface RawProfile {
  doc: unknown;
  name?: string;
  unconfined: boolean;
  /** The directory relative base paths are taken from (a file's own directory). */
  dir?: string;
  /** The file's real path, for cycle detection. */
  realPath?: string;
}

export interface Composed {
  doc: unknown;
  composition?: Composition;
  warnings: ProfileWarning[];
}

/** Loads a base named by a string (built-in or file path relative to `dir`), not yet composed. */
export type RawLoader = (spec: string, dir: string | undefined) => RawProfile;

/** Bases may nest this deep (a profile, its base, the base's base, ...). */
export const MAX_BASE_DEPTH = 8;

const API_KEYS = ['base', 'allow', 'deny', 'errno'] as const;
const EPERM = 1;
const MAX_ERRNO = 4095;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v);

function problem(path: string, message: string): SeccompError {
  return invalid([{ path, message }]);
}

function baseError(path: string, message: string): SeccompError {
  return new SeccompError(`${path}: ${message}`, { code: ErrorCode.PROFILE_BASE, problems: [{ path, message }] });
}

/** The seccomp object of a document: itself, or `linux.seccomp` of a full OCI config. */
function seccompPart(doc: Obj): { obj: Obj; prefix: string } {
  const seccompKeys = ['defaultAction', 'syscalls', 'architectures', 'archMap', 'baseProfileName'].some((k) => Object.hasOwn(doc, k));
  if (!seccompKeys && isObj(doc.linux) && isObj((doc.linux as Obj).seccomp)) {
    return { obj: (doc.linux as Obj).seccomp as Obj, prefix: 'linux.seccomp' };
  }
  return { obj: doc, prefix: '' };
}

function withSeccompPart(doc: Obj, prefix: string, obj: Obj): Obj {
  return prefix === '' ? obj : { ...doc, linux: { ...(doc.linux as Obj), seccomp: obj } };
}

/** A rule's names (`names` or the old `name`), with their JSON paths; undefined when malformed. */
function ruleNames(rule: unknown): string[] | undefined {
  if (!isObj(rule)) return undefined;
  const out: string[] = [];
  if (Array.isArray(rule.names)) {
    for (const n of rule.names) if (typeof n === 'string') out.push(n);
  }
  if (typeof rule.name === 'string') out.push(rule.name);
  return out;
}

/** Expands `@group` names of one name list; unknown groups are problems at their paths. */
function expandNames(names: readonly unknown[], path: string, problems: ProfileProblem[], single = false): unknown[] {
  if (!names.some((n) => typeof n === 'string' && isGroupName(n))) return names as unknown[];
  const out: unknown[] = [];
  const seen = new Set<unknown>();
  names.forEach((n, i) => {
    const members = typeof n === 'string' && isGroupName(n) ? groupSyscalls(n) : [n];
    if (members === undefined) {
      problems.push({ path: single ? path : join(path, i), message: `unknown syscall group ${JSON.stringify(n)} (groups: ${groupNames().join(', ')})` });
      return;
    }
    for (const m of members) {
      if (typeof m !== 'string' || !seen.has(m)) out.push(m);
      seen.add(m);
    }
  });
  return out;
}

/** The rules with groups expanded (in `names` and `name`); the same array when there is none. */
function expandRules(rules: unknown[], path: string, problems: ProfileProblem[]): unknown[] {
  let changed = false;
  const out = rules.map((r, i) => {
    if (!isObj(r)) return r;
    let rule = r;
    if (Array.isArray(r.names)) {
      const names = expandNames(r.names, join(join(path, i), 'names'), problems);
      if (names !== r.names) rule = { ...rule, names };
    }
    if (typeof r.name === 'string' && isGroupName(r.name)) {
      const names = expandNames([r.name], join(join(path, i), 'name'), problems, true);
      const { name: _drop, ...rest } = rule;
      rule = { ...rest, names: [...(Array.isArray(rule.names) ? rule.names : []), ...names] };
    }
    if (rule !== r) changed = true;
    return rule;
  });
  return changed ? out : rules;
}

interface Context {
  load: RawLoader;
  /** Real paths and names of the profiles being composed, outermost first (cycles). */
  chain: string[];
}

/**
 * Composes a loaded document: resolves its base (recursively), applies its overrides and
 * expands groups. Pure apart from `load`, which reads base files.
 */
export function compose(raw: RawProfile, load: RawLoader): Composed {
  return composeIn(raw, { load, chain: [raw.realPath ?? raw.name ?? '(profile)'] });
}

function composeIn(raw: RawProfile, ctx: Context): Composed {
  if (raw.unconfined || !isObj(raw.doc)) return { doc: raw.doc, warnings: [] };
  const doc = raw.doc;
  const apiKeys = API_KEYS.filter((k) => Object.hasOwn(doc, k));
  if (apiKeys.length > 0) return composeApi(raw, doc, ctx);
  const { obj, prefix } = seccompPart(doc);
  if (Object.hasOwn(obj, 'baseProfileName')) return composeExtended(raw, doc, obj, prefix, ctx);

  // No base: groups expanded, warnings for rules that can never act.
  const problems: ProfileProblem[] = [];
  const syscallsPath = join(prefix, 'syscalls');
  let out: Obj = doc;
  if (Array.isArray(obj.syscalls)) {
    const rules = expandRules(obj.syscalls, syscallsPath, problems);
    if (problems.length) throw invalid(problems);
    if (rules !== obj.syscalls) out = withSeccompPart(doc, prefix, { ...obj, syscalls: rules });
    return { doc: out, warnings: ineffectiveRules(obj, rules, syscallsPath) };
  }
  return { doc: out, warnings: [] };
}

/** Loads and composes a base named at `path`. */
function loadBase(spec: unknown, path: string, from: RawProfile, ctx: Context): { composed: Composed; name: string } {
  if (typeof spec !== 'string' || spec === '') {
    throw problem(path, `must be a built-in profile name or a file path, got ${typeof spec === 'string' ? 'an empty string' : kind(spec)}`);
  }
  if (ctx.chain.length >= MAX_BASE_DEPTH) {
    throw baseError(path, `bases nest more than ${MAX_BASE_DEPTH} deep (${[...ctx.chain, spec].join(' -> ')})`);
  }
  let base: RawProfile;
  try {
    base = ctx.load(spec, from.dir);
  } catch (e) {
    if (e instanceof SeccompError) e.message = `${path}: ${e.message}`;
    throw e;
  }
  if (base.unconfined) {
    throw baseError(path, '"unconfined" has no rules to extend; write a profile with defaultAction SCMP_ACT_ALLOW instead');
  }
  const id = base.realPath ?? base.name ?? spec;
  if (ctx.chain.includes(id)) {
    throw baseError(path, `the bases form a cycle (${[...ctx.chain, id].join(' -> ')})`);
  }
  const composed = composeIn(base, { load: ctx.load, chain: [...ctx.chain, id] });
  if (!isObj(composed.doc)) throw problem(path, `the base ${JSON.stringify(spec)} is not a profile object`);
  return { composed, name: base.name ?? spec };
}

/** The origins of a base's rules, as seen from the profile that extends it. */
function baseOrigins(base: Composed, name: string, count: number): RuleOrigin[] {
  const inner = base.composition?.rules;
  const out: RuleOrigin[] = [];
  for (let i = 0; i < count; i++) {
    const o = inner?.[i];
    out.push(o ? { origin: 'base', ...(o.profile !== undefined ? { profile: o.profile } : {}), path: o.path } : { origin: 'base', profile: name, path: `syscalls[${i}]` });
  }
  return out;
}

/**
 * The base's rules without the names in `overridden`: a rule keeps the names nobody overrides,
 * and goes when none is left. Origins follow the rules that stay.
 */
function withoutNames(rules: unknown[], origins: RuleOrigin[], overridden: ReadonlySet<string>): { rules: unknown[]; origins: RuleOrigin[] } {
  const out: unknown[] = [];
  const kept: RuleOrigin[] = [];
  rules.forEach((r, i) => {
    if (!isObj(r)) return;
    const names = (ruleNames(r) ?? []).filter((n) => !overridden.has(n));
    if (names.length === 0) return;
    const { name: _n, names: _ns, ...rest } = r;
    out.push({ ...rest, names });
    kept.push(origins[i]);
  });
  return { rules: out, origins: kept };
}

/** `baseProfileName` in a Docker profile: the base's fields, the own fields over them, rules merged. */
function composeExtended(raw: RawProfile, doc: Obj, obj: Obj, prefix: string, ctx: Context): Composed {
  const basePath = join(prefix, 'baseProfileName');
  const { composed: base, name: baseName } = loadBase(obj.baseProfileName, basePath, raw, ctx);
  const baseObj = seccompPart(base.doc as Obj).obj;
  const syscallsPath = join(prefix, 'syscalls');
  const ownRaw = obj.syscalls === undefined || obj.syscalls === null ? [] : obj.syscalls;
  if (!Array.isArray(ownRaw)) throw problem(syscallsPath, `must be an array of rules, got ${kind(ownRaw)}`);
  const problems: ProfileProblem[] = [];
  ownRaw.forEach((r, i) => {
    if (!isObj(r)) problems.push({ path: join(syscallsPath, i), message: `a rule must be an object, got ${kind(r)}` });
  });
  const own = expandRules(ownRaw, syscallsPath, problems);
  if (problems.length) throw invalid(problems);
  const overridden = new Set(own.flatMap((r) => ruleNames(r) ?? []));
  const baseRules = Array.isArray(baseObj.syscalls) ? baseObj.syscalls : [];
  const kept = withoutNames(baseRules, baseOrigins(base, baseName, baseRules.length), overridden);

  const merged: Obj = {};
  for (const [k, v] of Object.entries(baseObj)) if (k !== 'syscalls') merged[k] = v;
  // architectures and archMap say one thing: an own one replaces both of the base's.
  if (Object.hasOwn(obj, 'architectures') || Object.hasOwn(obj, 'archMap')) {
    delete merged.architectures;
    delete merged.archMap;
  }
  for (const [k, v] of Object.entries(obj)) if (k !== 'syscalls' && k !== 'baseProfileName') merged[k] = v;
  merged.syscalls = [...kept.rules, ...own];
  const rules: RuleOrigin[] = [
    ...kept.origins,
    ...own.map((_, i): RuleOrigin => ({ origin: 'own', ...(raw.name !== undefined ? { profile: raw.name } : {}), path: join(syscallsPath, i) })),
  ];
  return {
    doc: withSeccompPart(doc, prefix, merged),
    composition: { bases: [baseName, ...(base.composition?.bases ?? [])], rules },
    warnings: base.warnings,
  };
}

interface Claim {
  action: 'SCMP_ACT_ALLOW' | 'SCMP_ACT_ERRNO';
  errno?: number;
  path: string;
  /** Named directly (true) or through a group: a direct name wins over a group. */
  direct: boolean;
}

function claimText(c: Claim): string {
  return c.action === 'SCMP_ACT_ALLOW' ? 'allow' : `errno ${c.errno}`;
}

function errnoValue(v: unknown, path: string, problems: ProfileProblem[]): number | undefined {
  if (typeof v === 'string') {
    const n = errnoNumber(v);
    if (n !== undefined) return n;
    problems.push({ path, message: `unknown errno name ${JSON.stringify(v)} (e.g. "EPERM", "ENOSYS")` });
    return undefined;
  }
  if (typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= MAX_ERRNO) return v;
  problems.push({ path, message: `must be an errno name ("ENOSYS") or a number from 1 to ${MAX_ERRNO}, got ${typeof v === 'number' ? v : kind(v)}` });
  return undefined;
}

/** The API form: `{ base = 'docker-default', allow: [names], deny: [names], errno: { name: errno } }`. */
function composeApi(raw: RawProfile, doc: Obj, ctx: Context): Composed {
  const problems: ProfileProblem[] = [];
  for (const k of Object.keys(doc)) {
    if (!(API_KEYS as readonly string[]).includes(k)) {
      problems.push({ path: join('', k), message: `unexpected key: a profile with ${API_KEYS.join('/')} takes only those (a Docker profile extends a base with "baseProfileName")` });
    }
  }
  const claims = new Map<string, Claim>();
  const order: { path: string; claim: Claim; names: string[] }[] = [];
  const claim = (entry: unknown, path: string, c: Omit<Claim, 'direct' | 'path'>): void => {
    if (typeof entry !== 'string' || entry === '') {
      problems.push({ path, message: `must be a syscall name or @group, got ${typeof entry === 'string' ? 'an empty string' : kind(entry)}` });
      return;
    }
    const group = isGroupName(entry);
    const members = group ? groupSyscalls(entry) : [entry];
    if (members === undefined) {
      problems.push({ path, message: `unknown syscall group ${JSON.stringify(entry)} (groups: ${groupNames().join(', ')})` });
      return;
    }
    const mine: Claim = { ...c, path, direct: !group };
    const names: string[] = [];
    for (const name of members) {
      const prev = claims.get(name);
      if (prev !== undefined && (prev.action !== mine.action || prev.errno !== mine.errno)) {
        if (prev.direct === mine.direct) {
          problems.push({ path, message: `${JSON.stringify(name)} is also at ${prev.path} with another action (${claimText(prev)}, here ${claimText(mine)})` });
          continue;
        }
        if (prev.direct) continue; // a name given directly beats the same name in a group
      }
      claims.set(name, mine);
      names.push(name);
    }
    order.push({ path, claim: mine, names });
  };
  const list = (key: 'allow' | 'deny', c: Omit<Claim, 'direct' | 'path'>): void => {
    const v = doc[key];
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      problems.push({ path: key, message: `must be an array of syscall names or @groups, got ${kind(v)}` });
      return;
    }
    v.forEach((entry, i) => claim(entry, join(key, i), c));
  };
  list('allow', { action: 'SCMP_ACT_ALLOW' });
  list('deny', { action: 'SCMP_ACT_ERRNO', errno: EPERM });
  if (doc.errno !== undefined) {
    if (!isObj(doc.errno)) problems.push({ path: 'errno', message: `must be an object of syscall name or @group -> errno, got ${kind(doc.errno)}` });
    else {
      for (const [name, v] of Object.entries(doc.errno)) {
        const path = join('errno', name);
        const errno = errnoValue(v, path, problems);
        if (errno !== undefined) claim(name, path, { action: 'SCMP_ACT_ERRNO', errno });
      }
    }
  }
  if (problems.length) throw invalid(problems);

  const spec = doc.base === undefined ? 'docker-default' : doc.base;
  let base: Composed;
  let baseName: string;
  if (isObj(spec)) {
    // An object base: composed in place (its own base, if any, is loaded as usual).
    base = composeIn({ doc: spec, unconfined: false, ...(raw.dir !== undefined ? { dir: raw.dir } : {}) }, ctx);
    baseName = '(object)';
  } else {
    ({ composed: base, name: baseName } = loadBase(spec, 'base', raw, ctx));
  }
  const baseObj = seccompPart(base.doc as Obj).obj;
  const baseRules = Array.isArray(baseObj.syscalls) ? baseObj.syscalls : [];
  // A name keeps the claim that won it (a later direct name may have taken it from a group).
  const own: Obj[] = [];
  const origins: RuleOrigin[] = [];
  for (const { path, claim: c, names } of order) {
    const won = names.filter((n) => claims.get(n) === c);
    if (won.length === 0) continue;
    own.push(c.errno === undefined ? { names: won, action: c.action } : { names: won, action: c.action, errnoRet: c.errno });
    origins.push({ origin: 'own', ...(raw.name !== undefined ? { profile: raw.name } : {}), path });
  }
  const kept = withoutNames(baseRules, baseOrigins(base, baseName, baseRules.length), new Set(claims.keys()));
  const merged: Obj = {};
  for (const [k, v] of Object.entries(baseObj)) if (k !== 'syscalls') merged[k] = v;
  merged.syscalls = [...kept.rules, ...own];
  return {
    doc: merged,
    composition: { bases: [baseName, ...(base.composition?.bases ?? [])], rules: [...kept.origins, ...origins] },
    warnings: base.warnings,
  };
}

// ---- rules that can never act (profiles without a base) --------------------------------------

function errnoOf(action: unknown, errnoRet: unknown): number | undefined {
  if (action !== 'SCMP_ACT_ERRNO' && action !== 'SCMP_ACT_TRACE') return undefined;
  const n = typeof errnoRet === 'bigint' ? Number(errnoRet) : errnoRet;
  return typeof n === 'number' ? n : EPERM;
}

const actionText = (a: string, e: number | undefined): string => (e === undefined ? a : `${a} ${e}`);

/** Warnings listed one by one, as resolve.ts lists problems: the rest are counted in one line. */
const MAX_LISTED = 1000;

/**
 * Warnings for rules that never decide anything: one whose action is the default action (runc
 * leaves it out) while another rule gives the same syscall another action, and one after an
 * unconditional rule for the same syscall with another action, which libseccomp keeps.
 */
export function ineffectiveRules(top: Obj, rules: readonly unknown[], path: string): ProfileWarning[] {
  const warnings: ProfileWarning[] = [];
  let unlisted = 0;
  const defAction = top.defaultAction;
  const defErrno = errnoOf(defAction, top.defaultErrnoRet ?? top.defaultErrno);
  interface Seen { i: number; action: string; errno?: number; unconditional: boolean }
  // Per name, in rule order, only the entries the checks below ask for: a well-known name can
  // sit in every rule of a 200k-name profile, so nothing may scan its list once per rule.
  interface ByName {
    /** The first rule whose action is not the default one. */
    other?: Seen;
    /** The first unconditional rule whose action is not the default one ... */
    first?: Seen;
    /** ... and the first unconditional one after it with another action still. */
    second?: Seen;
  }
  const same = (a: Seen, b: Seen): boolean => a.action === b.action && a.errno === b.errno;
  const byName = new Map<string, ByName>();
  const parsed = rules.map((r, i) => {
    if (!isObj(r) || typeof r.action !== 'string') return undefined;
    const errno = errnoOf(r.action, r.errnoRet ?? r.errno);
    const unconditional = (!Array.isArray(r.args) || r.args.length === 0) && r.includes === undefined && r.excludes === undefined;
    const me: Seen = { i, action: r.action, errno, unconditional };
    const isDefault = r.action === defAction && errno === defErrno;
    const names = ruleNames(r) ?? [];
    for (const n of names) {
      let b = byName.get(n);
      if (!b) byName.set(n, (b = {}));
      if (isDefault) continue;
      b.other ??= me;
      if (!unconditional) continue;
      if (!b.first) b.first = me;
      else if (!b.second && !same(b.first, me)) b.second = me;
    }
    return { me, isDefault, names };
  });
  parsed.forEach((r, i) => {
    if (!r) return;
    const { me, isDefault } = r;
    for (const name of r.names) {
      const b = byName.get(name)!;
      if (isDefault) {
        // Another rule for this name with another action: a non-default one, as this one is the default.
        const other = b.other;
        if (other && warnings.length >= MAX_LISTED) unlisted++;
        else if (other) {
          warnings.push({
            path: join(path, i),
            message: `never takes effect for ${JSON.stringify(name)}: its action (${actionText(me.action, me.errno)}) is the default action, ` +
              `so runc leaves it out and ${join(path, other.i)} (${actionText(other.action, other.errno)}) decides; ` +
              'extend a base ("baseProfileName") to override its rules instead',
          });
        }
        continue;
      }
      // The first earlier unconditional, non-default rule with another action than this one.
      const cand = b.first && !same(b.first, me) ? b.first : b.second;
      const earlier = cand && cand.i < i ? cand : undefined;
      if (earlier && warnings.length >= MAX_LISTED) unlisted++;
      else if (earlier) {
        warnings.push({
          path: join(path, i),
          message: `never takes effect for ${JSON.stringify(name)}: ${join(path, earlier.i)} (${actionText(earlier.action, earlier.errno)}) ` +
            'names it earlier without conditions, and libseccomp keeps that rule; extend a base ("baseProfileName") to override its rules instead',
        });
      }
    }
  });
  if (unlisted > 0) warnings.push({ path, message: `${unlisted} more syscall names in rules that never take effect for them (the first ${MAX_LISTED} are listed)` });
  return warnings;
}

// ---- paths -----------------------------------------------------------------------------------

/** A path of the composed document in terms of where it was written (`base docker-default: syscalls[3]`). */
export function originPath(composition: Composition | undefined, path: string): string {
  if (!composition) return path;
  const m = /^syscalls\[(\d+)\](.*)$/.exec(path);
  if (!m) return path;
  const o = composition.rules[Number(m[1])];
  if (!o) return path;
  // Names may have been filtered or expanded: an index into them would point elsewhere.
  const rest = /^\.names\[\d+\]/.test(m[2]) ? m[2].replace(/^\.names\[\d+\]/, '') : m[2];
  const where = o.origin === 'base' || o.profile !== undefined ? `${o.origin} ${o.profile ?? ''}: `.replace(' :', ':') : '';
  return `${where}${o.path}${o.path.startsWith('syscalls[') ? rest : ''}`;
}

/** The error with its paths given as written, for a composed profile. */
export function relocateError(err: unknown, composition: Composition | undefined): unknown {
  if (!composition || !(err instanceof SeccompError) || !err.problems) return err;
  const before = err.problems;
  const after = before.map((p) => ({ ...p, path: originPath(composition, p.path) }));
  err.problems = after;
  for (let i = 0; i < before.length; i++) {
    if (before[i].path !== after[i].path) err.message = err.message.split(`${before[i].path}:`).join(`${after[i].path}:`);
  }
  return err;
}

/** The warnings with their paths given as written. */
export function relocateWarnings(warnings: ProfileWarning[], composition: Composition | undefined): ProfileWarning[] {
  if (!composition) return warnings;
  return warnings.map((w) => ({ ...w, path: originPath(composition, w.path) }));
}

// ---- report ----------------------------------------------------------------------------------

interface RuleLike {
  readonly syscall: string;
  readonly action: string;
  readonly data?: number;
  readonly source: string;
}

/**
 * For `seccomp check`: the bases, then a line per origin: how many rules each base gives, and
 * each own rule with its syscalls and action. Empty for a profile without a base.
 */
export function compositionLines(c: { composition?: Composition; rules: readonly RuleLike[] }): string[] {
  const comp = c.composition;
  if (!comp) return [];
  const lines = [`  extends: ${comp.bases.join(' -> ')}`];
  const byIndex = new Map<number, RuleLike[]>();
  for (const r of c.rules) {
    const m = /^syscalls\[(\d+)\]$/.exec(r.source);
    if (!m) continue;
    const i = Number(m[1]);
    let list = byIndex.get(i);
    if (!list) byIndex.set(i, (list = []));
    list.push(r);
  }
  const fromBase = new Map<string, number>();
  const own: string[] = [];
  comp.rules.forEach((o, i) => {
    const rules = byIndex.get(i) ?? [];
    if (o.origin === 'base') {
      const key = o.profile ?? '(object)';
      fromBase.set(key, (fromBase.get(key) ?? 0) + rules.length);
      return;
    }
    const names = [...new Set(rules.map((r) => r.syscall))];
    const actions = [...new Set(rules.map((r) => (r.data === undefined ? r.action : `${r.action} ${r.data}`)))];
    const where = o.profile === undefined ? o.path : `${o.profile}: ${o.path}`;
    own.push(names.length === 0
      ? `  own ${where}: the default action decides its syscalls here (a rule equal to it is left out, as runc does)`
      : `  own ${where}: ${names.join(', ')} -> ${actions.join(' | ')}`);
  });
  for (const [name, n] of fromBase) lines.push(`  base ${name}: ${n} rule${n === 1 ? '' : 's'}`);
  return [...lines, ...own];
}
