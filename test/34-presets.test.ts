// The presets node-worker, no-network and no-exec: docker-default plus denials. A Node workload
// (fs, timers, worker_threads, crypto, zlib, IPC with its parent) runs unchanged behind each,
// applied with sandbox() in a fixture child; what each promises to refuse is refused by the
// kernel with the errno the README gives.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { archToken, nativeArch } from '../dist/arch.js';
import { decide } from '../dist/decide.js';
import { ErrorCode } from '../dist/errors.js';
import { compile, syscallNumberOn } from '../dist/profile/compile.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { execFile, spawn } from '../dist/spawn.js';
import { fixtures } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';
import { thrown } from './helpers/thrown.js';
import { buildStatic } from './helpers/cc.js';
import { NOT_X64, skipAllIf } from './helpers/skip.js';

const scratch = scratchDirs('seccomp-presets-');
const ctx = { arch: 'amd64', kernel: '6.18', capabilities: [] as string[], cache: false as const };
const isX64 = nativeArch() === 'x86_64';
const EPERM = 1;
const ENOSYS = 38;
const PRESETS = ['node-worker', 'no-network', 'no-exec'] as const;

describe('presets: bad input', () => {
  it('a misspelt preset is ERR_SECCOMP_PROFILE_NOT_FOUND listing the built-ins, presets included', () => {
    const e = thrown(() => compile('node-workers', ctx));
    expect(e.code).toBe(ErrorCode.PROFILE_NOT_FOUND);
    for (const p of PRESETS) expect(e.message).toContain(p);
  });

  it('each preset is a profile object that extends docker-default, fresh on every call', () => {
    for (const p of PRESETS) {
      const a = builtinProfile(p) as { baseProfileName: string; syscalls: { names: string[] }[] };
      expect(a.baseProfileName).toBe('docker-default');
      a.syscalls[0].names.push('getpid');
      expect((builtinProfile(p) as typeof a).syscalls[0].names).not.toContain('getpid');
    }
  });
});

describe('presets: what they decide', () => {
  const d = (c: ReturnType<typeof compile>, syscall: string, args?: number[]) => decide(c, { syscall, args });

  it('node-worker: no exec, no debugging, no namespaces (clone\'s flags checked whatever the capabilities), io_uring ENOSYS', () => {
    for (const capabilities of [[], ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']]) {
      const c = compile('node-worker', { ...ctx, capabilities });
      for (const s of ['execve', 'execveat', 'ptrace', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd', 'perf_event_open', 'unshare', 'setns']) {
        expect(d(c, s), `${s} ${capabilities}`).toEqual({ action: 'ERRNO', errno: EPERM });
      }
      expect(d(c, 'clone', [0x1000_0000 /* CLONE_NEWUSER */])).toEqual({ action: 'ERRNO', errno: EPERM });
      expect(d(c, 'clone', [0x003d_0f00 /* pthread_create's flags */])).toEqual({ action: 'ALLOW' });
      expect(d(c, 'clone3')).toEqual({ action: 'ERRNO', errno: ENOSYS });
      for (const s of ['io_uring_setup', 'io_uring_enter', 'io_uring_register']) expect(d(c, s)).toEqual({ action: 'ERRNO', errno: ENOSYS });
      for (const s of ['socket', 'connect', 'mkdir', 'openat', 'futex', 'epoll_wait']) expect(d(c, s, [1]).action, s).toBe('ALLOW');
    }
  });

  it('no-network: socket only for AF_UNIX (netlink refused), socketpair allowed, x86 socketcall refused, io_uring ENOSYS', () => {
    const c = compile('no-network', ctx);
    expect(d(c, 'socket', [1])).toEqual({ action: 'ALLOW' });
    for (const family of [2, 10, 16, 17, 38, 40]) expect(d(c, 'socket', [family]), `family ${family}`).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(d(c, 'socketpair', [1])).toEqual({ action: 'ALLOW' });
    expect(decide(c, { syscall: 'socketcall', arch: 'x86', args: [1] })).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(d(c, 'io_uring_setup')).toEqual({ action: 'ERRNO', errno: ENOSYS });
    expect(d(c, 'execve')).toEqual({ action: 'ALLOW' });
  });

  it('no-exec: execve and execveat refused, the rest as docker-default', () => {
    const c = compile('no-exec', ctx);
    const base = compile('docker-default', ctx);
    expect(d(c, 'execve')).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(d(c, 'execveat')).toEqual({ action: 'ERRNO', errno: EPERM });
    for (const s of ['ptrace', 'unshare', 'socket', 'clone', 'mkdir']) expect(d(c, s, [2]), s).toEqual(d(base, s, [2]));
  });
});

interface Report {
  applied: string;
  fs: string; timers: string; worker: string; crypto: string; zlib: string; unixSocket: string;
  exec: string; tcp: string; udp: string;
}

function workload(preset: string): Promise<{ report?: Report; code: number | null; stderr: string }> {
  const dir = scratch();
  return new Promise((resolve) => {
    const child = fork(join(fixtures, 'preset-workload.mjs'), [preset, dir], { stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    let report: Report | undefined;
    let stderr = '';
    child.stderr!.on('data', (b) => { stderr += b; });
    child.on('message', (m) => { report = m as Report; });
    child.on('exit', (code) => resolve({ report, code, stderr }));
  });
}

describe('presets: a Node workload runs unchanged (sandbox() in a child)', () => {
  const unchanged = { applied: 'ok', fs: 'ok', timers: 'ok', worker: 'ok', crypto: 'ok', zlib: 'ok', unixSocket: 'ok' };

  it('node-worker: the workload and IPC work; running a program is refused with EPERM', async () => {
    const r = await workload('node-worker');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report).toEqual({ preset: 'node-worker', ...unchanged, exec: 'EPERM', tcp: 'ok', udp: 'ok' });
  });

  it('no-network: the workload and AF_UNIX work; TCP and UDP sockets are refused with EPERM', async () => {
    const r = await workload('no-network');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report).toEqual({ preset: 'no-network', ...unchanged, exec: 'status 0', tcp: 'error EPERM', udp: 'error EPERM' });
  });

  it('no-exec: the workload works; running a program is refused with EPERM', async () => {
    const r = await workload('no-exec');
    expect(r.code, r.stderr).toBe(0);
    expect(r.report).toEqual({ preset: 'no-exec', ...unchanged, exec: 'EPERM', tcp: 'ok', udp: 'ok' });
  });

  it('spawn() under a preset that denies execve fails to start the command and says why', async () => {
    // The hint is loaded lazily by require, which reaches built .js files only (tests import dist/).
    const err = await new Promise<NodeJS.ErrnoException>((resolve) => {
      spawn('/bin/true', [], { seccomp: 'no-exec' }).on('error', resolve);
    });
    expect(err.code).toBe('EPERM');
    expect(err.message).toMatch(/denies execve \(ERRNO EPERM\)/);
  });
});

// The kernel's answers, from a static helper making raw syscalls under spawn(). Running it needs
// execve, which the test gives back on top of the preset (`allow: ['@exec']`).
describe('presets: the kernel refuses with the promised errno', () => {
  skipAllIf(!isX64, NOT_X64);
  let tmp = '';
  let helper = '';
  beforeAll(() => {
    if (!isX64) return;
    tmp = mkdtempSync(join(tmpdir(), 'seccomp-34-'));
    helper = buildStatic(join(fixtures, 'raw-syscall.c'), join(tmp, 'raw-syscall'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
  const nr = (name: string) => syscallNumberOn(name, archToken('x86_64'))!;

  /** name -> errno the kernel answered (0: success), for calls `name:args`. */
  async function errnos(seccomp: unknown, calls: Record<string, string>): Promise<Record<string, number>> {
    const specs = Object.entries(calls).map(([name, args]) => `${nr(name)}${args ? `:${args}` : ''}`);
    const { stdout } = await execFile(helper, specs, { seccomp: seccomp as never });
    const lines = String(stdout).trim().split('\n');
    return Object.fromEntries(Object.keys(calls).map((k, i) => [k, Number(lines[i].split('\t')[2])]));
  }
  // Calls whose answer without the filter differs from the filter's (no-ops or bad arguments).
  const calls = {
    io_uring_setup: '0,0', // EFAULT/EINVAL unfiltered
    unshare: '0', // succeeds unfiltered
    setns: '-1,0', // EBADF unfiltered
    ptrace: '2,999999999', // PTRACE_PEEKDATA: ESRCH unfiltered
    clone: '0x10000200', // CLONE_NEWUSER|CLONE_FS: EINVAL unfiltered
    clone3: '0,0',
  };

  it('control: unfiltered, none of them answers EPERM or ENOSYS', async () => {
    const got = await errnos('unconfined', calls);
    for (const [k, v] of Object.entries(got)) expect([1, 38], k).not.toContain(v);
  });

  it('node-worker: io_uring ENOSYS (never a kill), namespaces and ptrace EPERM, clone3 ENOSYS', async () => {
    const got = await errnos({ base: 'node-worker', allow: ['@exec'] }, calls);
    expect(got).toEqual({ io_uring_setup: ENOSYS, unshare: EPERM, setns: EPERM, ptrace: EPERM, clone: EPERM, clone3: ENOSYS });
  });

  it('no-network: AF_INET and AF_NETLINK sockets EPERM, AF_UNIX and socketpair pass, io_uring ENOSYS', async () => {
    const got = await errnos('no-network', {
      socket: '2,1,0', // AF_INET
      io_uring_setup: '0,0',
    });
    expect(got).toEqual({ socket: EPERM, io_uring_setup: ENOSYS });
    const more = await errnos('no-network', { socket: '16,3,0' /* AF_NETLINK */, socketpair: '1,1,0,0' /* EFAULT: let through */ });
    expect(more).toEqual({ socket: EPERM, socketpair: 14 });
    const unix = await errnos('no-network', { socket: '1,1,0' });
    expect(unix).toEqual({ socket: 0 });
  });

  it('no-exec: io_uring ENOSYS; unshare keeps docker-default\'s answer (EPERM without CAP_SYS_ADMIN)', async () => {
    const got = await errnos({ base: 'no-exec', allow: ['@exec'] }, { io_uring_setup: '0,0', unshare: '0' });
    expect(got).toEqual({ io_uring_setup: ENOSYS, unshare: EPERM });
  });
});
