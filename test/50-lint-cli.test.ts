// `seccomp lint`: in-process through runCommand (text, --json, exit statuses), and one spawned run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../dist/cli/command.js';
import { runCommand } from '../dist/cli/dispatch.js';
import { COMMANDS } from '../dist/cli/registry.js';
import { profileFile, seccomp } from './helpers/cli.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-50-');

async function lintCli(argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: tmp };
  const status = await runCommand(await COMMANDS.lint.load(), argv, io);
  return { status, stdout, stderr };
}

const denyMkdir = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] };
const denyBoth = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'ptrace'], action: 'SCMP_ACT_ALLOW' }] };

describe('seccomp lint: bad input', () => {
  it('usage errors exit 125 and say so', async () => {
    for (const argv of [
      ['a.json', 'b.json'],
      ['--profile', 'docker-default', 'docker-default'],
      ['--target', 'k8s'],
      ['--bogus'],
      ['--arch', 'vax'],
      ['--kernel', 'six'],
      ['--cap-add', 'CAP_NOPE'],
    ]) {
      const r = await lintCli(argv);
      expect(r.status, argv.join(' ')).toBe(125);
      expect(r.stderr, argv.join(' ')).toMatch(/^seccomp: .*\(see seccomp lint --help\)\n$/);
      expect(r.stdout).toBe('');
    }
  });

  it('an invalid or missing profile exits 1 with its problems by JSON path', async () => {
    const bad = profileFile(tmp, 'bad.json', { defaultAction: 'SCMP_ACT_NOPE', syscalls: [] });
    const r = await lintCli([bad]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('defaultAction');
    const missing = await lintCli(['no-such.json']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('ERR_SECCOMP_PROFILE_NOT_FOUND');
  });
});

describe('seccomp lint: output and exit status', () => {
  it('an error-level finding exits 1; text gives path, severity, code and fix', async () => {
    profileFile(tmp, 'deny-mkdir.json', denyMkdir);
    // A relative path is the command's working directory's.
    const r = await lintCli(['deny-mkdir.json']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('syscalls[0].names[0]: error deny-family-partial: mkdir is restricted here but mkdirat (x86_64) is allowed');
    expect(r.stdout).toContain('  fix: give mkdirat the same rule as mkdir\n');
    expect(r.stdout).toMatch(/\n1 error, \d+ warnings?, 0 notes\n$/);
  });

  it('warnings only exit 0; --json gives the findings as data', async () => {
    const file = profileFile(tmp, 'ptrace.json', denyBoth);
    const r = await lintCli(['--profile', file, '--json']);
    expect(r.status).toBe(0);
    const { findings } = JSON.parse(r.stdout);
    expect(findings.map((f: { code: string; severity: string; path: string }) => [f.code, f.severity, f.path])).toEqual([
      ['debug-allowed', 'warning', 'syscalls[0].names[2]'],
    ]);
    expect(Object.keys(findings[0])).toEqual(['code', 'severity', 'path', 'message', 'fix']);
  });

  it('no findings: "no findings", exit 0', async () => {
    const file = profileFile(tmp, 'clean.json', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }] });
    expect(await lintCli([file])).toEqual({ status: 0, stdout: 'no findings\n', stderr: '' });
  });

  it('the context options and --target reach the checks', async () => {
    const notify = profileFile(tmp, 'notify.json', {
      defaultAction: 'SCMP_ACT_ERRNO',
      listenerPath: '/run/agent.sock',
      syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }, { names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    });
    expect((await lintCli([notify])).status).toBe(0);
    const k8s = await lintCli([notify, '--target', 'kubernetes', '--json']);
    expect(k8s.status).toBe(1);
    expect(JSON.parse(k8s.stdout).findings.filter((f: { code: string }) => f.code === 'notify-for-kubernetes')).toHaveLength(2);
    // docker-default: the socketcall note is about the i386 ABI of an amd64 filter; the sandbox target closes it.
    const codes = async (argv: string[]) => JSON.parse((await lintCli([...argv, '--json'])).stdout).findings.map((f: { code: string }) => f.code);
    expect(await codes(['--arch', 'amd64'])).toEqual(['deny-family-partial', 'debug-allowed']);
    expect(await codes(['--arch', 'amd64', '--target', 'sandbox'])).toEqual(['debug-allowed']);
    expect(await codes(['--arch', 'arm64'])).toEqual(['debug-allowed']);
    // Without CAP_SYS_PTRACE on a pre-4.8 kernel, docker-default does not allow ptrace.
    expect(await codes(['--arch', 'arm64', '--kernel', '4.4'])).toEqual([]);
  });

  it('--help is generated from the options', async () => {
    const r = await lintCli(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: seccomp lint /);
    for (const flag of ['--profile', '--json', '--target', '--cap-add', '--cap-drop', '--arch', '--kernel']) expect(r.stdout).toContain(flag);
  });
});

describe('seccomp lint: the built command', () => {
  it('node dist/cli.js lint runs, prints and exits as in-process', () => {
    const file = profileFile(tmp, 'smoke.json', denyMkdir);
    const r = seccomp(['lint', file, '--json']);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout).findings[0]).toMatchObject({ code: 'deny-family-partial', severity: 'error', path: 'syscalls[0].names[0]' });
  });
});
