// Classic BPF instructions (struct sock_filter) as seccomp uses them: opcodes, and
// encoding to / decoding from the kernel's 8-byte layout in host byte order.
import { os } from '../builtins.js';
const { endianness } = os();
import { argTypeError, argRangeError } from '../errors.js';
import type { Bytes } from '../node-shapes.js';

/** One struct sock_filter: u16 code, u8 jt, u8 jf, u32 k. */
export interface Insn {
  code: number;
  jt: number;
  jf: number;
  k: number;
}

export const INSN_SIZE = 8;
/** BPF_MAXINSNS: the kernel's limit on a program's length. */
export const MAX_INSNS = 4096;
/** BPF_MEMWORDS: scratch memory slots M[0..15]. */
export const MEM_WORDS = 16;
/** sizeof(struct seccomp_data). */
export const SECCOMP_DATA_SIZE = 64;

// Instruction classes and fields (linux/bpf_common.h).
export const BPF = {
  LD: 0x00,
  LDX: 0x01,
  ST: 0x02,
  STX: 0x03,
  ALU: 0x04,
  JMP: 0x05,
  RET: 0x06,
  MISC: 0x07,
  // ld/ldx size and mode
  W: 0x00,
  H: 0x08,
  B: 0x10,
  IMM: 0x00,
  ABS: 0x20,
  IND: 0x40,
  MEM: 0x60,
  LEN: 0x80,
  MSH: 0xa0,
  // alu/jmp operation
  ADD: 0x00,
  SUB: 0x10,
  MUL: 0x20,
  DIV: 0x30,
  OR: 0x40,
  AND: 0x50,
  LSH: 0x60,
  RSH: 0x70,
  NEG: 0x80,
  MOD: 0x90,
  XOR: 0xa0,
  JA: 0x00,
  JEQ: 0x10,
  JGT: 0x20,
  JGE: 0x30,
  JSET: 0x40,
  // source operand
  K: 0x00,
  X: 0x08,
  // ret source
  A: 0x10,
  // misc
  TAX: 0x00,
  TXA: 0x80,
} as const;

const LE = endianness() === 'LE';

/** A statement (no jump offsets). */
export function stmt(code: number, k: number): Insn {
  return { code, jt: 0, jf: 0, k: k >>> 0 };
}

/** A conditional jump: jt/jf are instruction counts to skip (0..255). */
export function jump(code: number, k: number, jt: number, jf: number): Insn {
  if (jt < 0 || jt > 255 || jf < 0 || jf > 255) throw argRangeError(`jump offset out of range (${jt}, ${jf})`);
  return { code, jt, jf, k: k >>> 0 };
}

/** Encodes instructions as struct sock_filter[] in host byte order. */
export function encode(insns: readonly Insn[]): Bytes {
  const buf = Buffer.allocUnsafe(insns.length * INSN_SIZE);
  let o = 0;
  for (const i of insns) {
    if (LE) {
      buf.writeUInt16LE(i.code, o);
      buf.writeUInt32LE(i.k >>> 0, o + 4);
    } else {
      buf.writeUInt16BE(i.code, o);
      buf.writeUInt32BE(i.k >>> 0, o + 4);
    }
    buf[o + 2] = i.jt;
    buf[o + 3] = i.jf;
    o += INSN_SIZE;
  }
  return buf;
}

/** Decodes struct sock_filter[] (host byte order). RangeError when the length is not a multiple of 8. */
export function decode(bpf: Uint8Array): Insn[] {
  if (!(bpf instanceof Uint8Array)) throw argTypeError('a BPF program must be a Buffer or Uint8Array');
  if (bpf.length % INSN_SIZE !== 0) {
    throw argRangeError(`a BPF program is a whole number of 8-byte instructions; got ${bpf.length} bytes`);
  }
  const dv = new DataView(bpf.buffer, bpf.byteOffset, bpf.byteLength);
  const n = bpf.length / INSN_SIZE;
  const out: Insn[] = new Array(n);
  for (let i = 0, o = 0; i < n; i++, o += INSN_SIZE) {
    out[i] = { code: dv.getUint16(o, LE), jt: bpf[o + 2], jf: bpf[o + 3], k: dv.getUint32(o + 4, LE) };
  }
  return out;
}

/** A jump target: a label, or null for the next instruction. */
export type Target = string | null;

/**
 * A small forward-only assembler: instructions with labelled jump targets, resolved once the
 * layout is known. A label placed after the last instruction means the code that follows the
 * block. Conditional jumps farther than 255 instructions are a RangeError, so generators route
 * long jumps through `ja`, whose offset is 32 bits.
 */
export class Assembler {
  #code: { code: number; k: number; jt?: Target; jf?: Target; raw?: Insn }[] = [];
  #at = new Map<string, number>();

  /** Places `name` on the next instruction emitted. */
  label(name: string): this {
    if (this.#at.has(name)) throw new Error(`internal: label ${name} placed twice`);
    this.#at.set(name, this.#code.length);
    return this;
  }

  /** A statement (load, ALU, ret). */
  stmt(code: number, k: number): this {
    this.#code.push({ code, k });
    return this;
  }

  /** A conditional jump. */
  jump(code: number, k: number, jt: Target, jf: Target): this {
    this.#code.push({ code, k, jt, jf });
    return this;
  }

  /**
   * Instructions already resolved, their offsets relative to themselves: a self-contained
   * fragment (every jump lands inside it) placed as it is.
   */
  raw(insns: readonly Insn[]): this {
    for (const i of insns) this.#code.push({ code: i.code, k: i.k, raw: i });
    return this;
  }

  /** An unconditional jump (BPF_JA). */
  ja(to: string): this {
    this.#code.push({ code: BPF.JMP | BPF.JA, k: 0, jt: to });
    return this;
  }

  get length(): number {
    return this.#code.length;
  }

  finish(): Insn[] {
    const end = this.#code.length;
    const off = (pc: number, t: Target | undefined): number => {
      if (t === null || t === undefined) return 0;
      const to = this.#at.get(t);
      if (to === undefined || to > end) throw new Error(`internal: label ${t} never placed`);
      if (to <= pc) throw new Error(`internal: backward jump to ${t}`);
      return to - pc - 1;
    };
    return this.#code.map((c, pc) => {
      if (c.raw) return { code: c.raw.code, jt: c.raw.jt, jf: c.raw.jf, k: c.raw.k };
      if (c.code === (BPF.JMP | BPF.JA)) return stmt(c.code, off(pc, c.jt));
      if ((c.code & 0x07) === BPF.JMP) return jump(c.code, c.k, off(pc, c.jt), off(pc, c.jf));
      return stmt(c.code, c.k);
    });
  }
}
