// Typos and messages end to end: `seccomp run`, the register hook and spawn() refuse a name no
// arch has (with its path and the nearest real name), print a profile's warnings once (not with
// --quiet / SECCOMP_QUIET=1), and say plainly when a profile denies the execve a command needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, root, runFixture, runNode } from './helpers/child.js';
import { profileFile, seccomp } from './helpers/cli.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-45-');
const typo = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdri'], action: 'SCMP_ACT_ERRNO' }] };
const count = (text: string, part: string) => text.split(part).length - 1;

describe('seccomp run: bad input', () => {
  it('a name no arch has: exit 125 with its path and "did you mean", the command not started', () => {
    const dir = scratch();
    const r = seccomp(['run', '--profile', profileFile(dir, 'typo.json', typo), '--', 'mkdir', join(dir, 'made')]);
    expect(r.status, r.stderr).toBe(125);
    expect(r.stderr).toContain('syscalls[0].names[0]');
    expect(r.stderr).toContain('did you mean "mkdir"?');
    expect(r.stderr).toContain('profile error (ERR_SECCOMP_PROFILE_INVALID)');
    expect(existsSync(join(dir, 'made'))).toBe(false);
  });

  it('a misspelt "syscalls" is refused, not run as a profile without rules', () => {
    const dir = scratch();
    const file = profileFile(dir, 'sycalls.json', { defaultAction: 'SCMP_ACT_ALLOW', sycalls: typo.syscalls });
    const r = seccomp(['run', '--profile', file, '--', 'true']);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('did you mean "syscalls"?');
  });

  it('--unknown-syscalls takes error, warn or ignore; --strict contradicting it is a usage error', () => {
    const bad = seccomp(['run', '--unknown-syscalls=loud', '--', 'true']);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toContain('--unknown-syscalls must be one of error, warn, ignore, got "loud"');
    expect(seccomp(['run', '--strict', '--unknown-syscalls=ignore', '--', 'true']).status).toBe(125);
    expect(seccomp(['check', '--unknown-syscalls', 'loud', 'docker-default']).status).toBe(125);
  });

  it('"profile error" labels only profile errors', () => {
    const r = seccomp(['check', '--arch', 'nope', 'docker-default']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('ERR_SECCOMP_UNKNOWN_ARCH');
    expect(r.stderr).not.toContain('profile error');
  });
});

describe('seccomp run: behaviour', () => {
  it("--unknown-syscalls=ignore restores Docker's behaviour: the rule is skipped silently", () => {
    const dir = scratch();
    const r = seccomp(['run', '--unknown-syscalls=ignore', '--profile', profileFile(dir, 'typo.json', typo), '--', 'mkdir', join(dir, 'made')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(existsSync(join(dir, 'made'))).toBe(true);
  });

  it('warnings are printed once before the command; --quiet silences them', () => {
    const dir = scratch();
    const file = profileFile(dir, 'typo.json', typo);
    const w = seccomp(['run', '--unknown-syscalls=warn', '--profile', file, '--', 'true']);
    expect(w.status, w.stderr).toBe(0);
    expect(w.stderr).toBe('seccomp: warning: syscalls[0].names[0]: unknown syscall "mkdri" skipped: no Linux arch has a syscall of that name; did you mean "mkdir"?\n');
    const q = seccomp(['run', '--quiet', '--unknown-syscalls=warn', '--profile', file, '--', 'true']);
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('--strict (deprecated) runs the built-in profile, with a note and nothing about uretprobe', () => {
    const r = seccomp(['run', '--strict', '--', 'true']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/--strict is deprecated.*--unknown-syscalls=error/);
    expect(r.stderr).not.toContain('uretprobe');
    // The built-in profile's names of other arches and newer kernels are not printed.
    expect(seccomp(['run', '--', 'true']).stderr).toBe('');
  });

  it('a profile that denies execve: the message says it must allow execve, for an errno and for a kill', () => {
    const dir = scratch();
    for (const action of ['SCMP_ACT_ERRNO', 'SCMP_ACT_KILL']) {
      const file = profileFile(dir, `${action}.json`, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['execve'], action }] });
      const r = seccomp(['run', '--profile', file, '--', '/bin/true']);
      expect(r.status, action).toBe(125);
      expect(r.stderr, action).toContain('the profile must allow execve (and execveat) for a command to start');
      expect(r.stderr, action).not.toContain('was killed by');
    }
  });

  it('check prints the warnings first', () => {
    const dir = scratch();
    const r = seccomp(['check', '--unknown-syscalls=warn', profileFile(dir, 'typo.json', typo)]);
    expect(r.status).toBe(0);
    expect(r.stdout.split('\n')[0]).toMatch(/^warning: syscalls\[0\]\.names\[0\]: .*did you mean "mkdir"\?/);
  });
});

describe('register hook', () => {
  const app = (env: Record<string, string>) => {
    const dir = scratch();
    const clean = { ...process.env };
    for (const k of Object.keys(clean)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete clean[k];
    const profile = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdri', 'mkdir'], action: 'SCMP_ACT_ERRNO' }] });
    const r = runNode(['--import', 'seccomp/register', join(fixtures, 'register-app.mjs'), join(dir, 'marker'), join(dir, 'made')], {
      cwd: root,
      env: { ...clean, SECCOMP_PROFILE: profile, ...env },
    });
    return { ...r, ran: existsSync(join(dir, 'marker')) };
  };

  it('refuses a name no arch has, with its path and "did you mean"', () => {
    const r = app({});
    expect(r.status).toBe(125);
    expect(r.ran).toBe(false);
    expect(r.stderr).toContain('syscalls[0].names[0]');
    expect(r.stderr).toContain('did you mean "mkdir"?');
  });

  it('prints the warnings once (SECCOMP_UNKNOWN_SYSCALLS=warn); SECCOMP_QUIET=1 silences them', () => {
    const w = app({ SECCOMP_UNKNOWN_SYSCALLS: 'warn' });
    expect(w.status, w.stderr).toBe(0);
    expect(w.json.mkdir).toBe('EPERM');
    expect(count(w.stderr, 'did you mean "mkdir"?')).toBe(1);
    expect(w.stderr).toMatch(/^seccomp\/register: warning: syscalls\[0\]\.names\[0\]: /);
    const q = app({ SECCOMP_UNKNOWN_SYSCALLS: 'warn', SECCOMP_QUIET: '1' });
    expect(q.status).toBe(0);
    expect(q.stderr).toBe('');
  });

  it('SECCOMP_PROFILE_STRICT=1 (deprecated) says so and refuses the typo', () => {
    const r = app({ SECCOMP_PROFILE_STRICT: '1' });
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('SECCOMP_PROFILE_STRICT is deprecated');
  });
});

describe('spawn(), execFile(), forkSandboxed()', () => {
  it('emit the warnings once as SECCOMP_PROFILE_WARNING; SECCOMP_QUIET=1 silences them; execve denied is said', () => {
    const r = runFixture('spawn-warnings.mjs');
    expect(r.status, r.stderr).toBe(0);
    const profileWarnings = r.json.seen.filter((w: { code: string }) => w.code === 'SECCOMP_PROFILE_WARNING');
    expect(profileWarnings).toEqual([{ name: 'SeccompProfileWarning', code: 'SECCOMP_PROFILE_WARNING', message: expect.stringContaining('why: unknown key "why" ignored') }]);
    expect(count(r.stderr, '[SECCOMP_PROFILE_WARNING]')).toBe(1);
    // forkSandboxed's seccompStrict is deprecated, and still compiles docker-default.
    expect(r.json.forkExit).toBe(0);
    expect(r.json.seen.filter((w: { code: string }) => w.code === 'SECCOMP_DEP_STRICT')).toHaveLength(1);
    expect(r.json.execError).toEqual({ code: 'EPERM', message: expect.stringContaining('the profile must allow execve (and execveat)') });
    const q = runFixture('spawn-warnings.mjs', [], { env: { ...process.env, SECCOMP_QUIET: '1' } });
    expect(q.status, q.stderr).toBe(0);
    expect(q.json.seen.filter((w: { code: string }) => w.code === 'SECCOMP_PROFILE_WARNING')).toEqual([]);
  });
});
