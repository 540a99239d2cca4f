// seccomp/register's bundle and doors (scripts/bundle.mjs): dist/register.mjs (--import) and
// dist/register.cjs (--require) run dist/register.bundle.js with V8's code cache, which is kept in
// the disk cache directory under its rules and written before the filter goes on.
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, root, runNode } from './helpers/child.js';
import { outer } from './helpers/nested.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-bundle-');
const denyMkdir = join(fixtures, 'deny-mkdir.json');

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
  return env;
}

/** Starts register-app.mjs behind `preload` with a cache directory of its own (`cache`). */
function start(cache: string, env: Record<string, string> = {}, preload = ['--import', 'seccomp/register']) {
  const dir = scratch();
  const marker = join(dir, 'marker');
  const r = runNode([...preload, join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
    cwd: root,
    env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, SECCOMP_CACHE_DIR: cache, SECCOMP_CACHE_DEBUG: '1', ...env },
  });
  return { ...r, ran: existsSync(marker) };
}

const codeCaches = (cache: string): string[] =>
  existsSync(cache) ? readdirSync(cache).filter((n) => n.endsWith('.v8cache')) : [];

/** A cache directory whose entry and code cache are written (three starts: miss, hit, hit). */
function warmed() {
  const cache = join(scratch(), 'seccomp');
  const miss = start(cache);
  expect(miss.status, miss.stderr).toBe(0);
  expect(miss.stderr).toMatch(/no code cache register-/);
  expect(codeCaches(cache)).toEqual([]); // a miss runs the compiler; the next start is the one to cache
  const hit = start(cache);
  expect(hit.status, hit.stderr).toBe(0);
  expect(hit.stderr).toMatch(/wrote register-[0-9a-f]{16}-.*\.v8cache/);
  const [file] = codeCaches(cache);
  return { cache, path: join(cache, file) };
}

describe('dist/register.bundle.js', () => {
  it('refuses to run on its own (as a module it would filter nothing): the program does not start', () => {
    for (const flag of ['--import', '--require']) {
      const r = start(join(scratch(), 'seccomp'), {}, [flag, join(root, 'dist', 'register.bundle.js')]);
      expect(r.status).not.toBe(0);
      expect(r.ran).toBe(false);
      expect(r.stderr).toMatch(/register\.bundle\.js is loaded by dist\/register\.cjs or register\.mjs/);
    }
  });
});

describe('V8 code cache of the register bundle', () => {
  it('a start after the first runs from it, with the same result (--import and --require)', () => {
    const { cache, path } = warmed();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    for (const flag of ['--import', '--require']) {
      const r = start(cache, {}, [flag, 'seccomp/register']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
      expect(r.json.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1 });
    }
    // --import reads the one written under --import; --require (other Node options) has its own.
    expect(start(cache).stderr).toMatch(/seccomp cache: code cache register-/);
    expect(codeCaches(cache)).toHaveLength(2);
  });

  it('replaces one that V8 refuses (damaged, right owner and mode); the start is unchanged', () => {
    const { cache, path } = warmed();
    writeFileSync(path, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
    const r = start(cache);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.stderr).toMatch(/code cache refused by V8/);
    expect(r.stderr).toMatch(/wrote register-/);
    expect(readFileSync(path).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
  });

  it('does not read one that others could have written, or a link', () => {
    const { cache, path } = warmed();
    chmodSync(path, 0o644);
    const open = start(cache);
    expect(open.status, open.stderr).toBe(0);
    expect(open.stderr).toMatch(/refused register-\S+: mode 644/);
    unlinkSync(path);
    const elsewhere = join(scratch(), 'planted.v8cache');
    writeFileSync(elsewhere, 'x', { mode: 0o600 });
    symlinkSync(elsewhere, path);
    const linked = start(cache);
    expect(linked.status, linked.stderr).toBe(0);
    expect(linked.json.mkdir).toBe('EPERM');
    expect(linked.stderr).toMatch(/refused register-\S+: ELOOP/);
  });

  it('is written before the filter: a profile that kills on rename still starts', () => {
    const profile = join(scratch(), 'kill-rename.json');
    writeFileSync(profile, JSON.stringify({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['rename', 'renameat', 'renameat2'], action: 'SCMP_ACT_KILL_PROCESS' }],
    }));
    const cache = join(scratch(), 'seccomp');
    expect(start(cache, { SECCOMP_PROFILE: profile }).status).toBe(0); // miss: no code cache yet
    const hit = start(cache, { SECCOMP_PROFILE: profile });
    expect(hit.signal).toBe(null);
    expect(hit.status, hit.stderr).toBe(0);
    expect(hit.stderr).toMatch(/wrote register-/);
    expect(codeCaches(cache)).toHaveLength(1);
  });

  it('SECCOMP_CACHE=0: none is read or written', () => {
    const cache = join(scratch(), 'seccomp');
    for (let i = 0; i < 3; i++) {
      const r = start(cache, { SECCOMP_CACHE: '0' });
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
    }
    expect(codeCaches(cache)).toEqual([]);
  });
});
