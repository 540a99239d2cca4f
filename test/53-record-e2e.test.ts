// Record and replay real programs: ls, a shell pipeline, node -e with fs and a worker thread.
// The replay under the recorded profile gives the same output and status; what the run never
// did (unshare --user) is denied. Also --base, --append and the CLI.
import { spawnSync, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile, execFile, record } from '../dist/index.js';
import { childCapabilitySet } from '../dist/capabilities.js';
import { runCommand } from '../dist/cli/dispatch.js';
import { command as recordCommand } from '../dist/cli/commands/record.js';
import { root } from './helpers/child.js';
import { openToAll, users } from './helpers/users.js';
import { thrown } from './helpers/thrown.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccomp-53-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = join(root, 'dist', 'cli.js');
const PIPES: StdioOptions = ['ignore', 'pipe', 'pipe'];
const iso = { isolation: 'available' as const };

async function replay(profile: Record<string, unknown>, cmd: string, args: string[]) {
  const file = join(tmp, `p-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(profile));
  try {
    const r = await execFile(cmd, args, { seccomp: file, ...iso });
    return { code: 0, stdout: String(r.stdout), stderr: String(r.stderr) };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code, stdout: String(err.stdout), stderr: String(err.stderr) };
  }
}

describe('record: bad input', () => {
  it('refuses bad arguments and an --append profile it did not write, before running anything', () => {
    expect(thrown(() => record('', [])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => record('/bin/true', 'x' as never)).code).toBe('ERR_INVALID_ARG_TYPE');
    const e = thrown(() => record('/bin/true', [], { append: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] } }));
    expect(e.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(e.message).toContain('defaultAction');
    expect(thrown(() => record('/bin/true', [], { base: 'docker-default', append: { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] } })).code)
      .toBe('ERR_SECCOMP_PROFILE_INVALID');
  });

  it('the CLI: --append without -o and a missing command are usage errors (125)', async () => {
    const err: string[] = [];
    const io = { stdout: () => {}, stderr: (t: string) => void err.push(t), env: process.env, cwd: tmp };
    expect(await runCommand(recordCommand, ['--append', '--', '/bin/true'], io)).toBe(125);
    expect(err.join('')).toContain('--append needs -o FILE');
    expect(await runCommand(recordCommand, [], io)).toBe(125);
    expect(await runCommand(recordCommand, ['--kernel', '4.7', '--', '/bin/true'], io)).toBe(125);
    expect(err.join('')).toContain('--kernel needs --base');
  });
});

describe('record and replay', () => {
  it('ls: same output and status; unshare --user is denied', async () => {
    const r = await record('/bin/ls', ['-la', root], { stdio: PIPES, ...iso });
    expect(r.code).toBe(0);
    expect(r.profile).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] });
    const again = await replay(r.profile, '/bin/ls', ['-la', root]);
    expect(again).toMatchObject({ code: 0, stdout: r.stdout });
    const un = await replay(r.profile, '/usr/bin/unshare', ['--user', 'true']);
    expect(un.code).not.toBe(0);
  });

  it('sh -c "echo a | cat": the whole tree is recorded, the replay prints a', async () => {
    const r = await record('/bin/sh', ['-c', 'echo a | cat; exit 3'], { stdio: PIPES, ...iso });
    expect(r).toMatchObject({ code: 3, stdout: 'a\n' });
    const names = (r.profile.syscalls as { names: string[] }[])[0].names;
    expect(names).toEqual(expect.arrayContaining(['pipe2', 'execve', 'wait4', 'dup2']));
    expect(await replay(r.profile, '/bin/sh', ['-c', 'echo a | cat; exit 3'])).toMatchObject({ code: 3, stdout: 'a\n' });
    // Something this run never did is refused (mkdir: EPERM).
    const mk = await replay(r.profile, '/bin/sh', ['-c', `mkdir ${join(tmp, 'never')}`]);
    expect(mk.code).not.toBe(0);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
  });

  it('node -e with fs and a worker thread replays unchanged', async () => {
    const f = join(tmp, 'n.txt');
    const js = `const fs=require('fs');const {Worker}=require('worker_threads');fs.writeFileSync(${JSON.stringify(f)},'x');` +
      `console.log(fs.readFileSync(${JSON.stringify(f)},'utf8'));new Worker('1',{eval:true}).on('exit',()=>console.log('w'))`;
    const r = await record(process.execPath, ['-e', js], { stdio: PIPES, ...iso });
    expect(r).toMatchObject({ code: 0, stdout: 'x\nw\n' });
    rmSync(f);
    expect(await replay(r.profile, process.execPath, ['-e', js])).toMatchObject({ code: 0, stdout: 'x\nw\n' });
    const un = await replay(r.profile, '/usr/bin/unshare', ['--user', 'true']);
    expect(un.code).not.toBe(0);
  }, 30_000);

  it('--base docker-default: only what the base does not allow (nothing for a shell pipeline; unshare when the run needs it)', async () => {
    const plain = await record('/bin/sh', ['-c', 'echo a | cat'], { stdio: PIPES, base: 'docker-default', ...iso });
    expect(plain.profile).toEqual({ baseProfileName: 'docker-default', defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, syscalls: [] });
    const un = await record('/usr/bin/unshare', ['--user', 'true'], { stdio: PIPES, base: 'docker-default', ...iso });
    expect(un.code).toBe(0); // recording lets it run
    expect(un.profile.syscalls).toEqual([{ names: ['unshare'], action: 'SCMP_ACT_ALLOW' }]);
  });
});

describe('--base docker-default on a run that needs ptrace', () => {
  // docker-default allows ptrace (and process_vm_readv/writev) from Linux 4.8 on, so on this
  // kernel strace needs nothing more; recorded for a 4.7 kernel, the base denies them there.
  const strace = ['/usr/bin/strace', '/bin/strace'].find((f) => existsSync(f));
  it('strace -f of a child: exactly the calls the base denied on 4.7 are added, and the replay traces', async (ctx) => {
    ctx.skip(strace === undefined, 'strace is not installed (.ci/run installs it)');
    const args = ['-f', '-o', '/dev/null', '/bin/true'];
    const r = await record(strace as string, args, { stdio: PIPES, base: 'docker-default', kernel: '4.7', ...iso });
    expect(r.code, r.stderr).toBe(0);
    expect(r.profile).toEqual({
      baseProfileName: 'docker-default', defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1,
      syscalls: [{ names: ['process_vm_readv', 'ptrace'], action: 'SCMP_ACT_ALLOW' }],
    });
    const on47 = { kernel: '4.7', capabilities: childCapabilitySet(undefined) };
    const run = (p: unknown) => execFile(strace as string, args, { seccomp: compile(p as never, on47), ...iso }).then(() => 0, (e: { code?: number }) => e.code);
    expect(await run(r.profile)).toBe(0);
    // Without the additions the base refuses strace on 4.7 (ptrace: EPERM).
    expect(await run('docker-default')).not.toBe(0);
    // On this kernel the same record adds nothing.
    const now = await record(strace as string, args, { stdio: PIPES, base: 'docker-default', ...iso });
    expect(now.profile.syscalls).toEqual([]);
  }, 30_000);

  it('options.kernel without a base is refused', () => {
    expect(thrown(() => record('/bin/true', [], { kernel: '4.7' })).code).toBe('ERR_INVALID_ARG_TYPE');
  });
});

describe('seccomp record (CLI)', () => {
  it('-o FILE, then --append a second run: the union replays both', () => {
    const out = join(tmp, 'cli.json');
    const a = spawnSync(process.execPath, [cli, 'record', '-o', out, '--isolation', 'available', '--', '/bin/sh', '-c', 'echo a | cat'], { encoding: 'utf8' });
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toMatch(/wrote .*cli\.json/);
    const first = JSON.parse(readFileSync(out, 'utf8'));
    const b = spawnSync(process.execPath, [cli, 'record', '-o', out, '--append', '--isolation', 'available', '--', '/bin/mkdir', join(tmp, 'made')], { encoding: 'utf8' });
    expect(b.status, b.stderr).toBe(0);
    const union = JSON.parse(readFileSync(out, 'utf8'));
    expect(union.syscalls[0].names).toEqual(expect.arrayContaining([...first.syscalls[0].names, 'mkdir']));
    rmSync(join(tmp, 'made'), { recursive: true });
    const run = spawnSync(process.execPath, [cli, 'run', '--profile', out, '--isolation', 'available', '--', '/bin/mkdir', join(tmp, 'made')], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
  });
});

describe('recording as an unprivileged user', () => {
  const nobody = users.find((u) => u.name === 'nobody') as (typeof users)[number];
  it('nobody records a shell pipeline with `seccomp record`; the replay, as nobody, prints the same', (ctx) => {
    ctx.skip(nobody.skip !== undefined, `as nobody: ${nobody.skip}`);
    const dir = openToAll(mkdtempSync(join(tmpdir(), 'seccomp-53-nobody-')));
    try {
      const out = join(dir, 'nobody.json');
      const script = 'echo a | cat; id -u';
      const opts = { ...nobody.options, cwd: dir, encoding: 'utf8' as const };
      const rec = spawnSync(process.execPath, [cli, 'record', '-o', out, '--isolation', 'available', '--', '/bin/sh', '-c', script], opts);
      expect(rec.status, rec.stderr).toBe(0);
      expect(rec.stdout).toBe('a\n65534\n');
      const profile = JSON.parse(readFileSync(out, 'utf8'));
      expect(profile.syscalls[0].names).toEqual(expect.arrayContaining(['pipe2', 'execve', 'getuid']));
      const again = spawnSync(process.execPath, [cli, 'run', '--profile', out, '--isolation', 'available', '--', '/bin/sh', '-c', script], opts);
      expect(again.status, again.stderr).toBe(0);
      expect(again.stdout).toBe(rec.stdout);
      // What the run never did stays denied for nobody too.
      const mk = spawnSync(process.execPath, [cli, 'run', '--profile', out, '--isolation', 'available', '--', '/bin/mkdir', join(dir, 'never')], opts);
      expect(mk.status).not.toBe(0);
      expect(existsSync(join(dir, 'never'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
