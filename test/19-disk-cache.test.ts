// compile()'s disk cache (src/profile/disk-cache.ts): results kept across processes in the
// package's own .cache/seccomp (no environment variable moves it), trusted only when they are
// exactly this user's, for exactly this key, and intact. Every case runs in child processes of a
// copy of the package (helpers/package-copy.ts), so that its cache is its own, with
// SECCOMP_CACHE_DEBUG=1, whose stderr says what the cache did.
import { chmodSync, chownSync, copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../dist/profile/compile.js';
import { digest64 } from '../dist/profile/disk-cache.js';
import { fixtures, root, runNode } from './helpers/child.js';
import { packageCopy } from './helpers/package-copy.js';
import { scratchDirs } from './helpers/scratch.js';
import { users } from './helpers/users.js';
import { thrown } from './helpers/thrown.js';

const scratch = scratchDirs('seccomp-cache-');
const nobody = users[1];

/** A copy of the package (readable by all, as an install is), with the compile fixture in it. */
function pkgCopy(): string {
  const dir = scratch();
  chmodSync(dir, 0o755);
  const pkg = packageCopy(dir);
  mkdirSync(join(pkg, 'test', 'fixtures'), { recursive: true });
  copyFileSync(join(fixtures, 'cache-compile.mjs'), join(pkg, 'test', 'fixtures', 'cache-compile.mjs'));
  return pkg;
}

const cacheOf = (pkg: string): string => join(pkg, '.cache', 'seccomp');

/** Compiles `spec` in a child process of the package copy `pkg`. */
function compileIn(pkg: string, spec = 'docker-default', options?: object, env: Record<string, string> = {}, spawn: object = {}) {
  const r = runNode([join(pkg, 'test', 'fixtures', 'cache-compile.mjs'), spec, ...(options ? [JSON.stringify(options)] : [])], {
    env: { ...process.env, SECCOMP_CACHE_DEBUG: '1', ...env },
    ...spawn,
  });
  expect(r.status, r.stderr).toBe(0);
  return { ...r.json, log: r.stderr };
}

const entries = (pkg: string) => readdirSync(cacheOf(pkg)).filter((n) => n.endsWith('.json'));

/** A cache with docker-default's entry in it; returns the entry's path and the fresh result. */
function warmed() {
  const xdg = pkgCopy();
  const first = compileIn(xdg);
  expect(first.log).toMatch(/wrote [0-9a-f]{16}/);
  const [entry] = entries(xdg);
  return { xdg, first, path: join(cacheOf(xdg), entry) };
}

describe('compile() cache option', () => {
  it('refuses a cache value that is neither a boolean nor "memory"', () => {
    for (const cache of ['disk', 1, null]) {
      expect(thrown(() => compile('docker-default', { cache } as never))).toMatchObject({ code: 'ERR_INVALID_ARG_TYPE' });
    }
  });
});

describe('disk cache', () => {
  it('a second process loads the entry the first wrote, without compiling (same program, same hash)', () => {
    const { xdg, first, path } = warmed();
    const second = compileIn(xdg);
    expect(second.log).toMatch(/hit [0-9a-f]{16}/);
    expect(second.log).not.toMatch(/wrote/);
    expect(second).toMatchObject({ hash: first.hash, bpf: first.bpf, insns: first.insns, rules: first.rules, frozen: true, same: true, name: 'docker-default' });
    // 0700 directory, 0600 entry, owned by this user.
    expect(statSync(cacheOf(xdg)).mode & 0o777).toBe(0o700);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(cacheOf(xdg)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('keeps what is not ASCII (a file name, a warning) exactly, though the entry is ASCII', () => {
    const xdg = pkgCopy();
    const file = join(scratch(), 'prófile-ü.json');
    writeFileSync(file, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdír', 'mkdir'], action: 'SCMP_ACT_ERRNO' }] }));
    const options = { unknownSyscalls: 'warn' };
    const first = compileIn(xdg, file, options);
    expect(first.log).toMatch(/wrote/);
    const entry = readFileSync(join(cacheOf(xdg), entries(xdg)[0]));
    const [, , json] = entry.toString('latin1').split('\n');
    expect(/[^\x00-\x7f]/.test(json)).toBe(false);
    const second = compileIn(xdg, file, options);
    expect(second.log).toMatch(/hit/);
    expect(second).toMatchObject({ hash: first.hash, bpf: first.bpf, rules: first.rules, name: first.name });
    expect(second.name).toContain('prófile-ü');
  });

  it('keys a profile file by its content: an edited file is compiled again', () => {
    const xdg = pkgCopy();
    const file = join(scratch(), 'p.json');
    const profile = (errno: number) => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: errno }] });
    writeFileSync(file, JSON.stringify(profile(1)));
    const a = compileIn(xdg, file);
    expect(compileIn(xdg, file).log).toMatch(/hit/);
    writeFileSync(file, JSON.stringify(profile(2)));
    const b = compileIn(xdg, file);
    expect(b.log).toMatch(/miss[\s\S]*wrote/);
    expect(b.bpf).not.toBe(a.bpf);
    expect(b.hash).toBe(compile(profile(2)).hash);
  });

  it('keys by options and context: other options or capabilities do not hit', () => {
    const { xdg } = warmed();
    expect(compileIn(xdg, 'docker-default', { enosys: false }).log).toMatch(/miss/);
    expect(compileIn(xdg, 'docker-default', { capabilities: ['CAP_SYS_ADMIN'] }).log).toMatch(/miss/);
  });

  it.each([
    ['SECCOMP_CACHE=0', undefined, { SECCOMP_CACHE: '0' }],
    ["cache: 'memory'", { cache: 'memory' }, {}],
    ['cache: false', { cache: false }, {}],
  ])('%s neither reads nor writes the disk', (_what, options, env) => {
    const xdg = pkgCopy();
    const r = compileIn(xdg, 'docker-default', options, env);
    expect(r.log).toBe('');
    expect(() => readdirSync(cacheOf(xdg))).toThrow(/ENOENT/);
    const { xdg: warm } = warmed();
    expect(compileIn(warm, 'docker-default', options, env).log).toBe('');
  });

  const damage: [string, (path: string, xdg: string) => void, RegExp][] = [
    ['truncated', (p) => writeFileSync(p, readFileSync(p).subarray(0, 1000)), /checksum mismatch/],
    ['one flipped byte', (p) => {
      const b = readFileSync(p);
      b[b.length - 200] ^= 0x01;
      writeFileSync(p, b);
    }, /checksum mismatch|not JSON/],
    ['a program the kernel would refuse, checksum recomputed', (p) => {
      const [format, , json, rules] = readFileSync(p, 'utf8').split('\n');
      const e = JSON.parse(json);
      const bad = Buffer.from(e.profile.bpf, 'base64');
      bad.writeUInt8(0x15, 0); // the first instruction becomes a jump
      bad.writeUInt8(250, 2); // far past the end of the program
      e.profile.bpf = bad.toString('base64');
      const text = `${JSON.stringify(e)}\n${rules}`;
      writeFileSync(p, `${format}\n${digest64(text)}\n${text}`);
    }, /program refused/],
    ['rules that are not rules, checksum recomputed', (p) => {
      const [format, , json] = readFileSync(p, 'utf8').split('\n');
      const text = `${json}\n${JSON.stringify([{ syscall: 'mkdir', action: 'ALLOW', conditions: [{ arg: 9, op: 'EQ', value: 1 }], source: 'x' }])}`;
      writeFileSync(p, `${format}\n${digest64(text)}\n${text}`);
    }, /bad rules/],
    ['rules that are not a JSON array, checksum recomputed', (p) => {
      const [format, , json] = readFileSync(p, 'utf8').split('\n');
      const text = `${json}\n{"not":"rules"}`;
      writeFileSync(p, `${format}\n${digest64(text)}\n${text}`);
    }, /bad rules/],
    ['one line only (no rules), checksum recomputed', (p) => {
      const [format, , json] = readFileSync(p, 'utf8').split('\n');
      writeFileSync(p, `${format}\n${digest64(json)}\n${json}`);
    }, /not an entry of this format/],
    ['an entry written for another key', (p, xdg) => {
      const other = compileIn(xdg, '{"defaultAction":"SCMP_ACT_ALLOW"}');
      expect(other.log).toMatch(/wrote/);
      const otherPath = join(cacheOf(xdg), entries(xdg).find((n) => join(cacheOf(xdg), n) !== p)!);
      renameSync(otherPath, p);
    }, /written for another key/],
    ['group-readable (0640)', (p) => chmodSync(p, 0o640), /mode 640/],
    ['owned by another user', (p) => chownSync(p, 65534, 65534), /owned by uid 65534/],
    ['a symlink to a good entry', (p) => {
      renameSync(p, `${p}.real`);
      symlinkSync(`${p}.real`, p);
    }, /ELOOP/],
    ['a second hard link', (p) => linkSync(p, `${p}.link`), /2 links/],
  ];
  it.each(damage)('ignores and rebuilds an entry that is %s', (what, harm, why) => {
    if (what === 'owned by another user' && process.getuid?.() !== 0) return expect.fail('needs root to chown');
    const { xdg, first, path } = warmed();
    harm(path, xdg);
    const r = compileIn(xdg);
    expect(r.log).toMatch(why);
    expect(r.log).toMatch(/wrote/);
    expect(r).toMatchObject({ hash: first.hash, bpf: first.bpf });
    // Replaced by a good entry: the next process hits.
    if (what !== 'a second hard link') expect(compileIn(xdg).log).toMatch(/hit/);
    expect(statSync(path, { throwIfNoEntry: false })?.isFile()).toBe(true);
  });

  it('does not use a cache directory that is not this user\'s, or that others can write', () => {
    const { xdg } = warmed();
    const dir = cacheOf(xdg);
    chmodSync(dir, 0o770);
    expect(compileIn(xdg).log).toMatch(/refused .*seccomp: not a directory of uid/);
    chmodSync(dir, 0o700);
    chownSync(dir, 65534, 65534);
    const r = compileIn(xdg);
    expect(r.log).toMatch(/refused/);
    expect(r.log).not.toMatch(/hit|wrote/);
  });

  it('lives in the package, not under $HOME or $XDG_CACHE_HOME, where a sandbox of this uid could plant entries', () => {
    const home = scratch();
    const pkg = pkgCopy();
    const r = compileIn(pkg, 'docker-default', undefined, { HOME: home, XDG_CACHE_HOME: home });
    expect(r.log).toMatch(/wrote|hit/);
    expect(readdirSync(home)).toEqual([]);
    expect(entries(pkg).length).toBe(1);
  });

  it('is not moved by the environment: a forged entry in SECCOMP_CACHE_DIR chooses no filter', () => {
    const { xdg, first, path } = warmed();
    // The same entry with an allow-everything program (RET ALLOW), its checksum recomputed.
    const evil = join(scratch(), 'seccomp');
    mkdirSync(evil, { mode: 0o700 });
    const [format, , json, rules] = readFileSync(path, 'utf8').split('\n');
    const e = JSON.parse(json);
    const allow = Buffer.alloc(8);
    allow.writeUInt16LE(0x06, 0);
    allow.writeUInt32LE(0x7fff0000, 4);
    e.profile.bpf = allow.toString('base64');
    const text = `${JSON.stringify(e)}\n${rules}`;
    writeFileSync(join(evil, basename(path)), `${format}\n${digest64(text)}\n${text}`, { mode: 0o600 });
    const r = compileIn(xdg, 'docker-default', undefined, { SECCOMP_CACHE_DIR: evil });
    expect(r).toMatchObject({ hash: first.hash, bpf: first.bpf });
    expect(readdirSync(evil)).toEqual([basename(path)]);
  });

  it('never creates the cache inside a directory of another user', () => {
    const pkg = pkgCopy();
    chownSync(pkg, 65534, 65534);
    const r = compileIn(pkg);
    expect(r.log).not.toMatch(/wrote/);
    expect(existsSync(join(pkg, '.cache'))).toBe(false);
  });

  it('another user does not read or write this user\'s cache', (t) => {
    t.skip(nobody.skip !== undefined, nobody.skip);
    const { xdg } = warmed();
    chmodSync(join(xdg, '.cache'), 0o755); // nobody can reach .cache, not the 0700 cache in it
    const before = readdirSync(cacheOf(xdg));
    const r = compileIn(xdg, 'docker-default', undefined, { HOME: xdg }, nobody.options);
    expect(r.log).not.toMatch(/hit|wrote/);
    expect(readdirSync(cacheOf(xdg))).toEqual(before);
    // And a directory made by nobody (in a package nobody owns) is not read by root.
    const theirs = pkgCopy();
    chownSync(theirs, 65534, 65534);
    compileIn(theirs, 'docker-default', undefined, {}, nobody.options);
    expect(statSync(cacheOf(theirs)).uid).toBe(65534);
    const mine = compileIn(theirs);
    expect(mine.log).toMatch(/refused/);
    expect(mine.log).not.toMatch(/hit/);
  });

  it('keeps at most 256 entries, and removes no file it did not write', () => {
    const xdg = pkgCopy();
    mkdirSync(cacheOf(xdg), { recursive: true, mode: 0o700 });
    writeFileSync(join(cacheOf(xdg), 'notes.json'), 'mine', { mode: 0o600 });
    for (let i = 0; i < 300; i++) writeFileSync(join(cacheOf(xdg), `${i.toString(16).padStart(16, '0')}.json`), 'x', { mode: 0o600 });
    compileIn(xdg);
    expect(entries(xdg).length).toBeLessThanOrEqual(257);
    expect(entries(xdg).length).toBeGreaterThan(100);
    expect(readFileSync(join(cacheOf(xdg), 'notes.json'), 'utf8')).toBe('mine');
  });
});

// What the startup paths load: ES modules as Node's loader reports them (NODE_DEBUG=esm).
function loadedModules(stderr: string, pkg: string): string[] {
  const dist = `file://${pkg}/dist/`;
  const out = new Set<string>();
  for (const m of stderr.matchAll(/Translating StandardModule (file:\S+)/g)) if (m[1].startsWith(dist)) out.add(m[1].slice(dist.length));
  return [...out].sort();
}

// The modules in dist/register.bundle.js (which the doors dist/register.mjs and .cjs run), or in a door.
function bundled(file: string): string[] {
  const text = readFileSync(join(root, 'dist', file), 'utf8');
  return [...text.matchAll(/^"([^"]+)": function \(exports, require, module, /gm)].map((m) => m[1]).sort();
}

// A cache hit needs no more than these (the compiler, the built-in profiles and the full API
// are loaded only on a miss).
const REGISTER_HIT = [
  'applicable.js', 'apply.js', 'arch.js', 'bpf/interpret.js', 'bpf/program.js', 'builtins.js', 'capabilities.js',
  'cli/command.js', 'cli/format.js', 'errors.js', 'filter-flags.js', 'install.js', 'isolation.js', 'library.js', 'model/arch.js',
  'model/capabilities.js', 'native.js', 'options.js', 'preload-resolve.js', 'preloads.js', 'profile/cache-files.js', 'profile/cache-key.js', 'profile/cached.js',
  'profile/context.js', 'profile/disk-cache.js', 'profile/nearest.js', 'profile/produced.js', 'profile/report.js',
  'profile/start-record.js', 'profiles/names.js', 'register-checks.js', 'register.js', 'values.js',
].sort();
// The door: the fast start's modules, and the code cache's.
const REGISTER_DOOR = [
  'builtins.js', 'cli/command.js', 'cli/format.js', 'errors.js', 'filter-flags.js', 'install.js', 'isolation.js', 'native.js',
  'preload-resolve.js', 'preloads.js', 'profile/cache-files.js', 'profile/report.js', 'profile/start-record.js', 'profiles/names.js',
  'register-checks.js', 'register-door.js', 'register-fast.js',
].sort();
const CLI_HIT = [
  'applicable.js', 'arch.js', 'bpf/interpret.js', 'bpf/program.js', 'builtins.js', 'capabilities.js', 'cli.js',
  'cli/command.js', 'cli/commands/run.js', 'cli/dispatch.js', 'cli/format.js', 'cli/main.js', 'cli/overrides.js',
  'cli/parse.js', 'cli/profile-options.js', 'cli/registry.js', 'errors.js', 'filter-flags.js', 'isolation.js', 'launch/direct.js', 'launch/prepare.js',
  'launch/protocol.js', 'launch/spawn.js', 'library.js', 'model/arch.js', 'model/capabilities.js', 'native.js',
  'profile/cache-files.js', 'profile/cache-key.js', 'profile/cached.js', 'profile/context.js', 'profile/disk-cache.js', 'profile/produced.js',
  'profile/report.js', 'profiles/names.js', 'supervisor/decode.js', 'supervisor/supervise.js', 'values.js',
].sort();

describe('startup paths', () => {
  it('seccomp/register: on a cache hit it loads only what applying needs, on a miss the compiler too', () => {
    const xdg = pkgCopy();
    const app = join(scratch(), 'app.mjs');
    writeFileSync(app, "console.log(JSON.stringify({ ok: true }));\n");
    // A setting besides the profile (even its default): the full start, never a start record.
    const run = () => runNode(['--import', 'seccomp/register', app], {
      cwd: xdg,
      env: { ...process.env, SECCOMP_PROFILE: 'docker-default', SECCOMP_UNKNOWN_SYSCALLS: 'error', SECCOMP_CACHE_DEBUG: '1', NODE_DEBUG: 'esm' },
    });
    const cold = run();
    expect(cold.json, cold.stderr.slice(-2000)).toEqual({ ok: true });
    expect(loadedModules(cold.stderr, xdg)).toEqual(expect.arrayContaining(['profile/resolve.js', 'bpf/specialize.js']));
    const warm = run();
    expect(warm.json).toEqual({ ok: true });
    expect(warm.stderr).toMatch(/seccomp cache: hit/);
    // The door and the one bundle it runs (scripts/bundle.mjs): no other ES module of the package.
    expect(loadedModules(warm.stderr, xdg)).toEqual(['register.mjs']);
    expect(bundled('register.bundle.js')).toEqual(REGISTER_HIT);
  });

  it('seccomp/register never reads an entry\'s rules: a start with rules no check would pass still starts', () => {
    const xdg = pkgCopy();
    const app = join(scratch(), 'app.mjs');
    writeFileSync(app, "console.log(JSON.stringify({ ok: true }));\n");
    const run = () => runNode(['--import', 'seccomp/register', app], {
      cwd: xdg,
      env: { ...process.env, SECCOMP_PROFILE: 'docker-default', SECCOMP_UNKNOWN_SYSCALLS: 'error', SECCOMP_CACHE_DEBUG: '1' },
    });
    expect(run().json).toEqual({ ok: true });
    for (const n of entries(xdg)) {
      const path = join(cacheOf(xdg), n);
      const [format, , json] = readFileSync(path, 'utf8').split('\n');
      const text = `${json}\n[{"not":"a rule"}]`;
      writeFileSync(path, `${format}\n${digest64(text)}\n${text}`);
    }
    const r = run();
    expect(r.stderr).toMatch(/seccomp cache: hit/);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ ok: true });
  });

  it('seccomp/register, plain start: the start record is applied by the door alone', () => {
    const xdg = pkgCopy();
    const app = join(scratch(), 'app.mjs');
    writeFileSync(app, "console.log(JSON.stringify({ ok: true }));\n");
    const run = () => runNode(['--import', 'seccomp/register', app], {
      cwd: xdg,
      env: { ...process.env, SECCOMP_PROFILE: 'docker-default', SECCOMP_CACHE_DEBUG: '1', NODE_DEBUG: 'esm' },
    });
    const first = run();
    expect(first.json, first.stderr.slice(-2000)).toEqual({ ok: true });
    expect(first.stderr).toMatch(/seccomp cache: wrote start-/);
    const fast = run();
    expect(fast.json).toEqual({ ok: true });
    expect(fast.stderr).toMatch(/seccomp cache: start record start-/);
    expect(fast.stderr).not.toMatch(/seccomp cache: (hit|miss) |code cache/);
    expect(loadedModules(fast.stderr, xdg)).toEqual(['register.mjs']);
    expect(bundled('register.mjs')).toEqual(REGISTER_DOOR);
  });

  it('seccomp run: on a cache hit it loads only what starting the command needs', () => {
    const xdg = pkgCopy();
    const env = { ...process.env, SECCOMP_CACHE_DEBUG: '1', NODE_DEBUG: 'esm' };
    const run = () => runNode([join(xdg, 'dist', 'cli.js'), 'run', '--', '/bin/echo', 'ran'], { env });
    const cold = run();
    expect(cold.stdout).toBe('ran\n');
    expect(loadedModules(cold.stderr, xdg)).toEqual(expect.arrayContaining(['profile/compile.js', 'bpf/specialize.js']));
    const warm = run();
    expect(warm.stdout).toBe('ran\n');
    expect(warm.stderr).toMatch(/seccomp cache: hit/);
    expect(loadedModules(warm.stderr, xdg)).toEqual(CLI_HIT);
  });
});
