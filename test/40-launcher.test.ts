// spawn/execFile/fork through the launcher. Filters are installed only in the children
// (by the launcher, before exec); this process compiles and spawns.
import { spawn as nodeSpawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeccompError } from '../dist/errors.js';
import { compile } from '../dist/profile/compile.js';
import { execFile, fork, spawn } from '../dist/spawn.js';
import { runFixture } from './helpers/child.js';
import { nested, outer } from './helpers/nested.js';
import { openToAll, users } from './helpers/users.js';
import { NOT_ROOT } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-40-');

const denyMkdir = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
};

interface Outcome {
  events: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: NodeJS.ErrnoException & { spawnargs?: string[] };
  stdout: string;
  stderr: string;
  pid?: number;
}

/** Everything a child did, up to 'close'. */
function outcome(child: ChildProcess): Promise<Outcome> {
  const out: Outcome = { events: [], code: null, signal: null, stdout: '', stderr: '' };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (out.stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (out.stderr += s));
  return new Promise((resolve) => {
    child.on('spawn', () => out.events.push('spawn'));
    child.on('exit', () => out.events.push('exit'));
    child.on('error', (e) => {
      out.events.push('error');
      out.error = e;
    });
    child.on('close', (code, signal) => {
      out.events.push('close');
      out.code = code;
      out.signal = signal;
      out.pid = child.pid;
      resolve(out);
    });
  });
}

describe('spawn: bad input', () => {
  it('rejects wrong argument types before starting anything', () => {
    expect(() => spawn(42 as unknown as string)).toThrow(TypeError);
    expect(() => spawn('true', 'x' as unknown as string[])).toThrow(TypeError);
    expect(() => spawn('true', [1 as unknown as string])).toThrow(TypeError);
    expect(() => spawn('true', [], { capabilities: 'CAP_CHOWN' as unknown as string[] })).toThrow(TypeError);
    expect(() => spawn('true', [], { capabilities: ['CAP_NOT_A_CAP'] })).toThrow(
      expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_CAPABILITY' }),
    );
  });

  it('throws the profile error (with its JSON path) instead of starting the command', () => {
    const marker = join(tmp, 'bad-profile-ran');
    let err: unknown;
    try {
      spawn('touch', [marker], { seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOPE' }] } });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SeccompError);
    expect((err as SeccompError).code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(JSON.stringify((err as SeccompError).problems)).toContain('syscalls[0].action');
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a compiled profile evaluated against other capabilities', () => {
    const compiled = compile('docker-default', { capabilities: ['CAP_CHOWN'] });
    expect(() => spawn('true', [], { seccomp: compiled, capabilities: ['CAP_SYS_ADMIN'] })).toThrow(RangeError);
  });

  it('refuses a profile compiled for another arch, and NOTIFY profiles, without starting the command', () => {
    const marker = join(tmp, 'foreign-arch-ran');
    const foreign = compile('docker-default', { arch: process.arch === 'arm64' ? 'amd64' : 'arm64' });
    expect(() => spawn('touch', [marker], { seccomp: foreign })).toThrow(
      expect.objectContaining({ code: 'ERR_SECCOMP_ARCH_MISMATCH' }),
    );
    const notify = {
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/tmp/nobody-listens.sock',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    };
    expect(() => spawn('touch', [marker], { seccomp: notify })).toThrow(
      expect.objectContaining({ code: 'ERR_SECCOMP_UNSUPPORTED' }),
    );
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a missing command as an ENOENT error event, like child_process', async () => {
    const o = await outcome(spawn('no-such-command-seccomp', ['a', 'b'], { seccomp: denyMkdir }));
    expect(o.events).toEqual(['error', 'close']);
    expect(o.error).toMatchObject({
      code: 'ENOENT',
      errno: -2,
      syscall: 'spawn no-such-command-seccomp',
      path: 'no-such-command-seccomp',
      spawnargs: ['a', 'b'],
    });
    expect(o.pid).toBeUndefined();
  });

  it('resolves the command on the PATH of the environment it was given', async () => {
    const o = await outcome(spawn('true', [], { seccomp: denyMkdir, env: { PATH: tmp } }));
    expect(o.error?.code).toBe('ENOENT');
  });

  it('reports a file that is not executable as EACCES', async () => {
    const file = join(tmp, 'not-executable');
    writeFileSync(file, '#!/bin/sh\nexit 0\n');
    chmodSync(file, 0o644);
    const o = await outcome(spawn(file, [], { seccomp: denyMkdir }));
    expect(o.events).toEqual(['error', 'close']);
    expect(o.error).toMatchObject({ code: 'EACCES', errno: -13, syscall: `spawn ${file}`, path: file });
  });

  it('reports a filter the kernel refuses as ERR_SECCOMP_LOAD and does not run the command', async () => {
    const marker = join(tmp, 'refused-ran');
    // A compiled profile whose program jumps past its end: the kernel's checker says EINVAL.
    const good = compile(denyMkdir);
    const ja = Buffer.alloc(8);
    ja.writeUInt16LE(0x05, 0); // BPF_JMP | BPF_JA
    ja.writeUInt32LE(7, 4);
    const broken = { ...good, hash: 'broken-program', bpf: ja };
    const o = await outcome(spawn('touch', [marker], { seccomp: broken }));
    expect(o.events).toEqual(['error', 'close']);
    expect(o.error).toBeInstanceOf(SeccompError);
    expect(o.error).toMatchObject({ code: 'ERR_SECCOMP_LOAD', errno: 22, syscall: 'spawn touch', path: 'touch' });
    expect(existsSync(marker)).toBe(false);
  });

  it('reports a profile that denies execve itself (and exit_group) as an EPERM error event', async () => {
    const noExec = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['execve', 'exit_group'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }],
    };
    const o = await outcome(spawn('/bin/true', [], { seccomp: noExec }));
    expect(o.events).toEqual(['error', 'close']);
    expect(o.error).toMatchObject({ code: 'EPERM', errno: -1, path: '/bin/true' });
  });

  it('knows a command cannot start before spawn() returns: no pid, then error and close', async () => {
    const child = spawn('no-such-command-seccomp', [], { seccomp: 'docker-default' });
    expect(child.pid).toBeUndefined();
    const o = await outcome(child);
    expect(o.events).toEqual(['error', 'close']);
    expect(o.code).toBe(-2);
  });

  it('reports a command name longer than PATH_MAX as ENAMETOOLONG, with the whole name', async () => {
    const name = `/${'a'.repeat(5000)}`;
    const o = await outcome(spawn(name, [], { seccomp: denyMkdir }));
    expect(o.events).toEqual(['error', 'close']);
    expect(o.error).toMatchObject({ code: 'ENAMETOOLONG', errno: -36, path: name });
  });

  it('refuses a program longer than the kernel allows or not made of whole instructions', async () => {
    const good = compile(denyMkdir);
    const marker = join(tmp, 'long-program-ran');
    for (const bpf of [Buffer.concat(Array(4097).fill(good.bpf.subarray(-8))), good.bpf.subarray(0, 12)]) {
      const bad = { ...good, hash: `bad-length-${bpf.length}`, bpf };
      const o = await outcome(spawn('touch', [marker], { seccomp: bad }));
      expect(o.events).toEqual(['error', 'close']);
      expect(o.error).toMatchObject({ code: 'ERR_SECCOMP_LOAD', errno: 22, stage: 'bpf' });
    }
    expect(existsSync(marker)).toBe(false);
  });
});

describe('spawn: behaviour', () => {
  it('a profile denying mkdir makes /bin/mkdir fail with EPERM and nothing is created', async () => {
    const dir = join(tmp, 'denied');
    const o = await outcome(spawn('/bin/mkdir', [dir], { seccomp: denyMkdir }));
    expect(o.events).toEqual(['spawn', 'exit', 'close']);
    expect(o.code).toBe(1);
    expect(o.stderr).toContain('Operation not permitted');
    expect(existsSync(dir)).toBe(false);

    const allowed = join(tmp, 'allowed');
    const u = await outcome(spawn('/bin/mkdir', [allowed], { seccomp: 'unconfined' }));
    expect(u.code).toBe(0);
    expect(existsSync(allowed)).toBe(true);
  });

  it('passes the exit code and the signal through', async () => {
    expect((await outcome(spawn('sh', ['-c', 'exit 7'], { seccomp: denyMkdir }))).code).toBe(7);
    const s = await outcome(spawn('sh', ['-c', 'kill -TERM $$'], { seccomp: denyMkdir }));
    expect(s.code).toBeNull();
    expect(s.signal).toBe('SIGTERM');
  });

  it('gives the pid of the command itself (the launcher execs in place)', async () => {
    const child = spawn('sh', ['-c', 'echo $$'], { seccomp: 'docker-default' });
    const pid = child.pid;
    const o = await outcome(child);
    expect(Number(o.stdout.trim())).toBe(pid);
  });

  it('connects stdio pipes and hides its own descriptors', async () => {
    const child = spawn('cat', [], { seccomp: 'docker-default' });
    expect(child.stdio).toHaveLength(3);
    child.stdin!.end('hello through the filter\n');
    const o = await outcome(child);
    expect(o.stdout).toBe('hello through the filter\n');
    expect(o.code).toBe(0);
  });

  it('gives the command the descriptors child_process would, none of the launcher\'s', async () => {
    const list = ['-c', 'ls /proc/$$/fd'];
    for (const stdio of ['pipe', ['pipe', 'pipe', 'pipe', 'ipc']] as const) {
      const plain = await outcome(nodeSpawn('sh', list, { stdio: stdio as never }));
      const confined = await outcome(spawn('sh', list, { seccomp: 'docker-default', stdio: stdio as never }));
      expect(confined.stdout).toBe(plain.stdout);
    }
  });

  it('kill() signals the real command', async () => {
    const child = spawn('sleep', ['30'], { seccomp: 'docker-default' });
    const done = outcome(child);
    await new Promise((r) => child.once('spawn', r));
    expect(child.kill('SIGKILL')).toBe(true);
    const o = await done;
    expect(o.signal).toBe('SIGKILL');
  });

  it('puts the command behind the filter with no_new_privs; unconfined is a plain spawn', async () => {
    const read = "grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status";
    const confined = await outcome(spawn('sh', ['-c', read], { seccomp: 'docker-default' }));
    expect(confined.stdout).toMatch(/NoNewPrivs:\s+1/);
    expect(confined.stdout).toMatch(/Seccomp:\s+2/);
    const plain = await outcome(spawn('sh', ['-c', read], { seccomp: 'unconfined' }));
    // Nested, unconfined adds nothing to what the outer sandbox already set.
    expect(plain.stdout).toMatch(new RegExp(`NoNewPrivs:\\s+${outer.noNewPrivs ? 1 : 0}`));
    expect(plain.stdout).toMatch(new RegExp(`Seccomp:\\s+${nested ? 2 : 0}`));
  });

  it('drops capabilities to the given set (CapEff, CapBnd of the child)', async (t) => {
    t.skip(process.getuid?.() !== 0, NOT_ROOT);
    const o = await outcome(
      spawn('sh', ['-c', "grep -E '^Cap(Eff|Prm|Bnd|Amb):' /proc/self/status"], {
        seccomp: 'docker-default',
        capabilities: ['CAP_CHOWN', 'CAP_KILL'],
      }),
    );
    const caps = Object.fromEntries(o.stdout.trim().split('\n').map((l) => l.split(/:\s+/)));
    expect(caps).toEqual({
      CapPrm: '0000000000000021',
      CapEff: '0000000000000021',
      CapBnd: '0000000000000021',
      CapAmb: '0000000000000000',
    });
  });

  // Nested under Docker's capabilities there is no CAP_SYS_ADMIN to give, and the outer
  // docker-default refuses unshare without it.
  it('evaluates the profile against the capabilities given', async (t) => {
    t.skip(process.getuid?.() !== 0, NOT_ROOT);
    t.skip(nested, 'nested: the outer sandbox has no CAP_SYS_ADMIN to give');
    // docker-default allows unshare only with CAP_SYS_ADMIN.
    const script = 'unshare --user true && echo allowed';
    const without = await outcome(spawn('sh', ['-c', script], { seccomp: 'docker-default', capabilities: ['CAP_CHOWN'] }));
    expect(without.stdout).not.toContain('allowed');
    expect(without.stderr).toContain('Operation not permitted');
    const withAdmin = await outcome(
      spawn('sh', ['-c', script], { seccomp: 'docker-default', capabilities: ['CAP_SYS_ADMIN'] }),
    );
    expect(withAdmin.stdout).toContain('allowed');
  });

  it('honours child_process options: cwd, env, shell, argv0', async () => {
    const o = await outcome(
      spawn('echo "$PWD $GREETING"; exit 3', { seccomp: 'docker-default', cwd: tmp, env: { GREETING: 'hi', PATH: process.env.PATH }, shell: true }),
    );
    expect(o.stdout.trim()).toBe(`${tmp} hi`);
    expect(o.code).toBe(3);
    const a = await outcome(spawn('sh', ['-c', 'echo $0'], { seccomp: 'docker-default', argv0: 'custom-name' }));
    expect(a.stdout.trim()).toBe('custom-name');
  });

  it('execFile resolves { stdout, stderr } and rejects with code, signal and output', async () => {
    await expect(execFile('sh', ['-c', 'echo out; echo err >&2'], { seccomp: denyMkdir })).resolves.toEqual({
      stdout: 'out\n',
      stderr: 'err\n',
    });
    await expect(execFile('sh', ['-c', 'echo partial; exit 4'], { seccomp: denyMkdir })).rejects.toMatchObject({
      code: 4,
      signal: null,
      stdout: 'partial\n',
    });
    await expect(execFile('sh', ['-c', 'kill -KILL $$'], { seccomp: denyMkdir })).rejects.toMatchObject({
      code: null,
      signal: 'SIGKILL',
    });
    await expect(execFile('no-such-command-seccomp', [], { seccomp: denyMkdir })).rejects.toMatchObject({
      code: 'ENOENT',
    });
    const dir = join(tmp, 'execfile-denied');
    await expect(execFile('mkdir', [dir], { seccomp: denyMkdir })).rejects.toMatchObject({ code: 1 });
    expect(existsSync(dir)).toBe(false);
  });

  it('fork runs a Node module under docker-default with a working IPC channel', async () => {
    const mod = join(tmp, 'ipc-child.mjs');
    writeFileSync(
      mod,
      "import { readFileSync } from 'node:fs';\n" +
        "const seccomp = /Seccomp:\\s+(\\d)/.exec(readFileSync('/proc/self/status', 'utf8'))[1];\n" +
        "process.on('message', (m) => process.send({ echo: m, pid: process.pid, seccomp }, () => process.exit(0)));\n",
    );
    const child = fork(mod, [], { seccomp: 'docker-default', execArgv: [] });
    const reply = new Promise((resolve) => child.once('message', resolve));
    const done = outcome(child);
    child.send({ ping: 1 });
    expect(await reply).toEqual({ echo: { ping: 1 }, pid: child.pid, seccomp: '2' });
    expect((await done).code).toBe(0);
  });
});

describe.each(users)('spawn: the kept program cannot be swapped (as $name)', (user) => {
  it('a reused descriptor number is not read as the filter', (t) => {
    t.skip(user.skip !== undefined, user.skip);
    const dir = openToAll(mkdtempSync(join(tmpdir(), 'seccomp-40-memfd-')));
    let r;
    try {
      r = runFixture('spawn-memfd-reuse.mjs', [dir], user.options);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.first).toEqual({ code: 1, made: false });
    expect(out.memfdsBefore).toHaveLength(1);
    expect(out.reused).toBe(true); // the fixture got the memfd's number for its own file
    expect(out.second).toEqual({ code: 1, made: false }); // still behind the deny-mkdir program
    expect(out.memfdsAfter).toHaveLength(1); // a fresh memfd
    expect(out.targetStill).toBe(join(dir, 'allow-all.bpf')); // and the fixture's file was left alone
  });
});
