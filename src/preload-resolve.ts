// Which file a preload option names, as Node resolves it from the working directory: what
// seccomp/register needs to tell its own entry from user code that would run before it. The
// plain cases are answered with a few stats, by the rules Node's resolvers follow; the rest by
// Node's CommonJS resolver for --require. For --import and loaders (ES resolution, which cannot
// be called synchronously here) only a plain answer counts: anything else is "not ours", so the
// register refuses to start the program rather than guess.
import { fs, path, url } from './builtins.js';
const { readFileSync, statSync } = fs;
// realpath(3) itself: fs.realpathSync's JavaScript walk costs a start a millisecond or more.
const realpathSync = (p: string): string => fs.realpathSync.native(p);
const { basename, dirname, join, resolve } = path;
const { fileURLToPath, pathToFileURL } = url;
import { createRequire } from 'node:module';
import { packageRoot } from './native.js';
import type { Preload } from './preloads.js';

const ENTRY = 'seccomp/register';

// The entry files of this package (register.js, and the two doors to the bundle that holds it;
// scripts/bundle.mjs), by real path: a preload naming any of them is the register.
let entries: Set<string> | undefined;
function ours(): Set<string> {
  if (entries) return entries;
  entries = new Set<string>();
  for (const f of ['./register.js', './register.cjs', './register.mjs']) {
    try {
      entries.add(realpathSync(fileURLToPath(new URL(f, import.meta.url))));
    } catch {
      // not built (src/ under the test runner)
    }
  }
  return entries;
}

const isFile = (p: string): boolean => statSync(p, { throwIfNoEntry: false })?.isFile() === true;
const isPathSpec = (spec: string): boolean => spec.startsWith('/') || spec.startsWith('./') || spec.startsWith('../');

/**
 * Where `seccomp/register` leads from `dir`, by the rules both resolvers try first: the package
 * that encloses `dir` when it is named seccomp (self-reference; the search stops at a
 * node_modules directory), else the first node_modules/seccomp up the tree. The ES walk looks in
 * every ancestor and takes only a directory; the CommonJS one skips ancestors named
 * node_modules and goes on past a directory it cannot use. 'unknown': anything but this package.
 */
let realRoot: string | undefined;

function entryFrom(dir: string, es: boolean): 'ours' | 'unknown' {
  const root = (realRoot ??= realpathSync(packageRoot));
  for (let d = dir; basename(d) !== 'node_modules'; d = dirname(d)) {
    if (isFile(join(d, 'package.json'))) {
      if (realpathSync(d) === root) return 'ours';
      const name = (JSON.parse(readFileSync(join(d, 'package.json'), 'utf8')) as { name?: unknown } | null)?.name;
      if (name === 'seccomp') return 'unknown'; // another copy of this package
      break;
    }
    if (dirname(d) === d) break;
  }
  for (let d = dir; ; d = dirname(d)) {
    if (es || basename(d) !== 'node_modules') {
      const candidate = join(d, 'node_modules', 'seccomp');
      const st = statSync(candidate, { throwIfNoEntry: false });
      if (st && (!es || st.isDirectory())) return realpathSync(candidate) === root ? 'ours' : 'unknown';
    }
    if (dirname(d) === d) return 'unknown';
  }
}

/** Whether preload `p`, resolved from the working directory, is this package's register entry. */
export function isOurs(p: Preload): boolean {
  try {
    const cwd = process.cwd();
    if (p.kind === 'require') {
      // CommonJS: a path naming a file is that file; a `file:` URL is a package name like any other.
      if (p.spec === ENTRY && entryFrom(cwd, false) === 'ours') return true;
      const file = isPathSpec(p.spec) && isFile(resolve(cwd, p.spec))
        ? resolve(cwd, p.spec)
        : createRequire(join(cwd, 'noop.js')).resolve(p.spec);
      return ours().has(realpathSync(file));
    }
    // ES: our name, or a URL relative to the working directory's (a query and a fragment are
    // dropped, %-escapes decoded, no extension is added); other names may map anywhere.
    if (p.spec === ENTRY) return entryFrom(cwd, true) === 'ours';
    if (!isPathSpec(p.spec) && !p.spec.startsWith('file:')) return false;
    const u = new URL(p.spec, pathToFileURL(join(cwd, '/')));
    return u.protocol === 'file:' && ours().has(realpathSync(fileURLToPath(u)));
  } catch {
    return false;
  }
}
