// Escape battery: a sandboxed child must not reach processes outside its own tree (ptrace,
// process memory, pidfd_getfd, signals), as root and as an unprivileged user, through every
// way in (spawn, execFile, fork, seccomp run), while tracing its own children keeps working.
// Each attack is also run with isolation 'none' to show that it works where nothing stops it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFilter } from '../dist/bpf/interpret.js';
import { planIsolation } from '../dist/isolation.js';
import { launcherPath } from '../dist/launch/prepare.js';
import { native } from '../dist/native.js';
import { landlockAbi, spawn } from '../dist/index.js';
import { fixtures, runFixture } from './helpers/child.js';
import { seccomp } from './helpers/cli.js';
import { thrown } from './helpers/thrown.js';
import { buildStatic } from './helpers/cc.js';
import { users } from './helpers/users.js';
import { NOT_X64 } from './helpers/skip.js';

const abi = landlockAbi();
// Without the legacy TIOCSTI (Linux 6.2+, dev.tty.legacy_tiocsti=0) only CAP_SYS_ADMIN may type.
let legacyTiocsti = true;
try {
  legacyTiocsti = readFileSync('/proc/sys/dev/tty/legacy_tiocsti', 'utf8').trim() !== '0';
} catch {
  // older kernels always allow it
}
let dir = '';
let probe = '';

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'escape-'));
  chmodSync(dir, 0o755);
  probe = join(dir, 'escape-probe');
  buildStatic(join(fixtures, 'escape-probe.c'), probe);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OUTSIDE = ['ptrace', 'vm_readv', 'vm_writev', 'proc_mem', 'pidfd_getfd', 'pidfd_signal', 'kcmp', 'proc_fd', 'prlimit', 'kill'];
const DENIED: Record<string, string> = { proc_mem: 'EACCES', proc_fd: 'EACCES' };

// As nobody: only when we are root and that user can read this checkout (helpers/users.ts says why not).
const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
const nobodySkip = users.find((u) => u.name === 'nobody')?.skip;

function attack(api: string, isolation: string, user: 'root' | 'nobody') {
  const args = [join(fixtures, 'escape-parent.mjs'), probe, api, isolation];
  if (user === 'root') return runFixture('escape-parent.mjs', args.slice(1), { cwd: dir });
  const r = spawnSync(asNobody[0], [...asNobody.slice(1), process.execPath, ...args], { encoding: 'utf8', cwd: dir, timeout: 60_000 });
  const last = String(r.stdout).trim().split('\n').pop() ?? '';
  return { status: r.status, stderr: String(r.stderr), json: last.startsWith('{') ? JSON.parse(last) : undefined };
}

describe('isolation planning (pure)', () => {
  it('rejects a kernel without the signal guard in full mode, and names the opt-out', () => {
    const e = thrown(() => planIsolation('full', 5, 'spawn()'));
    expect(e.code).toBe('ERR_SECCOMP_ISOLATION');
    expect(e.message).toMatch(/Landlock ABI 6.*isolation: 'available'/s);
    expect(thrown(() => planIsolation('full', 0, 'spawn()')).code).toBe('ERR_SECCOMP_ISOLATION');
  });
  it('takes scopes from ABI 6, a granted filesystem right before, and nothing for none', () => {
    expect(planIsolation('full', 7, 'x')).toMatchObject({ scoped: 2, fs: 0, isolation: { ptrace: true, signals: true } });
    expect(planIsolation('available', 3, 'x')).toMatchObject({ scoped: 0, fs: 0x800, isolation: { ptrace: true, signals: false } });
    expect(planIsolation('available', 1, 'x')).toMatchObject({ scoped: 0, fs: 0, isolation: { method: 'none' } });
    expect(planIsolation('none', 7, 'x')).toMatchObject({ scoped: 0, fs: 0, isolation: { method: 'none' } });
  });
  it('refuses an unknown isolation mode before starting anything', () => {
    const e = thrown(() => spawn('true', [], { isolation: 'partial' as never }));
    expect(e).toBeInstanceOf(TypeError);
    expect(e.code).toBe('ERR_INVALID_ARG_VALUE');
  });
});

describe.each(['root', 'nobody'] as const)('escapes as %s', (user) => {
  const skip = abi < 6 ? `needs Landlock ABI 6 (Linux 6.12), this kernel has ${abi}` : user === 'nobody' && nobodySkip ? nobodySkip : '';
  it.for(['spawn', 'execFile', 'fork', 'cli'])("%s: nothing outside the child's tree is reachable", (api, t) => {
    t.skip(skip !== '', skip);
    const r = attack(api, 'full', user);
    expect(r.json, r.stderr).toBeDefined();
    const res = r.json.results;
    for (const target of ['target1', 'target2']) {
      for (const what of OUTSIDE) expect(res[`${target}.${what}`], `${api} ${target}.${what}`).toBe(DENIED[what] ?? 'EPERM');
    }
    expect(res['all.kill.parent']).toBe('not-reached');
    expect(res['all.kill.bystander']).toBe('not-reached');
    if (api !== 'cli') expect(res['sigio.parent']).toBe('not-reached'); // the CLI's parent is not the fixture
    expect(res['sigio.setup']).toBe('ok');
    // Its own child stays reachable (strace -f).
    expect(res['own.ptrace']).toBe('ok');
    expect(res['own.proc_mem']).toBe('ok');
    expect(res['own.kill']).toBe('ok');
    // Limits: its own stay settable, anyone's readable; a child's are not settable (by pid).
    // (by pid only in the process the launcher started: see the README's limits)
    if (api !== 'fork') expect(res['self.prlimit']).toBe('ok');
    expect(res['target1.prlimit_get']).toBe('ok');
    expect(res['own.prlimit']).toBe('EPERM');
    expect(res['tty.sti']).toBe('EPERM'); // no typing into a terminal, its own included
    if (api === 'fork') {
      expect(res['node.proc_mem']).toBe('EACCES');
      expect(res['node.kill']).toBe('EPERM');
    }
    if (api === 'spawn') expect(r.json.isolation).toMatchObject({ mode: 'full', method: 'landlock', ptrace: true, signals: true, rlimits: true });
  });

  it('without isolation the same attacks succeed (the battery can fail)', (t) => {
    t.skip(user === 'nobody' && nobodySkip !== undefined, nobodySkip);
    const r = attack('spawn', 'none', user);
    const res = r.json.results;
    for (const target of ['target1', 'target2']) {
      for (const what of OUTSIDE) expect(res[`${target}.${what}`], `${target}.${what}`).toBe('ok');
    }
    expect(res['all.kill.bystander']).toBe('reached');
    expect(res['sigio.parent']).toBe('reached');
    if (legacyTiocsti || user === 'root') expect(res['tty.sti']).toBe('ok');
  });
});

describe('tracing inside the sandbox', () => {
  const strace = spawnSync('strace', ['-V']).status === 0;
  it("strace -f of the sandboxed command's own children works", (t) => {
    t.skip(!strace, 'strace is not installed');
    t.skip(abi < 1, 'needs Landlock (this kernel has none)');
    const r = seccomp(['run', '--isolation=available', '--', 'strace', '-f', '-o', '/dev/null', 'sh', '-c', 'ls / >/dev/null && echo traced']);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('traced');
    expect(r.status).toBe(0);
  });

  it('the pre-ABI-6 domain (a granted filesystem right) guards ptrace and leaves files alone', (t) => {
    t.skip(abi < 2, `needs Landlock ABI 2 (Linux 5.19); this kernel has ${abi}`);
    // The launcher run directly with the fallback domain: ISOLATE "0:800:0" (LANDLOCK_ACCESS_FS_MAKE_BLOCK), no LISTEN_FD.
    const launcher = launcherPath(); // beside the loaded addon: build/Release, or the prebuild
    const sh = `mkdir a b && echo x > a/f && mv a/f b/f && cat b/f && ${probe} ${process.pid}`;
    const r = spawnSync(launcher, ['-', '9', '0', '-', '0:800:0', '-', 'sh', 'sh', '-c', sh], { cwd: mkdtempSync(join(dir, 'fs-')), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'ignore', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('x');
    expect(lines).toContain('target1.ptrace EPERM');
    expect(lines).toContain('target1.proc_mem EACCES');
    expect(lines).toContain('own.ptrace ok');
  });
});

describe('the tree guard program', () => {
  const X86_64 = 0xc000003e;
  const I386 = 0x40000003;
  const run = (bpf: Buffer, arch: number, nr: number, args: bigint[]) => runFilter(bpf, { nr, arch, instructionPointer: 0n, args });
  const EPERM = 0x00050001;
  const ALLOW = 0x7fff0000;
  it('lets a process set only its own limits and never type into a terminal, on every x86 ABI, comparing ints on 32 bits', (t) => {
    t.skip(process.arch !== 'x64', NOT_X64);
    const bpf = native().treeGuard(4242, false);
    for (const [arch, nr] of [[X86_64, 302], [X86_64, 0x40000000 + 302], [I386, 340]]) {
      expect(run(bpf, arch, nr, [0n, 0n, 0x7000n, 0n])).toBe(ALLOW); // pid 0
      expect(run(bpf, arch, nr, [4242n, 0n, 0x7000n, 0n])).toBe(ALLOW); // itself
      expect(run(bpf, arch, nr, [4243n, 0n, 0x7000n, 0n])).toBe(EPERM); // another
      expect(run(bpf, arch, nr, [4243n, 0n, 0n, 0x7000n])).toBe(ALLOW); // reading another's
      expect(run(bpf, arch, nr, [0x100000000n + 4243n, 0n, 0x7000n, 0n])).toBe(EPERM);
      expect(run(bpf, arch, nr, [0x100000000n, 0n, 0x7000n, 0n])).toBe(ALLOW); // the kernel reads pid 0
    }
    expect(run(bpf, X86_64, 0x40000000 + 302, [1n, 0n, 0x100000000n, 0n])).toBe(EPERM); // high pointer bits count
    expect(run(bpf, X86_64, 39, [1n, 0n, 1n, 0n])).toBe(ALLOW); // getpid: not its business
    expect(run(bpf, 0xc00000b7, 261, [1n, 0n, 1n, 0n])).toBe(ALLOW); // another arch: the profile decides
    // Terminal injection, on every x86 ABI's ioctl, the command compared as an int.
    for (const [arch, nr] of [[X86_64, 16], [X86_64, 0x40000000 + 514], [I386, 54]]) {
      expect(run(bpf, arch, nr, [0n, 0x5412n])).toBe(EPERM); // TIOCSTI
      expect(run(bpf, arch, nr, [0n, 0x541cn])).toBe(EPERM); // TIOCLINUX
      expect(run(bpf, arch, nr, [0n, 0xffffffff00005412n])).toBe(EPERM);
      expect(run(bpf, arch, nr, [0n, 0x5401n])).toBe(ALLOW); // TCGETS
    }
    // As a prefix it falls through to what follows instead of allowing.
    const prefix = native().treeGuard(4242, true);
    expect(prefix.length).toBe(bpf.length - 8);
    const denyAll = Buffer.from([0x06, 0, 0, 0, 0, 0, 0, 0]); // RET KILL_THREAD
    expect(run(Buffer.concat([prefix, denyAll]), X86_64, 302, [0n, 0n, 1n, 0n])).toBe(0);
    expect(run(Buffer.concat([prefix, denyAll]), X86_64, 302, [7n, 0n, 1n, 0n])).toBe(EPERM);
  });
});

describe('the terminal', () => {
  // script(1) gives the fixture a controlling terminal, as a shell's would be.
  const script = spawnSync('script', ['--version']).status === 0;
  const underTerminal = (isolation: string) => {
    const r = spawnSync('script', ['-qec', `${process.execPath} ${join(fixtures, 'tty-parent.mjs')} ${isolation}`, '/dev/null'], { encoding: 'utf8', timeout: 30_000 });
    return /RESULT (\S+)/.exec(r.stdout)?.[1];
  };
  it('a command not given the terminal cannot reach it through /dev/tty (no TIOCSPGRP on the caller)', (t) => {
    t.skip(!script, 'script(1) is not installed');
    expect(underTerminal('full')).toBe('tty-closed');
    expect(underTerminal('none')).toBe('tty-open'); // the attack's first step, without the guard
  });
});
