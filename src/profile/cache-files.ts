// The files of the disk cache, trusted exactly as much as the user's own files and no more: the
// directory and every file must belong to this process's effective uid and be writable by nobody
// else, files are opened without following links and must be regular, singly-linked files, and
// are written whole under a private temporary name, then renamed into place, never from a
// filtered thread. Used for the compiled profiles (disk-cache.ts) and V8's code cache of the
// seccomp/register bundle (its door, scripts/bundle.mjs), which loads this module first.
import { fs, path, readProc, url } from '../builtins.js';
const { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } = fs;
const { dirname, join } = path;
const { fileURLToPath } = url;

/** SECCOMP_CACHE=0 (or false, no, off) turns the disk cache off. */
export function diskCacheOff(): boolean {
  const env = process.env.SECCOMP_CACHE;
  return env !== undefined && /^(0|false|no|off)$/i.test(env.trim());
}

export function debug(what: string): void {
  if (process.env.SECCOMP_CACHE_DEBUG === '1') writeSync(2, `seccomp cache: ${what}\n`);
}

export const euid = (): number => process.geteuid?.() ?? -1;

const buildIds = new Map<string, string | undefined>();

/**
 * `dist/build-id` (scripts/build-id.mjs: a SHA-256 of every JavaScript file the build wrote) of
 * the build in `dist`, read once; undefined without a valid one (a build by tsc alone).
 */
export function buildId(dist: string): string | undefined {
  if (buildIds.has(dist)) return buildIds.get(dist);
  let id: string | undefined;
  try {
    const text = readFileSync(join(dist, 'build-id'), 'latin1');
    id = /^[0-9a-f]{64}\n$/.test(text) ? text.slice(0, 64) : undefined;
  } catch {
    id = undefined;
  }
  buildIds.set(dist, id);
  return id;
}

export function packageRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Ours: a directory (not a link) owned by this euid that nobody else can write. */
function ownDir(path: string): boolean {
  const st = lstatSync(path);
  return st.isDirectory() && st.uid === euid() && (st.mode & 0o022) === 0;
}

/**
 * The cache directory: `.cache/seccomp` inside this package, which no environment variable moves
 * (an entry chooses a filter, a code cache runs before any check: a directory the environment
 * named would let it choose them). Not under $HOME either: a sandboxed command of this uid can
 * write there and would choose a later run's filter; the package's own directory is as writable
 * as the code that installs the filter, so the cache adds no way in. A read-only or
 * foreign-owned install simply has no cache.
 */
export function packageCacheDir(): string {
  return join(packageRoot(), '.cache', 'seccomp');
}

/**
 * Whether this thread runs behind a seccomp filter. Nothing is written then: the filter (one this
 * process inherited, or applied itself) may deny the writes, or kill the process for them.
 */
export function filtered(): boolean {
  try {
    return /^Seccomp:\s*2/m.test(readProc('/proc/thread-self/status'));
  } catch {
    return true; // cannot tell: do not write
  }
}

/**
 * The cache directory (`dir`, by default the package's) when it is usable: owned by this euid and
 * not group/world-writable. With `create` (for a write; never from a filtered thread), it is made
 * (0700) when missing, inside a parent that belongs to this euid (never in another user's home,
 * as with `sudo` keeping HOME).
 */
export function usableDir(create: boolean, dir: string = packageCacheDir()): string | undefined {
  if (create && filtered()) return undefined;
  try {
    if (ownDir(dir)) return dir;
    debug(`refused ${dir}: not a directory of uid ${euid()} closed to others`);
    return undefined;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || !create) return undefined;
  }
  try {
    const base = dirname(dir);
    try {
      if (statSync(base).uid !== euid()) return undefined;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || statSync(dirname(base)).uid !== euid()) return undefined;
      mkdirSync(base, { mode: 0o700 });
    }
    mkdirSync(dir, { mode: 0o700 });
    return ownDir(dir) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The bytes of `dir/file`, or why they are not taken ('missing', or a refusal): not a regular
 * file of this euid closed to others with one link, or larger than `maxBytes`.
 */
export function readPrivate(dir: string, file: string, maxBytes: number): Buffer | { refused: string } {
  let fd: number;
  try {
    // O_NONBLOCK: a FIFO planted under the name must not block the open.
    fd = openSync(join(dir, file), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { refused: code === 'ENOENT' ? 'missing' : String(code) };
  }
  try {
    const st = fstatSync(fd);
    const why = !st.isFile() ? 'not a regular file'
      : st.uid !== euid() ? `owned by uid ${st.uid}`
      : (st.mode & 0o077) !== 0 ? `mode ${(st.mode & 0o777).toString(8)}`
      : st.nlink !== 1 ? `${st.nlink} links`
      : st.size > maxBytes ? 'too large'
      : undefined;
    return why ? { refused: why } : readFileSync(fd);
  } catch (e) {
    return { refused: (e as Error).message };
  } finally {
    closeSync(fd);
  }
}

let written = 0;

/**
 * Writes `bytes` as `dir/file` (0600): a private temporary file, renamed into place. Throws on
 * failure, and from a filtered thread (see filtered()).
 */
export function writePrivate(dir: string, file: string, bytes: Uint8Array): void {
  if (filtered()) throw new Error('this thread runs behind a seccomp filter');
  // O_EXCL: a name taken (by anyone) is an error, never a file shared with someone else.
  const tmp = join(dir, `.${file}.${process.pid}.${Date.now()}.${++written}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, join(dir, file));
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // never created
    }
    throw e;
  }
}

/**
 * Keeps the newest `keep` files of `dir` that `kind` names (besides `current`, which stays) and
 * removes the rest, and those `stale` names whatever their age. Only files: a directory is left
 * alone and a link is removed, never followed; one that cannot be removed stops nothing.
 */
export function pruneOwn(dir: string, kind: (name: string) => boolean, keep: number, current: string, stale: (name: string) => boolean = () => false): void {
  const mine: { name: string; mtime: number }[] = [];
  const remove = (name: string) => {
    try {
      unlinkSync(join(dir, name));
    } catch {
      // gone meanwhile, or not ours to remove
    }
  };
  for (const name of readdirSync(dir)) {
    if (!kind(name) || name === current) continue;
    const st = lstatSync(join(dir, name), { throwIfNoEntry: false });
    if (!st || st.isDirectory()) continue;
    if (stale(name)) remove(name);
    else mine.push({ name, mtime: st.mtimeMs });
  }
  for (const { name } of mine.sort((a, b) => b.mtime - a.mtime).slice(keep - 1)) remove(name);
}

/** Plain padded base64, as the cache writes it (Buffer.from alone skips what is not base64). */
export const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
