// specialize(): a semantics-preserving rewrite of a seccomp program into a smaller one with
// short paths: an arch dispatch, then per arch a balanced binary search over runs of syscall
// numbers that share an outcome, with constant RETs as leaves and, where the outcome depends on
// the arguments, the residual code found by partially evaluating the program.
//
// Why it is exact: a scan first proves that seccomp_data.nr is only ever compared with
// constants (JEQ/JGT/JGE, and JSET on its top bits) and arch only with JEQ, never computed with.
// Then, for a fixed arch, the program behaves the same for every nr between two consecutive
// "critical" constants, and arch matters only through equality with the constants it is
// compared to. Anything the scan cannot reason about makes specialize() return its input.
import { checkProgram } from './interpret.js';
import { BPF, encode, MAX_INSNS, type Insn } from './program.js';
import { argTypeError } from '../errors.js';
import type { Bytes } from '../node-shapes.js';

const { LD, LDX, ST, STX, ALU, JMP, RET, MISC, W, ABS, LEN, IMM, MEM, K, X, A } = BPF;
const LD_ABS = LD | W | ABS;
const LD_LEN = LD | W | LEN;
const LDX_LEN = LDX | W | LEN;
const LD_IMM = LD | IMM;
const LDX_IMM = LDX | IMM;
const LD_MEM = LD | MEM;
const LDX_MEM = LDX | MEM;
const RET_K = RET | K;
const RET_A = RET | A;
const TAX = MISC | BPF.TAX;
const TXA = MISC | BPF.TXA;
const NEG = ALU | BPF.NEG;
const JA = JMP | BPF.JA;
const JGE_K = JMP | BPF.JGE | K;
const JEQ_K = JMP | BPF.JEQ | K;

const NR_OFFSET = 0;
const ARCH_OFFSET = 4;
const DATA_LEN = 64;
const U32 = 0x1_0000_0000;
/** A JSET on nr is accepted when its mask's lowest bit is at least this (few aligned blocks). */
const JSET_MIN_BIT = 28;
/** Bounds on the work: beyond them the input is returned as it is. */
const MAX_INTERVALS = 1 << 16;
const MAX_NODES = 1 << 16;

class Unsupported extends Error {}

/** The 32-bit ALU as the kernel computes it; undefined for a division by zero (the program returns 0). */
function alu(op: number, a: number, b: number): number | undefined {
  switch (op) {
    case BPF.ADD: return (a + b) >>> 0;
    case BPF.SUB: return (a - b) >>> 0;
    case BPF.MUL: return Math.imul(a, b) >>> 0;
    case BPF.DIV: return b === 0 ? undefined : Math.floor(a / b) >>> 0;
    case BPF.AND: return (a & b) >>> 0;
    case BPF.OR: return (a | b) >>> 0;
    case BPF.XOR: return (a ^ b) >>> 0;
    case BPF.LSH: return (a << (b & 31)) >>> 0;
    case BPF.RSH: return a >>> (b & 31);
    default: throw new Unsupported();
  }
}

function cmp(op: number, a: number, b: number): boolean {
  switch (op) {
    case BPF.JEQ: return a === b;
    case BPF.JGT: return a > b;
    case BPF.JGE: return a >= b;
    case BPF.JSET: return (a & b) !== 0;
    default: throw new Unsupported();
  }
}

/**
 * The loads of constants and the moves between A, X and scratch memory, on a state
 * [A, X, M[0], ...] of either abstract domain; false for any other opcode (LD ABS included).
 */
function move(code: number, k: number, s: { [i: number]: number }): boolean {
  switch (code) {
    case LD_LEN: s[0] = DATA_LEN; return true;
    case LDX_LEN: s[1] = DATA_LEN; return true;
    case LD_IMM: s[0] = k >>> 0; return true;
    case LDX_IMM: s[1] = k >>> 0; return true;
    case LD_MEM: s[0] = s[2 + k]; return true;
    case LDX_MEM: s[1] = s[2 + k]; return true;
    case ST: s[2 + k] = s[0]; return true;
    case STX: s[2 + k] = s[1]; return true;
    case TAX: s[1] = s[0]; return true;
    case TXA: s[0] = s[1]; return true;
    default: return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The scan. Abstract values: a known constant (0..2^32-1), or a set of origins as a negative
// number: -(N | R | O), N = may hold nr, R = may hold arch, O = may hold a value independent of
// both (arguments, instruction pointer, constants merged from several paths).
const N = 1;
const R = 2;
const O = 4;
const UNINIT = -8;

const origins = (v: number): number => (v >= 0 ? O : v === UNINIT ? 0 : -v);

function join(a: number, b: number): number {
  if (a === b) return a;
  if (a === UNINIT) return b;
  if (b === UNINIT) return a;
  return -(origins(a) | origins(b));
}

interface ScanResult {
  /** nr values where the program's behaviour may change (sorted, from 0). */
  points: number[];
  /** Constants arch is compared with for equality, in program order. */
  archConsts: number[];
  /** pcs reached from more than one place. */
  joins: Uint8Array;
  /** Length of a state: A, X, and the scratch slots in use. */
  size: number;
}

/**
 * Abstract interpretation over the forward DAG. `arch` fixes seccomp_data.arch (branches on it
 * fold); undefined leaves it symbolic. Throws Unsupported on anything not provably a comparison
 * of nr or arch with a constant.
 */
function scan(insns: readonly Insn[], arch: number | undefined): ScanResult {
  const n = insns.length;
  // A, X, and the scratch slots the program stores to (M[0..] up to the highest one).
  let S = 2;
  for (const i of insns) if (i.code === ST || i.code === STX) S = Math.max(S, 3 + i.k);
  const states: (Float64Array | undefined)[] = new Array(n);
  const preds = new Uint8Array(n);
  const points = new Set<number>([0]);
  const archConsts: number[] = [];
  const init = new Float64Array(S).fill(UNINIT);
  init[0] = 0;
  init[1] = 0;
  states[0] = init;
  const flow = (to: number, s: Float64Array): void => {
    if (preds[to] < 2) preds[to]++;
    const t = states[to];
    if (!t) {
      states[to] = s.slice();
      return;
    }
    for (let i = 0; i < S; i++) t[i] = join(t[i], s[i]);
  };
  const addNr = (op: number, k: number): void => {
    switch (op) {
      case BPF.JEQ:
        points.add(k);
        if (k + 1 < U32) points.add(k + 1);
        return;
      case BPF.JGT:
        if (k + 1 < U32) points.add(k + 1);
        return;
      case BPF.JGE:
        points.add(k);
        return;
      case BPF.JSET: {
        if (k === 0) return;
        let bit = 0;
        while (((k >>> bit) & 1) === 0) bit++;
        if (bit < JSET_MIN_BIT) throw new Unsupported();
        for (let v = 2 ** bit; v < U32; v += 2 ** bit) points.add(v);
        return;
      }
      default: throw new Unsupported();
    }
  };
  for (let pc = 0; pc < n; pc++) {
    const cur = states[pc];
    if (!cur) continue; // unreachable
    const s = cur;
    states[pc] = undefined; // not needed any more
    const { code, jt, jf, k } = insns[pc];
    const cls = code & 0x07;
    if (cls === RET) {
      if (code === RET_A && (origins(s[0]) & (N | R)) !== 0) throw new Unsupported();
      continue;
    }
    if (cls === JMP) {
      if (code === JA) {
        flow(pc + 1 + k, s);
        continue;
      }
      const op = code & 0xf0;
      let a = s[0];
      let b = k >>> 0;
      if ((code & X) !== 0) {
        if (s[1] < 0) {
          // X not a constant: only fine when neither side can hold nr or arch.
          if (((origins(a) | origins(s[1])) & (N | R)) !== 0) throw new Unsupported();
          flow(pc + 1 + jt, s);
          flow(pc + 1 + jf, s);
          continue;
        }
        b = s[1];
      }
      if (a >= 0) {
        flow(pc + 1 + (cmp(op, a, b) ? jt : jf), s);
        continue;
      }
      const o = origins(a);
      if (o & N) addNr(op, b);
      if (o & R) {
        if (op !== BPF.JEQ) throw new Unsupported();
        if (!archConsts.includes(b)) archConsts.push(b);
      }
      flow(pc + 1 + jt, s);
      flow(pc + 1 + jf, s);
      continue;
    }
    if (code === LD_ABS) {
      s[0] = k === NR_OFFSET ? -N : k === ARCH_OFFSET ? (arch === undefined ? -R : arch) : -O;
    } else if (!move(code, k, s)) {
      if (cls !== ALU) throw new Unsupported();
      const a = s[0];
      if (code === NEG) {
        if (a >= 0) s[0] = -a >>> 0;
        else if (origins(a) & (N | R)) throw new Unsupported();
        else s[0] = -O;
      } else {
        const b = (code & X) !== 0 ? s[1] : k >>> 0;
        if (a >= 0 && b >= 0) {
          const v = alu(code & 0xf0, a, b);
          if (v === undefined) continue; // the program returns 0 here
          s[0] = v;
        } else if (((origins(a) | origins(b)) & (N | R)) !== 0) {
          throw new Unsupported();
        } else {
          s[0] = -O;
        }
      }
    }
    flow(pc + 1, s);
  }
  return { points: [...points].sort((x, y) => x - y), archConsts, joins: preds.map((p) => (p > 1 ? 1 : 0)), size: S };
}

// ---------------------------------------------------------------------------------------------
// Output code as a hash-consed DAG: identical instructions with identical successors are one node.
interface Node {
  code: number;
  k: number;
  /** Successor: the next instruction of a statement, the taken branch of a jump. */
  t: number;
  /** The branch not taken (jumps only). */
  f: number;
}

class Graph {
  nodes: Node[] = [];
  // (code, k) -> flat [t, f, id, ...]: few entries each, numeric keys (the pass's hottest map).
  #ids = new Map<number, number[]>();

  add(code: number, k: number, t = -1, f = -1): number {
    const key = code * U32 + (k >>> 0);
    let list = this.#ids.get(key);
    if (!list) this.#ids.set(key, (list = []));
    for (let i = 0; i < list.length; i += 3) if (list[i] === t && list[i + 1] === f) return list[i + 2];
    const id = this.nodes.length;
    if (id >= MAX_NODES) throw new Unsupported();
    this.nodes.push({ code, k: k >>> 0, t, f });
    list.push(t, f, id);
    return id;
  }

  ret(k: number): number {
    return this.add(RET_K, k);
  }

  /** A conditional jump; none when both ways lead to the same code. */
  branch(code: number, k: number, t: number, f: number): number {
    return t === f ? t : this.add(code, k, t, f);
  }
}

// ---------------------------------------------------------------------------------------------
// Partial evaluation with (arch, nr) fixed. Register/memory values: a known constant, REAL (the
// output's own register holds the right value: the code computing it was emitted) or UNINIT.
const REAL = -1;

/**
 * How the partial evaluation reads an argument word (offset into seccomp_data): a known value,
 * or `{ and }`: the word loaded and masked (the kernel reads only those bits).
 */
export type WordView = number | { readonly and: number };

class Evaluator {
  #memo = new Map<string, number>();
  #arch = 0;
  #nr = 0;
  #words: ReadonlyMap<number, WordView> | undefined;

  constructor(
    private readonly insns: readonly Insn[],
    private readonly joins: Uint8Array,
    private readonly g: Graph,
  ) {}

  /** The output code from `pc` on, in state `s` (owned), with arch and nr fixed. */
  runFrom(pc: number, s: number[], arch: number, nr: number, words?: ReadonlyMap<number, WordView>): number {
    this.#arch = arch;
    this.#nr = nr;
    this.#words = words;
    this.#memo.clear();
    return this.#gen(pc, s);
  }

  // Folds every instruction whose inputs are known; emits the others. `s` is owned (mutated).
  #gen(start: number, s: number[]): number {
    const { insns, joins, g } = this;
    const keys: string[] = [];
    const done = (id: number): number => {
      for (const key of keys) this.#memo.set(key, id);
      return id;
    };
    let pc = start;
    for (;;) {
      if (joins[pc]) {
        const key = `${pc}:${s.join(',')}`;
        const hit = this.#memo.get(key);
        if (hit !== undefined) return done(hit);
        keys.push(key);
      }
      const { code, jt, jf, k } = insns[pc];
      const cls = code & 0x07;
      if (cls === RET) {
        if (code === RET_K) return done(g.ret(k));
        return done(s[0] >= 0 ? g.ret(s[0]) : g.add(RET_A, 0));
      }
      if (cls === JMP) {
        if (code === JA) {
          pc += 1 + k;
          continue;
        }
        const op = code & 0xf0;
        const a = s[0];
        const x = s[1];
        if ((code & X) === 0 || x >= 0) {
          const b = (code & X) === 0 ? k >>> 0 : x;
          if (a >= 0) {
            pc += 1 + (cmp(op, a, b) ? jt : jf);
            continue;
          }
          const t = this.#gen(pc + 1 + jt, s.slice());
          const f = this.#gen(pc + 1 + jf, s);
          return done(g.branch(JMP | op | K, b, t, f));
        }
        // X unknown: compare in the output's registers, A materialised if known.
        const t = this.#gen(pc + 1 + jt, s.slice());
        const f = this.#gen(pc + 1 + jf, s);
        const j = g.branch(code, 0, t, f);
        return done(a >= 0 && j !== t ? g.add(LD_IMM, a, j) : j);
      }
      if (cls === ALU) {
        const a = s[0];
        if (code === NEG) {
          if (a >= 0) {
            s[0] = -a >>> 0;
            pc++;
            continue;
          }
          return done(g.add(NEG, 0, this.#gen(pc + 1, s)));
        }
        const op = code & 0xf0;
        const x = s[1];
        const b = (code & X) === 0 ? k >>> 0 : x;
        if (a >= 0 && b >= 0) {
          const v = alu(op, a, b);
          if (v === undefined) return done(g.ret(0));
          s[0] = v;
          pc++;
          continue;
        }
        s[0] = REAL;
        const rest = this.#gen(pc + 1, s);
        if (a >= 0) {
          // A known, X real: load A, then the X-form operation.
          return done(g.add(LD_IMM, a, g.add(code, 0, rest)));
        }
        if ((code & X) === 0) return done(g.add(code, k, rest));
        if (x === REAL) return done(g.add(code, 0, rest));
        // X known: the K form, except where the K form is not allowed (division by zero,
        // shifts of 32 and more), which keeps the X form with X loaded.
        const edge = (op === BPF.DIV && b === 0) || ((op === BPF.LSH || op === BPF.RSH) && b >= 32);
        return done(edge ? g.add(LDX_IMM, b, g.add(code, 0, rest)) : g.add(ALU | op | K, b, rest));
      }
      switch (code) {
        case LD_ABS:
          if (k === NR_OFFSET) s[0] = this.#nr;
          else if (k === ARCH_OFFSET) s[0] = this.#arch;
          else {
            const view = this.#words?.get(k);
            if (typeof view === 'number') {
              s[0] = view >>> 0;
              break;
            }
            s[0] = REAL;
            const rest = this.#gen(pc + 1, s);
            return done(g.add(LD_ABS, k, view === undefined ? rest : g.add(ALU | BPF.AND | K, view.and, rest)));
          }
          break;
        case LD_LEN: s[0] = DATA_LEN; break;
        case LDX_LEN: s[1] = DATA_LEN; break;
        case LD_IMM: s[0] = k >>> 0; break;
        case LDX_IMM: s[1] = k >>> 0; break;
        case LD_MEM:
        case LDX_MEM: {
          const r = code === LD_MEM ? 0 : 1;
          const m = s[2 + k];
          if (m === UNINIT) throw new Unsupported(); // the kernel's checker forbids it
          s[r] = m;
          if (m === REAL) return done(g.add(code, k, this.#gen(pc + 1, s)));
          break;
        }
        case ST:
        case STX: {
          const v = s[code === ST ? 0 : 1];
          s[2 + k] = v;
          if (v === REAL) return done(g.add(code, k, this.#gen(pc + 1, s)));
          break;
        }
        case TAX:
        case TXA: {
          const v = s[code === TAX ? 0 : 1];
          s[code === TAX ? 1 : 0] = v;
          if (v === REAL) return done(g.add(code, 0, this.#gen(pc + 1, s)));
          break;
        }
        default:
          throw new Unsupported();
      }
      pc++;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Dispatch: per arch class a balanced binary search over runs of nr with one outcome each.

/** The smallest u32 not in `used`: a stand-in for every arch the program does not name. */
function otherValue(used: readonly number[]): number {
  let v = 0;
  while (used.includes(v)) v++;
  return v;
}

function searchTree(g: Graph, starts: number[], leaves: number[], lo: number, hi: number): number {
  if (lo === hi) return leaves[lo];
  const mid = (lo + hi + 1) >>> 1;
  const right = searchTree(g, starts, leaves, mid, hi);
  const left = searchTree(g, starts, leaves, lo, mid - 1);
  return g.branch(JGE_K, starts[mid], right, left);
}

/** In the range walk: the location holds nr itself (somewhere in the walk's range). */
const NR = -3;

/** The bounds where `op` with constant `k` may change its answer about nr, within (lo, hi]. */
function splits(op: number, k: number, lo: number, hi: number): number[] {
  const out: number[] = [];
  const add = (v: number): void => {
    if (v > lo && v <= hi) out.push(v);
  };
  switch (op) {
    case BPF.JEQ: add(k); add(k + 1); break;
    case BPF.JGT: add(k + 1); break;
    case BPF.JGE: add(k); break;
    case BPF.JSET: {
      if (k === 0) break;
      let bit = 0;
      while (((k >>> bit) & 1) === 0) bit++;
      if (bit < JSET_MIN_BIT) throw new Unsupported();
      const step = 2 ** bit;
      for (let v = (Math.floor(lo / step) + 1) * step; v <= hi; v += step) out.push(v);
      break;
    }
    default: throw new Unsupported();
  }
  return out.sort((a, b) => a - b);
}

/**
 * One arch class: walks the program with nr symbolic over a range, splitting the range where a
 * comparison on nr cuts it, so the shared top of the program is walked once, not per interval.
 * Where the walk meets data it cannot fold (an argument), each interval between critical
 * points inside the range is partially evaluated with nr fixed. Returns the runs of nr with
 * one outcome each: [start, node].
 */
function walkClass(insns: readonly Insn[], top: ScanResult, arch: number, g: Graph): [number[], number[]] {
  const { points, joins } = top;
  const ev = new Evaluator(insns, joins, g);
  const pieces: [number, number, number][] = [];
  const residual = (pc: number, s: number[], lo: number, hi: number): void => {
    // The first critical point above lo, by binary search; then one evaluation per interval.
    let i = 0;
    let j = points.length;
    while (i < j) {
      const m = (i + j) >>> 1;
      if (points[m] <= lo) i = m + 1;
      else j = m;
    }
    for (let a = lo; a <= hi; ) {
      const b = i < points.length && points[i] <= hi ? points[i] - 1 : hi;
      const state = s.map((v) => (v === NR ? a : v));
      pieces.push([a, b, ev.runFrom(pc, state, arch, a)]);
      if (pieces.length > MAX_INTERVALS) throw new Unsupported();
      a = b + 1;
      i++;
    }
  };
  const init = new Array<number>(top.size).fill(UNINIT);
  init[0] = 0;
  init[1] = 0;
  const work: [number, number[], number, number][] = [[0, init, 0, U32 - 1]];
  while (work.length) {
    const [start, s, lo, hi] = work.pop() as [number, number[], number, number];
    let pc = start;
    for (;;) {
      const { code, jt, jf, k } = insns[pc];
      const cls = code & 0x07;
      if (cls === RET) {
        if (code === RET_A && s[0] < 0) throw new Unsupported(); // the scan rules this out
        pieces.push([lo, hi, g.ret(code === RET_K ? k : s[0])]);
        break;
      }
      if (cls === JMP) {
        if (code === JA) {
          pc += 1 + k;
          continue;
        }
        const op = code & 0xf0;
        const a = s[0];
        const b = (code & X) === 0 ? k >>> 0 : s[1];
        if (b < 0 || (a < 0 && a !== NR)) throw new Unsupported();
        if (a >= 0) {
          pc += 1 + (cmp(op, a, b) ? jt : jf);
          continue;
        }
        const cuts = splits(op, b, lo, hi);
        if (cuts.length === 0) {
          pc += 1 + (cmp(op, lo, b) ? jt : jf);
          continue;
        }
        let from = lo;
        for (const to of [...cuts, hi + 1]) {
          work.push([pc + 1 + (cmp(op, from, b) ? jt : jf), s.slice(), from, to - 1]);
          from = to;
        }
        break;
      }
      if (cls === ALU) {
        const a = s[0];
        const b = code === NEG ? 0 : (code & X) === 0 ? k >>> 0 : s[1];
        if (a < 0 || b < 0) throw new Unsupported(); // nr in arithmetic: the scan rules this out
        const v = code === NEG ? -a >>> 0 : alu(code & 0xf0, a, b);
        if (v === undefined) {
          pieces.push([lo, hi, g.ret(0)]);
          break;
        }
        s[0] = v;
        pc++;
        continue;
      }
      if (code === LD_ABS && k !== NR_OFFSET && k !== ARCH_OFFSET) {
        residual(pc, s, lo, hi);
        break;
      }
      if (code === LD_ABS) s[0] = k === NR_OFFSET ? NR : arch;
      else if (!move(code, k, s)) throw new Unsupported();
      pc++;
    }
  }
  pieces.sort((x, y) => x[0] - y[0]);
  const starts: number[] = [];
  const leaves: number[] = [];
  let next = 0;
  for (const [lo, hi, id] of pieces) {
    if (lo !== next) throw new Error('internal: the walk did not cover every syscall number once');
    next = hi + 1;
    if (leaves.length && leaves[leaves.length - 1] === id) continue; // same outcome: one run
    starts.push(lo);
    leaves.push(id);
  }
  if (next !== U32) throw new Error('internal: the walk did not cover every syscall number');
  return [starts, leaves];
}

/** The output DAG's root for a scanned program; throws Unsupported when it cannot be built exactly. */
function dispatch(insns: readonly Insn[], g: Graph): number {
  const top = scan(insns, undefined);
  const other = otherValue(top.archConsts);
  const classes = [...top.archConsts, other];
  const roots: number[] = [];
  for (const arch of classes) {
    const [starts, leaves] = walkClass(insns, top, arch, g);
    roots.push(leaves.length === 1 ? leaves[0] : g.add(LD_ABS, NR_OFFSET, searchTree(g, starts, leaves, 0, leaves.length - 1)));
  }
  let root = roots[roots.length - 1];
  if (roots.every((r) => r === root)) return root;
  for (let i = classes.length - 2; i >= 0; i--) root = g.branch(JEQ_K, classes[i], roots[i], root);
  return g.add(LD_ABS, ARCH_OFFSET, root);
}

// ---------------------------------------------------------------------------------------------
// Dead code: folding leaves loads and stores whose values no path reads (an argument loaded for a
// comparison that folded away on both sides). Locations as bits: A, X, M[0..15].
const LOC_A = 1;
const LOC_X = 2;
const mem = (k: number): number => 4 << k;

/** [written, read] locations of a statement; written 0 for ones that must stay (division by X). */
function effects(code: number, k: number): [number, number] {
  switch (code) {
    case LD_ABS: case LD_LEN: case LD_IMM: return [LOC_A, 0];
    case LDX_LEN: case LDX_IMM: return [LOC_X, 0];
    case LD_MEM: return [LOC_A, mem(k)];
    case LDX_MEM: return [LOC_X, mem(k)];
    case ST: return [mem(k), LOC_A];
    case STX: return [mem(k), LOC_X];
    case TAX: return [LOC_X, LOC_A];
    case TXA: return [LOC_A, LOC_X];
    case ALU | BPF.DIV | X: return [0, LOC_A | LOC_X]; // may end the program (X == 0)
    default:
      return (code & X) !== 0 ? [LOC_A, LOC_A | LOC_X] : [LOC_A, LOC_A];
  }
}

/** A copy of the DAG under `root` without dead statements; returns the new root. */
function withoutDeadCode(g: Graph, root: number, out: Graph): number {
  const done = new Map<number, [number, number]>(); // old id -> [new id, live at entry]
  const visit = (id: number): [number, number] => {
    const hit = done.get(id);
    if (hit) return hit;
    const { code, k, t, f } = g.nodes[id];
    const cls = code & 0x07;
    let r: [number, number];
    if (cls === RET) {
      r = [out.add(code, k), code === RET_A ? LOC_A : 0];
    } else if (cls === JMP) {
      const [nt, lt] = visit(t);
      const [nf, lf] = visit(f);
      const id2 = out.branch(code, k, nt, nf);
      r = id2 === nt ? [nt, lt] : [id2, lt | lf | LOC_A | ((code & X) !== 0 ? LOC_X : 0)];
    } else {
      const [nn, ln] = visit(t);
      const [w, rd] = effects(code, k);
      r = w !== 0 && (ln & w) === 0 ? [nn, ln] : [out.add(code, k, nn), (ln & ~w) | rd];
    }
    done.set(id, r);
    return r;
  };
  return visit(root)[0];
}

// ---------------------------------------------------------------------------------------------
// Layout: a topological order that keeps each jump's not-taken branch (and each statement's
// successor) next to it, RETs placed near their users, and cBPF's 8-bit jump offsets repaired
// with a copy of the target RET or a JA right after the jump.

interface Item {
  code: number;
  k: number;
  /** Targets (items) of a jump; JA uses t. */
  t?: Item;
  f?: Item;
  pos: number;
}

const RET_FLUSH_DISTANCE = 192;

function layout(g: Graph, root: number): Insn[] {
  const { nodes } = g;
  const isRet = (id: number): boolean => (nodes[id].code & 0x07) === RET;
  const isJump = (id: number): boolean => (nodes[id].code & 0x07) === JMP;
  // Reverse postorder of the non-RET nodes, visiting the taken branch first so that the
  // not-taken one (or a statement's successor) comes right after its node when it can.
  const order: number[] = [];
  const seen = new Uint8Array(nodes.length);
  const stack: [number, number][] = [];
  const push = (id: number): void => {
    if (id >= 0 && !seen[id] && !isRet(id)) {
      seen[id] = 1;
      stack.push([id, 0]);
    }
  };
  push(root);
  while (stack.length) {
    const top = stack[stack.length - 1];
    const node = nodes[top[0]];
    if (top[1] === 0) {
      top[1] = 1;
      push(node.t);
    } else if (top[1] === 1) {
      top[1] = 2;
      push(node.f);
    } else {
      order.push(top[0]);
      stack.pop();
    }
  }
  order.reverse();

  const items: Item[] = [];
  const itemOf = new Map<number, Item>();
  const item = (id: number): Item => {
    let it = itemOf.get(id);
    if (!it) itemOf.set(id, (it = { code: nodes[id].code, k: nodes[id].k, pos: -1 }));
    return it;
  };
  // RETs wanted by jumps already placed: value -> [item, position of the first user].
  const pending = new Map<number, [Item, number]>();
  const retItem = (id: number, at: number): Item => {
    const k = nodes[id].k;
    const code = nodes[id].code;
    const key = code === RET_A ? -1 : k;
    let p = pending.get(key);
    if (!p) pending.set(key, (p = [{ code, k, pos: -1 }, at]));
    return p[0];
  };
  const flush = (all: boolean): void => {
    for (const [key, [it, first]] of pending) {
      if (all || items.length - first >= RET_FLUSH_DISTANCE) {
        items.push(it);
        pending.delete(key);
      }
    }
  };
  const target = (id: number, at: number): Item => (isRet(id) ? retItem(id, at) : item(id));
  if (isRet(root)) items.push(item(root));
  for (let i = 0; i < order.length; i++) {
    const id = order[i];
    const node = nodes[id];
    const it = item(id);
    const at = items.length;
    items.push(it);
    if (isJump(id)) {
      it.t = target(node.t, at);
      it.f = target(node.f, at);
      flush(false); // nothing falls through after a conditional jump
      continue;
    }
    // A statement: its successor must follow, directly or through a JA.
    if (isRet(node.t)) {
      const p = pending.get(nodes[node.t].code === RET_A ? -1 : nodes[node.t].k);
      if (p) {
        pending.delete(nodes[node.t].code === RET_A ? -1 : nodes[node.t].k);
        items.push(p[0]);
      } else {
        items.push({ code: nodes[node.t].code, k: nodes[node.t].k, pos: -1 });
      }
      flush(false);
    } else if (order[i + 1] !== node.t) {
      items.push({ code: JA, k: 0, t: item(node.t), pos: -1 });
      flush(false);
    }
  }
  flush(true);

  // Far conditional jumps: a copy of the target RET, or a JA to the target, right after the jump.
  let list = items;
  for (;;) {
    list.forEach((it, i) => (it.pos = i));
    const out: Item[] = [];
    let changed = false;
    for (const it of list) {
      out.push(it);
      if ((it.code & 0x07) !== JMP || it.code === JA) continue;
      for (const side of ['t', 'f'] as const) {
        const to = it[side] as Item;
        if (to.pos - it.pos - 1 <= 255) continue;
        const near: Item = (to.code & 0x07) === RET ? { code: to.code, k: to.k, pos: -1 } : { code: JA, k: 0, t: to, pos: -1 };
        it[side] = near;
        out.push(near);
        changed = true;
      }
    }
    list = out;
    if (!changed) break;
    if (list.length > MAX_INSNS) throw new Unsupported();
  }
  list.forEach((it, i) => (it.pos = i));
  return list.map((it, pc): Insn => {
    if (it.code === JA) return { code: JA, jt: 0, jf: 0, k: (it.t as Item).pos - pc - 1 };
    if ((it.code & 0x07) === JMP) {
      return { code: it.code, jt: (it.t as Item).pos - pc - 1, jf: (it.f as Item).pos - pc - 1, k: it.k };
    }
    return { code: it.code, jt: 0, jf: 0, k: it.k };
  });
}

/**
 * The code a checked program runs for one syscall: `nr` on the arch `arch` (AUDIT_ARCH_*), with
 * the argument words in `words` known or masked. Every path of the result ends in a return.
 * undefined when the program is outside what the pass handles.
 */
export function residualInsns(
  insns: readonly Insn[],
  arch: number,
  nr: number,
  words: ReadonlyMap<number, WordView>,
): Insn[] | undefined {
  try {
    const n = insns.length;
    const preds = new Uint8Array(n);
    let size = 2;
    insns.forEach((i, pc) => {
      if (i.code === ST || i.code === STX) size = Math.max(size, 3 + i.k);
      const cls = i.code & 0x07;
      const to = (t: number): void => {
        if (t < n && preds[t] < 2) preds[t]++;
      };
      if (i.code === JA) to(pc + 1 + i.k);
      else if (cls === JMP) {
        to(pc + 1 + i.jt);
        to(pc + 1 + i.jf);
      } else if (cls !== RET) to(pc + 1);
    });
    const joins = preds.map((p) => (p > 1 ? 1 : 0));
    const g = new Graph();
    const init = new Array<number>(size).fill(UNINIT);
    init[0] = 0;
    init[1] = 0;
    const root = new Evaluator(insns, joins, g).runFrom(0, init, arch >>> 0, nr >>> 0, words);
    const clean = new Graph();
    return layout(clean, withoutDeadCode(g, root, clean));
  } catch (err) {
    if (outOfReach(err)) return undefined;
    throw err;
  }
}

// Unsupported, or a path of hundreds of comparisons (one syscall with very many argument rules)
// deeper than the evaluator's recursion can follow: either way the program is left as it is.
function outOfReach(err: unknown): boolean {
  return err instanceof Unsupported || (err instanceof RangeError && /call stack/i.test(err.message));
}

/**
 * The specialised instructions for a checked program, or undefined when the program is outside
 * what the pass can prove equivalent.
 */
export function specializeInsns(insns: readonly Insn[]): Insn[] | undefined {
  try {
    const g = new Graph();
    const root = dispatch(insns, g);
    const clean = new Graph();
    return layout(clean, withoutDeadCode(g, root, clean));
  } catch (err) {
    if (outOfReach(err)) return undefined;
    throw err;
  }
}

/**
 * Rewrites a seccomp program (struct sock_filter[] bytes) into an equivalent one that finds each
 * syscall's outcome by a binary search on its number. Returns `bpf` itself when the program is
 * invalid, compares nr or arch in a way the pass cannot prove equivalent, or the rewrite would
 * not be shorter or as short.
 */
export function specialize(bpf: Bytes): Bytes {
  if (!Buffer.isBuffer(bpf)) throw argTypeError(`specialize needs a Buffer of struct sock_filter, got ${bpf === null ? 'null' : typeof bpf}`);
  let insns: Insn[];
  try {
    insns = checkProgram(bpf);
  } catch {
    return bpf;
  }
  const out = specializeInsns(insns);
  if (out === undefined || out.length > insns.length) return bpf;
  try {
    checkProgram(out);
  } catch {
    return bpf; // never hand the kernel something it would refuse
  }
  return encode(out);
}

/**
 * The syscall numbers where a checked program's behaviour may change on the arch `arch`
 * (AUDIT_ARCH_*), sorted and starting at 0: between two consecutive ones every number gets the
 * same code. undefined when the program compares nr in a way the scan cannot follow.
 */
export function nrBoundaries(insns: readonly Insn[], arch: number): number[] | undefined {
  try {
    return scan(insns, arch >>> 0).points;
  } catch (err) {
    if (outOfReach(err)) return undefined;
    throw err;
  }
}
