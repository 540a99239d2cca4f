// seccomp/register's start record: what a register start applied, kept so that the next start in
// the same conditions applies it without loading the bundle, the profile or the disk cache's
// checks (register-fast.ts). register.ts writes one just before it changes the process, once
// every check has passed, and only for the plain case: a built-in profile named by
// SECCOMP_PROFILE with every other SECCOMP_* setting at its default, on the main thread of a
// process this package has not filtered yet, with no capability to drop, full isolation and no
// warning to print.
//
// Trust: as the disk cache's entries (cache-files.ts: the package's own directory, owner, mode,
// one link, no symlink), with a checksum against damage. The key holds every fact the register's
// decision rests on besides the built-in profile itself (which the build id covers): this
// build and addon, libseccomp's version and functions, the kernel (uname, Landlock ABI), the
// arch, and this thread's credentials, capabilities, no_new_privs and seccomp state as
// /proc/thread-self/status gives them. It is stored in the record and compared whole.
import { fs, readProc } from '../builtins.js';
const { statSync } = fs;
import { addonFile, native } from '../native.js';
import { BUILTIN_NAMES } from '../profiles/names.js';
import { BASE64, buildId, debug, diskCacheOff, packageCacheDir, pruneOwn, readPrivate, usableDir, writePrivate } from './cache-files.js';

const FORMAT = 'seccomp-start/1';
const MAX_RECORD = 256 * 1024;
/** Records kept (one per set of conditions); a write removes the oldest beyond. */
const KEEP = 16;
const NAME = /^start-[0-9a-f]{16}\.json$/;

/** What a start applies: install()'s input, and the key register.ts remembers for workers. */
export interface StartRecord {
  name: string;
  hash: string;
  bpf: Buffer;
  filterFlags: number;
  warnings: { path: string; message: string; code?: string }[];
  capabilities: string[];
  rememberKey: string;
}

// The settings besides SECCOMP_PROFILE that a start record's case leaves at their defaults.
const DEFAULTED = ['SECCOMP_UNKNOWN_SYSCALLS', 'SECCOMP_ISOLATION', 'SECCOMP_CAPABILITIES'];

/** Whether this start is the plain case start records are for (see above); pure over `env`. */
export function plainStart(env: NodeJS.ProcessEnv): env is NodeJS.ProcessEnv & { SECCOMP_PROFILE: string } {
  const spec = env.SECCOMP_PROFILE;
  if (spec === undefined || !BUILTIN_NAMES.includes(spec)) return false;
  if (DEFAULTED.some((k) => env[k] !== undefined && env[k] !== '')) return false;
  const strict = env.SECCOMP_PROFILE_STRICT;
  return strict === undefined || strict === '' || strict === '0';
}

// The status fields the decision reads (capabilities, no_new_privs) and those that tell
// processes apart that it could treat differently (credentials, seccomp state).
const STATUS_FIELD = /^(?:Uid|Gid|Groups|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters):.*$/gm;

/** The key of `spec`'s start record for this thread (`status`: its /proc status), or undefined. */
export function startKey(spec: string, status: string, dist: string): string | undefined {
  const id = buildId(dist);
  if (id === undefined) return undefined;
  const b = native();
  const info = b.libraryInfo();
  const optional = Object.entries(info.optional).sort().map(([k, v]) => `${k}=${v}`).join(',');
  const addon = statSync(addonFile());
  return [
    FORMAT,
    `build ${id}`,
    `addon ${addon.dev}:${addon.ino}:${addon.size}:${addon.mtimeMs}`,
    `libseccomp ${info.major}.${info.minor}.${info.micro} api ${info.api} ${optional}`,
    // uname's release and version, as /proc gives them (node:os would cost the start its load).
    `kernel ${readProc('/proc/sys/kernel/osrelease').trim()} ${readProc('/proc/sys/kernel/version').trim()} landlock ${b.landlockAbi()}`,
    `arch ${process.arch}`,
    ...(status.match(STATUS_FIELD) ?? []),
    `profile ${spec}`,
  ].join('\n');
}

const fileName = (key: string): string => `start-${native().checksum64(Buffer.from(key))}.json`;

/** The record for `key` in `dir`, or undefined (missing, refused or damaged: the full start then runs). */
export function readStartRecord(dir: string, key: string): StartRecord | undefined {
  const name = fileName(key);
  const bytes = readPrivate(dir, name, MAX_RECORD);
  if (!Buffer.isBuffer(bytes)) {
    if (bytes.refused !== 'missing') debug(`refused ${name}: ${bytes.refused}`);
    return undefined;
  }
  const why = parseRecord(bytes, key);
  if (typeof why === 'string') {
    debug(`refused ${name}: ${why}`);
    return undefined;
  }
  debug(`start record ${name}`);
  return why;
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/** A record's content for `key`, or why it is refused. Pure apart from the checksum. */
export function parseRecord(bytes: Buffer, key: string): StartRecord | string {
  const header = `${FORMAT}\n`;
  const nl = bytes.indexOf(10, header.length);
  if (bytes.toString('latin1', 0, header.length) !== header || nl !== header.length + 16) return 'not a start record of this format';
  const body = bytes.subarray(nl + 1);
  if (native().checksum64(body) !== bytes.toString('latin1', header.length, nl)) return 'checksum mismatch';
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
  } catch {
    return 'not JSON';
  }
  if (r === null || typeof r !== 'object' || Array.isArray(r)) return 'not an object';
  if (r.key !== key) return 'written for another key';
  const { name, hash, bpf, filterFlags, warnings, capabilities, rememberKey } = r;
  if (!isStr(name) || !BUILTIN_NAMES.includes(name) || !isStr(hash) || !/^[0-9a-f]{64}$/.test(hash) || !isStr(rememberKey)) return 'bad fields';
  if (!isStr(bpf) || !BASE64.test(bpf) || bpf.length === 0) return 'bad program';
  const program = Buffer.from(bpf, 'base64');
  if (program.length % 8 !== 0) return 'bad program length';
  if (!Number.isSafeInteger(filterFlags) || (filterFlags as number) < 0 || (filterFlags as number) > 0xffff_ffff) return 'bad filterFlags';
  if (!Array.isArray(capabilities) || !capabilities.every(isStr)) return 'bad capabilities';
  if (!Array.isArray(warnings) || !warnings.every((w) => w !== null && typeof w === 'object' && isStr(w.path) && isStr(w.message) &&
    (w.code === undefined || isStr(w.code)))) return 'bad warnings';
  return {
    name, hash, bpf: program, filterFlags: filterFlags as number, rememberKey,
    warnings: warnings.map((w) => ({ path: w.path, message: w.message, ...(w.code !== undefined ? { code: w.code } : {}) })),
    capabilities: [...capabilities],
  };
}

/** Stores `record` under `key` (never from a filtered thread: writePrivate refuses then). */
export function writeStartRecord(key: string, record: StartRecord): void {
  if (diskCacheOff()) return;
  const dir = usableDir(true, packageCacheDir());
  if (dir === undefined) return;
  const name = fileName(key);
  const body = Buffer.from(JSON.stringify({ key, ...record, bpf: record.bpf.toString('base64') }));
  try {
    writePrivate(dir, name, Buffer.concat([Buffer.from(`${FORMAT}\n${native().checksum64(body)}\n`), body]));
    debug(`wrote ${name}`);
    pruneOwn(dir, (n) => NAME.test(n), KEEP, name);
  } catch (e) {
    debug(`cannot write ${name}: ${(e as Error).message}`);
  }
}
