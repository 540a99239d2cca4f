// A classic-BPF interpreter for seccomp programs: the checks the kernel makes when a filter
// is installed (bpf_check_classic + seccomp_check_filter), then evaluation over a
// struct seccomp_data. Registers are 32-bit; all arithmetic wraps like the kernel's.
import { os } from '../builtins.js';
const { endianness } = os();
import { ErrorCode, SeccompError, argTypeError, argRangeError } from '../errors.js';
import { toU64 } from '../values.js';
import { BPF, decode, INSN_SIZE, MAX_INSNS, MEM_WORDS, SECCOMP_DATA_SIZE, type Insn } from './program.js';

/** struct seccomp_data, as the kernel hands it to a filter. */
export interface SeccompData {
  /** Syscall number (int). */
  nr: number;
  /** AUDIT_ARCH_* value. */
  arch: number;
  instructionPointer?: bigint | number;
  /** Up to six arguments, unsigned 64-bit; missing ones are 0. */
  args?: readonly (bigint | number)[];
}

const LE = endianness() === 'LE';
const LEN_WORDS = SECCOMP_DATA_SIZE / 4;

// Every opcode seccomp accepts (kernel/seccomp.c seccomp_check_filter).
const { LD, LDX, ST, STX, ALU, JMP, RET, MISC, W, ABS, LEN, IMM, MEM, K, X, A } = BPF;
const OP = {
  LD_ABS: LD | W | ABS,
  LD_LEN: LD | W | LEN,
  LDX_LEN: LDX | W | LEN,
  LD_IMM: LD | IMM,
  LDX_IMM: LDX | IMM,
  LD_MEM: LD | MEM,
  LDX_MEM: LDX | MEM,
  ST,
  STX,
  RET_K: RET | K,
  RET_A: RET | A,
  TAX: MISC | BPF.TAX,
  TXA: MISC | BPF.TXA,
  NEG: ALU | BPF.NEG,
  JA: JMP | BPF.JA,
} as const;
const ALU_OPS = [BPF.ADD, BPF.SUB, BPF.MUL, BPF.DIV, BPF.AND, BPF.OR, BPF.XOR, BPF.LSH, BPF.RSH];
const JMP_OPS = [BPF.JEQ, BPF.JGE, BPF.JGT, BPF.JSET];
const ALLOWED = new Set<number>([
  ...Object.values(OP),
  ...ALU_OPS.flatMap((o) => [ALU | o | K, ALU | o | X]),
  ...JMP_OPS.flatMap((o) => [JMP | o | K, JMP | o | X]),
]);

function invalid(pc: number, why: string): SeccompError {
  return new SeccompError(`invalid BPF program: instruction ${pc}: ${why}`, {
    code: ErrorCode.LOAD,
    errno: 22,
  });
}

/** A program as four columns: what the checks read, without an object per instruction. */
interface Columns {
  n: number;
  code: Uint16Array;
  jt: Uint8Array;
  jf: Uint8Array;
  k: Uint32Array;
}

function columnsOfBytes(bpf: Uint8Array): Columns {
  if (!(bpf instanceof Uint8Array)) throw argTypeError('a BPF program must be a Buffer or Uint8Array');
  if (bpf.length % INSN_SIZE !== 0) {
    throw new SeccompError(`invalid BPF program: a BPF program is a whole number of 8-byte instructions; got ${bpf.length} bytes`, {
      code: ErrorCode.LOAD,
      errno: 22,
    });
  }
  const n = bpf.length / INSN_SIZE;
  const dv = new DataView(bpf.buffer, bpf.byteOffset, bpf.byteLength);
  const c: Columns = { n, code: new Uint16Array(n), jt: new Uint8Array(n), jf: new Uint8Array(n), k: new Uint32Array(n) };
  for (let i = 0, o = 0; i < n; i++, o += INSN_SIZE) {
    c.code[i] = dv.getUint16(o, LE);
    c.jt[i] = bpf[o + 2];
    c.jf[i] = bpf[o + 3];
    c.k[i] = dv.getUint32(o + 4, LE);
  }
  return c;
}

function columnsOfInsns(insns: readonly Insn[]): Columns {
  const n = insns.length;
  const c: Columns = { n, code: new Uint16Array(n), jt: new Uint8Array(n), jf: new Uint8Array(n), k: new Uint32Array(n) };
  insns.forEach((i, pc) => {
    const ok =
      i !== null && typeof i === 'object' &&
      Number.isInteger(i.code) && i.code >= 0 && i.code <= 0xffff &&
      Number.isInteger(i.jt) && i.jt >= 0 && i.jt <= 255 &&
      Number.isInteger(i.jf) && i.jf >= 0 && i.jf <= 255 &&
      Number.isInteger(i.k) && i.k >= 0 && i.k <= 0xffff_ffff;
    if (!ok) throw argTypeError(`instruction ${pc} must be { code: u16, jt: u8, jf: u8, k: u32 }`);
    c.code[pc] = i.code;
    c.jt[pc] = i.jt;
    c.jf[pc] = i.jf;
    c.k[pc] = i.k;
  });
  return c;
}

// The kernel's checks (bpf_check_classic + seccomp_check_filter) over a program's columns.
function checkColumns({ n, code: codes, jt: jts, jf: jfs, k: ks }: Columns): void {
  if (n === 0) throw invalid(0, 'the program is empty');
  if (n > MAX_INSNS) throw invalid(MAX_INSNS, `the program has ${n} instructions; the limit is ${MAX_INSNS}`);
  for (let pc = 0; pc < n; pc++) {
    const code = codes[pc];
    const k = ks[pc];
    if (!ALLOWED.has(code)) throw invalid(pc, `opcode 0x${code.toString(16)} is not allowed in seccomp filters`);
    const cls = code & 0x07;
    if (code === OP.LD_ABS && (k >= SECCOMP_DATA_SIZE || (k & 3) !== 0)) {
      throw invalid(pc, `load of offset ${k} is outside struct seccomp_data or unaligned`);
    }
    if ((code === OP.LD_MEM || code === OP.LDX_MEM || code === ST || code === STX) && k >= MEM_WORDS) {
      throw invalid(pc, `scratch memory slot ${k} does not exist (0..${MEM_WORDS - 1})`);
    }
    if (code === (ALU | BPF.DIV | K) && k === 0) throw invalid(pc, 'division by constant zero');
    if ((code === (ALU | BPF.LSH | K) || code === (ALU | BPF.RSH | K)) && k >= 32) {
      throw invalid(pc, `shift by ${k} (must be below 32)`);
    }
    if (code === OP.JA) {
      if (k >= n - pc - 1) throw invalid(pc, `jump by ${k} leaves the program`);
    } else if (cls === JMP) {
      if (pc + jts[pc] + 1 >= n || pc + jfs[pc] + 1 >= n) throw invalid(pc, `jump (${jts[pc]}, ${jfs[pc]}) leaves the program`);
    }
  }
  const last = codes[n - 1];
  if (last !== OP.RET_K && last !== OP.RET_A) throw invalid(n - 1, 'the program does not end with a return');
  // The kernel refuses programs that may read a scratch slot no path has written
  // (check_load_and_stores). Jumps only go forward, so one pass suffices.
  const ALL = (1 << MEM_WORDS) - 1;
  const valid = new Uint16Array(n).fill(ALL);
  valid[0] = 0;
  for (let pc = 0; pc < n; pc++) {
    let m = valid[pc];
    const code = codes[pc];
    const k = ks[pc];
    if (code === OP.LD_MEM || code === OP.LDX_MEM) {
      if ((m & (1 << k)) === 0) throw invalid(pc, `scratch memory slot ${k} is read before it is written`);
    } else if (code === ST || code === STX) {
      m |= 1 << k;
    }
    if (code === OP.JA) {
      valid[pc + 1 + k] &= m;
    } else if ((code & 0x07) === JMP) {
      valid[pc + 1 + jts[pc]] &= m;
      valid[pc + 1 + jfs[pc]] &= m;
    } else if ((code & 0x07) !== RET && pc + 1 < n) {
      valid[pc + 1] &= m;
    }
  }
}

/**
 * Checks a program as the kernel would before installing it; returns its instructions.
 * Throws ERR_SECCOMP_LOAD (errno EINVAL) naming the first bad instruction.
 */
export function checkProgram(bpf: Uint8Array | readonly Insn[]): Insn[] {
  if (Array.isArray(bpf)) {
    checkColumns(columnsOfInsns(bpf as readonly Insn[]));
    return bpf as Insn[];
  }
  verifyProgram(bpf as Uint8Array);
  return decode(bpf as Uint8Array);
}

/**
 * checkProgram() without the decoded instructions, and without an object per instruction: for
 * the startup paths (a program read back from the disk cache), where every allocation counts.
 */
export function verifyProgram(bpf: Uint8Array): void {
  checkColumns(columnsOfBytes(bpf));
}

/** struct seccomp_data as 16 host-order 32-bit words, the unit BPF_LD|BPF_W|BPF_ABS reads. */
export function seccompDataWords(data: SeccompData): Uint32Array {
  if (data === null || typeof data !== 'object') throw argTypeError('seccomp data must be an object');
  const { nr, arch } = data;
  if (!Number.isInteger(nr) || nr < -0x8000_0000 || nr > 0xffff_ffff) {
    throw argRangeError(`nr must be a 32-bit integer, got ${String(nr)}`);
  }
  if (!Number.isInteger(arch) || arch < 0 || arch > 0xffff_ffff) {
    throw argRangeError(`arch must be a 32-bit unsigned integer, got ${String(arch)}`);
  }
  const args = data.args ?? [];
  if (!Array.isArray(args) || args.length > 6) throw argRangeError('args must be an array of at most 6 values');
  const w = new Uint32Array(LEN_WORDS);
  w[0] = nr >>> 0;
  w[1] = arch >>> 0;
  const put = (i: number, v: bigint): void => {
    const lo = Number(v & 0xffff_ffffn);
    const hi = Number(v >> 32n);
    w[i] = LE ? lo : hi;
    w[i + 1] = LE ? hi : lo;
  };
  put(2, toU64(data.instructionPointer ?? 0n, 'instructionPointer'));
  for (let i = 0; i < 6; i++) put(4 + 2 * i, i < args.length ? toU64(args[i], `args[${i}]`) : 0n);
  return w;
}

/** Runs a checked program over seccomp data words; returns the 32-bit SECCOMP_RET_* value. */
export function execute(insns: readonly Insn[], data: Uint32Array): number {
  let a = 0;
  let x = 0;
  const mem = new Uint32Array(MEM_WORDS);
  let pc = 0;
  for (;;) {
    const { code, jt, jf, k } = insns[pc++];
    switch (code) {
      case OP.LD_ABS: a = data[k >>> 2]; break;
      case OP.LD_LEN: a = SECCOMP_DATA_SIZE; break;
      case OP.LDX_LEN: x = SECCOMP_DATA_SIZE; break;
      case OP.LD_IMM: a = k; break;
      case OP.LDX_IMM: x = k; break;
      case OP.LD_MEM: a = mem[k]; break;
      case OP.LDX_MEM: x = mem[k]; break;
      case ST: mem[k] = a; break;
      case STX: mem[k] = x; break;
      case OP.TAX: x = a; break;
      case OP.TXA: a = x; break;
      case OP.RET_K: return k >>> 0;
      case OP.RET_A: return a >>> 0;
      case OP.NEG: a = -a >>> 0; break;
      case OP.JA: pc += k; break;
      default: {
        const src = (code & X) !== 0 ? x : k >>> 0;
        if ((code & 0x07) === ALU) {
          switch (code & 0xf0) {
            case BPF.ADD: a = (a + src) >>> 0; break;
            case BPF.SUB: a = (a - src) >>> 0; break;
            case BPF.MUL: a = Math.imul(a, src) >>> 0; break;
            // A division by a zero X ends the program with 0, as in the kernel.
            case BPF.DIV: if (src === 0) return 0; a = Math.floor(a / src) >>> 0; break;
            case BPF.AND: a = (a & src) >>> 0; break;
            case BPF.OR: a = (a | src) >>> 0; break;
            case BPF.XOR: a = (a ^ src) >>> 0; break;
            // Shift counts are taken modulo 32, like the kernel's 32-bit ALU.
            case BPF.LSH: a = (a << (src & 31)) >>> 0; break;
            case BPF.RSH: a = a >>> (src & 31); break;
            default: throw invalid(pc - 1, `opcode 0x${code.toString(16)} is not allowed in seccomp filters`);
          }
        } else if ((code & 0x07) === JMP) {
          let taken: boolean;
          switch (code & 0xf0) {
            case BPF.JEQ: taken = a === src; break;
            case BPF.JGT: taken = a > src; break;
            case BPF.JGE: taken = a >= src; break;
            case BPF.JSET: taken = (a & src) !== 0; break;
            default: throw invalid(pc - 1, `opcode 0x${code.toString(16)} is not allowed in seccomp filters`);
          }
          pc += taken ? jt : jf;
        } else {
          throw invalid(pc - 1, `opcode 0x${code.toString(16)} is not allowed in seccomp filters`);
        }
      }
    }
    if (pc >= insns.length) throw invalid(pc - 1, 'execution ran off the end of the program');
  }
}

/** Checks `bpf` and runs it over `data`; returns the SECCOMP_RET_* value. */
export function runFilter(bpf: Uint8Array | readonly Insn[], data: SeccompData): number {
  return execute(checkProgram(bpf), seccompDataWords(data));
}
