// compile()'s results kept across processes, so that `seccomp/register` and `seccomp run` load
// a known profile without compiling it (or loading the compiler). One file per key in the
// package's own .cache/seccomp, used only when it belongs to this euid.
//
// Trust: an entry decides what filter protects a process, so it is trusted exactly as much as
// the user's own files and no more (cache-files.ts: owner, mode, links), and each carries its full key (compared as text) and a
// checksum of its content (against damage, not forgery: whoever can write the user's files can
// also change the package or the profile). A program read back is checked as the kernel checks
// one before it is used. Anything wrong is a miss: the entry is compiled again and replaced.
// No node:crypto here: loading it costs a startup more than the whole lookup.
import { fs, os, path, url } from '../builtins.js';
const { lstatSync, readdirSync, readFileSync, statSync, unlinkSync } = fs;
const { release, version: osVersion } = os();
const { dirname, join } = path;
const { fileURLToPath } = url;
import { verifyProgram } from '../bpf/interpret.js';
import { INSN_SIZE, MAX_INSNS } from '../bpf/program.js';
import { features } from '../library.js';
import { addonDir, native } from '../native.js';
import { COMPILER, contextKey, type BuildOptions } from './cache-key.js';
import { markProduced } from './produced.js';
import { BASE64, buildId, debug, diskCacheOff, packageRoot, readPrivate, usableDir, writePrivate } from './cache-files.js';
import { ErrorCode, SeccompError } from '../errors.js';
import type { CompiledProfile, ProfileContext, ResolvedRule } from './types.js';

// An entry: this line, the checksum of the rest (16 hex digits), the key and profile as JSON in
// ASCII (non-ASCII as \u escapes), and the rules as JSON (UTF-8), one line each. The rules are a
// line of their own, parsed when first asked for: the startup paths never read them, and they
// are most of the entry (reading less spares those starts a garbage collection).
const FORMAT = 'seccomp-cache/2';
/** docker-default's entry is about 70 KB; anything far larger is not one of ours. */
const MAX_ENTRY = 8 * 1024 * 1024;
/** Entries kept; past this a write removes the oldest half. Temporary files die after 10 minutes. */
const MAX_ENTRIES = 256;
const TMP_AGE_MS = 10 * 60 * 1000;
const ENTRY_NAME = /^[0-9a-f]{16}\.json$/;
const TMP_NAME = /^\.(?:[0-9a-f]{16}\.json|start-[0-9a-f]{16}\.json|register-[\w.-]+\.v8cache)\.\d+\.\d+\.\d+\.tmp$/;

/** `cache` option values: true (memory and disk), 'memory' (this process only), false (none). */
export type CacheOption = boolean | 'memory';

/** Whether compile results go to disk: the `cache` option, then SECCOMP_CACHE=0 turns it off. */
export function diskCacheEnabled(option: CacheOption | undefined): boolean {
  if (option === false || option === 'memory' || diskCacheOff()) return false;
  // An addon built before the cache (a stale prebuild) has no checksum: no cache then.
  try {
    return typeof native().checksum64 === 'function';
  } catch {
    return false;
  }
}

// What besides the compile inputs decides the program: this package's build (its version and
// the files of the compiler and addon), the libseccomp build, and the kernel's answers. Taken
// once per process; the API level, which setApiLevel() changes, is read per key.
let environment: string | undefined;

// The compiler's own files (what compile.ts imports, directly or not) and the addon.
const COMPILER_FILES = ['action', 'arch', 'errors', 'filter', 'library', 'native', 'values'];

function buildFingerprint(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const ext = import.meta.url.endsWith('.ts') ? '.ts' : '.js'; // src/ under the test runner
  const parts: string[] = [];
  let version = '?';
  try {
    version = (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  } catch {
    // no package.json beside the build: the file stats still tell builds apart
  }
  parts.push(`version ${version}`);
  const top = join(here, '..');
  // dist/build-id (scripts/build-id.mjs) stands for every compiler file; without one (src/ under
  // the test runner, a build by tsc alone) each file's stat does.
  const id = buildId(top);
  if (id !== undefined) parts.push(`build ${id}`);
  const files = id !== undefined ? [] : COMPILER_FILES.map((f) => join(top, f + ext));
  for (const dir of id !== undefined ? [addonDir()] : [here, join(top, 'bpf'), join(top, 'profiles'), addonDir()]) {
    try {
      for (const n of readdirSync(dir)) if (n.endsWith(dir === addonDir() ? '.node' : ext) && !n.endsWith('.d.ts')) files.push(join(dir, n));
    } catch {
      // no such directory
    }
  }
  for (const f of files.sort()) {
    try {
      const st = statSync(f);
      parts.push(`${f} ${st.size} ${st.mtimeMs} ${st.ino}`);
    } catch {
      parts.push(`${f} -`);
    }
  }
  return parts.join('\n');
}

function environmentFacts(): string {
  if (environment !== undefined) return environment;
  const info = native().libraryInfo();
  const f = features();
  const flags = Object.entries(f.flags).map(([k, v]) => `${k}=${v}`).join(',');
  const optional = Object.entries(info.optional).sort().map(([k, v]) => `${k}=${v}`).join(',');
  environment = [
    COMPILER,
    `libseccomp ${info.major}.${info.minor}.${info.micro} ${optional}`,
    `kernel ${release()} ${osVersion()} flags ${flags}`,
    `host ${process.arch} ${native().archNative()}`,
    buildFingerprint(),
  ].join('\n');
  return environment;
}

/**
 * The key of an entry, in full: what the profile is (`text`: a built-in name or JSON text, which
 * determine the document in this build; `doc`: the loaded document's canonical text), its name,
 * the context and options, and the environment facts. Stored in the entry and compared whole;
 * the file name is only a digest of it.
 */
export function entryKey(kind: 'text' | 'doc', source: string, name: string | undefined, ctx: ProfileContext, o: BuildOptions): string {
  const named = name === undefined ? 'unnamed' : `name ${name}`;
  return `${FORMAT}\0${kind}\0${named}\0${contextKey(ctx, o)}\0api ${native().libraryInfo().api}\0${environmentFacts()}\0${source}`;
}

/**
 * FNV-1a 64 of the text's UTF-8 bytes, as 16 hex digits (computed in the addon: node:crypto's load
 * time, or a cold JavaScript loop, would cost a startup more than the whole lookup). A file name
 * for a key and a checksum against damage; not a defence against anyone who can write the file
 * (nothing stored beside it could be).
 */
export function digest64(text: string | Uint8Array): string {
  return native().checksum64(typeof text === 'string' ? Buffer.from(text) : text);
}

/** What an entry must say besides its key. */
export interface Expected {
  name: string | undefined;
  context: ProfileContext;
}

// Condition values are bigints in compile's results: written as "123n" strings.
function replacer(_k: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v;
}

/** Writes `compiled` under `key`: a 0600 temporary file in the directory, renamed into place. */
export function writeEntry(key: string, compiled: CompiledProfile): void {
  const dir = usableDir(true);
  if (dir === undefined) return;
  const name = digest64(key);
  const { rules, ...rest } = compiled;
  const profile = { ...rest, bpf: Buffer.from(compiled.bpf).toString('base64') };
  const json = JSON.stringify({ key, profile }, replacer).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const body = Buffer.concat([Buffer.from(`${json}\n`, 'latin1'), Buffer.from(JSON.stringify(rules, replacer))]);
  try {
    writePrivate(dir, `${name}.json`, Buffer.concat([Buffer.from(`${FORMAT}\n${digest64(body)}\n`), body]));
    debug(`wrote ${name}`);
    prune(dir);
  } catch (e) {
    debug(`cannot write ${name}: ${(e as Error).message}`);
  }
}

// Bounded: a program that compiles many different profiles (or a fuzzer) must not fill the disk.
function prune(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const now = Date.now();
  const entries: { path: string; mtime: number }[] = [];
  // Only names this cache writes (cache-files.ts writePrivate's temporary names included).
  names = names.filter((n) => ENTRY_NAME.test(n) || TMP_NAME.test(n));
  for (const n of names) {
    const path = join(dir, n);
    const tmp = TMP_NAME.test(n);
    if (!tmp && names.length <= MAX_ENTRIES) continue;
    try {
      const st = lstatSync(path);
      if (tmp && now - st.mtimeMs > TMP_AGE_MS) unlinkSync(path);
      else if (!tmp) entries.push({ path, mtime: st.mtimeMs });
    } catch {
      // gone meanwhile
    }
  }
  if (entries.length <= MAX_ENTRIES) return;
  entries.sort((a, b) => a.mtime - b.mtime);
  for (const e of entries.slice(0, entries.length - MAX_ENTRIES / 2)) {
    try {
      unlinkSync(e.path);
    } catch {
      // gone meanwhile
    }
  }
}

/**
 * The entry for `key`, verified and frozen, or undefined (a miss, or an entry refused). `rules`:
 * verify the rules now too (compile() does); otherwise they are read when first asked for, and
 * only a forged entry could then fail (ERR_SECCOMP_PROFILE_INVALID).
 */
export function readEntry(key: string, expected: Expected, rules = false): CompiledProfile | undefined {
  const dir = usableDir(false);
  if (dir === undefined) return undefined;
  const name = digest64(key);
  const bytes = readPrivate(dir, `${name}.json`, MAX_ENTRY);
  if (!Buffer.isBuffer(bytes)) {
    debug(bytes.refused === 'missing' ? `miss ${name}` : `refused ${name}: ${bytes.refused}`);
    return undefined;
  }
  let result = parseEntry(bytes, key, expected);
  if (rules && typeof result !== 'string') {
    try {
      void result.rules;
    } catch {
      result = 'bad rules';
    }
  }
  if (typeof result === 'string') {
    debug(`refused ${name}: ${result}`);
    return undefined;
  }
  debug(`hit ${name}`);
  return result;
}

const isStr = (v: unknown): v is string => typeof v === 'string';
const isInt = (v: unknown, lo: number, hi: number): v is number => Number.isSafeInteger(v) && (v as number) >= lo && (v as number) <= hi;
const strArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isStr);
const ACTIONS = new Set(['ALLOW', 'ERRNO', 'KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'TRACE', 'LOG', 'NOTIFY']);
const OPS = new Set(['NE', 'LT', 'LE', 'EQ', 'GE', 'GT', 'MASKED_EQ']);
const U64_MAX = (1n << 64n) - 1n;

function hasOnly(o: object, allowed: readonly string[]): boolean {
  return Object.keys(o).every((k) => allowed.includes(k));
}

function u64(v: unknown): bigint | number | undefined {
  if (isInt(v, 0, Number.MAX_SAFE_INTEGER)) return v;
  if (isStr(v) && /^\d{1,20}n$/.test(v)) {
    const b = BigInt(v.slice(0, -1));
    return b <= U64_MAX ? b : undefined;
  }
  return undefined;
}

const RULE_KEYS = ['syscall', 'action', 'data', 'conditions', 'source', 'numbers'] as const;

function checkRule(r: unknown): boolean {
  if (r === null || typeof r !== 'object' || Array.isArray(r) || !hasOnly(r, RULE_KEYS)) return false;
  const x = r as Record<string, unknown>;
  if (!isStr(x.syscall) || !isStr(x.action) || !ACTIONS.has(x.action) || !isStr(x.source)) return false;
  if (x.data !== undefined && !isInt(x.data, 0, 0xffff)) return false;
  if (!Array.isArray(x.conditions) || x.conditions.length > 6) return false;
  for (const c of x.conditions as unknown[]) {
    if (c === null || typeof c !== 'object' || !hasOnly(c, ['arg', 'op', 'value', 'valueTwo'])) return false;
    const k = c as Record<string, unknown>;
    if (!isInt(k.arg, 0, 5) || !isStr(k.op) || !OPS.has(k.op)) return false;
    const value = u64(k.value);
    if (value === undefined) return false;
    k.value = value;
    if (k.valueTwo !== undefined) {
      const two = u64(k.valueTwo);
      if (two === undefined) return false;
      k.valueTwo = two;
    }
  }
  if (x.numbers !== undefined && !archNumbers(x.numbers)) return false;
  return true;
}

function archNumbers(v: unknown): boolean {
  return Array.isArray(v) && v.every((n) => n !== null && typeof n === 'object' && hasOnly(n, ['arch', 'nr']) &&
    isStr((n as { arch: unknown }).arch) && isInt((n as { nr: unknown }).nr, -0x8000_0000, 0x7fff_ffff));
}

const ENTRY_KEYS = [
  'name', 'unconfined', 'bpf', 'arches', 'flags', 'filterFlags', 'defaultAction', 'defaultData',
  'unknownSyscalls', 'tableSyscalls', 'warnings', 'hash', 'context', 'listenerPath', 'listenerMetadata', 'lastSyscalls',
  'composition',
] as const;

/** A composed profile's origins (compose.ts Composition), as written. */
function composition(v: unknown): boolean {
  if (v === null || typeof v !== 'object' || !hasOnly(v, ['bases', 'rules'])) return false;
  const c = v as { bases: unknown; rules: unknown };
  return strArray(c.bases) && Array.isArray(c.rules) && c.rules.every((r) => r !== null && typeof r === 'object' &&
    hasOnly(r, ['origin', 'profile', 'path']) && (r.origin === 'base' || r.origin === 'own') && isStr(r.path) &&
    (r.profile === undefined || isStr(r.profile)));
}

function sameContext(a: unknown, b: ProfileContext): boolean {
  if (a === null || typeof a !== 'object') return false;
  const c = a as ProfileContext;
  return hasOnly(c, ['capabilities', 'arch', 'kernel']) && strArray(c.capabilities) &&
    c.capabilities.join() === b.capabilities.join() && c.arch === b.arch &&
    c.kernel !== null && typeof c.kernel === 'object' && hasOnly(c.kernel, ['major', 'minor']) &&
    c.kernel.major === b.kernel.major && c.kernel.minor === b.kernel.minor;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** The entry's profile, or why it is refused. Pure apart from decoding. */
export function parseEntry(bytes: Buffer, key: string, expected: Expected): CompiledProfile | string {
  const header = `${FORMAT}\n`;
  const nl = bytes.indexOf(10, header.length);
  if (bytes.toString('latin1', 0, header.length) !== header || nl !== header.length + 16) return 'not an entry of this format';
  const body = bytes.subarray(nl + 1);
  if (digest64(body) !== bytes.toString('latin1', header.length, nl)) return 'checksum mismatch';
  const split = body.indexOf(10);
  if (split < 0) return 'not an entry of this format';
  const rulesText = body.subarray(split + 1);
  let outer: { key?: unknown; profile?: unknown };
  try {
    outer = JSON.parse(body.toString('latin1', 0, split)) as typeof outer;
  } catch {
    return 'not JSON';
  }
  if (outer === null || typeof outer !== 'object' || outer.key !== key) return 'written for another key';
  const e = outer.profile as Record<string, unknown>;
  if (e === null || typeof e !== 'object' || Array.isArray(e) || !hasOnly(e, ENTRY_KEYS)) return 'unexpected fields';
  if (e.name !== expected.name) return 'another profile name';
  if (typeof e.hash !== 'string' || !/^[0-9a-f]{64}$/.test(e.hash)) return 'bad hash';
  if (!sameContext(e.context, expected.context)) return 'another context';
  if (typeof e.unconfined !== 'boolean' || !isStr(e.bpf)) return 'bad program';
  // Plain base64, padded (Buffer.from alone skips what is not base64).
  if (!BASE64.test(e.bpf)) return 'bad program encoding';
  const bpf = Buffer.from(e.bpf, 'base64');
  if (e.unconfined ? bpf.length !== 0 : bpf.length === 0 || bpf.length % INSN_SIZE !== 0 || bpf.length / INSN_SIZE > MAX_INSNS) {
    return 'bad program length';
  }
  if (!e.unconfined) {
    try {
      verifyProgram(bpf);
    } catch (err) {
      return `program refused: ${(err as Error).message}`;
    }
  }
  if (![e.arches, e.flags, e.unknownSyscalls, e.tableSyscalls].every(strArray)) return 'bad name lists';
  if (!isInt(e.filterFlags, 0, 0xffff_ffff)) return 'bad filterFlags';
  if (!isStr(e.defaultAction) || !ACTIONS.has(e.defaultAction)) return 'bad defaultAction';
  if (e.defaultData !== undefined && !isInt(e.defaultData, 0, 0xffff)) return 'bad defaultData';
  if (rulesText[0] !== 0x5b) return 'bad rules'; // [
  const warnings = e.warnings;
  if (!Array.isArray(warnings) || !warnings.every((w) => w !== null && typeof w === 'object' && hasOnly(w, ['path', 'message', 'code']) &&
    isStr(w.path) && isStr(w.message) && (w.code === undefined || isStr(w.code)))) return 'bad warnings';
  if (!archNumbers(e.lastSyscalls)) return 'bad lastSyscalls';
  if (e.composition !== undefined && !composition(e.composition)) return 'bad composition';
  if ((e.listenerPath !== undefined && !isStr(e.listenerPath)) || (e.listenerMetadata !== undefined && !isStr(e.listenerMetadata))) {
    return 'bad listener fields';
  }
  // Field for field as compile() builds its result.
  const c = e as unknown as CompiledProfile;
  const result: CompiledProfile = {
    ...(c.name !== undefined ? { name: c.name } : {}),
    unconfined: c.unconfined,
    bpf,
    arches: c.arches,
    flags: c.flags,
    filterFlags: c.filterFlags,
    defaultAction: c.defaultAction,
    ...(c.defaultData !== undefined ? { defaultData: c.defaultData } : {}),
    rules: [],
    unknownSyscalls: c.unknownSyscalls,
    tableSyscalls: c.tableSyscalls,
    warnings: c.warnings,
    lastSyscalls: c.lastSyscalls,
    hash: c.hash,
    context: c.context,
    ...(c.listenerPath !== undefined ? { listenerPath: c.listenerPath } : {}),
    ...(c.listenerMetadata !== undefined ? { listenerMetadata: c.listenerMetadata } : {}),
    ...(c.composition !== undefined ? { composition: c.composition } : {}),
  };
  for (const k of Object.keys(result)) deepFreeze((result as unknown as Record<string, unknown>)[k]);
  let rules: readonly ResolvedRule[] | undefined;
  Object.defineProperty(result, 'rules', { enumerable: true, get: () => (rules ??= parseRules(rulesText.toString('utf8'))) });
  markProduced(result);
  return Object.freeze(result);
}

// The checksum matched, so only a forged entry (written by this user) can fail here.
function parseRules(text: string): readonly ResolvedRule[] {
  let rules: unknown;
  try {
    rules = JSON.parse(text);
  } catch {
    rules = undefined;
  }
  if (!Array.isArray(rules) || !rules.every(checkRule)) {
    throw new SeccompError('a disk cache entry has invalid rules; remove the seccomp cache directory (see README "Disk cache")', {
      code: ErrorCode.PROFILE_INVALID,
    });
  }
  return deepFreeze(rules as ResolvedRule[]);
}
