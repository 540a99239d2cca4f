// The cBPF interpreter on hand-written programs, the labelled assembler, and runc's ENOSYS stub
// on its own.
import { describe, expect, it } from 'vitest';
import {
  AUDIT_ARCH_X86_64,
  enosysApplies,
  enosysStub,
  enosysStubInsns,
  lastSyscalls,
  RET_ENOSYS,
  X32_SYSCALL_BIT,
} from '../dist/bpf/enosys.js';
import { checkProgram, runFilter, seccompDataWords, type SeccompData } from '../dist/bpf/interpret.js';
import { Assembler, BPF, decode, encode, jump, stmt, type Insn } from '../dist/bpf/program.js';
import { thrown } from './helpers/thrown.js';

const { LD, LDX, ST, STX, ALU, JMP, RET, MISC, W, H, ABS, LEN, IMM, MEM, MSH, K, X, A } = BPF;
const ret = (k: number): Insn => stmt(RET | K, k);
const retA = (): Insn => stmt(RET | A, 0);
const ld = (off: number): Insn => stmt(LD | W | ABS, off);
const ldi = (k: number): Insn => stmt(LD | IMM, k);
const ldxi = (k: number): Insn => stmt(LDX | IMM, k);
const alu = (op: number, k: number): Insn => stmt(ALU | op | K, k);
const aluX = (op: number): Insn => stmt(ALU | op | X, 0);
const data = (d: Partial<SeccompData> = {}): SeccompData => ({ nr: 0, arch: AUDIT_ARCH_X86_64, ...d });
const run = (p: Insn[], d: Partial<SeccompData> = {}): number => runFilter(encode(p), data(d));

function rejects(p: Insn[] | Buffer, re: RegExp): void {
  const err = thrown(() => checkProgram(Array.isArray(p) ? encode(p) : p));
  expect(err.code).toBe('ERR_SECCOMP_LOAD');
  expect(err.errno).toBe(22);
  expect(err.message).toMatch(re);
}

describe('interpreter: bad programs are refused like the kernel refuses them', () => {
  it('empty, ragged or too long', () => {
    rejects(Buffer.alloc(0), /empty/);
    rejects(Buffer.alloc(12), /whole number of 8-byte/);
    rejects(Array.from({ length: 4097 }, () => ret(0)), /limit is 4096/);
  });

  it('jumps that leave the program', () => {
    rejects([stmt(JMP | BPF.JA, 1), ret(0)], /instruction 0: jump by 1 leaves/);
    rejects([jump(JMP | BPF.JEQ | K, 0, 0, 1), ret(0)], /instruction 0: jump \(0, 1\) leaves/);
    rejects([ld(0), jump(JMP | BPF.JGT | K, 5, 1, 0), ret(0)], /instruction 1: jump \(1, 0\)/);
  });

  it('loads outside struct seccomp_data, or unaligned', () => {
    rejects([ld(64), ret(0)], /offset 64 is outside/);
    rejects([ld(2), ret(0)], /offset 2 .* unaligned/);
  });

  it('no return at the end', () => {
    rejects([ld(0)], /does not end with a return/);
    rejects([ret(0), ld(0)], /instruction 1: the program does not end with a return/);
  });

  it('opcodes seccomp does not allow', () => {
    rejects([stmt(LD | H | ABS, 0), ret(0)], /opcode 0x28 is not allowed/);
    rejects([stmt(LDX | BPF.B | MSH, 0), ret(0)], /opcode 0xb1 is not allowed/);
    rejects([alu(BPF.MOD, 3), ret(0)], /opcode 0x94 is not allowed/);
    rejects([stmt(LD | W | BPF.IND, 0), ret(0)], /opcode 0x40 is not allowed/);
    rejects([stmt(0xffff, 0), ret(0)], /opcode 0xffff/);
  });

  it('bad scratch memory use, division by constant zero, oversized shifts', () => {
    rejects([stmt(ST, 16), ret(0)], /slot 16 does not exist/);
    rejects([stmt(LD | MEM, 3), retA()], /slot 3 is read before it is written/);
    // Written on one path only.
    rejects([ld(0), jump(JMP | BPF.JEQ | K, 1, 0, 1), stmt(ST, 3), stmt(LD | MEM, 3), retA()], /instruction 3: scratch memory slot 3 is read before/);
    rejects([alu(BPF.DIV, 0), ret(0)], /division by constant zero/);
    rejects([alu(BPF.LSH, 32), ret(0)], /shift by 32/);
    rejects([alu(BPF.RSH, 40), ret(0)], /shift by 40/);
  });

  it('malformed instruction objects and seccomp data are argument errors', () => {
    expect(() => checkProgram([{ code: 6, jt: 0, jf: 300, k: 0 }])).toThrow(TypeError);
    expect(() => checkProgram([{ code: 6, jt: 0, jf: 0, k: -1 }])).toThrow(TypeError);
    expect(() => checkProgram('abc' as never)).toThrow(TypeError);
    expect(() => seccompDataWords(data({ args: [1, 2, 3, 4, 5, 6, 7] }))).toThrow(RangeError);
    expect(() => seccompDataWords(data({ args: [-1] }))).toThrow(RangeError);
    expect(() => seccompDataWords(data({ args: [2n ** 64n] }))).toThrow(RangeError);
    expect(() => seccompDataWords(data({ nr: 1.5 }))).toThrow(RangeError);
  });
});

describe('interpreter: evaluation', () => {
  it('encode and decode are inverse', () => {
    const p = [ld(4), jump(JMP | BPF.JEQ | K, 0xc000003e, 1, 0), ret(0), ret(0x7fff0000)];
    expect(decode(encode(p))).toEqual(p);
    expect(encode(p).length).toBe(32);
  });

  it('reads nr, arch, instruction pointer and both halves of each argument (little-endian)', () => {
    const args = [0x1111_2222_3333_4444n, 2n, 3n, 4n, 5n, 0xdead_beef_0000_0006n];
    const d = { nr: -1, arch: 0xc000003e, instructionPointer: 0xaabb_ccdd_0011_2233n, args };
    const at = (off: number) => run([ld(off), retA()], d);
    expect(at(0)).toBe(0xffff_ffff);
    expect(at(4)).toBe(0xc000003e);
    expect(at(8)).toBe(0x0011_2233);
    expect(at(12)).toBe(0xaabb_ccdd);
    expect(at(16)).toBe(0x3333_4444);
    expect(at(20)).toBe(0x1111_2222);
    expect(at(56)).toBe(6);
    expect(at(60)).toBe(0xdead_beef);
    expect(run([stmt(LD | W | LEN, 0), retA()])).toBe(64);
    expect(run([stmt(LDX | W | LEN, 0), stmt(MISC | BPF.TXA, 0), retA()])).toBe(64);
  });

  it('32-bit arithmetic wraps', () => {
    expect(run([ldi(0xffff_ffff), alu(BPF.ADD, 2), retA()])).toBe(1);
    expect(run([ldi(0), alu(BPF.SUB, 1), retA()])).toBe(0xffff_ffff);
    expect(run([ldi(0x1_0000), alu(BPF.MUL, 0x1_0000), retA()])).toBe(0);
    expect(run([ldi(0xffff_ffff), alu(BPF.MUL, 0xffff_ffff), retA()])).toBe(1);
    expect(run([ldi(0xffff_ffff), alu(BPF.DIV, 2), retA()])).toBe(0x7fff_ffff);
    expect(run([ldi(0xf0f0), alu(BPF.AND, 0xff00), retA()])).toBe(0xf000);
    expect(run([ldi(0xf0f0), alu(BPF.OR, 0x0f00), retA()])).toBe(0xfff0);
    expect(run([ldi(0xffff_0000), alu(BPF.XOR, 0xffff_ffff), retA()])).toBe(0xffff);
    expect(run([ldi(0x8000_0001), alu(BPF.LSH, 1), retA()])).toBe(2);
    expect(run([ldi(0x8000_0000), alu(BPF.RSH, 31), retA()])).toBe(1);
    expect(run([ldi(1), stmt(ALU | BPF.NEG, 0), retA()])).toBe(0xffff_ffff);
    expect(run([ldi(40), ldxi(2), aluX(BPF.SUB), retA()])).toBe(38);
    expect(run([ldi(1), ldxi(33), aluX(BPF.LSH), retA()])).toBe(2); // shift count modulo 32
    // Division by a zero X ends the program with 0 (SECCOMP_RET_KILL_THREAD).
    expect(run([ldi(7), ldxi(0), aluX(BPF.DIV), ret(0x7fff_0000)])).toBe(0);
  });

  it('conditional jumps compare unsigned, with K or X', () => {
    const branch = (op: number, a: number, k: number) =>
      run([ldi(a), jump(JMP | op | K, k, 0, 1), ret(1), ret(2)]);
    expect(branch(BPF.JEQ, 5, 5)).toBe(1);
    expect(branch(BPF.JEQ, 5, 6)).toBe(2);
    expect(branch(BPF.JGT, 0xffff_ffff, 1)).toBe(1); // unsigned: 0xffffffff > 1
    expect(branch(BPF.JGT, 1, 1)).toBe(2);
    expect(branch(BPF.JGE, 1, 1)).toBe(1);
    expect(branch(BPF.JSET, 0b1010, 0b0100)).toBe(2);
    expect(branch(BPF.JSET, 0b1010, 0b0010)).toBe(1);
    expect(run([ldi(3), ldxi(3), jump(JMP | BPF.JEQ | X, 0, 1, 0), ret(1), ret(2)])).toBe(2);
    expect(run([stmt(JMP | BPF.JA, 1), ret(1), ret(2)])).toBe(2);
  });

  it('scratch memory, tax/txa, ret A', () => {
    const p = [ldi(11), stmt(ST, 0), ldxi(22), stmt(STX, 15), stmt(LD | MEM, 15), stmt(MISC | BPF.TAX, 0),
      stmt(LD | MEM, 0), aluX(BPF.ADD), retA()];
    expect(run(p)).toBe(33);
  });

  it('a full 64-bit argument comparison, as libseccomp writes it (high word, then low word)', () => {
    const eq = (v: bigint) => run([ld(20), jump(JMP | BPF.JEQ | K, 0x1, 0, 3), ld(16),
      jump(JMP | BPF.JEQ | K, 0x2, 0, 1), ret(0x7fff_0000), ret(0x0005_0001)], { args: [v] });
    expect(eq(0x1_0000_0002n)).toBe(0x7fff_0000);
    expect(eq(0x2n)).toBe(0x0005_0001);
    expect(eq(0x1_0000_0003n)).toBe(0x0005_0001);
  });
});

describe('assembler', () => {
  const JEQ = JMP | BPF.JEQ | K;

  it('refuses labels never placed or placed twice, backward jumps, and far conditional jumps', () => {
    expect(() => new Assembler().jump(JEQ, 1, 'nowhere', null).stmt(RET | K, 0).finish()).toThrow(/never placed/);
    expect(() => new Assembler().label('a').label('a')).toThrow(/twice/);
    expect(() => new Assembler().label('top').stmt(LD | W | ABS, 0).ja('top').finish()).toThrow(/backward/);
    const far = new Assembler().jump(JEQ, 1, 'far', null);
    for (let i = 0; i < 256; i++) far.stmt(RET | K, 0);
    expect(() => far.label('far').stmt(RET | K, 1).finish()).toThrow(RangeError);
  });

  it('resolves forward labels, a label at the end, and long jumps through ja', () => {
    const a = new Assembler()
      .stmt(LD | W | ABS, 0)
      .jump(JEQ, 7, 'seven', null)
      .ja('out')
      .label('seven')
      .stmt(RET | K, 0x7fff_0000);
    for (let i = 0; i < 300; i++) a.stmt(RET | K, 1); // dead code: ja crosses it
    const insns = a.label('out').finish();
    expect(insns[1]).toEqual({ code: JEQ, jt: 1, jf: 0, k: 7 });
    expect(insns[2]).toEqual({ code: JMP | BPF.JA, jt: 0, jf: 0, k: 301 });
    const prog = [...insns, ret(5)];
    expect(run(prog, { nr: 7 })).toBe(0x7fff_0000);
    expect(run(prog, { nr: 8 })).toBe(5);
  });
});

describe('ENOSYS stub (runc)', () => {
  const ALLOW = 0x7fff_0000;
  const I386 = 0x4000_0003;
  const AARCH64 = 0xc000_00b7;
  const S390X = 0x8000_0016;
  // The stub, followed by a one-instruction "filter" that allows.
  const stubRun = (last: Parameters<typeof enosysStub>[0], nr: number, arch: number) =>
    runFilter(Buffer.concat([enosysStub(last), encode([ret(ALLOW)])]), { nr, arch });

  it('applies only to non-permissive default actions', () => {
    for (const a of ['ERRNO', 'KILL_THREAD', 'KILL_PROCESS', 'TRAP', 'NOTIFY'] as const) expect(enosysApplies(a)).toBe(true);
    for (const a of ['ALLOW', 'LOG', 'TRACE'] as const) expect(enosysApplies(a)).toBe(false);
  });

  it('last syscall per arch ignores unknown names, negative pseudo numbers and empty arches', () => {
    const table: Record<string, Record<string, number>> = {
      x86_64: { read: 0, clone3: 435, socketcall: -10060 },
      x86: { read: 3, clone3: 435, socketcall: 102 },
      x32: { read: X32_SYSCALL_BIT, clone3: X32_SYSCALL_BIT + 435, socketcall: -10060 },
      arm: { socketcall: -10060 },
    };
    const resolve = (n: string, a: string) => table[a]?.[n];
    expect(lastSyscalls(['read', 'socketcall', 'nosuch'], ['x86_64', 'x86', 'x32', 'arm', 'x86'], resolve)).toEqual([
      { arch: 'x86', nr: 102 },
      { arch: 'x32', nr: X32_SYSCALL_BIT },
    ]);
    expect(lastSyscalls(['clone3', 'read'], ['x86_64', 'x32'], resolve)).toEqual([
      { arch: 'x86_64', nr: 435 },
      { arch: 'x32', nr: X32_SYSCALL_BIT + 435 },
    ]);
  });

  it('is empty when no arch has a last syscall', () => {
    expect(enosysStub([]).length).toBe(0);
  });

  it('returns ENOSYS above the last syscall and falls through to the filter otherwise', () => {
    const last = [{ arch: 'x86_64', nr: 435 }, { arch: 'x86', nr: 440 }];
    expect(stubRun(last, 436, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
    expect(stubRun(last, 1000, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
    expect(stubRun(last, 435, AUDIT_ARCH_X86_64)).toBe(ALLOW);
    expect(stubRun(last, 0, AUDIT_ARCH_X86_64)).toBe(ALLOW);
    expect(stubRun(last, 440, I386)).toBe(ALLOW);
    expect(stubRun(last, 441, I386)).toBe(RET_ENOSYS);
    // nr is compared unsigned: -1 is above everything.
    expect(stubRun(last, -1, I386)).toBe(RET_ENOSYS);
    // An arch the stub does not list goes to the filter (libseccomp's bad-arch action).
    expect(stubRun(last, 5000, AARCH64)).toBe(ALLOW);
  });

  it('tells x86_64 and x32 apart by X32_SYSCALL_BIT under one AUDIT_ARCH', () => {
    const both = [{ arch: 'x86_64', nr: 435 }, { arch: 'x32', nr: X32_SYSCALL_BIT + 400 }];
    expect(stubRun(both, 436, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
    expect(stubRun(both, X32_SYSCALL_BIT + 400, AUDIT_ARCH_X86_64)).toBe(ALLOW);
    expect(stubRun(both, X32_SYSCALL_BIT + 401, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
    // Only x86_64 listed: x32 calls skip the check.
    const amd64 = [{ arch: 'x86_64', nr: 435 }];
    expect(stubRun(amd64, X32_SYSCALL_BIT + 1000, AUDIT_ARCH_X86_64)).toBe(ALLOW);
    expect(stubRun(amd64, 436, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
    // Only x32 listed: x86_64 calls skip the check.
    const x32 = [{ arch: 'x32', nr: X32_SYSCALL_BIT + 400 }];
    expect(stubRun(x32, 1000, AUDIT_ARCH_X86_64)).toBe(ALLOW);
    expect(stubRun(x32, X32_SYSCALL_BIT + 401, AUDIT_ARCH_X86_64)).toBe(RET_ENOSYS);
  });

  it('answers setup(2) (syscall 0) with ENOSYS on s390x, where unknown multiplexed calls stay 0', () => {
    const last = [{ arch: 's390x', nr: 450 }];
    expect(stubRun(last, 0, S390X)).toBe(RET_ENOSYS);
    expect(stubRun(last, 1, S390X)).toBe(ALLOW);
    expect(stubRun(last, 451, S390X)).toBe(RET_ENOSYS);
  });

  it('passes the kernel checks and loads the arch first', () => {
    const insns = enosysStubInsns([{ arch: 'x86_64', nr: 435 }, { arch: 'x32', nr: X32_SYSCALL_BIT + 435 }, { arch: 'x86', nr: 440 }]);
    expect(insns[0]).toEqual({ code: LD | W | ABS, jt: 0, jf: 0, k: 4 });
    expect(() => checkProgram([...insns, ret(ALLOW)])).not.toThrow();
    // Every exit of the stub is ENOSYS or the instruction right after it.
    expect(insns.filter((i) => i.code === (RET | K)).every((i) => i.k === RET_ENOSYS)).toBe(true);
  });
});
