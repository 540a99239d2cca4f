// specialize(): bad input and programs outside the pass first (returned unchanged), then
// equivalence with the original program, checked with the interpreter over every arch the filter
// names plus an unknown one, every syscall number near anything the program compares, and
// argument vectors built from the program's own constants; a mutation check shows the
// comparison is not blind; last, a child installs the specialised docker-default.
import { mkdtempSync, readdirSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditArch } from '../dist/bpf/enosys.js';
import { checkProgram, execute, seccompDataWords } from '../dist/bpf/interpret.js';
import { Assembler, BPF, decode, encode, type Insn } from '../dist/bpf/program.js';
import { specialize, specializeInsns } from '../dist/bpf/specialize.js';
import { resolveSyscall, syscallName } from '../dist/library.js';
import { compile } from '../dist/profile/compile.js';
import { fixtures, hasShared, runFixture, sharedDir } from './helpers/child.js';
import { NO_SHARED, REFERENCE_PROFILES } from './helpers/oracle.js';
import { rng } from './helpers/random.js';
import { buildStatic } from './helpers/cc.js';
import { NOT_X64, skipAllIf } from './helpers/skip.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.1', cache: false };
const isX64 = process.arch === 'x64';
const DOCKER_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];
const MORE_CAPS = [...DOCKER_CAPS, 'CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYSLOG', 'CAP_BPF', 'CAP_PERFMON',
  'CAP_SYS_BOOT', 'CAP_SYS_MODULE', 'CAP_SYS_NICE', 'CAP_SYS_PACCT', 'CAP_SYS_RAWIO', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_DAC_READ_SEARCH', 'CAP_SYS_RESOURCE'];

const { LD, LDX, ST, ALU, JMP, RET, MISC, W, ABS, MEM, IMM, K, X } = BPF;
const LD_ABS = LD | W | ABS;
const JEQ = JMP | BPF.JEQ | K;
const JGT = JMP | BPF.JGT | K;
const JGE = JMP | BPF.JGE | K;
const JSET = JMP | BPF.JSET | K;
const RET_K = RET | K;
const ALLOW = 0x7fff_0000;
const EPERM = 0x0005_0001;
const KILL = 0x8000_0000;
const UNKNOWN_ARCH = 0x1234_abcd;
const X86_64 = 0xc000_003e;
const I386 = 0x4000_0003;


/** Reads of seccomp_data words beyond nr and arch (arguments, instruction pointer) on this input. */
function readsArgs(insns: readonly Insn[], nr: number, arch: number): boolean {
  const words = seccompDataWords({ nr, arch });
  let reads = false;
  const traced = new Proxy(words, {
    get(target, prop) {
      if (typeof prop === 'string' && /^\d+$/.test(prop) && Number(prop) >= 2) reads = true;
      return Reflect.get(target, prop);
    },
  });
  execute(insns, traced as unknown as Uint32Array);
  return reads;
}

/** The 32-bit constants a program compares with or masks by. */
function constants(insns: readonly Insn[]): number[] {
  const out = new Set<number>();
  for (const i of insns) {
    const cls = i.code & 0x07;
    if ((cls === JMP && i.code !== (JMP | BPF.JA)) || (cls === ALU && (i.code & X) === 0)) out.add(i.k >>> 0);
  }
  return [...out];
}

/**
 * Where `candidate` decides differently from `original` (first 20, as text), over: each arch in
 * `arches` plus an unknown one; nr 0..1100, 0x40000000..0x40000480, 0xffffffff and each constant
 * the programs compare with (and its neighbours, so every interval boundary); and for each
 * (arch, nr) where either program reads an argument, vectors with each argument word (hi and lo
 * of args[0..5]) set to each constant, K±1, 0 or all-ones, over zero and all-ones backgrounds,
 * plus random combinations of those values.
 */
function differences(original: Buffer, candidate: Buffer, arches: readonly number[]): string[] {
  const a = checkProgram(original);
  const b = checkProgram(candidate);
  const ks = [...new Set([...constants(a), ...constants(b)])];
  const values = [...new Set(ks.flatMap((k) => [k, (k + 1) >>> 0, (k - 1) >>> 0]).concat([0, 0xffff_ffff]))];
  const nrs = new Set<number>(values);
  for (let nr = 0; nr <= 1100; nr++) nrs.add(nr);
  for (let nr = 0x4000_0000; nr <= 0x4000_0480; nr++) nrs.add(nr);
  const out: string[] = [];
  const next = rng(0x5eed);
  const pick = (): bigint => BigInt(values[next() % values.length]);
  const compare = (arch: number, nr: number, args: bigint[], ip = 0n): void => {
    const data = seccompDataWords({ nr, arch, args, instructionPointer: ip });
    const x = execute(a, data);
    const y = execute(b, data);
    if (x !== y && out.length < 20) {
      out.push(`arch 0x${arch.toString(16)} nr 0x${nr.toString(16)} args [${args.map((v) => `0x${v.toString(16)}`)}]: 0x${x.toString(16)} vs 0x${y.toString(16)}`);
    }
  };
  for (const arch of [...new Set([...arches, UNKNOWN_ARCH])]) {
    for (const nr of nrs) {
      compare(arch, nr, []);
      if (!readsArgs(a, nr, arch) && !readsArgs(b, nr, arch)) continue;
      for (const background of [0n, 0xffff_ffff_ffff_ffffn]) {
        for (let i = 0; i < 6; i++) {
          for (const v of values) {
            const lo = Array<bigint>(6).fill(background);
            lo[i] = (background & 0xffff_ffff_0000_0000n) | BigInt(v);
            compare(arch, nr, lo);
            const hi = Array<bigint>(6).fill(background);
            hi[i] = (BigInt(v) << 32n) | (background & 0xffff_ffffn);
            compare(arch, nr, hi);
          }
        }
      }
      for (let r = 0; r < 400; r++) {
        compare(arch, nr, Array.from({ length: 6 }, () => (pick() << 32n) | pick()), (pick() << 32n) | pick());
      }
    }
  }
  return out;
}

/** The AUDIT_ARCH values of a compiled profile's arches. */
const archTokens = (arches: readonly string[]): number[] => [...new Set(arches.map(auditArch))];

/** Compiles both ways and checks: shorter or as short, and no decision differs. */
function checkProfile(profile: unknown, opts: Record<string, unknown> = ctx): { before: number; after: number } {
  const raw = compile(profile as never, { ...opts, specialize: false });
  const spec = compile(profile as never, { ...opts, specialize: true });
  expect(spec.bpf.length).toBeLessThanOrEqual(raw.bpf.length);
  expect(differences(raw.bpf, spec.bpf, archTokens(raw.arches))).toEqual([]);
  return { before: raw.bpf.length / 8, after: spec.bpf.length / 8 };
}

function program(build: (a: Assembler) => void): Buffer {
  const a = new Assembler();
  build(a);
  return encode(a.finish());
}

describe('specialize: bad input and programs outside the pass', () => {
  it('a non-Buffer is a TypeError; an invalid program comes back as it is', () => {
    expect(() => specialize('ld nr' as never)).toThrow(TypeError);
    expect(() => specialize(null as never)).toThrow(TypeError);
    const odd = Buffer.alloc(12);
    expect(specialize(odd)).toBe(odd);
    const noRet = encode([{ code: LD_ABS, jt: 0, jf: 0, k: 0 }]);
    expect(specialize(noRet)).toBe(noRet);
    const empty = Buffer.alloc(0);
    expect(specialize(empty)).toBe(empty);
  });

  it('options.specialize must be a boolean', () => {
    expect(() => compile('docker-default', { ...ctx, specialize: 'yes' as never })).toThrow(TypeError);
    expect(() => compile('docker-default', { ...ctx, specialize: 1 as never })).toThrow(/options\.specialize/);
  });

  // Each program computes with nr or arch or compares them in a way the pass cannot prove it
  // handles: it must come back unchanged (the same Buffer), never approximated.
  const outside: [string, Buffer][] = [
    ['ALU on nr', program((a) => a.stmt(LD_ABS, 0).stmt(ALU | BPF.AND | K, 0xff).jump(JEQ, 5, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL))],
    ['nr compared with X', program((a) => a.stmt(LD_ABS, 16).stmt(MISC | BPF.TAX, 0).stmt(LD_ABS, 0).jump(JMP | BPF.JEQ | X, 0, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL))],
    ['JSET on a low bit of nr', program((a) => a.stmt(LD_ABS, 0).jump(JSET, 1, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL))],
    ['JGT on arch', program((a) => a.stmt(LD_ABS, 4).jump(JGT, 0x4000_0000, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL))],
    ['RET A of nr', program((a) => a.stmt(LD_ABS, 0).stmt(RET | BPF.A, 0))],
    ['arch through scratch memory into ALU', program((a) => a.stmt(LD_ABS, 4).stmt(ST, 2).stmt(LD_ABS, 16).stmt(LD | MEM, 2).stmt(ALU | BPF.ADD | K, 1).jump(JEQ, 7, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL))],
  ];
  for (const [what, bpf] of outside) {
    it(`returns the input unchanged: ${what}`, () => {
      checkProgram(bpf); // valid cBPF: the refusal is the pass's, not the checker's
      expect(specialize(bpf)).toBe(bpf);
    });
  }

  it('never returns a longer program', () => {
    const tiny = program((a) => a.stmt(LD_ABS, 0).jump(JEQ, 59, 'k', null).stmt(RET_K, ALLOW).label('k').stmt(RET_K, KILL));
    const out = specialize(tiny);
    expect(out.length).toBeLessThanOrEqual(tiny.length);
    expect(differences(tiny, out, [X86_64])).toEqual([]);
  });
});

describe('specialize: equivalence', () => {
  it('docker-default, x86_64 with x86 and x32, under several capability sets', () => {
    const sizes: Record<string, { before: number; after: number }> = {};
    for (const [name, capabilities] of [['none', []], ['docker', DOCKER_CAPS], ['more', MORE_CAPS]] as const) {
      sizes[name] = checkProfile('docker-default', { ...ctx, capabilities });
    }
    // The point of the pass: far fewer instructions for the kernel to convert and emulate.
    expect(sizes.docker.after).toBeLessThan(sizes.docker.before / 3);
  });

  it('docker-default for arm64 (aarch64 with arm), and without the ENOSYS stub or the newer-syscalls block', () => {
    checkProfile('docker-default', { ...ctx, arch: 'arm64', capabilities: DOCKER_CAPS });
    checkProfile('docker-default', { ...ctx, capabilities: DOCKER_CAPS, enosys: false, newSyscalls: false });
    checkProfile('docker-default', { ...ctx, capabilities: DOCKER_CAPS, optimize: 1 });
  });

  it('the default is on, is part of the hash, and specialize(raw) is what compile returns', () => {
    const raw = compile('docker-default', { ...ctx, specialize: false });
    const spec = compile('docker-default', ctx);
    expect(spec.hash).not.toBe(raw.hash);
    expect(spec.bpf.length).toBeLessThan(raw.bpf.length);
    expect(specialize(raw.bpf).equals(spec.bpf)).toBe(true);
    // Cached compiles keep the two apart.
    const cachedRaw = compile('docker-default', { ...ctx, cache: true, specialize: false });
    const cachedSpec = compile('docker-default', { ...ctx, cache: true });
    expect(cachedRaw.bpf.equals(raw.bpf)).toBe(true);
    expect(cachedSpec.bpf.equals(spec.bpf)).toBe(true);
    // Idempotent in effect: specialising the output again changes no decision.
    expect(differences(spec.bpf, specialize(Buffer.from(spec.bpf)), archTokens(spec.arches))).toEqual([]);
  });

  describe('reference profiles (../shared/reference)', () => {
    const dir = join(sharedDir, 'reference');
    it('there are the reference profiles to check', (ctx) => {
      ctx.skip(!hasShared, NO_SHARED);
      expect(readdirSync(dir).filter((f) => f.endsWith('.json')).sort()).toEqual([...REFERENCE_PROFILES]);
    });
    for (const file of REFERENCE_PROFILES) {
      it(file, (t) => {
        t.skip(!hasShared, NO_SHARED);
        const text = readFileSync(join(dir, file), 'utf8');
        for (const capabilities of [[], DOCKER_CAPS]) checkProfile(text, { ...ctx, capabilities });
      });
    }
  });

  const arg = (index: number, op: string, value: number | bigint, valueTwo?: number | bigint) => ({
    index, op: `SCMP_CMP_${op}`, value, ...(valueTwo !== undefined ? { valueTwo } : {}),
  });
  const rule = (names: string[], action: string, extra: Record<string, unknown> = {}) => ({ names, action, ...extra });
  const ALL_X86 = ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];

  it('every operator on several arguments, 64-bit values, AND within a rule and OR across rules', () => {
    const big = 0x1_0000_0005n;
    checkProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ALL_X86,
      syscalls: [
        rule(['read', 'write', 'close'], 'SCMP_ACT_ALLOW'),
        rule(['ioctl'], 'SCMP_ACT_ALLOW', { args: [arg(1, 'NE', 0x5401)] }),
        rule(['mmap'], 'SCMP_ACT_ALLOW', { args: [arg(2, 'LT', big), arg(3, 'LE', 0x22)] }),
        rule(['socket'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'EQ', 1)] }),
        rule(['socket'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'GE', 40)] }),
        rule(['prctl'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'GT', big)] }),
        rule(['clone'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'MASKED_EQ', 0x7e02_0000, 0)] }),
        rule(['kill'], 'SCMP_ACT_ALLOW', { args: [arg(4, 'MASKED_EQ', 0xffff_0000_0000_00ffn, 0x1234_0000_0000_0012n), arg(5, 'NE', 0xffff_ffff_ffff_ffffn)] }),
        rule(['personality'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'EQ', 0)] }),
        rule(['personality'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'EQ', 0xffff_ffff)] }),
        rule(['chmod'], 'SCMP_ACT_ERRNO', { errnoRet: 13 }),
      ],
    });
  });

  it('KILL, KILL_THREAD, TRAP, LOG and TRACE actions with the ENOSYS stub, on three x86 ABIs', () => {
    checkProfile({
      defaultAction: 'SCMP_ACT_KILL_PROCESS',
      architectures: ALL_X86,
      syscalls: [
        rule(['read', 'write', 'exit_group', 'rt_sigreturn'], 'SCMP_ACT_ALLOW'),
        rule(['ptrace'], 'SCMP_ACT_ERRNO'),
        rule(['kexec_load'], 'SCMP_ACT_TRAP'),
        rule(['sync'], 'SCMP_ACT_LOG'),
        rule(['getcwd'], 'SCMP_ACT_TRACE', { errnoRet: 9 }),
        rule(['reboot'], 'SCMP_ACT_KILL_THREAD'),
        rule(['openat'], 'SCMP_ACT_TRAP', { args: [arg(2, 'MASKED_EQ', 3, 1)] }),
        rule(['clone3'], 'SCMP_ACT_ERRNO', { errnoRet: 38 }),
      ],
    });
  });

  it('allow-by-default and log-by-default profiles (no stub)', () => {
    checkProfile({
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        rule(['mkdir', 'mkdirat'], 'SCMP_ACT_ERRNO'),
        rule(['socket'], 'SCMP_ACT_ERRNO', { errnoRet: 97, args: [arg(0, 'GT', 40)] }),
        rule(['unshare'], 'SCMP_ACT_KILL_PROCESS', { args: [arg(0, 'MASKED_EQ', 0x1000_0000, 0x1000_0000)] }),
      ],
    });
    checkProfile({
      defaultAction: 'SCMP_ACT_LOG',
      syscalls: [rule(['ptrace'], 'SCMP_ACT_ERRNO'), rule(['personality'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'LE', 8)] })],
    });
  });

  it('newer syscalls numbered by compile (mseal with arguments) next to libseccomp rules', () => {
    checkProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ALL_X86,
      syscalls: [
        rule(['read', 'write'], 'SCMP_ACT_ALLOW'),
        rule(['mseal'], 'SCMP_ACT_ALLOW', { args: [arg(2, 'EQ', 0), arg(1, 'GE', 0x1_0000_0000n)] }),
        rule(['statmount'], 'SCMP_ACT_ERRNO', { errnoRet: 13 }),
        rule(['listmount'], 'SCMP_ACT_KILL_PROCESS'),
      ],
    });
  });

  it('other arches: aarch64 with arm; a single arch', () => {
    checkProfile({
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'],
      syscalls: [rule(['read', 'openat'], 'SCMP_ACT_ALLOW'), rule(['personality'], 'SCMP_ACT_ALLOW', { args: [arg(0, 'EQ', 8)] })],
    }, { ...ctx, arch: 'arm64' });
    checkProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [rule(['read'], 'SCMP_ACT_ALLOW')] });
  });

  it('a large program (330 rules, half with an argument check): far jumps go through JA', () => {
    const ops = ['EQ', 'GT', 'NE', 'LE'];
    const syscalls = [];
    for (let nr = 0; nr < 330; nr++) {
      const name = syscallName(nr);
      if (!name) continue;
      syscalls.push(rule([name], nr % 3 ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_TRAP', nr % 2 ? { args: [arg(nr % 6, ops[nr % 4], nr * 7)] } : {}));
    }
    const p = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ALL_X86, syscalls };
    const raw = checkProgram(compile(p, { ...ctx, specialize: false }).bpf);
    const spec = checkProgram(compile(p, ctx).bpf);
    expect(spec.length).toBeLessThan(raw.length);
    expect(spec.some((i) => i.code === (JMP | BPF.JA))).toBe(true);
    // Each syscall's own constant (nr * 7) and its neighbours, in every argument slot.
    const bad: string[] = [];
    for (const arch of [X86_64, I386, UNKNOWN_ARCH]) {
      for (let n = 0; n < 1100; n++) {
        for (const nr of [n, n + 0x4000_0000]) {
          for (let i = 0; i < 6; i++) {
            for (const v of [0n, BigInt(n * 7), BigInt(n * 7 + 1), BigInt(Math.max(0, n * 7 - 1)), 1n << 40n, (1n << 64n) - 1n]) {
              const args = Array<bigint>(6).fill(0n);
              args[i] = v;
              const data = seccompDataWords({ nr, arch, args });
              if (execute(raw, data) !== execute(spec, data) && bad.length < 10) bad.push(`${arch} ${nr} ${i} ${v}`);
            }
          }
        }
      }
    }
    expect(bad).toEqual([]);
  });

  it('hand-written programs: scratch memory, TAX/TXA, ALU and X compares on arguments, JSET on the x32 bit', () => {
    const bpf = program((a) => {
      a.stmt(LD_ABS, 0).stmt(ST, 3); // nr -> M[3]
      a.stmt(LD_ABS, 4).jump(JEQ, X86_64, 'x64', null).jump(JEQ, I386, 'i386', 'kill');
      a.label('x64').stmt(LD | MEM, 3).jump(JSET, 0x4000_0000, 'x32', null);
      a.jump(JGE, 400, 'enosys', null).stmt(MISC | BPF.TAX, 0).stmt(LD_ABS, 16).stmt(ALU | BPF.AND | K, 0xff);
      a.stmt(ST, 5).stmt(MISC | BPF.TXA, 0).jump(JEQ, 59, 'exec', null).jump(JGT, 100, 'deny', 'allow');
      a.label('exec').stmt(LD | MEM, 5).stmt(LDX | IMM, 7).jump(JMP | BPF.JGT | X, 0, 'deny', null);
      a.stmt(LD_ABS, 20).stmt(MISC | BPF.TAX, 0).stmt(LD_ABS, 24).jump(JMP | BPF.JEQ | X, 0, 'allow', 'deny');
      a.label('x32').jump(JGT, 0x4000_0200, 'enosys', 'allow');
      a.label('i386').stmt(LD | MEM, 3).jump(JEQ, 11, null, 'allow').stmt(LD_ABS, 16).stmt(ALU | BPF.ADD | X, 0);
      a.stmt(ALU | BPF.RSH | K, 4).jump(JSET, 1, 'deny', 'allow');
      a.label('enosys').stmt(RET_K, 0x0005_0026);
      a.label('deny').stmt(RET_K, EPERM);
      a.label('allow').stmt(RET_K, ALLOW);
      a.label('kill').stmt(RET_K, KILL);
    });
    const out = specialize(bpf);
    expect(out).not.toBe(bpf);
    expect(out.length).toBeLessThanOrEqual(bpf.length);
    expect(differences(bpf, out, [X86_64, I386])).toEqual([]);
    // A rewrite that would be longer is not used, but it is exact all the same.
    const longer = specializeInsns(checkProgram(bpf).slice(0, -1).concat(checkProgram(bpf).slice(-1)));
    expect(longer).toBeDefined();
    expect(differences(bpf, encode(longer as Insn[]), [X86_64, I386])).toEqual([]);
  });

  it('a mutation is caught: a wrong leaf, a wrong boundary, a wrong argument constant', () => {
    const raw = compile('docker-default', { ...ctx, capabilities: DOCKER_CAPS, specialize: false });
    const spec = decode(compile('docker-default', { ...ctx, capabilities: DOCKER_CAPS }).bpf);
    const arches = archTokens(raw.arches);
    const mutated = (change: (insns: Insn[]) => void): Buffer => {
      const copy = spec.map((i) => ({ ...i }));
      change(copy);
      return encode(copy);
    };
    // A leaf: the last ENOSYS return in the program (the x32 or x86 tree's) becomes EPERM.
    const leaf = mutated((p) => {
      const at = p.map((i) => i.code === RET_K && i.k === 0x0005_0026).lastIndexOf(true);
      p[at].k = EPERM;
    });
    expect(differences(raw.bpf, leaf, arches).length).toBeGreaterThan(0);
    // A boundary of the binary search moves by one.
    const boundary = mutated((p) => {
      const at = p.findIndex((i) => i.code === JGE);
      p[at].k += 1;
    });
    expect(differences(raw.bpf, boundary, arches).length).toBeGreaterThan(0);
    // An argument check (personality(0xffffffff) on x86_64) compares with the wrong constant:
    // only argument vectors can see it.
    const argument = mutated((p) => {
      const at = p.findIndex((i, pc) => i.code === JEQ && i.k === 0xffff_ffff && pc > 0 && p[pc - 1].code === LD_ABS && p[pc - 1].k >= 16);
      expect(at).toBeGreaterThan(0);
      p[at].k = 0xffff_fffe;
    });
    const found = differences(raw.bpf, argument, arches);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatch(/args/);
  });
});

describe('the kernel runs the specialised docker-default (child process)', () => {
  skipAllIf(!isX64, NOT_X64);
  let tmp = '';
  let helper = '';
  beforeAll(() => {
    if (!isX64) return;
    tmp = mkdtempSync(join(tmpdir(), 'seccomp-16-'));
    helper = buildStatic(join(fixtures, 'raw-syscall.c'), join(tmp, 'raw-syscall'));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('mkdir allowed, unshare EPERM, personality by argument, clone3 ENOSYS; decide() agrees', () => {
    const r = runFixture('specialize-install.mjs', [tmp, helper]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = r.json as {
      insns: number;
      rawInsns: number;
      status: number;
      decisions: Record<string, { action: string; errno?: number }>;
      seen: Record<string, { ret: number; errno: number } | string>;
    };
    expect(out.status).toBe(0);
    expect(out.insns).toBeLessThan(out.rawInsns); // the installed program is the specialised one
    expect(out.seen.mkdir).toBe('ok');
    expect(existsSync(join(tmp, 'made-under-filter'))).toBe(true);
    const seen = out.seen as Record<string, { ret: number; errno: number }>;
    expect(seen.unshare.errno).toBe(1);
    expect(seen.personalityQuery.errno).toBe(0);
    expect(seen.personalityLinux.errno).toBe(0);
    expect(seen.personalityOdd.errno).toBe(1);
    expect(seen.clone3.errno).toBe(38);
    expect(seen.getppid).toEqual({ ret: expect.any(Number), errno: 0 });
    expect(seen.getppid.ret).toBeGreaterThan(0);
    for (const k of ['unshare', 'personalityOdd', 'clone3']) {
      expect([k, out.decisions[k]]).toEqual([k, { action: 'ERRNO', errno: seen[k].errno }]);
    }
    for (const k of ['personalityQuery', 'personalityLinux', 'getppid']) expect([k, out.decisions[k]]).toEqual([k, { action: 'ALLOW' }]);
    expect(resolveSyscall('clone3', 'x86_64')).toBe(435);
  });
});
