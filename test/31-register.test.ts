// seccomp/register (--import and --require) and forkSandboxed: the profile goes on before user
// code runs, or the program does not run at all (exit status 125, nothing written by user code).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkSandboxed } from '../dist/fork.js';
import { native } from '../dist/native.js';
import { preloadsBefore, runOrder, splitNodeOptions } from '../dist/preloads.js';
import { compile } from '../dist/profile/compile.js';
import { fixtures, root, runFixture, runNode, type ChildResult } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';
import { nested, outer } from './helpers/nested.js';
import { openToAll, users } from './helpers/users.js';
import { skipAllIf } from './helpers/skip.js';

const scratch = scratchDirs('seccomp-register-');

const denyMkdir = join(fixtures, 'deny-mkdir.json');
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
  // The preload probes count filters beyond those this process started with (nested runs).
  env.PRELOAD_PROBE_BASE = String(outer.filters);
  return env;
};

/** Runs an app with `<flag> seccomp/register` from the package root (the package refers to itself). */
function runApp(flag: '--import' | '--require', app: string, env: Record<string, string>) {
  const dir = scratch();
  const marker = join(dir, 'marker');
  const r = runNode([flag, 'seccomp/register', join(fixtures, app), marker, join(dir, 'made')], {
    cwd: root,
    env: { ...cleanEnv(), ...env },
  });
  return { ...r, dir, ran: existsSync(marker) };
}

function refused(r: ChildResult & { ran: boolean; dir: string }): void {
  expect(r.status, r.stderr).toBe(125);
  expect(r.ran).toBe(false);
  expect(readdirSync(r.dir)).toEqual([]);
  expect(r.stderr).toMatch(/^seccomp\/register: /);
}

describe('register: refuses to start the program', () => {
  it('when SECCOMP_PROFILE is not set', () => {
    const r = runApp('--import', 'register-app.mjs', {});
    refused(r);
    expect(r.stderr).toContain('SECCOMP_PROFILE is not set');
  });

  it('for an invalid profile, naming the JSON path', () => {
    const dir = scratch();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOPE' }] }));
    for (const flag of ['--import', '--require'] as const) {
      const r = runApp(flag, flag === '--import' ? 'register-app.mjs' : 'register-app.cjs', { SECCOMP_PROFILE: bad });
      refused(r);
      expect(r.stderr).toContain('syscalls[0].action');
      expect(r.stderr).toContain('ERR_SECCOMP_PROFILE_INVALID');
    }
  });

  it('for a missing file, a name that is no syscall (SECCOMP_PROFILE_STRICT=1 or not), or a bad STRICT value', () => {
    refused(runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: '/nonexistent/profile.json' }));
    const dir = scratch();
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'not_a_syscall'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const strictness: Record<string, string>[] = [{ SECCOMP_PROFILE_STRICT: '1' }, {}];
    for (const env of strictness) {
      const strict = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown, ...env });
      refused(strict);
      expect(strict.stderr).toContain('syscalls[0].names[1]');
      expect(strict.stderr).toContain('not_a_syscall');
    }
    refused(runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown, SECCOMP_PROFILE_STRICT: 'yes' }));
    // SECCOMP_UNKNOWN_SYSCALLS=ignore: the unknown name is skipped and the rest applies.
    const lax = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown, SECCOMP_UNKNOWN_SYSCALLS: 'ignore' });
    expect(lax.status, lax.stderr).toBe(0);
    expect(lax.json.mkdir).toBe('EPERM');
  });

  it('for a profile this process cannot apply (notifications)', () => {
    const spec = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/tmp/none.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }] });
    const r = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: spec });
    refused(r);
    expect(r.stderr).toContain('ERR_SECCOMP_UNSUPPORTED');
  });
});

describe('register: applies the profile before user code', () => {
  it('with --import and a profile path', () => {
    const r = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: denyMkdir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.ran).toBe(true);
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1, noNewPrivs: true });
    expect(r.json.status.applied).toHaveLength(1);
    expect(readdirSync(r.dir)).toEqual(['marker']);
  });

  it('with --require; a Worker (which preloads --require again) adds no filter', () => {
    const r = runApp('--require', 'register-app.cjs', { SECCOMP_PROFILE: denyMkdir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.json.workerMkdir).toBe('EPERM');
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1 });
    // The Worker's own copy of the module reports what the main thread applied.
    expect(r.json.workerStatus.applied.map((a: { hash: string }) => a.hash)).toEqual(r.json.status.applied.map((a: { hash: string }) => a.hash));
    expect(r.json.status.applied).toHaveLength(1);
    expect(readdirSync(r.dir)).toEqual(['marker']);
  });

  it('loads its addon from the package only: SECCOMP_PREBUILD and PREBUILDS_ONLY cannot choose native code', () => {
    // node-gyp-build would load <SECCOMP_PREBUILD>/build/Release/*.node: a file of the caller's
    // choosing run before the filter. Here that file is not even a library.
    const planted = scratch();
    mkdirSync(join(planted, 'build', 'Release'), { recursive: true });
    writeFileSync(join(planted, 'build', 'Release', 'seccomp.node'), 'not a library');
    const envs: Record<string, string>[] = [{ SECCOMP_PREBUILD: planted }, { PREBUILDS_ONLY: '1', SECCOMP_PREBUILD: planted }];
    for (const env of envs) {
      const r = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: denyMkdir, ...env });
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
    }
  });

  it('with a built-in name and with JSON text', () => {
    const builtin = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: 'docker-default' });
    expect(builtin.status, builtin.stderr).toBe(0);
    expect(builtin.json.status.applied[0].name).toBe('docker-default');
    const json = runApp('--import', 'register-app.mjs', {
      SECCOMP_PROFILE: JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }),
    });
    expect(json.status, json.stderr).toBe(0);
    expect(json.json.mkdir).toBe('EPERM');
  });
});

describe('forkSandboxed: bad arguments throw before anything is forked', () => {
  const child = join(fixtures, 'fork-child.mjs');
  it('needs a module path and a seccomp profile it can pass on', () => {
    expect(() => forkSandboxed('', { seccomp: 'docker-default' })).toThrow(TypeError);
    expect(() => forkSandboxed(child, undefined as never)).toThrow(TypeError);
    expect(() => forkSandboxed(child, {} as never)).toThrow(/seccomp is required/);
    expect(() => forkSandboxed(child, { seccomp: 42 as never })).toThrow(TypeError);
    expect(() => forkSandboxed(child, { seccomp: 'docker-default', seccompStrict: 'yes' as never })).toThrow(TypeError);
    expect(() => forkSandboxed(child, { seccomp: compile('docker-default'), seccompStrict: true })).toThrow(/applies when compiling/);
  });

  it('checks the profile here first', () => {
    expect(() => forkSandboxed(child, { seccomp: '/nonexistent/profile.json' })).toThrow(
      expect.objectContaining({ code: 'ERR_SECCOMP_PROFILE_NOT_FOUND' }),
    );
  });
});

describe('forkSandboxed', () => {
  const fork = (profile: string, dir: string) => runFixture('fork-parent.mjs', [profile, join(dir, 'made')], { env: cleanEnv() });

  it('throws in the parent for a bad profile, without forking', () => {
    const dir = scratch();
    const r = fork(JSON.stringify({ defaultAction: 'SCMP_ACT_NOPE' }), dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(r.json.error.problems[0].path).toBe('defaultAction');
    expect(r.json.child).toBeUndefined();
  });

  it('runs the child behind an object profile; the parent stays unfiltered', () => {
    const dir = scratch();
    const r = fork(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }), dir);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.child.mkdir).toBe('EPERM');
    expect(r.json.child.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1, noNewPrivs: true });
    expect(r.json.code).toBe(7);
    expect(r.json.parent).toMatchObject({ mode: nested ? 'filter' : 'disabled', filters: outer.filters });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('applies the profile before the preloads in the child\'s execArgv', () => {
    const dir = scratch();
    const r = runFixture('fork-parent.mjs', [denyMkdir, join(dir, 'made'), join(fixtures, 'preload-probe.cjs')], { env: cleanEnv() });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.child.preloadSeccomp).toBe('2');
    expect(r.json.child.mkdir).toBe('EPERM');
  });

  it('takes a relative profile path from the parent\'s directory', () => {
    const dir = scratch();
    const r = runFixture('fork-parent.mjs', ['deny-mkdir.json', join(dir, 'made')], { env: cleanEnv(), cwd: fixtures });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.child.mkdir).toBe('EPERM');
    // The launcher attached the filter before Node started: the kernel counts it, and
    // status().applied (what sandbox() did in this process) has nothing to list.
    expect(r.json.child.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1, noNewPrivs: true, applied: [] });
  });
});

const preCjs = join(fixtures, 'preload-seccomp-file.cjs');
const preMjs = join(fixtures, 'preload-seccomp-file.mjs');

/** The lines the preload probe wrote ("preload <Seccomp: field>"), or [] if it never ran. */
function probeLines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
}

describe('register: reading the preloads', () => {
  it('splits NODE_OPTIONS as Node does, and rejects what Node rejects', () => {
    expect(splitNodeOptions('  -r a.cjs   --import=b.mjs ')).toEqual(['-r', 'a.cjs', '--import=b.mjs']);
    expect(splitNodeOptions('--require "/a b/c.cjs" --x="q\\"r"')).toEqual(['--require', '/a b/c.cjs', '--x=q"r']);
    expect(splitNodeOptions('"" --a')).toEqual(['--a']);
    expect(splitNodeOptions('--require "unterminated')).toBeUndefined();
    expect(splitNodeOptions('"a\\')).toBeUndefined();
  });

  it('orders them as Node 20 runs them and finds those before the first of ours', () => {
    const order = runOrder(['--import', 'n.mjs', '-r', 'n.cjs', '--loader=n-loader.mjs'], ['--import=ours', '--experimental-loader', 'c-loader.mjs', '--require', 'c.cjs', '--title', 'x']);
    expect(order.map((p) => p.spec)).toEqual(['n.cjs', 'c.cjs', 'n-loader.mjs', 'c-loader.mjs', 'n.mjs', 'ours']);
    expect(order[0]).toEqual({ kind: 'require', option: '-r', spec: 'n.cjs', from: 'NODE_OPTIONS' });
    const isOurs = (p: { spec: string }) => p.spec === 'ours';
    expect(preloadsBefore(order, isOurs).map((p) => p.spec)).toEqual(['n.cjs', 'c.cjs', 'n-loader.mjs', 'c-loader.mjs', 'n.mjs']);
    expect(preloadsBefore(runOrder([], ['--require', 'ours', '--import', 'x.mjs', '--loader', 'l.mjs']), isOurs)).toEqual([]);
    // Not loaded as a preload at all: every preload may have run first.
    expect(preloadsBefore(runOrder([], ['--import', 'x.mjs']), isOurs).map((p) => p.spec)).toEqual(['x.mjs']);
  });

  it('keeps its record where only an installed filter can add to it', () => {
    // This process has installed nothing, so there is nothing a record could stand for.
    expect(() => native().recordApplied(JSON.stringify({ hash: 'forged' }))).toThrow(/no installed filter/);
    expect(native().appliedRecords()).toEqual([]);
  });
});

describe.each(users)('register: nothing from outside forges or precedes the filter (as $name)', (user) => {
  skipAllIf(user.skip !== undefined, user.skip ?? '');
  const scratchFor = () => openToAll(scratch());

  it('ignores SECCOMP_REGISTERED, even set to what an old mark would be', () => {
    for (const [flag, app] of [['--import', 'register-app.mjs'], ['--require', 'register-app.cjs']] as const) {
      const dir = scratchFor();
      const marker = join(dir, 'marker');
      const digest = createHash('sha256').update(`0\0${denyMkdir}`).digest('hex').slice(0, 16);
      // exec keeps the shell's pid, so the mark names the very process that runs the app.
      const r = spawnSync('/bin/sh', ['-c', `SECCOMP_REGISTERED=$$:${digest} exec "$0" "$@"`, process.execPath, flag, 'seccomp/register', join(fixtures, app), marker, join(dir, 'made')], {
        cwd: root, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir }, encoding: 'utf8', timeout: 60_000, ...user.options,
      });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
      expect(out.mkdir).toBe('EPERM');
      expect(out.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1, noNewPrivs: true });
      expect(readdirSync(dir)).toEqual(['marker']);
    }
  });

  // [NODE_OPTIONS, command-line options before the app, the preload that runs before the filter]
  const refusedCases: [string, string[], string][] = [
    [`--require ${preCjs}`, ['--import', 'seccomp/register'], preCjs],
    [`--require=${preCjs}`, ['--require', 'seccomp/register'], preCjs],
    [`-r ${preCjs}`, ['--require', 'seccomp/register'], preCjs],
    ['', ['--require', preCjs, '--require', 'seccomp/register'], preCjs],
    ['', ['--import', 'seccomp/register', `--require=${preCjs}`], preCjs], // --require runs before --import
    [`--import ${preMjs}`, ['--import', 'seccomp/register'], preMjs], // NODE_OPTIONS runs before the command line
    ['', [`--experimental-loader=${preMjs}`, '--import', 'seccomp/register'], preMjs],
    ['', ['--loader', preMjs, '--import=seccomp/register'], preMjs],
    // Loaded as a loader, the register runs on Node's hooks thread, after every --require.
    ['', ['--require', preCjs, '--experimental-loader', 'seccomp/register'], preCjs],
    [`--require ${preCjs}`, ['--loader=seccomp/register'], preCjs],
  ];
  it.each(refusedCases)(
    `refuses when a preload runs first: NODE_OPTIONS=%j, %j`,
    (nodeOptions, argv, culprit) => {
      const dir = scratchFor();
      const marker = join(dir, 'marker');
      const probe = join(dir, 'probe');
      const r = runNode([...argv, join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
        cwd: root, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, NODE_OPTIONS: nodeOptions, PRELOAD_PROBE_OUT: probe }, ...user.options,
      });
      expect(r.status, r.stderr).toBe(125);
      expect(existsSync(marker)).toBe(false);
      expect(r.stderr).toMatch(/^seccomp\/register: /m);
      expect(r.stderr).toContain(culprit);
      expect(r.stderr).toContain('seccomp run');
      // It did run unfiltered (a loader in the hooks thread): that is why the app may not start.
      expect(probeLines(probe).some((l) => l.endsWith(' 0'))).toBe(true);
    },
  );

  const allowedCases: [string, string[]][] = [
    ['', ['--require', 'seccomp/register', '--import', preMjs]],
    ['', ['--import', 'seccomp/register', '--import', preMjs]],
    [`--require seccomp/register`, ['--require', preCjs]],
    [`--import ${preMjs}`, ['--require', 'seccomp/register']],
    ['', ['--require', 'seccomp/register', '--experimental-loader', preMjs]],
  ];
  it.each(allowedCases)(
    `allows preloads that run after it: NODE_OPTIONS=%j, %j`,
    (nodeOptions, argv) => {
      const dir = scratchFor();
      const probe = join(dir, 'probe');
      const r = runNode([...argv, join(fixtures, 'register-app.mjs'), join(dir, 'marker'), join(dir, 'made')], {
        cwd: root, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, NODE_OPTIONS: nodeOptions, PRELOAD_PROBE_OUT: probe }, ...user.options,
      });
      expect(r.status, r.stderr).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
      expect(r.json.status.filters).toBe(outer.filters + 1);
      const lines = probeLines(probe);
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(l).toMatch(/ 2$/);
    },
  );

  it('refuses a preload from NODE_OPTIONS in an --env-file, or quoted with a space', () => {
    const dir = scratchFor();
    const spaced = join(dir, 'a dir');
    mkdirSync(spaced, { mode: 0o755 });
    copyFileSync(preCjs, join(spaced, 'pre.cjs'));
    const envFile = join(dir, 'env');
    writeFileSync(envFile, `NODE_OPTIONS="--require ${preCjs}"\n`, { mode: 0o644 });
    for (const [nodeOptions, argv, culprit] of [
      ['', [`--env-file=${envFile}`, '--import', 'seccomp/register'], preCjs],
      [`--require "${join(spaced, 'pre.cjs')}"`, ['--import', 'seccomp/register'], join(spaced, 'pre.cjs')],
    ] as const) {
      const marker = join(dir, 'marker');
      const r = runNode([...argv, join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
        // An --env-file does not override a NODE_OPTIONS that is set, even to ''.
        cwd: root, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, ...(nodeOptions ? { NODE_OPTIONS: nodeOptions } : {}) }, ...user.options,
      });
      expect(r.status, r.stderr).toBe(125);
      expect(r.stderr).toContain(culprit);
      expect(existsSync(marker)).toBe(false);
    }
  });

  it('refuses an --import name that ESM resolves elsewhere than require() does', () => {
    // "#r" is seccomp/register for require() and the preload for import: only import counts.
    const dir = scratchFor();
    mkdirSync(join(dir, 'node_modules'), { mode: 0o755 });
    symlinkSync(root, join(dir, 'node_modules', 'seccomp'));
    copyFileSync(preMjs, join(dir, 'pre.mjs'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', imports: { '#r': { import: './pre.mjs', require: 'seccomp/register' } } }), { mode: 0o644 });
    const marker = join(dir, 'marker');
    const r = runNode(['--import', 'seccomp/register', join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
      cwd: dir, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, NODE_OPTIONS: '--import #r', PRELOAD_PROBE_OUT: join(dir, 'probe') }, ...user.options,
    });
    expect(r.status, r.stderr).toBe(125);
    expect(r.stderr).toContain('--import #r');
    expect(existsSync(marker)).toBe(false);
  });

  // Each planted file is what Node runs for the NODE_OPTIONS preload, while a check by the wrong
  // resolution rules would take it for the register.
  const planted: [string, (dir: string) => { cwd: string; nodeOptions: string }][] = [
    ['--import seccomp/register from a directory named node_modules (ES looks in node_modules/node_modules)', (dir) => {
      const evil = join(dir, 'node_modules', 'node_modules', 'seccomp');
      mkdirSync(evil, { recursive: true, mode: 0o755 });
      writeFileSync(join(evil, 'package.json'), JSON.stringify({ name: 'seccomp', exports: { './register': './pre.mjs' } }), { mode: 0o644 });
      copyFileSync(preMjs, join(evil, 'pre.mjs'));
      symlinkSync(root, join(dir, 'node_modules', 'seccomp'));
      return { cwd: join(dir, 'node_modules'), nodeOptions: '--import seccomp/register' };
    }],
    ['--require file://…/register.cjs (a package name to require(), found in node_modules)', (dir) => {
      const evil = join(dir, 'node_modules', 'file:', root, 'dist', 'register.cjs');
      mkdirSync(dirname(evil), { recursive: true, mode: 0o755 });
      copyFileSync(preCjs, evil);
      return { cwd: dir, nodeOptions: `--require file://${join(root, 'dist', 'register.cjs')}` };
    }],
    ['--import ./e.mjs?x (a URL: the query goes, e.mjs is loaded)', (dir) => {
      copyFileSync(preMjs, join(dir, 'e.mjs'));
      symlinkSync(join(root, 'dist', 'register.mjs'), join(dir, 'e.mjs?x'));
      return { cwd: dir, nodeOptions: '--import ./e.mjs?x' };
    }],
  ];
  it.each(planted)('refuses %s', (_what, plant) => {
    const dir = scratchFor();
    const { cwd, nodeOptions } = plant(dir);
    const marker = join(dir, 'marker');
    const r = runNode(['--import', join(root, 'dist', 'register.mjs'), join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
      cwd, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, NODE_OPTIONS: nodeOptions, PRELOAD_PROBE_OUT: join(dir, 'probe') }, ...user.options,
    });
    expect(r.status, r.stderr).toBe(125);
    expect(existsSync(marker)).toBe(false);
    // The planted preload did run, unfiltered: that is why the program may not.
    expect(probeLines(join(dir, 'probe')).some((l) => l.endsWith(' 0'))).toBe(true);
  });

  it('applies the profile under --conditions=types (-C types): no condition leads it to a file that filters nothing', () => {
    for (const [nodeOptions, flag] of [['-C types', '--require'], ['--conditions=types', '--require'], ['-C types', '--import']]) {
      const dir = scratchFor();
      const r = runNode([flag, 'seccomp/register', join(fixtures, 'register-app.mjs'), join(dir, 'marker'), join(dir, 'made')], {
        cwd: root, env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, NODE_OPTIONS: nodeOptions }, ...user.options,
      });
      expect(r.status, `${nodeOptions} ${flag}: ${r.stderr}`).toBe(0);
      expect(r.json.mkdir).toBe('EPERM');
      expect(r.json.status.filters).toBe(outer.filters + 1);
    }
  });

  it('counts the main thread as such in a PID namespace that sees the outer /proc (unshare -p)', (t) => {
    const probe = spawnSync('unshare', ['-Urp', '--fork', 'true'], { encoding: 'utf8' });
    t.skip(probe.status !== 0, `needs unshare -Urp (${(probe.stderr || probe.error?.message || '').trim() || `status ${probe.status}`})`);
    const dir = scratchFor();
    const marker = join(dir, 'marker');
    const r = spawnSync('unshare', ['-Urp', '--fork', process.execPath, '--require', preCjs, '--require', 'seccomp/register', join(fixtures, 'register-app.mjs'), marker, join(dir, 'made')], {
      cwd: root, encoding: 'utf8', env: { ...cleanEnv(), SECCOMP_PROFILE: denyMkdir, PRELOAD_PROBE_OUT: join(dir, 'probe') }, ...user.options,
    });
    expect(r.status, r.stderr).toBe(125);
    expect(existsSync(marker)).toBe(false);
    expect(r.stderr).toContain(preCjs);
  });

  it('forkSandboxed: NODE_OPTIONS preloads of the child run behind the filter', () => {
    const dir = scratchFor();
    const probe = join(dir, 'probe');
    const r = runFixture('fork-parent.mjs', [denyMkdir, join(dir, 'made')], {
      env: { ...cleanEnv(), CHILD_NODE_OPTIONS: `--require ${preCjs} --import ${preMjs}`, PRELOAD_PROBE_OUT: probe }, ...user.options,
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.child.mkdir).toBe('EPERM');
    expect(r.json.parent).toMatchObject({ mode: nested ? 'filter' : 'disabled', filters: outer.filters });
    expect(probeLines(probe)).toEqual(['preload 2', 'preload 2']);
  });
});
