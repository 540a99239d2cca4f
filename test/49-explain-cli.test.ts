// `seccomp explain`: in-process through runCommand (text and --json), and one spawned smoke run.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../dist/cli/dispatch.js';
import type { CommandIO } from '../dist/cli/command.js';
import { COMMANDS } from '../dist/cli/registry.js';
import { root } from './helpers/child.js';
import { profileFile, seccomp } from './helpers/cli.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-49-');

async function run(argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: {}, cwd: root };
  const status = await runCommand(await COMMANDS.explain.load(), argv, io);
  return { status, stdout, stderr };
}

describe('seccomp explain: bad input', () => {
  it('usage errors exit 125 and name the problem', async () => {
    for (const [argv, msg] of [
      [[], /syscall name or number is needed/],
      [['mkdri'], /unknown syscall "mkdri"; did you mean "mkdir"\?/],
      [['read', '1', '2', '3', '4', '5', '6', '7'], /at most 6 arguments/],
      [['clone', 'CLONE_NEWFOO'], /argument 0 of clone: "CLONE_NEWFOO"/],
      [['read', '0x1ffffffffffffffff'], /does not fit in 64 bits/],
      [['--nope', 'read'], /unknown option --nope/],
    ] as const) {
      const r = await run([...argv]);
      expect(r.status, argv.join(' ')).toBe(125);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });

  it('a bad profile exits 1 with its JSON path', async () => {
    const file = profileFile(tmp, 'bad.json', { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_NOPE' }] });
    const r = await run(['--profile', file, 'read']);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('syscalls[0].action');
  });
});

describe('seccomp explain', () => {
  it('--json gives the documented shape: get_mempolicy without and with --cap-add SYS_NICE', async () => {
    const denied = await run(['--json', '--kernel', '6.1', '--arch', 'amd64', 'get_mempolicy']);
    expect(denied.status).toBe(0);
    const e = JSON.parse(denied.stdout);
    expect(e).toMatchObject({ syscall: 'get_mempolicy', arch: 'x86_64', action: 'ERRNO', errno: 1, errnoName: 'EPERM', rule: 'defaultAction', decidedBy: 'defaultAction' });
    expect(e.allowIf[0]).toMatchObject({ kind: 'capability', fix: '--cap-add SYS_NICE' });
    expect(Array.isArray(e.kernelChecks)).toBe(true);
    const ok = JSON.parse((await run(['--json', '--cap-add', 'SYS_NICE', 'get_mempolicy'])).stdout);
    expect(ok).toMatchObject({ action: 'ALLOW', decidedBy: 'rule', allowIf: [] });
    expect(ok.rule).toMatch(/^syscalls\[\d+\]\.names\[\d+\]$/);
    expect(ok.errno).toBeUndefined();
  });

  it('text: the decision, the rule, what would allow it (flag names accepted), what else to check', async () => {
    const r = await run(['--kernel', '6.1', 'clone', 'CLONE_NEWUSER|SIGCHLD']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('clone(CLONE_NEWUSER|SIGCHLD) on x86_64: ERRNO EPERM (1)');
    expect(lines[1]).toBe('rule: defaultAction (no rule matches)');
    expect(lines[2]).toBe('would be allowed with:');
    expect(lines[3]).toMatch(/^ {2}--cap-add SYS_ADMIN {2}\(syscalls\[\d+\]\.names\[\d+\]\)$/);
    expect(lines[4]).toMatch(/^ {2}clone without CLONE_NEWUSER {2}\(syscalls\[\d+\]/);
    expect(r.stdout).toContain('if it still fails once allowed:');
    expect(r.stdout).toContain('max_user_namespaces');
  });

  it('an allowed syscall still gets the kernel checks: ptrace and Yama, and this package\'s isolation', async () => {
    const r = await run(['--kernel', '6.1', 'ptrace']);
    expect(r.stdout.split('\n').slice(0, 3)).toEqual([
      'ptrace() on x86_64: ALLOW',
      expect.stringMatching(/^rule: syscalls\[\d+\]\.names\[\d+\]$/),
      'if it still fails:',
    ]);
    expect(r.stdout).toMatch(/Yama.*\[\/proc\/sys\/kernel\/yama\/ptrace_scope/);
    expect(r.stdout).toMatch(/Landlock/);
  });

  it('a deny rule in a profile file is named with its names index', async () => {
    const r = await run(['--json', '--profile', join(root, 'test', 'fixtures', 'deny-mkdir.json'), 'mkdirat']);
    expect(JSON.parse(r.stdout)).toMatchObject({ action: 'ERRNO', rule: 'syscalls[0].names[1]', allowIf: [{ kind: 'remove' }] });
  });

  it('--help lists the options', async () => {
    const r = await run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: seccomp explain \[options\] SYSCALL \[ARG\.\.\.\]/);
    expect(r.stdout).toContain('--json');
    expect(r.stdout).toContain('--cap-add');
  });

  it('smoke: the built command explains ptrace before 4.8', () => {
    const r = seccomp(['explain', '--json', '--kernel', '4.7', 'ptrace']);
    expect(r.status).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.action).toBe('ERRNO');
    expect(e.allowIf.map((a: { fix: string }) => a.fix)).toEqual(['--cap-add SYS_PTRACE', 'Linux 4.8 or later']);
  });
});
