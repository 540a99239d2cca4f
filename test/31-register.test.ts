// seccomp/register (--import and --require) and forkSandboxed: the profile goes on before user
// code runs, or the program does not run at all (exit status 125, nothing written by user code).
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { forkSandboxed } from '../src/fork.js';
import { compile } from '../src/profile/compile.js';
import { fixtures, root, runFixture, runNode, type ChildResult } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-register-');

const denyMkdir = join(fixtures, 'deny-mkdir.json');
const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
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

  it('for a missing file, an unknown syscall under SECCOMP_PROFILE_STRICT=1, or a bad STRICT value', () => {
    refused(runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: '/nonexistent/profile.json' }));
    const dir = scratch();
    const unknown = join(dir, 'unknown.json');
    writeFileSync(unknown, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'not_a_syscall'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const strict = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown, SECCOMP_PROFILE_STRICT: '1' });
    refused(strict);
    expect(strict.stderr).toContain('not_a_syscall');
    refused(runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown, SECCOMP_PROFILE_STRICT: 'yes' }));
    // Not strict: the unknown name is skipped and the rest applies.
    const lax = runApp('--import', 'register-app.mjs', { SECCOMP_PROFILE: unknown });
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
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: 1, noNewPrivs: true });
    expect(r.json.status.applied).toHaveLength(1);
    expect(readdirSync(r.dir)).toEqual(['marker']);
  });

  it('with --require; a Worker (which preloads --require again) adds no filter', () => {
    const r = runApp('--require', 'register-app.cjs', { SECCOMP_PROFILE: denyMkdir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.json.workerMkdir).toBe('EPERM');
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: 1 });
    expect(readdirSync(r.dir)).toEqual(['marker']);
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
    expect(() => forkSandboxed(child, { seccomp: compile('docker-default') as never })).toThrow(/not a compiled profile/);
    const huge = { defaultAction: 'SCMP_ACT_ALLOW', comment: 'x'.repeat(200_000) };
    expect(() => forkSandboxed(child, { seccomp: huge })).toThrow(RangeError);
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
    expect(r.json.child.status).toMatchObject({ mode: 'filter', filters: 1, noNewPrivs: true });
    expect(r.json.code).toBe(7);
    expect(r.json.parent).toMatchObject({ mode: 'disabled', filters: 0 });
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
    expect(r.json.child.status.applied[0].name).toBe(denyMkdir);
  });
});
