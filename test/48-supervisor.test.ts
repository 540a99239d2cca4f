// The notify supervisor: NOTIFY profiles under spawn(), answered by onSyscall in this process
// for the child and its whole tree. The filters are installed only in the children (by the
// launcher); this process supervises.
import { type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, SeccompError } from '../dist/errors.js';
import { features } from '../dist/library.js';
import { execFile, spawn } from '../dist/spawn.js';
import type { SandboxedChild } from '../dist/launch/spawn.js';
import { kernelAnswer, supervise, type SyscallNotification } from '../dist/supervisor/supervise.js';
import { NO_NOTIFY, skipAllIf } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-48-');
const canNotify = features().notify;

const notifying = (names: string[]) => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  listenerPath: '/run/unused.sock', // Docker's format needs one; spawn supervises in-process
  syscalls: [{ names, action: 'SCMP_ACT_NOTIFY' }],
});
const MKDIR = ['mkdir', 'mkdirat'];
const mkdirPath = (n: SyscallNotification) => n.readString(n.syscall === 'mkdirat' ? 1 : 0);

function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (stderr += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('supervisor: bad input', () => {
  it('a NOTIFY profile needs onSyscall, and onSyscall must be a function', () => {
    const err = (() => {
      try {
        spawn('true', [], { seccomp: notifying(MKDIR) });
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(SeccompError);
    expect((err as SeccompError).code).toBe(ErrorCode.UNSUPPORTED);
    expect((err as Error).message).toMatch(/options\.onSyscall/);
    expect(() => spawn('true', [], { seccomp: notifying(MKDIR), onSyscall: 'x' as never })).toThrow(TypeError);
    expect(() => supervise(-1, () => 'continue')).toThrow(TypeError);
    expect(() => supervise(0, 'x' as never)).toThrow(TypeError);
  });

  it('refuses a profile that notifies sendmsg (the launcher hands the listener over with it)', () => {
    expect(() => spawn('true', [], { seccomp: notifying(['sendmsg']), onSyscall: () => 'continue' })).toThrow(/syscalls\[0\] notifies sendmsg/);
  });

  it('reads only well-formed answers; everything else is none', () => {
    expect(kernelAnswer('continue')).toEqual({ val: 0n, error: 0, flags: 1 });
    expect(kernelAnswer({ errno: 13 })).toEqual({ val: 0n, error: -13, flags: 0 });
    expect(kernelAnswer({ value: -1n })).toEqual({ val: -1n, error: 0, flags: 0 });
    for (const bad of [undefined, null, 'allow', 0, {}, { errno: 0 }, { errno: 4096 }, { errno: 1.5 }, { value: 'x' }, { value: 2 ** 63 }, { value: 2n ** 63n }, { errno: 1, value: 1 }]) {
      expect(kernelAnswer(bad)).toBeUndefined();
    }
  });

  it('answers EPERM (fail closed) when the handler throws, rejects or returns no answer', async (t) => {
    t.skip(!canNotify, NO_NOTIFY);
    const answers: (() => unknown)[] = [
      () => { throw new Error('handler bug'); },
      () => Promise.reject(new Error('async bug')),
      () => undefined,
      () => ({ errno: 0 }),
      () => Promise.resolve('allow'),
    ];
    let i = 0;
    const script = answers.map((_, k) => `mkdir ${tmp}/failclosed-${k} 2>/dev/null; echo $?`).join('; ');
    const child = spawn('/bin/sh', ['-c', script], { seccomp: notifying(MKDIR), onSyscall: () => answers[i++]() });
    const r = await finished(child);
    expect(r.stdout.trim().split('\n')).toEqual(answers.map(() => '1'));
    expect(answers.map((_, k) => existsSync(`${tmp}/failclosed-${k}`))).toEqual(answers.map(() => false));
    expect(child.seccompSupervisor!.stats).toEqual({ received: 5, answered: 5, defaulted: 5 });
  });
});

describe('supervisor: the whole tree', () => {
  skipAllIf(!canNotify, NO_NOTIFY);
  it('errno, value and continue round trips in a child and a grandchild, with the path read', async () => {
    const seen: { pid: number; syscall?: string; path?: string }[] = [];
    const onSyscall = (n: SyscallNotification) => {
      if (n.syscall === 'getppid') return { value: 4242 };
      const path = mkdirPath(n);
      seen.push({ pid: n.pid, syscall: n.syscall, path });
      // Decided on the path, then answered asynchronously for half of them.
      const answer = path?.includes('allowed') ? 'continue' : { errno: 13 };
      return path?.startsWith(`${tmp}/g`) ? Promise.resolve(answer) : answer;
    };
    const script = (p: string) => `echo ppid=$PPID; mkdir ${tmp}/${p}denied; echo d=$?; mkdir ${tmp}/${p}allowed; echo a=$?`;
    const child = spawn('/bin/sh', ['-c', `${script('c-')}; /bin/sh -c '${script('g-')}'`], {
      seccomp: notifying([...MKDIR, 'getppid']), onSyscall,
    }) as SandboxedChild;
    const r = await finished(child);
    expect(r.code).toBe(0);
    // getppid answered with a value, mkdir refused (EACCES), then continued: in both shells.
    expect(r.stdout).toBe('ppid=4242\nd=1\na=0\nppid=4242\nd=1\na=0\n');
    expect(r.stderr).toMatch(/Permission denied/);
    expect(existsSync(`${tmp}/c-denied`)).toBe(false);
    expect(existsSync(`${tmp}/c-allowed`)).toBe(true);
    expect(existsSync(`${tmp}/g-denied`)).toBe(false);
    expect(existsSync(`${tmp}/g-allowed`)).toBe(true);
    expect(seen.map((s) => s.path)).toEqual([`${tmp}/c-denied`, `${tmp}/c-allowed`, `${tmp}/g-denied`, `${tmp}/g-allowed`]);
    expect(new Set(seen.map((s) => s.pid)).size).toBeGreaterThan(2); // mkdir runs in its own processes
    expect(await child.seccompSupervisor!.closed).toEqual({ reason: 'hangup' });
  });

  it('keeps the listener out of the child and the grandchild (/proc/self/fd)', async () => {
    const list = 'for f in /proc/self/fd/*; do echo "${f##*/} $(readlink $f)"; done; true';
    const { stdout } = (await execFile('/bin/sh', ['-c', `${list}; echo --; /bin/sh -c '${list}'`], {
      seccomp: notifying(MKDIR), onSyscall: () => 'continue',
    })) as { stdout: string };
    const [mine, grand] = stdout.split('--\n');
    for (const fds of [mine, grand]) {
      const lines = fds.trim().split('\n');
      expect(lines.length).toBeGreaterThan(2);
      expect(fds).not.toMatch(/seccomp/); // the listener: anon_inode:seccomp notify
      // stdout and stderr are Node's socketpairs; the hand-off socket would come after them
      expect(lines.filter((l) => Number(l.split(' ')[0]) > 2 && /socket:/.test(l))).toEqual([]);
    }
  });

  it('serves the tree until its last task exits, then closes (a grandchild outliving the child)', async () => {
    const paths: string[] = [];
    const child = spawn('/bin/sh', ['-c', `(sleep 0.3; mkdir ${tmp}/late) & exit 0`], {
      seccomp: notifying(MKDIR), stdio: 'ignore',
      onSyscall: (n) => {
        paths.push(mkdirPath(n) ?? '?');
        return 'continue';
      },
    });
    let closedEarly = false;
    void child.seccompSupervisor!.closed.then(() => (closedEarly = paths.length === 0));
    await finished(child);
    const end = await child.seccompSupervisor!.closed;
    expect(end).toEqual({ reason: 'hangup' });
    expect(closedEarly).toBe(false);
    expect(paths).toEqual([`${tmp}/late`]);
    expect(existsSync(`${tmp}/late`)).toBe(true);
  });

  it('close() ends supervision: the kernel then fails notified syscalls with ENOSYS', async () => {
    const child = spawn('/bin/sh', ['-c', `read x; mkdir ${tmp}/after 2>/dev/null; echo $?; echo $x`], {
      seccomp: notifying(MKDIR), onSyscall: () => 'continue', stdio: ['pipe', 'pipe', 'pipe'],
    });
    const sup = child.seccompSupervisor!;
    sup.close();
    expect(await sup.closed).toEqual({ reason: 'closed' });
    child.stdin!.end('go\n');
    const r = await finished(child);
    expect(r.stdout).toBe('1\ngo\n');
    expect(existsSync(`${tmp}/after`)).toBe(false);
  });
});

describe('supervisor: the launch outcome', () => {
  skipAllIf(!canNotify, NO_NOTIFY);
  const events = (child: ChildProcess) =>
    new Promise<string[]>((resolve) => {
      const ev: string[] = [];
      child.on('exit', (code) => ev.push(`exit ${code}`));
      child.on('error', (e: NodeJS.ErrnoException) => ev.push(`error ${e.code}`));
      child.on('close', (code) => {
        ev.push(`close ${code}`);
        resolve(ev);
      });
    });

  it("an execve the supervisor refuses is the launch's 'error' (EACCES) before 'close', never an exit 127", async () => {
    const child = spawn('/bin/true', [], { seccomp: notifying(['execve']), stdio: 'ignore', onSyscall: () => ({ errno: 13 }) });
    expect(await events(child)).toEqual(['error EACCES', 'close -13']);
    expect(child.pid).toBeUndefined();
  });

  it("an execve the supervisor continues runs the command: 'exit' then 'close' as usual", async () => {
    const child = spawn('/bin/sh', ['-c', 'exit 3'], { seccomp: notifying(['execve']), stdio: 'ignore', onSyscall: () => 'continue' });
    expect(await events(child)).toEqual(['exit 3', 'close 3']);
    expect(child.seccompSupervisor!.stats.answered).toBe(1);
  });
});

describe('supervisor: no leaks', () => {
  skipAllIf(!canNotify, NO_NOTIFY);
  it('open fds in this process stay flat across 50 supervised spawns', async () => {
    const one = async (k: number) => {
      const child = spawn('/bin/sh', ['-c', `mkdir ${tmp}/leak-${k}`], { seccomp: notifying(MKDIR), onSyscall: () => ({ errno: 1 }), stdio: 'ignore' });
      await finished(child);
      await child.seccompSupervisor!.closed;
      return child.seccompSupervisor!.stats.answered;
    };
    await one(-1); // the program's memfd is made once and kept
    const before = openFds();
    let answered = 0;
    for (let k = 0; k < 50; k++) answered += await one(k);
    expect(answered).toBe(50);
    expect(openFds()).toBe(before);
  });

  it('open fds stay flat across 10^4 notifications answered from one child', async () => {
    const run = (n: number) => spawn(process.execPath, ['-e', `let s = 0; for (let i = 0; i < ${n}; i++) s += process.ppid; console.log(s)`], {
      seccomp: notifying(['getppid']), onSyscall: (n) => (n.syscall === 'getppid' ? { value: 1 } : 'continue'),
    });
    const warm = run(1); // the program's memfd is made once and kept
    await finished(warm);
    await warm.seccompSupervisor!.closed;
    const before = openFds();
    const N = 10_000;
    const child = run(N);
    const during: number[] = [];
    const timer = setInterval(() => during.push(openFds()), 20);
    const r = await finished(child);
    clearInterval(timer);
    await child.seccompSupervisor!.closed;
    expect(r.stdout.trim()).toBe(String(N));
    expect(child.seccompSupervisor!.stats.received).toBeGreaterThanOrEqual(N);
    expect(Math.max(...during, before) - before).toBeLessThanOrEqual(8); // the child's stdio and our hand-off
    expect(openFds()).toBe(before);
  });
});
