// `seccomp check` and `seccomp decide`: inspecting a profile from the shell, nothing is run.
// In-process (main() with a collecting IO); one spawned smoke test of dist/cli.js per command.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { profileFile as writeProfile, seccomp, seccompIn } from './helpers/cli.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-43-');

const profileFile = (name: string, profile: unknown) => writeProfile(tmp, name, profile);

describe('seccomp check / decide: bad input', () => {
  it('an invalid profile exits 1 and names every problem by JSON path', async () => {
    const file = profileFile('bad.json', {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_NOPE' },
        { names: ['write'], action: 'SCMP_ACT_ALLOW', args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    for (const args of [['check', file], ['decide', '--profile', file, 'read']]) {
      const r = await seccompIn(args);
      expect(r.status).toBe(1);
      expect(r.stderr).toContain('syscalls[0].action');
      expect(r.stderr).toContain('syscalls[1].args[0].index');
    }
  });

  it('usage errors exit 125', async () => {
    for (const args of [
      ['check'],
      ['check', 'a', 'b'],
      ['check', '--bogus', 'docker-default'],
      ['decide'],
      ['decide', 'no_such_syscall'],
      ['decide', 'personality', 'ten'],
      ['decide', 'read', '0x1ffffffffffffffff'],
      ['decide', '--all', 'read'],
      ['decide', '--cap-add', 'CAP_NOPE', 'read'],
    ]) {
      expect((await seccompIn(args)).status, args.join(' ')).toBe(125);
    }
  });
});

describe('seccomp check / decide: behaviour', () => {
  it('check reports what docker-default compiles to', async () => {
    const r = await seccompIn(['check', 'docker-default']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('docker-default: valid');
    expect(r.stdout).toMatch(/arches: x86_64, x86, x32/);
    expect(r.stdout).toMatch(/BPF instructions: \d+/);
  });

  it('decide answers per capability set and argument, as Docker would', async () => {
    expect((await seccompIn(['decide', 'unshare'])).stdout).toBe('unshare(): ERRNO EPERM (1)\n');
    expect((await seccompIn(['decide', '--cap-add', 'SYS_ADMIN', 'unshare'])).stdout).toBe('unshare(): ALLOW\n');
    expect((await seccompIn(['decide', 'personality', '0xffffffff'])).stdout).toBe('personality(0xffffffff): ALLOW\n');
    expect((await seccompIn(['decide', 'personality', '16'])).stdout).toBe('personality(16): ERRNO EPERM (1)\n');
    expect((await seccompIn(['decide', 'clone3'])).stdout).toBe('clone3(): ERRNO ENOSYS (38)\n');
    const custom = profileFile('kill.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_KILL_PROCESS' }],
    });
    expect((await seccompIn(['decide', '--profile', custom, 'mkdir'])).stdout).toBe('mkdir(): KILL_PROCESS\n');
    expect((await seccompIn(['decide', '--profile', custom, '83'])).stdout).toBe('83(): KILL_PROCESS\n');
  });

  it('decide --all lists every syscall of the arch with its decision', async () => {
    const r = await seccompIn(['decide', '--all']);
    expect(r.status).toBe(0);
    const rows = r.stdout.trim().split('\n').map((l) => l.split('\t'));
    expect(rows.length).toBeGreaterThan(350);
    const by = new Map(rows.map(([nr, name, d]) => [name, { nr: Number(nr), d }]));
    expect(by.get('read')).toEqual({ nr: 0, d: 'ALLOW' });
    expect(by.get('reboot')?.d).toBe('ERRNO EPERM (1)');
    const x32 = (await seccompIn(['decide', '--arch', 'x32', '--all'])).stdout.split('\n')[0];
    expect(x32).toBe(`${0x4000_0000}\tread\tALLOW`);
  });

  it('decide --all shows a syscall whose answer depends on its arguments as such, with its answers', async () => {
    const rows = new Map(
      (await seccompIn(['decide', '--all'])).stdout.trim().split('\n').map((l) => l.split('\t')).map(([, name, d]) => [name, d]),
    );
    // docker-default: socket(AF_VSOCK, ...) is refused, other families allowed; clone by its flags.
    expect(rows.get('socket')).toBe('depends on args[0]: ERRNO EPERM (1) | ALLOW');
    expect(rows.get('clone')).toMatch(/^depends on args\[0\]: /);
    expect(rows.get('read')).toBe('ALLOW');
    const custom = profileFile('args.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 1, value: 0o777, op: 'SCMP_CMP_EQ' }] },
        // Both ways the same answer: not a dependence.
        { names: ['rmdir'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
      ],
    });
    const mine = new Map(
      (await seccompIn(['decide', '--profile', custom, '--all'])).stdout.trim().split('\n').map((l) => l.split('\t')).map(([, n, d]) => [n, d]),
    );
    expect(mine.get('mkdir')).toBe('depends on args[1]: ERRNO EACCES (13) | ALLOW');
    expect(mine.get('rmdir')).toBe('ALLOW');
    expect((await seccompIn(['decide', '--profile', custom, 'mkdir', '0', '0x1ff'])).stdout).toBe(
      'mkdir(0, 0x1ff): ERRNO EACCES (13)\n',
    );
  });

  it('smoke: the built bin runs check and decide (spawned)', () => {
    const c = seccomp(['check', 'docker-default']);
    expect(c.status).toBe(0);
    expect(c.stdout).toContain('docker-default: valid');
    const d = seccomp(['decide', 'unshare']);
    expect(d.status).toBe(0);
    expect(d.stdout).toBe('unshare(): ERRNO EPERM (1)\n');
    const bad = seccomp(['decide', 'personality', 'ten']);
    expect(bad.status).toBe(125);
    expect(bad.stderr).toMatch(/^seccomp: argument "ten" is not a decimal or 0x hex number/);
  });
});
