// seccomp/register's door. scripts/bundle.mjs builds this module, with what it imports, into
// dist/register.mjs (--import) and dist/register.cjs (--require). It applies a matching start
// record (register-fast.ts), or else compiles dist/register.bundle.js (register.js and the
// modules it needs, as one script) with V8's code cache and runs it.
//
// The code cache is code run before any check, so it lives only in the package's own
// .cache/seccomp (no environment variable moves it), under the disk cache's rules (cache-files.ts),
// and is trusted exactly as much as dist/. Its name carries this build's id, V8's version, the
// arch and the Node options: V8 refuses a cache made under other flags, and of the source it
// checks only the length.
import { fs, path, url } from './builtins.js';
const { readFileSync } = fs;
const { dirname, join } = path;
const { fileURLToPath } = url;
import { createRequire } from 'node:module';
import { fastStart } from './register-fast.js';
import { buildId, debug, diskCacheOff, packageCacheDir, pruneOwn, readPrivate, usableDir, writePrivate } from './profile/cache-files.js';

const MAX_CODE_CACHE = 64 * 1024 * 1024;
/** Code caches kept for this build (one per set of Node options). */
const KEEP = 8;

/** What register.js calls on a start that took its profile from the disk cache. */
export interface Door {
  /** Just before the filter, which could deny (or kill for) the writes: stores the code cache. */
  beforeFilter(): void;
}

type Bundle = (require: NodeJS.Require, base: string, door: Door) => void;

// FNV-1a 32 of the Node options: two programs started with different ones keep a cache each
// instead of replacing each other's at every start.
function optionsHash(): string {
  let h = 0x811c9dc5;
  for (const c of `${process.execArgv.join('\0')}\0${process.env.NODE_OPTIONS ?? ''}`) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(16);
}

/**
 * Applies a start record when one matches (register-fast.ts), else compiles and runs the bundle.
 * `import.meta.url` is the door's, by its real path (the door sees to it).
 */
export function enter(): void {
  const here = dirname(fileURLToPath(import.meta.url));
  if (fastStart(here)) return;
  const file = join(here, 'register.bundle.js');
  // ASCII (the build makes sure): read as latin1, one byte a character, which spares the
  // start a UTF-8 decode and half the memory (and so a garbage collection).
  const source = readFileSync(file, 'latin1');
  const id = buildId(here);
  if (id === undefined) throw new Error(`no valid build id in ${here} (npm run build:ts writes it)`);
  const build = id.slice(0, 16);
  const name = `register-${build}-${process.versions.v8}-${process.arch}-${optionsHash()}.v8cache`;
  const off = diskCacheOff();
  const dir = off ? undefined : usableDir(false, packageCacheDir());
  const held = dir === undefined ? undefined : readPrivate(dir, name, MAX_CODE_CACHE);
  const cachedData = Buffer.isBuffer(held) ? held : undefined;
  if (held !== undefined && !Buffer.isBuffer(held) && held.refused !== 'missing') debug(`refused ${name}: ${held.refused}`);
  const require = createRequire(import.meta.url);
  const vm = require('node:vm') as typeof import('node:vm');
  const script = new vm.Script(source, { filename: file, cachedData });
  debug(cachedData === undefined ? `no code cache ${name}` : script.cachedDataRejected ? `code cache refused by V8 ${name}` : `code cache ${name}`);
  let wanted = !off && (cachedData === undefined || script.cachedDataRejected === true);
  const door: Door = {
    beforeFilter() {
      if (!wanted) return;
      wanted = false;
      try {
        const to = usableDir(true, packageCacheDir());
        if (to === undefined) return;
        // The functions run so far are compiled by now, and go into the cache.
        writePrivate(to, name, script.createCachedData());
        // Those of other builds go, and all but the newest KEEP of this one.
        pruneOwn(to, (n) => n.startsWith('register-') && n.endsWith('.v8cache'), KEEP, name, (n) => !n.startsWith(`register-${build}-`));
        debug(`wrote ${name}`);
      } catch (err) {
        debug(`cannot write ${name}: ${(err as Error).message}`);
      }
    },
  };
  (script.runInThisContext() as Bundle)(require, new URL('./', import.meta.url).href, door);
}
