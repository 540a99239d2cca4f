// seccomp/register's bundle and doors (scripts/bundle.mjs): dist/register.mjs (--import) and
// dist/register.cjs (--require) run dist/register.bundle.js with V8's code cache, which is kept in
// the package's own .cache/seccomp under the disk cache's rules and written before the filter.
// Each case runs a copy of the package (helpers/package-copy.ts), so that its cache is its own.
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, root, runNode } from './helpers/child.js';
import { outer } from './helpers/nested.js';
import { packageCopy } from './helpers/package-copy.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-bundle-');
const denyMkdir = join(fixtures, 'deny-mkdir.json');

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
  return env;
}

/** Starts register-app.mjs behind the package copy `pkg` (--import by default). */
function start(pkg: string, env: Record<string, string> = {}, flag = '--import', door = join(pkg, 'dist', 'register.mjs'), prefix: string[] = []) {
  const dir = scratch();
  const marker = join(dir, 'marker');
  const r = runNode([...prefix.slice(1), flag, door, join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
    cwd: dir,
    env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, SECCOMP_CACHE_DEBUG: '1', ...env },
  });
  return { ...r, ran: existsSync(marker) };
}

const cacheOf = (pkg: string): string => join(pkg, '.cache', 'seccomp');
const codeCaches = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((n) => n.endsWith('.v8cache')) : []);

/** A profile that allows everything but kills the process at any rename (how a cache file lands). */
function killRename(): string {
  const profile = join(scratch(), 'kill-rename.json');
  writeFileSync(profile, JSON.stringify({
    defaultAction: 'SCMP_ACT_ALLOW',
    syscalls: [{ names: ['rename', 'renameat', 'renameat2'], action: 'SCMP_ACT_KILL_PROCESS' }],
  }));
  return profile;
}

/** A package copy whose profile entry and code cache are written (starts: a miss, then a hit). */
function warmed() {
  const pkg = packageCopy(scratch());
  const miss = start(pkg);
  expect(miss.status, miss.stderr).toBe(0);
  expect(miss.stderr).toMatch(/no code cache register-/);
  expect(codeCaches(cacheOf(pkg))).toEqual([]); // a miss runs the compiler: the next start is the one to keep
  const hit = start(pkg);
  expect(hit.status, hit.stderr).toBe(0);
  expect(hit.stderr).toMatch(/wrote register-[0-9a-f]{16}-.*\.v8cache/);
  const [file] = codeCaches(cacheOf(pkg));
  return { pkg, path: join(cacheOf(pkg), file) };
}

describe('dist/register.bundle.js', () => {
  it('refuses to run on its own (as a module it would filter nothing): the program does not start', () => {
    for (const flag of ['--import', '--require']) {
      const r = start(root, {}, flag, join(root, 'dist', 'register.bundle.js'));
      expect(r.status).not.toBe(0);
      expect(r.ran).toBe(false);
      expect(r.stderr).toMatch(/register\.bundle\.js is loaded by dist\/register\.cjs or register\.mjs/);
    }
  });
});

describe('the doors fail closed', () => {
  it.each(['register.bundle.js', 'build-id'])('without dist/%s: status 125, the program not started (--import and --require)', (gone) => {
    const pkg = packageCopy(scratch());
    unlinkSync(join(pkg, 'dist', gone));
    for (const [flag, door] of [['--import', 'register.mjs'], ['--require', 'register.cjs']]) {
      const r = start(pkg, {}, flag, join(pkg, 'dist', door));
      expect(r.status, r.stderr).toBe(125);
      expect(r.ran).toBe(false);
      expect(r.stderr).toMatch(/^seccomp\/register: cannot load the sandbox: .*; the program was not started$/m);
    }
  });
});

describe('V8 code cache of the register bundle', () => {
  it('a start after the first runs from it, with the same result (--import and --require)', () => {
    const { pkg, path } = warmed();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const [flag, door] of [['--import', 'register.mjs'], ['--require', 'register.cjs']]) {
      const r = start(pkg, {}, flag, join(pkg, 'dist', door));
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
      expect(r.json.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1 });
    }
    // --import reads the one written under --import; --require (other Node options) has its own.
    expect(start(pkg).stderr).toMatch(/seccomp cache: code cache register-/);
    expect(codeCaches(cacheOf(pkg))).toHaveLength(2);
  });

  it('replaces one that V8 refuses (damaged, right owner and mode); the start is unchanged', () => {
    const { pkg, path } = warmed();
    writeFileSync(path, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    const r = start(pkg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.stderr).toMatch(/code cache refused by V8/);
    expect(r.stderr).toMatch(/wrote register-/);
    expect(readFileSync(path).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
  });

  it('does not read one that others could have written, or a link', () => {
    const { pkg, path } = warmed();
    chmodSync(path, 0o644);
    const open = start(pkg);
    expect(open.status, open.stderr).toBe(0);
    expect(open.stderr).toMatch(/refused register-\S+: mode 644/);
    unlinkSync(path);
    const elsewhere = join(scratch(), 'planted.v8cache');
    writeFileSync(elsewhere, 'x', { mode: 0o600 });
    symlinkSync(elsewhere, path);
    const linked = start(pkg);
    expect(linked.status, linked.stderr).toBe(0);
    expect(linked.json.mkdir).toBe('EPERM');
    expect(linked.stderr).toMatch(/refused register-\S+: ELOOP/);
  });

  it('lives only in the package: SECCOMP_CACHE_DIR (which the environment sets) moves nothing', () => {
    const pkg = packageCopy(scratch());
    const elsewhere = join(scratch(), 'cache');
    for (let i = 0; i < 3; i++) expect(start(pkg, { SECCOMP_CACHE_DIR: elsewhere }).status).toBe(0);
    expect(existsSync(elsewhere)).toBe(false);
    expect(readdirSync(cacheOf(pkg)).some((n) => n.endsWith('.json'))).toBe(true);
    expect(codeCaches(cacheOf(pkg))).toHaveLength(1);
  });

  it('is written before the filter: a profile that kills on rename still starts', () => {
    const profile = killRename();
    const pkg = packageCopy(scratch());
    expect(start(pkg, { SECCOMP_PROFILE: profile }).status).toBe(0); // miss: no code cache yet
    const hit = start(pkg, { SECCOMP_PROFILE: profile });
    expect(hit.signal).toBe(null);
    expect(hit.status, hit.stderr).toBe(0);
    expect(hit.stderr).toMatch(/wrote register-/);
    expect(codeCaches(cacheOf(pkg))).toHaveLength(1);
  });

  it('is not written under a filter the process inherited (nor is a profile entry): it may kill for the writes', () => {
    const profile = killRename();
    const pkg = packageCopy(scratch());
    const under = [process.execPath, join(root, 'dist', 'cli.js'), 'run', '--profile', profile, '--isolation=none', '--'];
    const outerRun = () => {
      const dir = scratch();
      return runNode([...under.slice(1), process.execPath, '--import', join(pkg, 'dist', 'register.mjs'), join(fixtures, 'register-app.mjs'), join(dir, 'marker'), join(dir, 'made')], {
        cwd: dir,
        env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, SECCOMP_CACHE_DEBUG: '1' },
      });
    };
    for (let i = 0; i < 2; i++) {
      const r = outerRun();
      expect(r.signal, r.stderr).toBe(null);
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
    }
    expect(codeCaches(cacheOf(pkg))).toEqual([]);
    expect(existsSync(cacheOf(pkg)) ? readdirSync(cacheOf(pkg)) : []).toEqual([]);
  });

  it('keeps its bounds past a name it did not write (a directory named like a code cache)', () => {
    const { pkg } = warmed();
    const odd = join(cacheOf(pkg), 'register-0000000000000000-x.v8cache');
    mkdirSync(odd);
    for (const path of codeCaches(cacheOf(pkg))) if (path !== basename(odd)) unlinkSync(join(cacheOf(pkg), path));
    const r = start(pkg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote register-/);
    expect(r.stderr).not.toMatch(/cannot write/);
    expect(statSync(odd).isDirectory()).toBe(true);
  });

  it('SECCOMP_CACHE=0: none is read or written', () => {
    const pkg = packageCopy(scratch());
    for (let i = 0; i < 3; i++) {
      const r = start(pkg, { SECCOMP_CACHE: '0' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
    }
    expect(codeCaches(cacheOf(pkg))).toEqual([]);
  });
});

describe('the doors under --preserve-symlinks', () => {
  it('a link to a door loads the bundle beside the real door, not one planted beside the link', () => {
    const pkg = packageCopy(scratch());
    const dir = scratch();
    const planted = join(dir, 'planted-ran');
    writeFileSync(join(dir, 'register.bundle.js'), `(function () { require('node:fs').writeFileSync(${JSON.stringify(planted)}, 'x'); })`);
    for (const door of ['register.cjs', 'register.mjs']) {
      symlinkSync(join(pkg, 'dist', door), join(dir, door));
      const flag = door.endsWith('.cjs') ? '--require' : '--import';
      const r = start(pkg, {}, flag, join(dir, door), ['', '--preserve-symlinks']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
      expect(existsSync(planted)).toBe(false);
    }
  });
});
