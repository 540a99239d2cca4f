// The newest syscalls, numbered from our own table when libseccomp cannot name them: bad input
// first; then the table against libseccomp, the block against libseccomp's own comparisons on
// every arch it knows, compile() and decide() with and without newSyscalls; last, the kernel
// agrees with decide() about mseal in a child process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Action } from '../dist/action.js';
import { ARCH_NAMES, archToken } from '../dist/arch.js';
import { auditArch } from '../dist/bpf/enosys.js';
import { runFilter } from '../dist/bpf/interpret.js';
import { NEWER_SYSCALLS, newerSyscallInsns, newerSyscallNumber } from '../dist/bpf/newer-syscalls.js';
import { BPF, decode, encode, stmt } from '../dist/bpf/program.js';
import { decide } from '../dist/decide.js';
import { Filter, type Condition, type Op } from '../dist/filter.js';
import { native } from '../dist/native.js';
import { compile } from '../dist/profile/compile.js';
import { fixtures, runFixture } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';
import { buildStatic } from './helpers/cc.js';
import { NOT_X64, skipAllIf } from './helpers/skip.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.18', cache: false };
const isX64 = process.arch === 'x64';
/** The ten syscalls moby's default profile names that libseccomp 2.5.4 cannot. */
const MOBY_NEWER = [
  'statmount', 'listmount', 'lsm_get_self_attr', 'lsm_set_self_attr', 'lsm_list_modules',
  'mseal', 'setxattrat', 'getxattrat', 'listxattrat', 'removexattrat',
];
const libKnows = (name: string) => native().resolveSyscall(name, archToken('x86_64')) !== -1;
const LIB_KNOWS_MSEAL = 'this libseccomp knows mseal itself, so the table of newer syscalls is not used for it';
const knownArches = ARCH_NAMES.filter((a) => native().archResolve(a) !== 0);


const allow = (names: string[], extra: Record<string, unknown> = {}) => ({ names, action: 'SCMP_ACT_ALLOW', ...extra });
const denyByDefault = (syscalls: unknown[], architectures = ['SCMP_ARCH_X86_64']) => ({
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  architectures,
  syscalls,
});

describe('newer syscalls: bad input', () => {
  it('wrong option types', () => {
    const p = denyByDefault([allow(['read'])]);
    expect(() => compile(p, { newSyscalls: 'yes' } as never)).toThrow(TypeError);
    expect(() => compile(p, { optimize: '2' } as never)).toThrow(TypeError);
    expect(() => compile(p, { optimize: 3 } as never)).toThrow(RangeError);
    expect(() => compile(p, { optimize: 0 } as never)).toThrow(RangeError);
  });

  it('different actions on one table syscall are refused, naming both rules', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const p = denyByDefault([allow(['read', 'mseal']), { names: ['mseal'], action: 'SCMP_ACT_ERRNO', errnoRet: 13, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] }]);
    const e = thrown(() => compile(p, ctx));
    expect(e.code).toBe('ERR_SECCOMP_UNSUPPORTED');
    expect(e.message).toContain('syscalls[1]');
    expect(e.message).toContain('syscalls[0]');
    expect(e.message).toContain('newSyscalls: false');
    // As runc does, the name is skipped without the table.
    expect(compile(p, { ...ctx, newSyscalls: false }).unknownSyscalls).toEqual(['mseal']);
  });

  it('a name from the table is numbered; without the table it is skipped with a warning, never refused', () => {
    const p = denyByDefault([allow(['read', 'listns'])]);
    expect(compile(p, { ...ctx, unknownSyscalls: 'error' }).tableSyscalls).toEqual(libKnows('listns') ? [] : ['listns']);
    if (!libKnows('listns')) {
      const c = compile(p, { ...ctx, unknownSyscalls: 'error', newSyscalls: false });
      expect(c.unknownSyscalls).toEqual(['listns']);
      expect(c.warnings).toContainEqual(expect.objectContaining({ path: 'syscalls[0].names[1]', code: 'ERR_SECCOMP_UNKNOWN_SYSCALL' }));
    }
  });

  it('decide() still refuses names that neither libseccomp nor the table know', () => {
    const c = compile(denyByDefault([allow(['read'])]), ctx);
    expect(thrown(() => decide(c, { syscall: 'no_such_call' })).code).toBe('ERR_SECCOMP_UNKNOWN_SYSCALL');
    expect(newerSyscallNumber('no_such_call', 'x86_64')).toBeUndefined();
    expect(newerSyscallNumber('mseal', 'vax')).toBeUndefined();
    expect(newerSyscallNumber('toString', 'x86_64')).toBeUndefined();
  });
});

describe('the table', () => {
  it('numbers the syscalls moby names beyond libseccomp 2.5.4, and listns', () => {
    expect(MOBY_NEWER.map((n) => NEWER_SYSCALLS[n])).toEqual([457, 458, 459, 460, 461, 462, 463, 464, 465, 466]);
    expect(NEWER_SYSCALLS.listns).toBe(470);
    expect(newerSyscallNumber('mseal', 'x32')).toBe(0x4000_0000 + 462);
    expect(newerSyscallNumber('mseal', 'mipsel')).toBe(4462);
    expect(newerSyscallNumber('mseal', 'mips64')).toBe(5462);
    expect(newerSyscallNumber('mseal', 'mips64n32')).toBe(6462);
    expect(newerSyscallNumber('mseal', 'aarch64')).toBe(462);
    // Arch-dependent syscalls are left to libseccomp.
    expect(newerSyscallNumber('memfd_secret', 'x86_64')).toBeUndefined();
    expect(newerSyscallNumber('map_shadow_stack', 'x86_64')).toBeUndefined();
  });

  it('agrees with libseccomp on every name and arch libseccomp knows (checks the per-arch bases)', () => {
    const disagree: string[] = [];
    let checked = 0;
    for (const arch of knownArches) {
      for (const [name, n] of Object.entries(NEWER_SYSCALLS)) {
        const lib = native().resolveSyscall(name, archToken(arch));
        if (lib === -1) continue;
        checked++;
        if (lib !== newerSyscallNumber(name, arch)) disagree.push(`${name}@${arch}: libseccomp ${lib}, table ${newerSyscallNumber(name, arch)} (${n})`);
      }
    }
    expect(disagree).toEqual([]);
    expect(checked).toBeGreaterThan(knownArches.length * 20);
  });
});

// Values around a condition's operands: equal, one off in either 32-bit half, extremes.
function probes(...vs: bigint[]): bigint[] {
  const out = new Set<bigint>([0n, 1n, 0xffff_ffffn, 0x1_0000_0000n, 0xffff_ffff_ffff_ffffn]);
  for (const v of vs) {
    for (const d of [0n, 1n, -1n, 1n << 32n, -(1n << 32n), 2n << 32n]) out.add(BigInt.asUintN(64, v + d));
    out.add(v & 0xffff_ffffn);
    out.add(v & 0xffff_ffff_0000_0000n);
    out.add(BigInt.asUintN(64, v ^ 0x8000_0000n));
  }
  return [...out];
}

const OPS: Op[] = ['EQ', 'NE', 'LT', 'LE', 'GT', 'GE', 'MASKED_EQ'];
const VALUES: [bigint, bigint][] = [
  [5n, 0n],
  [0x1_0000_0005n, 0x1_0000_0005n],
  [0xffff_ffffn, 0xffn],
  [0xffff_0000_ffffn, 0x1_0000_0005n],
  [0xffff_ffff_ffff_ffffn, 0x8000_0000_0000_0000n],
  [0x0f0f_0000_0000_0000n, 0xf000_0000_0000_0000n], // valueTwo outside the mask
  [0xffn, 0x1ffn],
];

describe('the block against libseccomp (single-arch filters, every arch libseccomp knows)', () => {
  const ALLOW = Action.ALLOW;
  const DENY = Action.ERRNO(1);

  /**
   * libseccomp's own filter for `arch` with the rules on futex_requeue (456, which it knows), in
   * host byte order: it exports a big-endian arch's program in that arch's order. (The
   * interpreter lays seccomp_data out in host order for every arch; both programs read the
   * same words, so they agree exactly when their offsets and constants do.)
   */
  function libProgram(arch: string, rules: Condition[][]): Buffer {
    const f = new Filter(DENY);
    let bpf: Buffer;
    try {
      const host = Filter.nativeArch();
      // libseccomp refuses to mix byte orders in one filter: remove the host's arch first.
      if (arch !== host) f.removeArch(host).addArch(arch);
      for (const conds of rules) f.addRule(ALLOW, 'futex_requeue', conds);
      bpf = f.exportBpf();
    } finally {
      f.release();
    }
    const LD_ABS = BPF.LD | BPF.W | BPF.ABS; // every libseccomp program starts by loading the arch
    if (decode(bpf.subarray(0, 8))[0].code === LD_ABS) return bpf;
    const swapped = Buffer.from(bpf);
    for (let o = 0; o < bpf.length; o += 8) {
      swapped.subarray(o, o + 2).swap16();
      swapped.subarray(o + 4, o + 8).swap32();
    }
    return swapped;
  }

  function ourProgram(arch: string, rules: Condition[][]): Buffer {
    const nr = native().resolveSyscall('futex_requeue', archToken(arch));
    const insns = newerSyscallInsns(rules.map((conditions) => ({ arch, nr, ret: ALLOW, conditions })));
    return encode([...insns, stmt(BPF.RET | BPF.K, DENY)]);
  }

  function differences(arch: string, rules: Condition[][], argSets: bigint[][]): string[] {
    const lib = libProgram(arch, rules);
    const ours = ourProgram(arch, rules);
    const nr = native().resolveSyscall('futex_requeue', archToken(arch));
    const out: string[] = [];
    for (const args of argSets) {
      const data = { nr, arch: auditArch(arch), args };
      const a = runFilter(lib, data);
      const b = runFilter(ours, data);
      if (a !== b) out.push(`${arch} ${JSON.stringify(rules, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))} args ${args.map((v) => `0x${v.toString(16)}`)}: libseccomp ${a.toString(16)}, ours ${b.toString(16)}`);
    }
    return out;
  }

  for (const arch of knownArches) {
    it(`${arch}: every operator, 64-bit values, all six argument slots`, () => {
      const diffs: string[] = [];
      for (const op of OPS) {
        for (const [value, valueTwo] of VALUES) {
          const arg = (OPS.indexOf(op) + VALUES.findIndex((v) => v[0] === value)) % 6;
          const cond: Condition = op === 'MASKED_EQ' ? { arg, op, value, valueTwo } : { arg, op, value };
          const argSets = probes(value, valueTwo).map((v) => {
            const args = Array<bigint>(6).fill(0x1234n);
            args[arg] = v;
            return args;
          });
          diffs.push(...differences(arch, [[cond]], argSets));
        }
      }
      expect(diffs.slice(0, 5)).toEqual([]);
    });
  }

  it('AND within a rule, OR across rules, and an unconditional rule wins', () => {
    const r1: Condition[] = [{ arg: 0, op: 'GE', value: 0x1_0000_0000n }, { arg: 1, op: 'NE', value: 7n }];
    const r2: Condition[] = [{ arg: 2, op: 'MASKED_EQ', value: 0xffn, valueTwo: 0x42n }];
    const argSets: bigint[][] = [];
    for (const a0 of [0n, 0xffff_ffffn, 0x1_0000_0000n]) {
      for (const a1 of [7n, 8n, 0x1_0000_0007n]) for (const a2 of [0x42n, 0x142n, 0x43n]) argSets.push([a0, a1, a2]);
    }
    const diffs: string[] = [];
    for (const arch of knownArches) {
      diffs.push(...differences(arch, [r1], argSets), ...differences(arch, [r1, r2], argSets), ...differences(arch, [r1, [], r2], argSets));
    }
    expect(diffs.slice(0, 5)).toEqual([]);
    // And the comparison is not blind: a different rule set gives different answers.
    const lib = libProgram('x86_64', [r1]);
    const ours = ourProgram('x86_64', [r2]);
    const nr = native().resolveSyscall('futex_requeue', archToken('x86_64'));
    const seen = argSets.map((args) => runFilter(lib, { nr, arch: auditArch('x86_64'), args }) === runFilter(ours, { nr, arch: auditArch('x86_64'), args }));
    expect(seen).toContain(false);
  });

  it('is empty without rules, and leaves other arches and syscalls to what follows', () => {
    expect(newerSyscallInsns([])).toEqual([]);
    const prog = encode([...newerSyscallInsns([{ arch: 'x86_64', nr: 462, ret: ALLOW, conditions: [] }]), stmt(BPF.RET | BPF.K, DENY)]);
    const run = (arch: string, nr: number) => runFilter(prog, { nr, arch: auditArch(arch), args: [] });
    expect(run('x86_64', 462)).toBe(ALLOW);
    expect(run('x86_64', 461)).toBe(DENY);
    expect(run('x86_64', 463)).toBe(DENY);
    expect(run('x86_64', 0)).toBe(DENY);
    expect(run('x32', 0x4000_0000 + 462)).toBe(DENY); // same AUDIT_ARCH, but not in the rule's arch
    expect(run('x86', 462)).toBe(DENY);
  });
});

describe('compile + decide with the table', () => {
  it('docker-default: the ten newer names follow the profile; newSyscalls: false is runc', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const opts = { ...ctx, capabilities: ['CAP_SYS_ADMIN'] };
    const c = compile('docker-default', opts);
    expect([...c.tableSyscalls].sort()).toEqual([...MOBY_NEWER].sort());
    expect(c.unknownSyscalls.filter((n) => MOBY_NEWER.includes(n))).toEqual([]);
    expect(c.lastSyscalls.filter((l) => l.arch !== 'x32')).toEqual([{ arch: 'x86_64', nr: 466 }, { arch: 'x86', nr: 466 }]);
    for (const arch of ['x86_64', 'x86', 'x32']) {
      for (const name of MOBY_NEWER) expect(decide(c, { syscall: name, arch })).toEqual({ action: 'ALLOW' });
      expect(decide(c, { syscall: 'open_tree_attr', arch }).action).toBe('ERRNO'); // not in the profile
    }
    expect(decide(c, { syscall: 462 })).toEqual({ action: 'ALLOW' });
    expect(decide(c, { syscall: 'listns' })).toEqual({ action: 'ERRNO', errno: 38 }); // above 466
    expect(decide(c, { syscall: 'open_tree_attr' })).toEqual({ action: 'ERRNO', errno: 38 });
    // The rules carry their numbers and their source paths.
    const mseal = c.rules.find((r) => r.syscall === 'mseal');
    expect(mseal?.numbers).toEqual([{ arch: 'x86_64', nr: 462 }, { arch: 'x86', nr: 462 }, { arch: 'x32', nr: 0x4000_0000 + 462 }]);
    expect(mseal?.source).toMatch(/^syscalls\[\d+\]$/);
    expect(c.rules.filter((r) => r.numbers).length).toBe(MOBY_NEWER.length);
    // Without the CAP_SYS_ADMIN rule, lsm_* get the default errno (below the last syscall), not ENOSYS.
    const noAdmin = compile('docker-default', { ...ctx, capabilities: [] });
    expect(decide(noAdmin, { syscall: 'lsm_list_modules' })).toEqual({ action: 'ERRNO', errno: 1 });
    expect(decide(noAdmin, { syscall: 'mseal' })).toEqual({ action: 'ALLOW' });

    const runc = compile('docker-default', { ...opts, newSyscalls: false });
    expect([...runc.unknownSyscalls].sort()).toEqual([...MOBY_NEWER, 'riscv_hwprobe', 'uretprobe'].sort());
    expect(runc.tableSyscalls).toEqual([]);
    expect(runc.rules.some((r) => r.numbers)).toBe(false);
    expect(runc.lastSyscalls.filter((l) => l.arch !== 'x32')).toEqual([{ arch: 'x86_64', nr: 456 }, { arch: 'x86', nr: 456 }]);
    for (const name of MOBY_NEWER) expect(decide(runc, { syscall: name })).toEqual({ action: 'ERRNO', errno: 38 });
    // libseccomp's part of the program is the same: only our block is added in front.
    // (Without the blocks narrowArgs and multiplexers put in front of both.)
    const bare = { enosys: false, specialize: false, narrowArgs: false, multiplexers: false };
    const plain = compile('docker-default', { ...opts, ...bare, newSyscalls: false }).bpf;
    const withBlock = compile('docker-default', { ...opts, ...bare }).bpf;
    expect(withBlock.length).toBeGreaterThan(plain.length);
    expect(withBlock.subarray(withBlock.length - plain.length).equals(plain)).toBe(true);
    expect(c.hash).not.toBe(runc.hash);
  });

  it('argument conditions and other actions on a table syscall', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const p = denyByDefault(
      [
        allow(['read']),
        allow(['mseal'], { args: [{ index: 2, value: 0, op: 'SCMP_CMP_EQ' }, { index: 1, value: 0x1_0000_0000n, op: 'SCMP_CMP_GE' }] }),
        allow(['mseal'], { args: [{ index: 0, value: 0xfff, valueTwo: 0x123, op: 'SCMP_CMP_MASKED_EQ' }] }),
        { names: ['statmount'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 },
        { names: ['listmount'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['getxattrat'], action: 'SCMP_ACT_TRACE', errnoRet: 9 },
      ],
      ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64'],
    );
    const c = compile(p, ctx);
    const d = (syscall: string, args: bigint[] = [], arch?: string) => decide(c, { syscall, args, arch });
    expect(d('mseal', [0n, 0x1_0000_0000n, 0n])).toEqual({ action: 'ALLOW' });
    expect(d('mseal', [0n, 0xffff_ffffn, 0n])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('mseal', [0n, 0x1_0000_0000n, 1n])).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('mseal', [0x7123n, 0n, 1n])).toEqual({ action: 'ALLOW' }); // the second rule
    // x86 compares the low 32 bits only, as libseccomp does for a 32-bit arch.
    expect(d('mseal', [0n, 0n, 0n], 'x86')).toEqual({ action: 'ALLOW' });
    expect(d('mseal', [0n, 0n, 0n], 'aarch64')).toEqual({ action: 'ERRNO', errno: 1 });
    expect(d('statmount')).toEqual({ action: 'ERRNO', errno: 13 });
    expect(d('listmount', [], 'aarch64')).toEqual({ action: 'KILL_PROCESS' });
    expect(d('getxattrat', [], 'x86')).toEqual({ action: 'TRACE', data: 9 });
    expect(d('setxattrat')).toEqual({ action: 'ERRNO', errno: 1 }); // below the last syscall: the default
    expect(d('listxattrat')).toEqual({ action: 'ERRNO', errno: 38 }); // above it: the stub
    expect(c.lastSyscalls).toEqual([
      { arch: 'x86_64', nr: 464 },
      { arch: 'x86', nr: 464 },
      { arch: 'aarch64', nr: 464 },
    ]);
    // An allow-by-default profile that refuses one new syscall.
    const a = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mseal'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] }, ctx);
    expect(decide(a, { syscall: 'mseal' })).toEqual({ action: 'ERRNO', errno: 13 });
    expect(decide(a, { syscall: 'listns' })).toEqual({ action: 'ALLOW' });
    expect(a.lastSyscalls).toEqual([]);
  });

  it('other ABIs: aarch64 as the target, MIPS n32 and x32 as sub-arches', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const arm = compile(denyByDefault([allow(['read', 'mseal'])], []), { ...ctx, arch: 'arm64' });
    expect(arm.rules.find((r) => r.syscall === 'mseal')?.numbers).toEqual([{ arch: 'aarch64', nr: 462 }]);
    expect(decide(arm, { syscall: 'mseal' })).toEqual({ action: 'ALLOW' });
    expect(decide(arm, { syscall: 'mseal', arch: 'x86_64' })).toEqual({ action: 'KILL_THREAD' }); // not in the filter
    const mips = compile(denyByDefault([allow(['read', 'mseal'])], ['SCMP_ARCH_X86_64', 'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_X32']), ctx);
    expect(decide(mips, { syscall: 'mseal', arch: 'mipsel64n32' })).toEqual({ action: 'ALLOW' });
    expect(decide(mips, { syscall: 6462, arch: 'mipsel64n32' })).toEqual({ action: 'ALLOW' });
    expect(decide(mips, { syscall: 5462, arch: 'mipsel64n32' }).action).toBe('ERRNO');
    expect(decide(mips, { syscall: 462, arch: 'x32' })).toEqual({ action: 'ALLOW' }); // the X32 bit is added
    expect(mips.lastSyscalls).toContainEqual({ arch: 'mipsel64n32', nr: 6462 });
  });

  it('optimize: both levels decide alike; the default follows runc (2 above 32 rules)', () => {
    const o1 = compile('docker-default', { ...ctx, optimize: 1, specialize: false });
    const o2 = compile('docker-default', { ...ctx, optimize: 2, specialize: false });
    const def = compile('docker-default', { ...ctx, specialize: false });
    expect(o1.bpf.equals(o2.bpf)).toBe(false);
    expect(def.bpf.equals(o2.bpf)).toBe(true);
    expect(o1.hash).not.toBe(o2.hash);
    for (let nr = 0; nr <= 470; nr++) {
      for (const args of [[], [0xffff_ffff_ffff_ffffn, 0x7e020000n]]) {
        expect(decide(o1, { syscall: nr, args })).toEqual(decide(o2, { syscall: nr, args }));
      }
    }
    const small = denyByDefault([allow(['read', 'write'])]);
    const raw = { ...ctx, specialize: false };
    expect(compile(small, raw).bpf.equals(compile(small, { ...raw, optimize: 1 }).bpf)).toBe(true);
    expect(compile(small, raw).bpf.equals(compile(small, { ...raw, optimize: 2 }).bpf)).toBe(false);
  });
});

describe('the kernel agrees with decide() about mseal (child process)', () => {
  skipAllIf(!isX64, NOT_X64);
  let tmp = '';
  let helper = '';
  beforeAll(() => {
    if (!isX64) return;
    tmp = mkdtempSync(join(tmpdir(), 'seccomp-15-'));
    helper = buildStatic(join(fixtures, 'raw-syscall.c'), join(tmp, 'raw-syscall'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const run = (mode: string) => {
    const r = runFixture('newer-syscalls.mjs', [mode, helper]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.json.status).toBe(0);
    return r.json as { tableSyscalls: string[]; decisions: Record<string, { action: string; errno?: number }>; seen: Record<string, { errno: number }> };
  };
  /** The errno a decision leads to; for ALLOW, the kernel's own EINVAL for the bad arguments used. */
  const expectedErrno = (d: { action: string; errno?: number }) => (d.action === 'ALLOW' ? 22 : d.errno);

  it('allowed from the table: the kernel itself answers (EINVAL), not the filter', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const out = run('table');
    expect(out.tableSyscalls).toEqual(['mseal']);
    expect(out.decisions.byName).toEqual({ action: 'ALLOW' });
    expect(out.seen.mseal.errno).toBe(22);
    expect(out.seen.statmount.errno).toBe(1); // not allowed, below the last syscall: the default
    expect(out.seen.listxattrat.errno).toBe(38); // above mseal: the stub
    for (const [k, d] of Object.entries(out.seen)) expect([k, d.errno]).toEqual([k, expectedErrno(out.decisions[k])]);
  });

  it('newSyscalls: false is runc: mseal gets ENOSYS from the stub', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const out = run('runc');
    expect(out.tableSyscalls).toEqual([]);
    expect(out.decisions.byName).toEqual({ action: 'ERRNO', errno: 38 });
    expect(out.seen.mseal.errno).toBe(38);
    expect(out.seen.statmount.errno).toBe(38);
    for (const [k, d] of Object.entries(out.seen)) expect([k, d.errno]).toEqual([k, expectedErrno(out.decisions[k])]);
  });

  it('64-bit argument conditions: the kernel and decide() agree call by call', (t) => {
    t.skip(libKnows('mseal'), LIB_KNOWS_MSEAL);
    const out = run('args');
    expect(out.seen.msealBigLen.errno).toBe(22); // len == 0x1_0000_1000 and flags == 0
    expect(out.seen.mseal.errno).toBe(1); // len's high word differs
    expect(out.seen.msealBigLenFlags.errno).toBe(1); // flags != 0
    for (const [k, d] of Object.entries(out.seen)) expect([k, d.errno]).toEqual([k, expectedErrno(out.decisions[k])]);
  });
});
