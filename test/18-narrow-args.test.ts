// narrowArgs and multiplexers: bad options first; the width table; then decisions through
// compile() and decide() (docker-default's socket and personality with high bits set, each
// operator on a 32-bit argument, 16-bit modes, libseccomp's rule ordering kept, Docker's
// comparisons with the options off); socketcall/ipc sub-calls on the arches that have them;
// last, the kernel itself in a child process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decide } from '../dist/decide.js';
import { ARG_WIDTH_NAMES, argBits, argLetters } from '../dist/profile/arg-widths.js';
import { compile } from '../dist/profile/compile.js';
import { fixtures, runFixture } from './helpers/child.js';
import { kernelArgs } from './helpers/narrow.js';
import { rng } from './helpers/random.js';
import { buildStatic } from './helpers/cc.js';
import { NOT_X64, skipAllIf } from './helpers/skip.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.18', cache: false };
const DOCKER = { narrowArgs: false, multiplexers: false };
const isX64 = process.arch === 'x64';
const ERRNO = (errno: number) => ({ action: 'ERRNO', errno });
const ALLOW = { action: 'ALLOW' };

type Arg = { index: number; value: number | bigint; valueTwo?: number | bigint; op: string };
const rule = (names: string[], action: string, args?: Arg[], errnoRet?: number) => ({
  names,
  action,
  ...(args ? { args } : {}),
  ...(errnoRet !== undefined && action === 'SCMP_ACT_ERRNO' ? { errnoRet } : {}),
});
const profile = (syscalls: object[], defaultAction = 'SCMP_ACT_ERRNO', architectures = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']) => ({
  defaultAction,
  ...(defaultAction === 'SCMP_ACT_ERRNO' ? { defaultErrnoRet: 1 } : {}),
  architectures,
  syscalls,
});

describe('narrowArgs, multiplexers: bad options', () => {
  it('must be booleans', () => {
    expect(() => compile('docker-default', { narrowArgs: 'yes' as never })).toThrow(/options\.narrowArgs must be a boolean/);
    expect(() => compile('docker-default', { multiplexers: 1 as never })).toThrow(/options\.multiplexers must be a boolean/);
  });
});

describe('the argument width table', () => {
  it('holds only i, m, l, at most six per syscall', () => {
    for (const name of ARG_WIDTH_NAMES) expect([name, /^[iml]{1,6}$/.test(argLetters(name, 'x86_64'))]).toEqual([name, true]);
  });

  it('reads the prototypes the filtered syscalls have', () => {
    const bits = (name: string, arch = 'x86_64') => [0, 1, 2, 3].map((i) => argBits(name, i, arch));
    expect(bits('socket')).toEqual([32, 32, 32, 64]); // int family, int type, int protocol
    expect(bits('personality')[0]).toBe(32); // unsigned int
    expect(bits('ioctl')).toEqual([32, 32, 64, 64]); // unsigned int fd, unsigned int cmd, unsigned long arg
    expect(bits('fcntl')).toEqual([32, 32, 64, 64]);
    expect(bits('prctl')).toEqual([32, 64, 64, 64]); // int option, unsigned long arg2..
    expect(bits('setns')).toEqual([32, 32, 64, 64]);
    expect(bits('kill')).toEqual([32, 32, 64, 64]);
    expect(bits('openat')).toEqual([32, 64, 32, 16]); // umode_t mode
    expect(bits('mmap')).toEqual([64, 64, 64, 64]); // unsigned long prot: the kernel reads all 64 bits
    expect(bits('mprotect')).toEqual([64, 64, 64, 64]);
    expect(bits('unshare')[0]).toBe(64); // unsigned long, checked in full
    expect(bits('clone')).toEqual([32, 64, 64, 64]); // lower_32_bits(clone_flags)
    expect(bits('clone', 's390x')).toEqual([64, 32, 64, 64]); // stack first on s390
    expect(bits('no_such_syscall')).toEqual([64, 64, 64, 64]);
  });
});

describe('narrowArgs: decisions', () => {
  const dd = compile('docker-default', ctx);
  const docker = compile('docker-default', { ...ctx, ...DOCKER });

  it('docker-default: socket families and personalities are read as the kernel reads them', () => {
    const d = (c: typeof dd, syscall: string, v: bigint) => decide(c, { syscall, args: [v, 1n, 0n] });
    expect(d(dd, 'socket', 0x1_0000_0028n)).toEqual(ERRNO(1)); // AF_VSOCK to the kernel
    expect(d(dd, 'socket', 0xffff_ffff_0000_0026n)).toEqual(ERRNO(1)); // AF_ALG
    expect(d(dd, 'socket', 0x1_0000_0002n)).toEqual(ALLOW); // AF_INET
    expect(d(dd, 'socket', 0x28n)).toEqual(ERRNO(1));
    expect(d(dd, 'personality', 0x1_0000_0008n)).toEqual(ALLOW); // PER_LINUX32
    expect(d(dd, 'personality', 0xffff_ffff_ffff_ffffn)).toEqual(ALLOW); // the query, sign-extended
    expect(d(dd, 'personality', 0x1_0040_0000n)).toEqual(ERRNO(1)); // READ_IMPLIES_EXEC
    // Docker's comparisons: high bits step around the rule.
    expect(d(docker, 'socket', 0x1_0000_0028n)).toEqual(ALLOW);
    expect(d(docker, 'socket', 0x28n)).toEqual(ERRNO(1));
    expect(d(docker, 'personality', 0xffff_ffff_ffff_ffffn)).toEqual(ERRNO(1));
    // The other arches of the filter already compare 32 bits.
    for (const c of [dd, docker]) {
      expect(decide(c, { syscall: 'socket', args: [0x1_0000_0028n], arch: 'x32' })).toEqual(ERRNO(1));
      expect(decide(c, { syscall: 359, args: [0x28n], arch: 'x86' })).toEqual(ERRNO(1));
    }
  });

  it('every operator on a 32-bit argument ignores the high word, on 64-bit arguments it does not', () => {
    const p = profile([
      rule(['kill'], 'SCMP_ACT_ALLOW', [{ index: 1, value: 9, op: 'SCMP_CMP_NE' }]),
      rule(['socket'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 3, op: 'SCMP_CMP_LT' }]),
      rule(['setns'], 'SCMP_ACT_ALLOW', [{ index: 1, value: 0x10, op: 'SCMP_CMP_GT' }]),
      rule(['tkill'], 'SCMP_ACT_ALLOW', [{ index: 1, value: 5, op: 'SCMP_CMP_GE' }]),
      rule(['setuid'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 1000, op: 'SCMP_CMP_LE' }]),
      rule(['ioctl'], 'SCMP_ACT_ALLOW', [{ index: 1, value: 0xff00, valueTwo: 0x5400, op: 'SCMP_CMP_MASKED_EQ' }]),
      rule(['fcntl'], 'SCMP_ACT_ALLOW', [{ index: 2, value: 4, op: 'SCMP_CMP_EQ' }]), // unsigned long arg
    ]);
    const on = compile(p, ctx);
    const off = compile(p, { ...ctx, ...DOCKER });
    const hi = 0xdead_beef_0000_0000n;
    const cases: [string, bigint[], object, object][] = [
      ['kill', [0n, hi | 9n], ERRNO(1), ALLOW],
      ['kill', [0n, hi | 8n], ALLOW, ALLOW],
      ['socket', [hi | 1n], ALLOW, ERRNO(1)],
      ['socket', [hi | 3n], ERRNO(1), ERRNO(1)],
      ['setns', [0n, hi], ERRNO(1), ALLOW],
      ['setns', [0n, hi | 0x11n], ALLOW, ALLOW],
      ['tkill', [0n, hi | 4n], ERRNO(1), ALLOW],
      ['setuid', [hi | 1000n], ALLOW, ERRNO(1)],
      ['setuid', [hi | 1001n], ERRNO(1), ERRNO(1)],
      ['ioctl', [0n, hi | 0x5401n], ALLOW, ALLOW], // the mask has no high bits: Docker already ignores them
      ['ioctl', [0n, hi | 0x5501n], ERRNO(1), ERRNO(1)],
      ['fcntl', [0n, 0n, hi | 4n], ERRNO(1), ERRNO(1)], // 64 bits to the kernel: compared in full
      ['fcntl', [hi | 0n, 0n, 4n], ALLOW, ALLOW],
    ];
    for (const [syscall, args, narrowed, asDocker] of cases) {
      expect([syscall, args, decide(on, { syscall, args })]).toEqual([syscall, args, narrowed]);
      expect([syscall, args, decide(off, { syscall, args })]).toEqual([syscall, args, asDocker]);
    }
    // The same without specialize (the blocks stand on their own).
    const plain = compile(p, { ...ctx, specialize: false });
    for (const [syscall, args, narrowed] of cases) expect(decide(plain, { syscall, args })).toEqual(narrowed);
  });

  it('umode_t is 16 bits, on 32-bit arches too', () => {
    const p = profile([rule(['openat'], 'SCMP_ACT_ALLOW', [{ index: 3, value: 0o755, op: 'SCMP_CMP_EQ' }])]);
    const on = compile(p, ctx);
    const off = compile(p, { ...ctx, ...DOCKER });
    for (const arch of ['x86_64', 'x86', 'x32']) {
      expect(decide(on, { syscall: 'openat', args: [0n, 0n, 0n, 0x1_01edn], arch })).toEqual(ALLOW);
      expect(decide(on, { syscall: 'openat', args: [0n, 0n, 0n, 0x1_01een], arch })).toEqual(ERRNO(1));
      expect(decide(off, { syscall: 'openat', args: [0n, 0n, 0n, 0x1_01edn], arch })).toEqual(ERRNO(1));
      expect(decide(off, { syscall: 'openat', args: [0n, 0n, 0n, 0o755n], arch })).toEqual(ALLOW);
    }
  });

  it('values wider than the argument: cut to its width, with a warning unless sign-extended', () => {
    const p = profile([
      rule(['socket'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 0x1_0000_0002n, op: 'SCMP_CMP_EQ' }]),
      rule(['personality'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 0xffff_ffff_ffff_ffffn, op: 'SCMP_CMP_EQ' }]),
    ]);
    const on = compile(p, ctx);
    expect(on.warnings.map((w) => w.path)).toEqual(['syscalls[0].args']);
    expect(on.warnings[0].message).toMatch(/low 32 bits of 0x100000002/);
    expect(on.rules.find((r) => r.syscall === 'socket')?.conditions).toEqual([{ arg: 0, op: 'EQ', value: 2n }]);
    expect(decide(on, { syscall: 'socket', args: [2n] })).toEqual(ALLOW);
    expect(decide(on, { syscall: 'personality', args: [0xffff_ffffn] })).toEqual(ALLOW);
    expect(decide(on, { syscall: 'personality', args: [0xffff_ffff_ffff_ffffn] })).toEqual(ALLOW);
    const off = compile(p, { ...ctx, ...DOCKER });
    expect(off.warnings).toEqual([]);
    expect(decide(off, { syscall: 'socket', args: [2n] })).toEqual(ERRNO(1));
  });

  it('random profiles: the narrowed filter decides as Docker decides the kernel\'s reading of the arguments', () => {
    const next = rng(18);
    const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length];
    const NAMES = ['socket', 'kill', 'setns', 'fcntl', 'ioctl', 'prctl', 'openat', 'personality'];
    const OPS = ['SCMP_CMP_EQ', 'SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_GT', 'SCMP_CMP_GE', 'SCMP_CMP_MASKED_EQ'];
    const ACTIONS = ['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_TRAP', 'SCMP_ACT_KILL_PROCESS', 'SCMP_ACT_LOG'];
    const SMALL = [0n, 1n, 5n, 0x10n, 0x7fff_ffffn, 0x8000_0000n, 0xffff_ffffn, 0x1_0000n];
    const HIGH = [0n, 1n << 32n, 0xffff_ffff_0000_0000n, 0x8000_0000_0000_0000n];
    let compared = 0;
    for (let n = 0; n < 40; n++) {
      const syscalls: object[] = [];
      for (let r = 0; r < 4; r++) {
        const name = pick(NAMES);
        const args: Arg[] = [];
        for (let a = 0; a < 1 + (next() % 2); a++) {
          const index = next() % 4;
          const bits = argBits(name, index, 'x86_64');
          // Values within the argument's width: Docker and the narrowed filter then mean the same rule.
          const cut = (v: bigint) => (bits === 64 ? v | pick(HIGH) : v & ((1n << BigInt(bits)) - 1n));
          const op = pick(OPS);
          args.push({ index, value: cut(pick(SMALL)), op, ...(op === 'SCMP_CMP_MASKED_EQ' ? { valueTwo: cut(pick(SMALL)) } : {}) });
        }
        syscalls.push(rule([name], pick(ACTIONS), args, 1 + r));
      }
      const p = profile(syscalls, 'SCMP_ACT_ERRNO', ['SCMP_ARCH_X86_64']);
      let on;
      let off;
      try {
        off = compile(p, { ...ctx, ...DOCKER });
      } catch {
        continue; // libseccomp refuses some overlapping rules; the same for both
      }
      on = compile(p, ctx);
      const plain = compile(p, { ...ctx, specialize: false });
      for (let k = 0; k < 60; k++) {
        const name = pick(NAMES);
        const args = [0, 1, 2, 3].map(() => pick(SMALL) + pick([0n, 1n, -1n].map((d) => d)) + pick(HIGH)).map((v) => BigInt.asUintN(64, v));
        const want = decide(off, { syscall: name, args: kernelArgs(name, args) });
        expect([name, args, decide(on, { syscall: name, args })]).toEqual([name, args, want]);
        expect(decide(plain, { syscall: name, args })).toEqual(want);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});

describe('multiplexers: socketcall and ipc sub-calls', () => {
  it('docker-default on x86_64 hosts: i386 socketcall(SYS_SOCKET) gets EPERM, other sub-calls stay allowed', () => {
    const dd = compile('docker-default', ctx);
    expect(decide(dd, { syscall: 102, args: [1n, 0x1000n], arch: 'x86' })).toEqual(ERRNO(1));
    expect(decide(dd, { syscall: 102, args: [2n, 0x1000n], arch: 'x86' })).toEqual(ALLOW); // bind
    expect(decide(dd, { syscall: 102, args: [8n, 0x1000n], arch: 'x86' })).toEqual(ALLOW); // socketpair
    expect(decide(dd, { syscall: 359, args: [2n], arch: 'x86' })).toEqual(ALLOW); // the direct socket
    const docker = compile('docker-default', { ...ctx, multiplexers: false });
    expect(decide(docker, { syscall: 102, args: [1n, 0x1000n], arch: 'x86' })).toEqual(ALLOW);
  });

  it('the strictest answer of the direct syscall, and never weaker than the multiplexer\'s own', () => {
    const kill = profile([
      rule(['socketcall', 'bind'], 'SCMP_ACT_ALLOW'),
      rule(['socket'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]),
    ], 'SCMP_ACT_KILL_PROCESS');
    const c = compile(kill, ctx);
    expect(decide(c, { syscall: 102, args: [1n], arch: 'x86' })).toEqual({ action: 'KILL_PROCESS' });
    expect(decide(c, { syscall: 102, args: [2n], arch: 'x86' })).toEqual(ALLOW);
    expect(decide(compile(kill, { ...ctx, multiplexers: false }), { syscall: 102, args: [1n], arch: 'x86' })).toEqual(ALLOW);
    // socket's answer does not depend on its arguments: Docker's behaviour stays.
    const flat = profile([rule(['socketcall', 'socket'], 'SCMP_ACT_ALLOW')]);
    expect(decide(compile(flat, ctx), { syscall: 102, args: [1n], arch: 'x86' })).toEqual(ALLOW);
    // The multiplexer's own answer, when stricter than any of socket's or as strict, stays.
    const own = (action: string, errnoRet?: number) => compile(profile([
      rule(['socket'], 'SCMP_ACT_ALLOW', [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]),
      rule(['socketcall'], action, undefined, errnoRet),
    ]), ctx);
    expect(decide(own('SCMP_ACT_TRAP'), { syscall: 102, args: [1n], arch: 'x86' })).toEqual({ action: 'TRAP' });
    expect(decide(own('SCMP_ACT_ERRNO', 13), { syscall: 102, args: [1n], arch: 'x86' })).toEqual(ERRNO(13));
    expect(decide(own('SCMP_ACT_LOG'), { syscall: 102, args: [1n], arch: 'x86' })).toEqual(ERRNO(1));
    expect(decide(own('SCMP_ACT_LOG'), { syscall: 102, args: [2n], arch: 'x86' })).toEqual({ action: 'LOG' });
  });

  it('ipc(2): the call is the low 16 bits of args[0]', () => {
    const p = profile([
      rule(['ipc', 'shmdt'], 'SCMP_ACT_ALLOW'),
      rule(['shmget'], 'SCMP_ACT_ALLOW', [{ index: 2, value: 0o1000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]),
    ]);
    const c = compile(p, ctx);
    expect(decide(c, { syscall: 117, args: [23n], arch: 'x86' })).toEqual(ERRNO(1)); // SHMGET
    expect(decide(c, { syscall: 117, args: [(1n << 16n) | 23n], arch: 'x86' })).toEqual(ERRNO(1)); // with a version
    expect(decide(c, { syscall: 117, args: [22n], arch: 'x86' })).toEqual(ALLOW); // SHMDT
    expect(decide(compile(p, { ...ctx, multiplexers: false }), { syscall: 117, args: [23n], arch: 'x86' })).toEqual(ALLOW);
  });

  it('64-bit arches with socketcall (ppc64le): the direct socket is narrowed, socketcall(SYS_SOCKET) denied', () => {
    const c = compile('docker-default', { ...ctx, arch: 'ppc64le' });
    // libseccomp names socket by socketcall's pseudo number on ppc; the kernel's is 326.
    expect(decide(c, { syscall: 326, args: [0x1_0000_0028n] })).toEqual(ERRNO(1));
    expect(decide(c, { syscall: 326, args: [0x2n] })).toEqual(ALLOW);
    expect(decide(c, { syscall: 102, args: [1n] })).toEqual(ERRNO(1));
    expect(decide(c, { syscall: 102, args: [0xffff_ffff_0000_0001n] })).toEqual(ERRNO(1)); // call is an int
    const docker = compile('docker-default', { ...ctx, arch: 'ppc64le', ...DOCKER });
    expect(decide(docker, { syscall: 326, args: [0x1_0000_0028n] })).toEqual(ALLOW);
    expect(decide(docker, { syscall: 102, args: [1n] })).toEqual(ALLOW);
  });
});

describe('the kernel agrees (child process)', () => {
  skipAllIf(!isX64, NOT_X64);
  let tmp = '';
  let helper = '';
  beforeAll(() => {
    if (!isX64) return;
    tmp = mkdtempSync(join(tmpdir(), 'seccomp-18-'));
    helper = buildStatic(join(fixtures, 'int-args.c'), join(tmp, 'int-args'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  type Seen = Record<string, { ret: number | null; errno: number }>;
  const run = (mode: string) => {
    const r = runFixture('narrow-args.mjs', [mode, helper]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json.status).toBe(0);
    return r.json as { decisions: Record<string, { action: string; errno?: number }>; seen: Seen };
  };

  it('socket(AF_VSOCK | 1 << 32): EPERM under docker-default, what the kernel gives AF_VSOCK with the options off', () => {
    const bare = run('none').seen;
    // Without a filter the kernel reads the family as AF_VSOCK: a socket, or EAFNOSUPPORT.
    expect(bare.vsockHigh).toEqual(bare.vsock);
    expect(bare.vsock.errno).not.toBe(1);
    const on = run('default');
    expect(on.seen.vsockHigh.errno).toBe(1);
    expect(on.seen.algHigh.errno).toBe(1);
    expect(on.seen.unixHigh).toEqual(bare.unixHigh);
    expect(on.decisions.vsockHigh).toEqual(ERRNO(1));
    const off = run('docker');
    expect(off.seen.vsock.errno).toBe(1);
    expect(off.seen.vsockHigh.errno).toBe(bare.vsockHigh.errno); // through, as under Docker
    expect(off.decisions.vsockHigh).toEqual(ALLOW);
  });

  it('i386 socketcall(SYS_SOCKET, {AF_VSOCK, ...}) from an x86_64 process: EPERM under docker-default', (t) => {
    const bare = run('none').seen;
    t.skip(bare.ia32.ret !== 0, 'this kernel has no IA32 emulation (int $0x80 faults)');
    expect(bare.vsock32.errno).not.toBe(1);
    const on = run('default');
    expect(on.seen.vsock32.errno).toBe(1);
    expect(on.seen.unix32.errno).toBe(1); // every family: the filter cannot see it
    const off = run('docker');
    expect(off.seen.vsock32.errno).toBe(bare.vsock32.errno);
  });
});
