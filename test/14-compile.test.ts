// compile() and decide(): bad input first, then decisions, the ENOSYS stub, sub-arches, cache
// and hash; last, a child process installs compiled.bpf and the kernel agrees with decide().
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { X32_SYSCALL_BIT } from '../dist/bpf/enosys.js';
import { decide } from '../dist/decide.js';
import { resolveSyscall } from '../dist/library.js';
import { compile } from '../dist/profile/compile.js';
import { runFixture } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';
import { NOT_X64, skipAllIf } from './helpers/skip.js';
import { scratchDirs } from './helpers/scratch.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.1' };
const isX64 = process.arch === 'x64';


describe('compile: bad input', () => {
  it('invalid profiles list every problem with its JSON path', () => {
    const e = thrown(() =>
      compile({
        defaultAction: 'SCMP_ACT_NOPE',
        syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 7, value: 1, op: 'SCMP_CMP_EQ' }] }],
      }),
    );
    expect(e.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(e.message).toContain('defaultAction');
    expect(e.message).toContain('syscalls[0].args[0].index');
    expect(e.problems?.map((p: { path: string }) => p.path).sort()).toEqual(['defaultAction', 'syscalls[0].args[0].index']);
  });

  it('an unknown flag is a profile error naming flags[i]', () => {
    const e = thrown(() => compile({ defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_NOPE'], syscalls: [] }));
    expect(e.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(e.message).toContain('flags[0]');
  });

  it('a name that is no syscall is a profile error with its path (strict, deprecated, or not)', () => {
    const p = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'no_such_call'], action: 'SCMP_ACT_ALLOW' }] };
    for (const o of [{}, { strict: true }]) {
      const e = thrown(() => compile(p, { ...ctx, ...o }));
      expect(e.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
      expect(e.message).toContain('syscalls[0].names[1]');
    }
    // unknownSyscalls 'warn': skipped, listed and warned about.
    const c = compile(p, { ...ctx, cache: false, unknownSyscalls: 'warn' });
    expect(c.unknownSyscalls).toEqual(['no_such_call']);
    expect(c.warnings).toContainEqual(expect.objectContaining({ path: 'syscalls[0].names[1]' }));
    expect(c.rules.map((r) => r.syscall)).toEqual(['read']);
  });

  it('a flag this kernel lacks is ERR_SECCOMP_UNSUPPORTED', async () => {
    vi.resetModules();
    vi.doMock('../dist/library.js', async (importOriginal) => {
      const lib = await importOriginal<typeof import('../dist/library.js')>();
      const f = lib.features();
      return { ...lib, features: () => ({ ...f, flags: { ...f.flags, LOG: false } }) };
    });
    try {
      const fresh = await import('../dist/profile/compile.js');
      const e = thrown(() => fresh.compile({ defaultAction: 'SCMP_ACT_ERRNO', flags: ['SECCOMP_FILTER_FLAG_LOG'], syscalls: [] }, ctx));
      expect(e.code).toBe('ERR_SECCOMP_UNSUPPORTED');
      expect(e.message).toContain('flags[0]');
    } finally {
      vi.doUnmock('../dist/library.js');
      vi.resetModules();
    }
  });

  it('wrong option types are TypeErrors', () => {
    const p = { defaultAction: 'SCMP_ACT_ALLOW' };
    expect(() => compile(p, { strict: 'yes' } as never)).toThrow(TypeError);
    expect(() => compile(p, 5 as never)).toThrow(TypeError);
    expect(() => compile(42 as never)).toThrow(TypeError);
    expect(() => compile(p, { newSyscalls: 1 } as never)).toThrow(TypeError);
    expect(() => compile(p, { optimize: 3 } as never)).toThrow(RangeError);
  });

  it('decide: bad queries', () => {
    const c = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] }, ctx);
    expect(thrown(() => decide(c, { syscall: 'no_such_call' })).code).toBe('ERR_SECCOMP_UNKNOWN_SYSCALL');
    // A libseccomp pseudo-syscall: socketcall does not exist on x86_64.
    expect(thrown(() => decide(c, { syscall: 'socketcall', arch: 'x86_64' })).message).toMatch(/does not exist on x86_64/);
    expect(thrown(() => decide(c, { syscall: 'read', arch: 'vax' })).code).toBe('ERR_SECCOMP_UNKNOWN_ARCH');
    expect(() => decide(c, { syscall: 'read', args: [1, 2, 3, 4, 5, 6, 7] })).toThrow(RangeError);
    expect(() => decide(c, { syscall: 'read', args: [-1] })).toThrow(RangeError);
    expect(() => decide(c, { syscall: 1.5 })).toThrow(TypeError);
    expect(() => decide({} as never, { syscall: 'read' })).toThrow(TypeError);
    expect(() => decide(c, null as never)).toThrow(TypeError);
  });
});

describe('compile + decide: decisions', () => {
  const profile = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
    syscalls: [
      { names: ['read', 'write', '_llseek', 'socketcall'], action: 'SCMP_ACT_ALLOW' },
      { names: ['mkdir'], action: 'SCMP_ACT_KILL' },
      { names: ['rmdir'], action: 'SCMP_ACT_KILL_PROCESS' },
      { names: ['chdir'], action: 'SCMP_ACT_TRAP' },
      { names: ['uname'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
      { names: ['getcwd'], action: 'SCMP_ACT_LOG' },
      { names: ['fchdir'], action: 'SCMP_ACT_TRACE', errnoRet: 7 },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 0xffffffff, op: 'SCMP_CMP_EQ' }] },
      { names: ['fchmod'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 0x1_0000_0001n, op: 'SCMP_CMP_EQ' }] },
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: 0x7e020000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
      },
      {
        names: ['mmap'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 2, value: 0xffff_0000_0000_0000n, valueTwo: 0x1234_0000_0000_0000n, op: 'SCMP_CMP_MASKED_EQ' }],
      },
      { names: ['openat'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 0x1_0000_0000n, op: 'SCMP_CMP_GE' }] },
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
    ],
  };
  // Compared as libseccomp compares them (test/18 covers narrowArgs, the default).
  const c = compile(profile, { ...ctx, narrowArgs: false });
  const d = (syscall: string | number, args?: (bigint | number)[], arch?: string) => decide(c, { syscall, args, arch });

  it('unconditional actions', () => {
    expect(d('read')).toEqual({ action: 'ALLOW' });
    expect(d('getpid')).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('mkdir')).toEqual({ action: 'KILL_THREAD' });
    expect(d('rmdir')).toEqual({ action: 'KILL_PROCESS' });
    expect(d('chdir')).toEqual({ action: 'TRAP' });
    expect(d('uname')).toEqual({ action: 'ERRNO', errno: 13 });
    expect(d('getcwd')).toEqual({ action: 'LOG' });
    expect(d('fchdir')).toEqual({ action: 'TRACE', data: 7 });
    expect(d(resolveSyscall('read', 'x86_64'), [], 'x86_64')).toEqual({ action: 'ALLOW' });
  });

  it('argument conditions, full 64-bit', () => {
    expect(d('personality', [0xffffffff])).toEqual({ action: 'ALLOW' });
    expect(d('personality', [0xffff_ffff_ffff_ffffn])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('personality', [0])).toEqual({ action: 'ERRNO', errno: 1 });
    // EQ compares both 32-bit halves.
    expect(d('fchmod', [0, 0x1_0000_0001n])).toEqual({ action: 'ALLOW' });
    expect(d('fchmod', [0, 1])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('fchmod', [0, 0x1_0000_0000n])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('fchmod', [0, 0x2_0000_0001n])).toEqual({ action: 'ERRNO', errno: 1 });
    // MASKED_EQ: (arg & value) == valueTwo.
    expect(d('clone', [0x11])).toEqual({ action: 'ALLOW' });
    expect(d('clone', [0x10000000])).toEqual({ action: 'ERRNO', errno: 1 }); // CLONE_NEWUSER
    expect(d('clone', [0xffff_ffff_0000_0011n])).toEqual({ action: 'ALLOW' }); // high word is outside the mask
    expect(d('mmap', [0, 0, 0x1234_5678_9abc_def0n])).toEqual({ action: 'ALLOW' });
    expect(d('mmap', [0, 0, 0x1235_0000_0000_0000n])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('openat', [0, 0, 0x1_0000_0000n])).toEqual({ action: 'ALLOW' });
    expect(d('openat', [0, 0, 0xffff_ffffn])).toEqual({ action: 'ERRNO', errno: 1 });
  });

  it('ENOSYS above the highest named syscall, per arch', () => {
    const clone3 = resolveSyscall('clone3', 'x86_64');
    expect(c.lastSyscalls).toEqual([
      { arch: 'x86_64', nr: clone3 },
      { arch: 'x86', nr: resolveSyscall('clone3', 'x86') },
      { arch: 'x32', nr: resolveSyscall('clone3', 'x32') },
    ]);
    expect(d(clone3)).toEqual({ action: 'ERRNO', errno: 38 }); // the rule's own errno
    expect(d(clone3 + 1)).toEqual({ action: 'ERRNO', errno: 38 }); // the stub
    expect(d(1000)).toEqual({ action: 'ERRNO', errno: 38 });
    expect(d(clone3 - 1)).toEqual({ action: 'ERRNO', errno: 1 }); // below: the default
    // Without the stub, newer syscalls get the default errno.
    const plain = compile(profile, { ...ctx, narrowArgs: false, enosys: false });
    expect(plain.lastSyscalls).toEqual([]);
    expect(decide(plain, { syscall: clone3 + 1 })).toEqual({ action: 'ERRNO', errno: 1 });
    expect(plain.bpf.length).toBeLessThan(c.bpf.length);
  });

  it('no stub for permissive defaults (ALLOW, LOG, TRACE); a stub for KILL defaults', () => {
    for (const def of ['SCMP_ACT_ALLOW', 'SCMP_ACT_LOG', 'SCMP_ACT_TRACE']) {
      const a = compile({ defaultAction: def, architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }] }, ctx);
      expect(a.lastSyscalls).toEqual([]);
      expect(decide(a, { syscall: 1000 }).action).not.toBe('ERRNO');
      expect(decide(a, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: 1 });
    }
    const kill = (names: string[]) =>
      compile({ defaultAction: 'SCMP_ACT_KILL_PROCESS', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names, action: 'SCMP_ACT_ALLOW' }] }, ctx);
    const k = kill(['read', 'getpid']);
    expect(decide(k, { syscall: 'write' })).toEqual({ action: 'KILL_PROCESS' });
    expect(decide(k, { syscall: 'getpid' })).toEqual({ action: 'ALLOW' });
    expect(decide(k, { syscall: 1000 })).toEqual({ action: 'ERRNO', errno: 38 });
    // runc's maximum starts at 0: a profile naming only read (0) gets no stub section.
    const r = kill(['read']);
    expect(r.lastSyscalls).toEqual([]);
    expect(decide(r, { syscall: 1000 })).toEqual({ action: 'KILL_PROCESS' });
  });

  it('like runc, no stub section for arches when the profile lists none', () => {
    const n = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }, ctx);
    expect(n.lastSyscalls).toEqual([]);
    expect(decide(n, { syscall: 1000 })).toEqual({ action: 'ERRNO', errno: 1 });
  });

  it('a profile naming only other arches (architectures or archMap) compiles with an ERR_SECCOMP_ARCH_MISMATCH warning', () => {
    const other = ctx.arch === 'aarch64' || ctx.arch === 'arm64' ? 'SCMP_ARCH_X86_64' : 'SCMP_ARCH_AARCH64';
    const rules = [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO' }];
    const listed = compile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: [other], syscalls: rules }, ctx);
    expect(listed.warnings).toContainEqual(expect.objectContaining({ path: 'architectures', code: 'ERR_SECCOMP_ARCH_MISMATCH' }));
    const mapped = compile(
      { defaultAction: 'SCMP_ACT_ALLOW', archMap: [{ architecture: other, subArchitectures: [] }], syscalls: rules },
      ctx,
    );
    expect(mapped.warnings).toContainEqual(expect.objectContaining({ path: 'archMap', code: 'ERR_SECCOMP_ARCH_MISMATCH' }));
    // The native arch is still filtered, as Docker does.
    expect(decide(mapped, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: 1 });
    // Listing the native arch (or none at all) is no mismatch.
    expect(compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: rules }, ctx).warnings).toEqual([]);
    expect(compile('docker-default', ctx).warnings.filter((w) => w.code === 'ERR_SECCOMP_ARCH_MISMATCH')).toEqual([]);
  });

  it('x86 and x32 sub-filters, pseudo-syscalls, and the bad-arch action', () => {
    expect(c.arches).toEqual(['x86_64', 'x86', 'x32']);
    expect(d('read', [], 'x86')).toEqual({ action: 'ALLOW' });
    expect(d('getpid', [], 'x86')).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('read', [], 'x32')).toEqual({ action: 'ALLOW' });
    expect(d('read', [], 'amd64')).toEqual({ action: 'ALLOW' }); // Docker naming
    // _llseek and socketcall are negative pseudo numbers on x86_64 but real on x86.
    expect(d('_llseek', [], 'x86')).toEqual({ action: 'ALLOW' });
    expect(d('socketcall', [], 'x86')).toEqual({ action: 'ALLOW' });
    // x32: numbers carry X32_SYSCALL_BIT (added when missing); ENOSYS above x32's clone3.
    const x32clone3 = resolveSyscall('clone3', 'x32');
    expect(x32clone3 & X32_SYSCALL_BIT).toBe(X32_SYSCALL_BIT);
    expect(d(x32clone3 + 1, [], 'x32')).toEqual({ action: 'ERRNO', errno: 38 });
    expect(d((x32clone3 & ~X32_SYSCALL_BIT) + 1, [], 'x32')).toEqual({ action: 'ERRNO', errno: 38 });
    expect(d(resolveSyscall('getpid', 'x32'), [], 'x32')).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d(resolveSyscall('clone3', 'x86') + 1, [], 'x86')).toEqual({ action: 'ERRNO', errno: 38 });
    // An arch outside the filter: libseccomp's default bad-arch action (KILL_THREAD), as runc leaves it.
    expect(d('read', [], 'aarch64')).toEqual({ action: 'KILL_THREAD' });
    expect(d('read', [], 'arm64')).toEqual({ action: 'KILL_THREAD' });
    // Compiled for another arch: decide() defaults to that arch, and the host's is foreign.
    const arm = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['openat'], action: 'SCMP_ACT_ALLOW' }] }, { ...ctx, arch: 'arm64' });
    expect(arm.arches).toEqual(['aarch64']);
    expect(decide(arm, { syscall: 'openat' })).toEqual({ action: 'ALLOW' });
    expect(decide(arm, { syscall: resolveSyscall('openat', 'aarch64') })).toEqual({ action: 'ALLOW' });
    expect(decide(arm, { syscall: 'openat', arch: 'x86_64' })).toEqual({ action: 'KILL_THREAD' });
    const nativeOnly = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] }, ctx);
    expect(decide(nativeOnly, { syscall: 'read', arch: 'x86' })).toEqual({ action: 'KILL_THREAD' });
  });

  it('flags: filterFlags bits, TSYNC left to the loader, SPEC_ALLOW when no list is given (runc)', () => {
    const base = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [] };
    const log = compile({ ...base, flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC'] }, ctx);
    expect(log.filterFlags).toBe(2);
    expect(log.flags).toEqual(['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC']);
    expect(compile({ ...base, flags: [] }, ctx).filterFlags).toBe(0);
    expect(compile(base, ctx).filterFlags & ~4).toBe(0);
    const notify = compile({ ...base, listenerPath: '/run/x.sock', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }], flags: [] }, ctx);
    expect(notify.filterFlags).toBe(8); // NEW_LISTENER, as runc asks for a listener fd
    expect(decide(notify, { syscall: 'mkdir' })).toEqual({ action: 'NOTIFY' });
  });

  it('unconfined allows everything and has no program', () => {
    const u = compile('unconfined');
    expect(u.unconfined).toBe(true);
    expect(u.bpf.length).toBe(0);
    expect(decide(u, { syscall: 'mkdir' })).toEqual({ action: 'ALLOW' });
  });
});

describe('compile: cache and hash', () => {
  const p = () => ({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] });

  it('a repeat compile is the same frozen object; cache:false builds a new one', () => {
    const a = compile(p(), ctx);
    const b = compile(p(), ctx);
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a.rules)).toBe(true);
    expect(Object.isFrozen(a.rules[0])).toBe(true);
    const c = compile(p(), { ...ctx, cache: false });
    expect(c).not.toBe(a);
    expect(c.hash).toBe(a.hash);
    expect(c.bpf.equals(a.bpf)).toBe(true);
    // A compiled profile passes through.
    expect(compile(c)).toBe(c);
    expect(compile(a, { cache: false })).toBe(a);
  });

  it('the hash ignores key and capability order and follows the document and the context', () => {
    const h = (doc: Record<string, unknown>, o = {}) => compile(doc, { ...ctx, cache: false, ...o }).hash;
    const base = h(p());
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(h({ syscalls: [{ action: 'SCMP_ACT_ALLOW', names: ['read'] }], defaultAction: 'SCMP_ACT_ERRNO' })).toBe(base);
    expect(h(p(), { capabilities: ['CAP_SYS_ADMIN', 'CAP_CHOWN'] })).toBe(h(p(), { capabilities: ['CAP_CHOWN', 'CAP_SYS_ADMIN'] }));
    const others = [
      h({ ...p(), defaultErrnoRet: 2 }),
      h(p(), { capabilities: ['CAP_CHOWN'] }),
      h(p(), { kernel: '5.10' }),
      h(p(), { arch: 'arm64' }),
      h(p(), { enosys: false }),
      h(p(), { newSyscalls: false }),
      h(p(), { optimize: 1 }),
      h(p(), { optimize: 2 }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
    // Exact big integers count.
    const big = (v: bigint) => h({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: v, op: 'SCMP_CMP_EQ' }] }] });
    expect(big(2n ** 64n - 1n)).not.toBe(big(2n ** 64n - 2n));
  });
});

describe('the kernel agrees with decide() (child process)', () => {
  skipAllIf(!isX64, NOT_X64);
  const scratch = scratchDirs('seccomp-compile-');
  const run = (mode: string) => {
    const dir = scratch();
    const r = runFixture('compile-install.mjs', [mode, dir]);
    const lines = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));
    return { r, dir, lines };
  };

  it('mkdir gets EPERM, clone3 (above the profile) gets ENOSYS so threads still start', () => {
    const { r, dir, lines } = run('stub');
    expect(r.stderr).toBe('');
    const [compiled, done] = lines;
    expect(compiled.decisions.mkdir).toEqual({ action: 'ERRNO', errno: 1 });
    expect(compiled.decisions.write).toEqual({ action: 'ALLOW' });
    expect(compiled.decisions.clone3).toEqual({ action: 'ERRNO', errno: 38 });
    expect(done.seen.mkdir).toBe('EPERM');
    expect(existsSync(join(dir, 'made-under-filter'))).toBe(false);
    // glibc's pthread_create falls back from clone3 to clone on ENOSYS only.
    expect(done.seen.worker).toBe(42);
    expect(r.status).toBe(0);
  });

  it('without the stub clone3 gets EPERM and a thread cannot start', () => {
    const { r, lines } = run('nostub');
    const [compiled, done] = lines;
    expect(compiled.decisions.clone3).toEqual({ action: 'ERRNO', errno: 1 });
    expect(done.seen.mkdir).toBe('EPERM');
    expect(done.seen.worker).toMatch(/^error/);
    expect(r.status).toBe(0);
  });

  it('KILL_PROCESS kills with SIGSYS', () => {
    const { r, lines } = run('kill');
    expect(lines[0].decisions.getppid).toEqual({ action: 'KILL_PROCESS' });
    expect(lines.map((l) => l.phase)).toEqual(['compiled', 'before-ppid']);
    expect(r.signal).toBe('SIGSYS');
  });
});
