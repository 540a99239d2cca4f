// compile(): profile -> BPF, the way moby + runc build it. Load the document, evaluate it in a
// context, hand the rules to libseccomp, export its program and put runc's ENOSYS stub in front,
// and (newSyscalls) a block of our own for the syscalls libseccomp is too old to name, and
// (narrowArgs, multiplexers) blocks that hold argument rules as the kernel reads the arguments.
import { Action, type ActionName } from '../action.js';
import { archToken, nativeArch } from '../arch.js';
import { enosysApplies, enosysStub, lastSyscalls, type LastSyscall } from '../bpf/enosys.js';
import { multiplexerBlock, narrowingBlock } from '../bpf/narrow.js';
import { newerSyscallInsns, newerSyscallNumber, type NumberedRule } from '../bpf/newer-syscalls.js';
import { decode, encode, INSN_SIZE, MAX_INSNS } from '../bpf/program.js';
import { specialize } from '../bpf/specialize.js';
import { ErrorCode, SeccompError, unsupported, argTypeError, argRangeError } from '../errors.js';
import { flattenConditions } from '../filter.js';
import { apiLevel, features, FilterFlag, version } from '../library.js';
import { native, type NativeFilter } from '../native.js';
import { buildOptions, contextKey, loadedText, hashOfText, type BuildOptions } from './cache-key.js';
import { relocateError, relocateWarnings } from './compose.js';
import { docKey, isTextSpec, textKey } from './cached.js';
import { ARCHES_BY_DOCKER, dockerArchName, resolveContext } from './context.js';
import { diskCacheEnabled, readEntry, writeEntry } from './disk-cache.js';
import { dedupeRules, insnsLowerBound } from './estimate.js';
import { multiplexers, narrowRules, narrowTargets, tableBase } from './kernel-args.js';
import { loadProfileDocument } from './load.js';
import { own } from './problems.js';
import { isCompiledProfile, markProduced } from './produced.js';
import { isKnownSyscallName, resolveProfile } from './resolve.js';
import type {
  CompiledProfile,
  CompileOptions,
  ProfileContext,
  ProfileInput,
  ProfileWarning,
  ResolvedProfile,
  ResolvedRule,
  UnknownSyscalls,
} from './types.js';

const CACHE_MAX = 64;

// libseccomp filter attributes (enum scmp_filter_attr).
const ATTR_NNP = 3;
const ATTR_OPTIMIZE = 8;

/**
 * The libseccomp attributes compile() sets ([scmp_filter_attr, value]) for a profile of
 * `syscallCount` syscall rules, as runc does: no_new_privs off (it only matters to
 * seccomp_load, never to an exported program), and libseccomp's binary tree (OPTIMIZE 2)
 * for more than 32 rules. Nothing else: the bad-arch action stays libseccomp's default,
 * KILL_THREAD, which runc does not change either.
 */
export function filterAttributes(syscallCount: number, optimize?: 1 | 2): [number, number][] {
  if (optimize !== undefined) return [[ATTR_NNP, 0], [ATTR_OPTIMIZE, optimize]];
  return syscallCount > 32 ? [[ATTR_NNP, 0], [ATTR_OPTIMIZE, 2]] : [[ATTR_NNP, 0]];
}

/** Docker/OCI flag name -> SECCOMP_FILTER_FLAG_* bit; TSYNC is 0: runc leaves it to the loader. */
const FLAG_BITS: Record<string, [keyof typeof FilterFlag, number]> = {
  SECCOMP_FILTER_FLAG_TSYNC: ['TSYNC', 0],
  SECCOMP_FILTER_FLAG_LOG: ['LOG', FilterFlag.LOG],
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: ['SPEC_ALLOW', FilterFlag.SPEC_ALLOW],
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: ['WAIT_KILLABLE_RECV', FilterFlag.WAIT_KILLABLE_RECV],
};

/** By hash of (document, context, options, libseccomp) and name. */
const cache = new Map<string, CompiledProfile>();
/** By context, options and the input string, for built-in names and JSON text. */
const fastCache = new Map<string, CompiledProfile>();

function lruGet(m: Map<string, CompiledProfile>, key: string): CompiledProfile | undefined {
  const v = m.get(key);
  if (v !== undefined) {
    m.delete(key); // most recently used last
    m.set(key, v);
  }
  return v;
}

function lruSet(m: Map<string, CompiledProfile>, key: string, v: CompiledProfile): void {
  m.set(key, v);
  if (m.size > CACHE_MAX) m.delete(m.keys().next().value as string);
}

export { isCompiledProfile };

/** Drops every cached compile result. */
export function clearCompileCache(): void {
  cache.clear();
  fastCache.clear();
}

/** The libseccomp name of an arch given in Docker, GOARCH, libseccomp or SCMP_ARCH_* spelling. */
export function libseccompArchName(arch: string): string {
  const d = typeof arch === 'string' ? dockerArchName(arch) : undefined;
  const info = d === undefined ? undefined : ARCHES_BY_DOCKER.get(d);
  if (!info) {
    throw new SeccompError(`unknown architecture "${String(arch)}"`, { code: ErrorCode.UNKNOWN_ARCH });
  }
  return info.libseccomp;
}

const UNKNOWN_CACHED = 4096;

// Syscall numbers by arch token and name: libseccomp's tables are fixed for the process, so
// each name is asked of the library once. undefined: libseccomp doesn't know the name.
const numbers = new Map<number, Map<string, number | undefined>>();

/** A syscall's number on an arch (token), negative pseudo numbers included; undefined if unknown. */
export function syscallNumberOn(name: string, token: number): number | undefined {
  // libseccomp reads a C string: "mkdir\0x" would be mkdir.
  if (typeof name !== 'string' || name === '' || name.includes('\0')) return undefined;
  let m = numbers.get(token);
  if (!m) numbers.set(token, (m = new Map()));
  if (m.has(name)) return m.get(name);
  const nr = native().resolveSyscall(name, token);
  const v = nr === -1 ? undefined : nr; // __NR_SCMP_ERROR
  // Known names are a few hundred; unknown ones come from profiles: only a few are kept.
  if (v !== undefined || m.size < UNKNOWN_CACHED) m.set(name, v);
  return v;
}

function actionValue(action: ActionName, data: number | undefined): number {
  switch (action) {
    case 'ERRNO': return Action.ERRNO(data ?? 1);
    case 'TRACE': return Action.TRACE(data ?? 1);
    default: return Action[action];
  }
}

const OPTION_KEYS = [
  'capabilities', 'arch', 'kernel', 'unknownSyscalls', 'strict', 'enosys', 'cache', 'newSyscalls', 'optimize', 'specialize', 'narrowArgs', 'multiplexers',
] as const;

function checkOptions(options: unknown): CompileOptions {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object') {
    throw argTypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  // Each option read once (getters, Proxies): what is checked is what is used.
  const o: Record<string, unknown> = {};
  for (const k of OPTION_KEYS) {
    let v: unknown;
    try {
      v = (options as Record<string, unknown>)[k];
    } catch (e) {
      throw argTypeError(`options.${k} cannot be read (${e instanceof Error ? e.message : typeof e})`);
    }
    if (v !== undefined) o[k] = v;
  }
  for (const k of ['strict', 'enosys', 'cache', 'newSyscalls', 'specialize', 'narrowArgs', 'multiplexers'] as const) {
    if (k === 'cache' && o[k] === 'memory') continue; // cache: true (memory and disk), 'memory' or false
    if (o[k] !== undefined && typeof o[k] !== 'boolean') {
      throw argTypeError(`options.${k} must be a boolean, got ${o[k] === null ? 'null' : typeof o[k]}`);
    }
  }
  if (o.unknownSyscalls !== undefined) {
    const v = o.unknownSyscalls;
    if (typeof v !== 'string') throw argTypeError(`options.unknownSyscalls must be 'error', 'warn' or 'ignore', got ${v === null ? 'null' : typeof v}`);
    if (!(UNKNOWN_SYSCALLS as readonly string[]).includes(v)) {
      throw argRangeError(`options.unknownSyscalls must be 'error', 'warn' or 'ignore', got ${JSON.stringify(v)}`);
    }
    if (o.strict === true && v !== 'error') {
      throw argRangeError(`options.strict (deprecated: unknownSyscalls 'error') contradicts options.unknownSyscalls ${JSON.stringify(v)}`);
    }
  }
  if (o.optimize !== undefined) {
    if (typeof o.optimize !== 'number') throw argTypeError(`options.optimize must be 1 or 2, got ${typeof o.optimize}`);
    if (o.optimize !== 1 && o.optimize !== 2) throw argRangeError(`options.optimize must be 1 or 2, got ${o.optimize}`);
  }
  return o as CompileOptions;
}

const UNKNOWN_SYSCALLS = ['error', 'warn', 'ignore'] as const;
let strictDeprecated = false;

/**
 * The deprecation note for the old `strict` spelling (compile's `strict`, forkSandboxed's
 * `seccompStrict`), once per process: it now means `unknownSyscalls: 'error'`.
 */
export function deprecateStrict(spelling = 'options.strict'): void {
  if (strictDeprecated) return;
  strictDeprecated = true;
  process.emitWarning(
    `${spelling} is deprecated: use unknownSyscalls: 'error' (now the default), 'warn' or 'ignore'. ` +
      'It no longer refuses real syscall names the installed libseccomp cannot number.',
    { type: 'DeprecationWarning', code: 'SECCOMP_DEP_STRICT' },
  );
}

/**
 * True when `name` is a syscall on some Linux arch: in our tables, or known to libseccomp,
 * which numbers every name of its table on every arch (a pseudo number where the arch lacks it),
 * so asking it for the native arch covers all of its arches.
 */
export function isSyscallAnywhere(name: string): boolean {
  return isKnownSyscallName(name) || syscallNumberOn(name, archToken(nativeArch())) !== undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

interface Built {
  bpf: Buffer;
  arches: string[];
  flags: string[];
  filterFlags: number;
  rules: ResolvedRule[];
  unknownSyscalls: string[];
  tableSyscalls: string[];
  warnings: ProfileWarning[];
  lastSyscalls: LastSyscall[];
}

/** SECCOMP_FILTER_FLAG_* bits for the profile's flags; unsupported ones are an error. */
function filterFlagsOf(rp: ResolvedProfile, flags: string[], warnings: ProfileWarning[]): number {
  let bits = 0;
  const have = features().flags;
  if (!rp.flagsGiven) {
    // runc (specconv): a profile without a flags list gets SPEC_ALLOW where libseccomp
    // (API level 4) and the kernel support it.
    if (have.SPEC_ALLOW && apiLevel() >= 4) {
      flags.push('SECCOMP_FILTER_FLAG_SPEC_ALLOW');
      bits |= FilterFlag.SPEC_ALLOW;
    }
  }
  rp.flags.forEach((name, i) => {
    const f = own(FLAG_BITS, name);
    if (!f) {
      throw new SeccompError(`flags[${i}]: unknown flag "${name}"`, {
        code: ErrorCode.PROFILE_INVALID,
        problems: [{ path: `flags[${i}]`, message: `unknown flag "${name}"` }],
      });
    }
    if (!flags.includes(name)) flags.push(name);
    if (f[1] === 0) return; // TSYNC: whoever installs the filter adds it (sandbox always does)
    if (!have[f[0]]) throw unsupported(`flags[${i}]: this kernel does not support ${name}`);
    bits |= f[1];
  });
  const notify = rp.rules.some((r) => r.action === 'NOTIFY');
  // runc asks for a listener fd whenever a rule notifies.
  if (notify) bits |= FilterFlag.NEW_LISTENER;
  if ((bits & FilterFlag.WAIT_KILLABLE_RECV) !== 0 && !notify) {
    warnings.push({
      path: 'flags',
      message: 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV has no effect without SCMP_ACT_NOTIFY rules; the kernel refuses it alone',
    });
  }
  return bits;
}

/**
 * The JSON path of `name` inside the rule at `source` (e.g. `syscalls[3].names[1]`), or
 * `source`. Each rule's names are indexed once (`index`), so that many unknown names in one
 * rule cost linear time.
 */
function namePath(doc: unknown, source: string, name: string, index: Map<string, Map<string, string>>): string {
  let paths = index.get(source);
  if (paths === undefined) {
    index.set(source, (paths = new Map()));
    let node: unknown = doc;
    for (const m of source.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
      if (node === null || typeof node !== 'object') break;
      const k = m[1] ?? m[2];
      node = Object.hasOwn(node, k) ? (node as Record<string, unknown>)[k] : undefined;
    }
    if (node !== null && typeof node === 'object') {
      const rule = node as { names?: unknown; name?: unknown };
      if (Array.isArray(rule.names)) {
        rule.names.forEach((n, i) => {
          if (typeof n === 'string' && !paths!.has(n)) paths!.set(n, `${source}.names[${i}]`);
        });
      }
      if (typeof rule.name === 'string' && !paths.has(rule.name)) paths.set(rule.name, `${source}.name`);
    }
  }
  return paths.get(name) ?? source;
}

/**
 * The number of `name` on `arch`: libseccomp's answer when it has one (negative pseudo numbers
 * included), else, with newSyscalls, our table's.
 */
function numberOn(name: string, arch: string, newSyscalls: boolean): number | undefined {
  const nr = syscallNumberOn(name, archToken(arch));
  return nr !== undefined || !newSyscalls ? nr : newerSyscallNumber(name, arch);
}

// Per arch, name -> number from libseccomp's table read backwards: the direct number of
// a syscall that libseccomp names by a multiplexer's pseudo number (socket on x86: -101).
const directNumbers = new Map<string, Map<string, number>>();
const TABLE_SPAN = 1024;

/** The number the kernel sees for `name` on `arch`, never a pseudo number; undefined if it has none. */
function directNumberOn(name: string, arch: string, newSyscalls: boolean): number | undefined {
  const nr = numberOn(name, arch, newSyscalls);
  if (nr === undefined || nr >= 0) return nr;
  const token = archToken(arch);
  let m = directNumbers.get(arch);
  if (!m) {
    directNumbers.set(arch, (m = new Map()));
    const base = tableBase(arch);
    for (let n = base; n < base + TABLE_SPAN; n++) {
      const s = native().syscallName(n, token);
      if (s !== null && !m.has(s)) m.set(s, n);
    }
  }
  return m.get(name);
}

/**
 * Rules numbered from our table, per arch of the filter. All rules on one such syscall must
 * share an action: libseccomp's ordering of overlapping rules with different actions is not
 * reproduced here, so such a profile is refused rather than approximated.
 */
function numberedRules(rules: ResolvedRule[], arches: string[]): NumberedRule[] {
  const actionOf = new Map<string, ResolvedRule>();
  const out: NumberedRule[] = [];
  for (const r of rules) {
    const first = actionOf.get(r.syscall);
    if (first === undefined) actionOf.set(r.syscall, r);
    else if (first.action !== r.action || first.data !== r.data) {
      throw unsupported(
        `${r.source}: "${r.syscall}" has rules with different actions (also ${first.source}); ` +
          `libseccomp ${fmtVersion()} cannot name it, and compile's own block serves one action per syscall ` +
          '(pass newSyscalls: false to skip it as runc does)',
        { syscall: r.syscall, problems: [{ path: r.source, message: 'different actions on a syscall numbered by compile' }] },
      );
    }
    const ret = actionValue(r.action, r.data);
    for (const arch of arches) {
      const nr = newerSyscallNumber(r.syscall, arch);
      if (nr === undefined) throw new Error(`internal: no number for ${r.syscall} on ${arch}`);
      out.push({ arch, nr, ret, conditions: r.conditions });
    }
  }
  return out;
}

function build(rp: ResolvedProfile, ctx: ProfileContext, doc: unknown, o: BuildOptions): Built {
  const warnings = [...rp.warnings];
  const flags: string[] = [];
  const filterFlags = filterFlagsOf(rp, flags, warnings);
  const target = rp.nativeArch ?? libseccompArchName(ctx.arch);
  const targetToken = archToken(target);
  const host = nativeArch();
  const arches: string[] = [];
  for (const a of [target, ...rp.arches]) if (!arches.includes(a)) arches.push(a);

  // Names are resolved on the host's arch, as runc does: libseccomp takes the native number
  // (or a pseudo number) and translates it for each arch in the filter.
  const hostToken = archToken(host);
  // narrowArgs: values on arguments the kernel reads narrower than libseccomp compares are cut
  // to that width before anything sees them; the blocks in front of the program do the rest.
  const narrowed = o.narrowArgs ? narrowRules(rp.rules, arches, warnings) : undefined;
  const inputRules = narrowed ? narrowed.rules : rp.rules;
  const unknown: string[] = [];
  const unknownSeen = new Set<string>();
  const namePaths = new Map<string, Map<string, string>>();
  const tableSeen = new Set<string>();
  const rules: ResolvedRule[] = [];
  const nrs: number[] = [];
  const table: ResolvedRule[] = [];
  const tableNames: string[] = [];
  for (const rule of dedupeRules(inputRules)) {
    const nr = syscallNumberOn(rule.syscall, hostToken);
    if (nr === undefined) {
      if (o.newSyscalls && newerSyscallNumber(rule.syscall, target) !== undefined) {
        // Validated as libseccomp would (filter.ts), since libseccomp never sees these.
        flattenConditions(rule.conditions);
        const numbers = arches.map((arch) => ({ arch, nr: newerSyscallNumber(rule.syscall, arch) as number }));
        const r: ResolvedRule = { ...rule, numbers };
        table.push(r);
        rules.push(r);
        if (!tableSeen.has(rule.syscall)) {
          tableSeen.add(rule.syscall);
          tableNames.push(rule.syscall);
        }
        continue;
      }
      if (!unknownSeen.has(rule.syscall)) {
        unknownSeen.add(rule.syscall);
        unknown.push(rule.syscall);
        // Names that are no syscall at all were dealt with by resolveProfile (unknownSyscalls).
        if (o.unknownSyscalls !== 'ignore' && isSyscallAnywhere(rule.syscall)) {
          const path = namePath(doc, rule.source, rule.syscall, namePaths);
          const message =
            `libseccomp ${fmtVersion()} has no number for the syscall "${rule.syscall}" on ${host} ` +
            '(a syscall of another arch, or newer than this libseccomp); its rule is skipped';
          warnings.push({ path, message, code: ErrorCode.UNKNOWN_SYSCALL });
        }
      }
      continue;
    }
    rules.push(rule);
    nrs.push(nr);
  }
  const block = newerSyscallInsns(numberedRules(table, arches));
  // Refused before libseccomp when the program cannot fit: libseccomp takes minutes over
  // thousands of argument comparisons before the exact check below could say so.
  const atLeast = block.length + insnsLowerBound(rules.filter((r) => !r.numbers));
  if (atLeast > MAX_INSNS) throw tooLarge(`at least ${atLeast}`);

  // The target (normally native) arch is always in the filter, as runc never removes it.
  const f: NativeFilter = new (native().Filter)(actionValue(rp.defaultAction, rp.defaultData));
  try {
    if (target !== host) {
      f.archAdd(targetToken);
      f.archRemove(hostToken);
    }
    for (const a of rp.arches) {
      const t = archToken(a);
      if (!f.archExist(t)) f.archAdd(t);
    }
    for (const [a, v] of filterAttributes(rp.rules.length + (rp.redundantSyscalls?.length ?? 0), o.optimize)) f.attrSet(a, v);
    let i = 0;
    for (const r of rules) {
      if (r.numbers) continue;
      try {
        f.ruleAdd(actionValue(r.action, r.data), nrs[i++], flattenConditions(r.conditions), false, r.syscall);
      } catch (err) {
        const e = err as SeccompError;
        throw new SeccompError(`${r.source}: libseccomp refused the rule for "${r.syscall}": ${e.message}`, {
          code: e.code ?? ErrorCode.PROFILE_INVALID,
          errno: e.errno,
          func: e.func,
          syscall: r.syscall,
          problems: [{ path: r.source, message: e.message }],
          cause: err,
        });
      }
    }
    const parts: Buffer[] = [f.exportBpf()];
    // Our block goes right before libseccomp's program, the ENOSYS stub before both.
    if (block.length) parts.unshift(encode(block));
    let last: LastSyscall[] = [];
    let stub: Buffer | undefined;
    if (o.enosys && enosysApplies(rp.defaultAction)) {
      const names = new Set<string>();
      for (const r of rp.rules) names.add(r.syscall);
      for (const n of rp.redundantSyscalls ?? []) names.add(n);
      last = lastSyscalls(names, rp.arches, (name, arch) => numberOn(name, arch, o.newSyscalls));
      const s = enosysStub(last);
      if (s.length) stub = s;
    }
    let rulesOnly = parts.length === 1 ? parts[0] : Buffer.concat(parts);
    let built = stub ? Buffer.concat([stub, rulesOnly]) : rulesOnly;
    const direct = (name: string, arch: string): number | undefined => directNumberOn(name, arch, o.newSyscalls);
    if (narrowed) {
      const targets = narrowTargets(narrowed.spec, arches, direct);
      const front = narrowingBlock(decode(built), targets);
      if (front.length) built = Buffer.concat([encode(front), built]);
      if (stub && front.length && o.multiplexers) {
        rulesOnly = Buffer.concat([encode(narrowingBlock(decode(rulesOnly), targets)), rulesOnly]);
      }
    }
    if (o.multiplexers) {
      const front = multiplexerBlock(decode(built), stub ? decode(rulesOnly) : decode(built), multiplexers(rules, arches, direct));
      if (front.length) built = Buffer.concat([encode(front), built]);
    }
    // The same decisions in fewer instructions and short paths (the kernel's attach cost grows
    // with the length); the input comes back unchanged when the pass cannot prove it exact.
    const bpf = o.specialize ? specialize(built) : built;
    if (bpf.length / INSN_SIZE > MAX_INSNS) throw tooLarge(String(bpf.length / INSN_SIZE));
    return {
      bpf,
      arches,
      flags,
      filterFlags,
      rules,
      unknownSyscalls: unknown,
      tableSyscalls: tableNames,
      warnings,
      lastSyscalls: last,
    };
  } finally {
    f.release();
  }
}

function tooLarge(count: string): SeccompError {
  return new SeccompError(
    `the profile's filter needs ${count} BPF instructions; the kernel's limit is ${MAX_INSNS} (BPF_MAXINSNS)`,
    { code: ErrorCode.PROFILE_TOO_LARGE },
  );
}

function fmtVersion(): string {
  const v = version();
  return `${v.major}.${v.minor}.${v.micro}`;
}

/**
 * Compiles a Docker/OCI seccomp profile (object, JSON text, file path or built-in name) into
 * the BPF program moby + runc would install, with runc's ENOSYS stub in front and, for the
 * newest syscalls the installed libseccomp cannot name, compile's own block (`newSyscalls`,
 * on by default; `newSyscalls: false` builds exactly what runc builds), the whole then rewritten
 * by specialize() into an equivalent, shorter program (`specialize: false` keeps it). Arguments
 * the kernel reads as `int` are compared on 32 bits (`narrowArgs`), and socketcall/ipc sub-calls
 * get their direct syscall's strictest answer where it depends on arguments (`multiplexers`);
 * both default on, both deliberate differences from Docker (README). A compiled
 * profile is returned as it is. Repeat compiles of the same document in the same context are
 * served from an in-process cache (frozen results), and across processes from a per-user disk
 * cache (disk-cache.ts), unless `cache: 'memory'` (in-process only), `cache: false` or
 * SECCOMP_CACHE=0.
 */
export function compile(profile: ProfileInput | CompiledProfile, options?: CompileOptions): CompiledProfile {
  if (isCompiledProfile(profile)) return profile;
  const opts = checkOptions(options);
  const context = resolveContext(opts);
  if (opts.strict === true) deprecateStrict();
  const o: BuildOptions = buildOptions(opts);
  const useCache = opts.cache !== false;
  // Across processes too (disk-cache.ts), unless cache: 'memory' or false, or SECCOMP_CACHE=0.
  const useDisk = diskCacheEnabled(opts.cache);
  // Built-in names and JSON text fully determine the document: a repeat is found without
  // loading and hashing it again.
  const text = isTextSpec(profile);
  const fast = text ? `${contextKey(context, o)}\0${profile}` : undefined;
  if (useCache && fast !== undefined) {
    const hit = lruGet(fastCache, fast);
    if (hit) return hit;
  }
  let disk = useDisk && text ? textKey(profile, context, o) : undefined;
  const fromDisk = disk && readEntry(disk.key, disk.expected, true);
  if (fromDisk) {
    if (useCache) lruSet(fastCache, fast as string, fromDisk);
    return fromDisk;
  }
  const loaded = loadProfileDocument(profile as ProfileInput);
  const docText = loadedText(loaded);
  const hash = hashOfText(docText, context, o);
  const key = `${hash}\0${loaded.name ?? ''}`;
  if (useCache) {
    const hit = lruGet(cache, key);
    if (hit) {
      if (fast !== undefined) lruSet(fastCache, fast, hit);
      return hit;
    }
  }
  if (useDisk && !text) {
    disk = docKey(docText, loaded.name, context, o);
    const hit = readEntry(disk.key, disk.expected, true);
    if (hit) {
      if (useCache) lruSet(cache, key, hit);
      return hit;
    }
  }

  let result: CompiledProfile;
  if (loaded.unconfined) {
    result = {
      ...(loaded.name !== undefined ? { name: loaded.name } : {}),
      unconfined: true,
      bpf: Buffer.alloc(0),
      arches: [],
      flags: [],
      filterFlags: 0,
      defaultAction: 'ALLOW',
      rules: [],
      unknownSyscalls: [],
      tableSyscalls: [],
      warnings: [],
      lastSyscalls: [],
      hash,
      context,
    };
  } else {
    let rp: ResolvedProfile, b: Built;
    try {
      rp = resolveProfile(loaded.doc, context, { unknownSyscalls: o.unknownSyscalls, isSyscall: isSyscallAnywhere });
      b = build(rp, context, loaded.doc, o);
    } catch (err) {
      throw relocateError(err, loaded.composition); // paths as written, not in the composed document
    }
    result = {
      ...(loaded.name !== undefined ? { name: loaded.name } : {}),
      unconfined: false,
      bpf: b.bpf,
      arches: b.arches,
      flags: b.flags,
      filterFlags: b.filterFlags,
      defaultAction: rp.defaultAction,
      ...(rp.defaultData !== undefined ? { defaultData: rp.defaultData } : {}),
      rules: b.rules,
      unknownSyscalls: b.unknownSyscalls,
      tableSyscalls: b.tableSyscalls,
      warnings: [...(loaded.warnings ?? []), ...relocateWarnings(b.warnings, loaded.composition)],
      lastSyscalls: b.lastSyscalls,
      hash,
      context,
      ...(loaded.composition ? { composition: loaded.composition } : {}),
      ...(rp.listenerPath !== undefined ? { listenerPath: rp.listenerPath } : {}),
      ...(rp.listenerMetadata !== undefined ? { listenerMetadata: rp.listenerMetadata } : {}),
    };
  }
  markProduced(result);
  if (disk) writeEntry(disk.key, result);
  if (useCache) {
    deepFreeze(result);
    lruSet(cache, key, result);
    if (fast !== undefined) lruSet(fastCache, fast, result);
  }
  return result;
}
