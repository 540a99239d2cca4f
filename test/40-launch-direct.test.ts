// The launch without exec'ing the launcher (native/spawn_direct.cc, src/launch/direct.ts) against
// the exec'd launcher (SECCOMP_SPAWN=exec) and against child_process itself: what the command
// and the caller see must not depend on the way it was started.
import { spawn as nodeSpawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from '../dist/spawn.js';
import { fixtures, runFixture } from './helpers/child.js';
import { NOT_ROOT } from './helpers/skip.js';

type Mode = 'direct' | 'exec' | 'node';
const MODES: Mode[] = ['direct', 'exec', 'node'];

afterEach(() => {
  delete process.env.SECCOMP_SPAWN;
});

interface Seen {
  events: string[];
  code: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  error?: Record<string, unknown>;
  hasPid: boolean;
}

function observe(child: ChildProcess): Promise<Seen> {
  const seen: Seen = { events: [], code: null, signal: null, stdout: '', stderr: '', hasPid: child.pid !== undefined };
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (seen.stdout += s));
  child.stderr?.setEncoding('utf8').on('data', (s: string) => (seen.stderr += s));
  return new Promise((resolve) => {
    child.on('spawn', () => seen.events.push('spawn'));
    child.on('exit', () => seen.events.push('exit'));
    child.on('error', (e: NodeJS.ErrnoException & { spawnargs?: string[] }) => {
      seen.events.push('error');
      seen.error = { message: e.message, code: e.code, errno: e.errno, syscall: e.syscall, path: e.path, spawnargs: e.spawnargs };
    });
    child.on('close', (code, signal) => {
      seen.events.push('close');
      seen.code = code;
      seen.signal = signal;
      resolve(seen);
    });
  });
}

/** Starts the command one way: our spawn (in-process or exec'd launcher) or child_process. */
function start(mode: Mode, command: string, args: string[], options: Record<string, unknown> = {}): ChildProcess {
  if (mode === 'node') return nodeSpawn(command, args, options);
  if (mode === 'exec') process.env.SECCOMP_SPAWN = 'exec';
  try {
    return spawn(command, args, { seccomp: 'docker-default', ...options }) as ChildProcess;
  } finally {
    delete process.env.SECCOMP_SPAWN;
  }
}

async function each(command: string, args: string[], options: Record<string, unknown> = {}, feed?: (c: ChildProcess) => void) {
  const out: Record<Mode, Seen> = {} as Record<Mode, Seen>;
  for (const mode of MODES) {
    const child = start(mode, command, args, options);
    const seen = observe(child);
    feed?.(child);
    out[mode] = await seen;
  }
  return out;
}

describe('direct launch: the same as the exec\'d launcher and child_process', () => {
  it('is the default, and SECCOMP_SPAWN=exec keeps the exec\'d launcher', async () => {
    const handle = (c: ChildProcess) => (c as unknown as { _handle: { constructor: { name: string } } })._handle.constructor.name;
    const direct = start('direct', 'true', []);
    const directSeen = observe(direct);
    expect(handle(direct)).toBe('DirectHandle');
    const exec = start('exec', 'true', []);
    const execSeen = observe(exec);
    expect(handle(exec)).toBe('Process');
    expect((await directSeen).code).toBe(0);
    expect((await execSeen).code).toBe(0);
  });

  it('exit codes and terminating signals, real-time ones included', async () => {
    for (const script of ['exit 3', 'kill -TERM $$', 'kill -USR1 $$', 'kill -36 $$']) {
      const o = await each('sh', ['-c', script]);
      expect(o.direct, script).toEqual(o.node);
      expect(o.exec, script).toEqual(o.node);
    }
  });

  it('stdin, stdout and stderr pipes, with more than a pipe buffer of data', async () => {
    const input = 'x'.repeat(300_000) + '\n';
    const o = await each('sh', ['-c', 'cat; echo done >&2'], {}, (c) => c.stdin!.end(input));
    expect(o.node.stdout).toBe(input);
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it("what the command finds on its descriptors: 'ignore' is /dev/null, 'pipe' a socket, extra pipes in place", async () => {
    const script = 'stat -L -c %F /proc/$$/fd/0 /proc/$$/fd/1 /proc/$$/fd/3; ls /proc/$$/fd | tr "\\n" " "';
    const o = await each('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'pipe', 'pipe', 'ignore'] });
    // (The runner may hold descriptors without close-on-exec: children of all three get them.)
    expect(o.node.stdout).toMatch(/^character special file\nsocket\nsocket\n0 1 2 (.* )?3 $/);
    expect(o.node.stdout).not.toMatch(/ 4 /);
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it('starts the command with the signal state child_process gives: nothing blocked, ignored or caught', async () => {
    const o = await each('sh', ['-c', "grep -E '^Sig(Blk|Ign|Cgt)' /proc/self/status"]);
    // Node itself ignores SIGPIPE and catches signals of its own; none of that reaches the command.
    expect(o.node.stdout).toMatch(/SigBlk:\s+0+\nSigIgn:\s+0+\n/);
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it('a working directory that does not exist: the error child_process gives, naming the command', async () => {
    const o = await each('true', [], { cwd: '/nonexistent/dir' });
    expect(o.node.events).toEqual(['error', 'close']);
    expect(o.node.error).toMatchObject({ code: 'ENOENT', syscall: 'spawn true', path: 'true' });
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it('an executable without "#!" runs under /bin/sh, its path as $0, as execvp (and child_process) run it', async () => {
    const o = await each(join(fixtures, 'no-shebang.sh'), ['arg1'], { argv0: 'ignored' });
    expect(o.node.stdout).toBe(`script ${join(fixtures, 'no-shebang.sh')} arg1\n`);
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it('a stdio descriptor that is not open: the error child_process throws', () => {
    const thrown = (mode: Mode) => {
      try {
        start(mode, 'true', [], { stdio: ['pipe', 'pipe', 'pipe', 987] });
        return 'no error';
      } catch (e) {
        return { message: (e as Error).message, code: (e as NodeJS.ErrnoException).code };
      }
    };
    const node = thrown('node');
    expect(node).toMatchObject({ code: 'EBADF' });
    expect(thrown('direct')).toEqual(node);
    expect(thrown('exec')).toEqual(node);
  });

  it('arguments too large to exec: the error child_process throws', () => {
    const huge = 'x'.repeat(200_000); // over the kernel's 128 KiB limit for one argument
    const thrown = (mode: Mode) => {
      try {
        start(mode, 'true', [huge]);
        return 'no error';
      } catch (e) {
        const { message, code, errno, syscall } = e as NodeJS.ErrnoException;
        return { message, code, errno, syscall };
      }
    };
    const node = thrown('node');
    expect(node).toMatchObject({ code: 'E2BIG', errno: -7, syscall: 'spawn' });
    expect(thrown('direct')).toEqual(node);
    expect(thrown('exec')).toEqual(node);
  });

  it('detached puts the command in a session of its own; otherwise it stays in ours', async () => {
    const script = 'echo $$ $(cut -d" " -f6 /proc/self/stat)';
    for (const detached of [true, false]) {
      for (const mode of MODES) {
        const [pid, sid] = (await observe(start(mode, 'sh', ['-c', script], { detached }))).stdout.trim().split(' ').map(Number);
        if (detached) expect(sid, mode).toBe(pid);
        else expect(sid, mode).not.toBe(pid);
      }
    }
  });

  it('uid and gid as child_process sets them (supplementary groups cleared)', async (t) => {
    t.skip(process.getuid?.() !== 0, NOT_ROOT);
    const o = await each('sh', ['-c', 'id -u; id -g; id -G'], { uid: 65534, gid: 65534 });
    expect(o.node.stdout).toBe('65534\n65534\n65534\n');
    expect(o.direct).toEqual(o.node);
    expect(o.exec).toEqual(o.node);
  });

  it('kill(), the timeout option and an AbortSignal end the command as they end child_process children', async () => {
    for (const mode of MODES) {
      const child = start(mode, 'sleep', ['30']);
      const seen = observe(child);
      await new Promise((r) => child.once('spawn', r));
      expect(child.kill(), mode).toBe(true);
      expect(await seen, mode).toMatchObject({ signal: 'SIGTERM', code: null });
      expect(child.killed).toBe(true);
      expect(child.kill(), `${mode}: after exit`).toBe(false);

      expect(await observe(start(mode, 'sleep', ['30'], { timeout: 100, killSignal: 'SIGINT' })), mode).toMatchObject({ signal: 'SIGINT' });

      const ac = new AbortController();
      const aborted = observe(start(mode, 'sleep', ['30'], { signal: ac.signal }));
      setTimeout(() => ac.abort(), 50);
      expect(await aborted, mode).toMatchObject({ signal: 'SIGTERM', error: { code: 'ABORT_ERR' } });
    }
  });

  it('spawns from a worker thread print no warnings about descriptors (either launch)', () => {
    const r = runFixture('spawn-worker-quiet.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ outcomes: [0, -2, 0, -2], warnings: [] });
    expect(r.stderr).not.toMatch(/unmanaged/);
  });

  it('unref() lets the caller exit while the command runs on', async () => {
    for (const mode of ['direct', 'exec'] as const) {
      const r = runFixture('spawn-unref.mjs', [], { env: { ...process.env, SECCOMP_SPAWN: mode === 'exec' ? 'exec' : '' } });
      expect(r.status, r.stderr).toBe(0);
      const pid = Number(r.stdout.trim());
      expect(pid).toBeGreaterThan(0);
      // The caller is gone; its command (sleep 20) is still there.
      expect(() => process.kill(pid, 0)).not.toThrow();
      process.kill(pid, 'SIGKILL');
    }
  });

  it('a spawn started from inside child_process.spawn (an env Proxy) keeps its own command', async () => {
    let nested: Promise<Seen> | undefined;
    const env = new Proxy({ ...process.env } as Record<string, string>, {
      ownKeys(target) {
        nested ??= observe(nodeSpawn('echo', ['nested']));
        return Reflect.ownKeys(target);
      },
    });
    const outer = observe(start('direct', 'echo', ['outer'], { env }));
    expect((await outer).stdout).toBe('outer\n');
    expect(nested).toBeDefined();
    expect((await nested!).stdout).toBe('nested\n');
  });

  it('a process whose filter denies clone(CLONE_VM) still starts the command, through the exec\'d launcher', () => {
    const r = runFixture('spawn-no-clone-vm.mjs');
    expect(r.status, r.stderr).toBe(0);
    // Its own filter and docker-default on top: two filters, no_new_privs.
    expect(r.stdout.trim()).toBe("NoNewPrivs: 1 Seccomp: 2");
  });

  it('supervised spawns run in-process unless the launcher\'s execve or exit could be notified', async () => {
    const handle = (c: ChildProcess) => (c as unknown as { _handle: { constructor: { name: string } } })._handle.constructor.name;
    const notifying = (names: string[]) => ({
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/run/unused.sock',
      syscalls: [{ names, action: 'SCMP_ACT_NOTIFY' }],
    });
    // mkdir notified: nothing before the exec waits for us.
    const seen: string[] = [];
    const mkdir = spawn('sh', ['-c', 'mkdir /nonexistent/x 2>/dev/null; echo $?'], {
      seccomp: notifying(['mkdir', 'mkdirat']),
      onSyscall: (n: { syscall?: string }) => (seen.push(String(n.syscall)), { errno: 13 }),
    }) as ChildProcess;
    expect(handle(mkdir)).toBe('DirectHandle');
    expect((await observe(mkdir)).stdout).toBe('1\n');
    expect(seen).toContain('mkdir');
    // execve notified: the exec'd launcher, whose execve this thread answers.
    for (const names of [['execve'], ['exit_group']]) {
      const execs: string[] = [];
      const c = spawn('true', [], { seccomp: notifying(names), onSyscall: (n: { syscall?: string }) => (execs.push(String(n.syscall)), 'continue') }) as ChildProcess;
      expect(handle(c), names[0]).toBe('Process');
      expect((await observe(c)).code).toBe(0);
      expect(execs[0]).toBe(names[0]);
    }
    // Reports (denials become notifications) of a profile that allows execve: in-process.
    const denied: string[] = [];
    const r = spawn('sh', ['-c', 'mkdir /tmp/x-$$ 2>/dev/null; echo $?'], {
      seccomp: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }] },
      onDenied: (d: { syscall: string }) => denied.push(d.syscall),
    }) as ChildProcess;
    expect(handle(r)).toBe('DirectHandle');
    expect((await observe(r)).stdout).toBe('1\n');
    expect(denied).toContain('mkdir');
  });

  it("a worker's program memfd is closed when the worker ends (both launches keep one per worker)", () => {
    const r = runFixture('spawn-worker-memfds.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ memfds: 0 });
  });

  it('spawns from worker threads at the same time as the main thread, each command its own output', async () => {
    const r = runFixture('spawn-workers.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('ok 90');
  });

  it('a uid or gid for the command leaves this process as it was (dumpable, its /proc entry its own)', (t) => {
    // The kernel makes a process that changes its ids non-dumpable, per memory: a child sharing
    // ours would make this process non-dumpable for good. Seen from a caller that is not root
    // (uid 1000, allowed to change ids), whose /proc entry then turns root's.
    t.skip(process.getuid?.() !== 0, NOT_ROOT);
    const setpriv = spawnSync('setpriv', ['--version']);
    t.skip(setpriv.status !== 0, 'needs setpriv (util-linux) to run the caller as uid 1000 with CAP_SETUID');
    for (const mode of ['direct', 'exec']) {
      const r = spawnSync('setpriv', ['--reuid=1000', '--regid=1000', '--clear-groups', '--inh-caps=+setuid,+setgid', '--ambient-caps=+setuid,+setgid',
        process.execPath, join(fixtures, 'spawn-direct-ids.mjs')], { encoding: 'utf8', env: { ...process.env, SECCOMP_SPAWN: mode === 'exec' ? 'exec' : '' } });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout), mode).toEqual({ code: 0, out: '65534\n', uid: 1000, before: 1000, after: 1000 });
    }
  });

  it("under Node's permission model without child processes, the start is Node's own handle's (which enforces it)", () => {
    const r = runFixture('spawn-direct-permission.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ handle: 'Process', code: 0 });
  });

  it('a caller whose own filter refuses clone with CLONE_VFORK still starts the command, as child_process does', () => {
    const r = runFixture('spawn-direct-no-vfork.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ handle: 'DirectHandle', code: 3, text: 'hi\n', killed: false });
  });
});
