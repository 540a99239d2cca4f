// Blocks compile() puts in front of a finished program so that argument checks hold as the
// kernel reads the arguments:
//
// - narrowing: on an arch where libseccomp compares an argument on more bits than the kernel
//   reads (all 64 of an `int`), the syscall gets the program's own answer for the argument as the
//   kernel sees it: the high word taken as 0 (the profile's values are cut to the same width
//   beforehand), a 16-bit argument masked. The code comes from partially evaluating the whole
//   program for that (arch, syscall), so libseccomp's ordering of overlapping rules is kept.
// - multiplexers: socketcall(2) and ipc(2) carry their sub-call's arguments in memory, out of a
//   filter's reach. Where the direct syscall's answer depends on its arguments, the sub-call gets
//   the strictest answer the direct syscall can give (and never a weaker one than its own).
import { unsupported } from '../errors.js';
import { auditArch, factsOf } from '../model/arch.js';
import { Assembler, BPF, type Insn } from './program.js';
import { residualInsns, type WordView } from './specialize.js';

const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
const AND_K = BPF.ALU | BPF.AND | BPF.K;
const JEQ = BPF.JMP | BPF.JEQ | BPF.K;
const RET_K = BPF.RET | BPF.K;
const RET_A = BPF.RET | BPF.A;
/** SECCOMP_RET_ACTION_FULL. */
const ACTION_FULL = 0xffff_0000;

/** Offsets of the low and high 32-bit words of args[index] in struct seccomp_data on `arch`. */
export function argWords(arch: string, index: number): { lo: number; hi: number } {
  const at = 16 + 8 * index;
  return factsOf(arch).bigEndian ? { lo: at + 4, hi: at } : { lo: at, hi: at + 4 };
}

/** The width libseccomp compares arguments with on `arch` (libseccomp name): 32 or 64. */
export function comparedBits(arch: string): 32 | 64 {
  return factsOf(arch).bits;
}

/** One syscall to narrow: on `arch`, syscall `nr`, the arguments (index -> bits read) narrower than compared. */
export interface NarrowTarget {
  arch: string;
  nr: number;
  bits: ReadonlyMap<number, 16 | 32>;
}

/** The code `program` runs for (arch, nr) with some argument words fixed or masked; throws if it cannot be derived. */
function residual(program: readonly Insn[], arch: string, nr: number, words: ReadonlyMap<number, WordView>): Insn[] {
  const out = residualInsns(program, auditArch(arch), nr, words);
  if (out === undefined) {
    throw unsupported(
      `cannot derive the ${arch} code of syscall ${nr} from the filter (narrowArgs, multiplexers); ` +
        'compile with narrowArgs: false and multiplexers: false to compare arguments as Docker does',
    );
  }
  return out;
}

/** Every SECCOMP_RET_* value a fragment can return. */
export function outcomes(fragment: readonly Insn[]): number[] {
  const out = new Set<number>();
  for (const i of fragment) {
    if (i.code === RET_K) out.add(i.k >>> 0);
    else if (i.code === RET_A) throw new Error('internal: a syscall returns a computed value');
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * The kernel's precedence (kernel/seccomp.c): the action with the lowest signed value wins;
 * between equal actions the first one given stays (callers list the multiplexer's own first).
 */
export function strictest(rets: readonly number[]): number {
  let best = rets[0];
  for (const r of rets) if (((r & ACTION_FULL) | 0) < ((best & ACTION_FULL) | 0)) best = r;
  return best >>> 0;
}

/** A dispatch on (arch token, nr) to self-contained fragments; anything else falls through. */
function dispatch(entries: readonly { arch: string; nr: number; code: Insn[] }[]): Insn[] {
  if (entries.length === 0) return [];
  const byToken = new Map<number, { nr: number; code: Insn[] }[]>();
  for (const e of entries) {
    const token = auditArch(e.arch) >>> 0;
    let list = byToken.get(token);
    if (!list) byToken.set(token, (list = []));
    list.push({ nr: e.nr >>> 0, code: e.code });
  }
  const END = 'end';
  const a = new Assembler().stmt(LD_W_ABS, 4);
  const tokens = [...byToken.keys()];
  tokens.forEach((t, i) => a.jump(JEQ, t, null, `t${i}`).ja(`arch${i}`).label(`t${i}`));
  a.ja(END);
  let f = 0;
  const fragments: Insn[][] = [];
  tokens.forEach((t, i) => {
    a.label(`arch${i}`).stmt(LD_W_ABS, 0);
    for (const e of byToken.get(t) as { nr: number; code: Insn[] }[]) {
      a.jump(JEQ, e.nr, null, `n${f}`).ja(`frag${f}`).label(`n${f}`);
      fragments.push(e.code);
      f++;
    }
    a.ja(END);
  });
  fragments.forEach((code, i) => a.label(`frag${i}`).raw(code));
  return a.label(END).finish();
}

/** The words of a narrowed syscall: high words of 32-bit arguments are 0, 16-bit ones masked. */
function narrowWords(t: NarrowTarget): Map<number, WordView> {
  const words = new Map<number, WordView>();
  const wide = comparedBits(t.arch) === 64;
  for (const [index, bits] of t.bits) {
    const { lo, hi } = argWords(t.arch, index);
    if (wide) words.set(hi, 0);
    if (bits === 16) words.set(lo, { and: 0xffff });
  }
  return words;
}

/** The narrowing block for `program` (the whole filter it will precede); empty without targets. */
export function narrowingBlock(program: readonly Insn[], targets: readonly NarrowTarget[]): Insn[] {
  const entries: { arch: string; nr: number; code: Insn[] }[] = [];
  for (const t of targets) {
    const words = narrowWords(t);
    if (words.size === 0) continue;
    entries.push({ arch: t.arch, nr: t.nr, code: residual(program, t.arch, t.nr, words) });
  }
  return dispatch(entries);
}

/** A multiplexer on one arch: its number, and the sub-calls to check (call number -> direct syscall number). */
export interface Multiplexer {
  arch: string;
  nr: number;
  /** The bits of args[0] that select the sub-call (ipc keeps a version in the high half). */
  callMask: number;
  calls: ReadonlyMap<number, number>;
}

/**
 * The multiplexer block for `program` (the whole filter it will precede): a sub-call whose
 * direct syscall has more than one possible answer in `rules` returns the strictest of them and
 * of the multiplexer's own answers; everything else runs as `program` would. `rules` is the
 * program without runc's ENOSYS stub: the stub answers a direct syscall numbered above every
 * name the profile gives on that arch (socket is 359 on x86) with ENOSYS whatever its
 * arguments, which would hide the rule the profile wrote. Empty when nothing depends on arguments.
 */
export function multiplexerBlock(program: readonly Insn[], rules: readonly Insn[], muxes: readonly Multiplexer[]): Insn[] {
  const entries: { arch: string; nr: number; code: Insn[] }[] = [];
  for (const m of muxes) {
    const own = residual(program, m.arch, m.nr, new Map());
    const { lo } = argWords(m.arch, 0);
    const checked: [number, number][] = [];
    for (const [call, direct] of m.calls) {
      const rets = outcomes(residual(rules, m.arch, direct, new Map()));
      if (rets.length < 2) continue; // the direct syscall's answer does not depend on arguments
      // The multiplexer's own answers for this call (args[0]'s low word known; the high word,
      // where there is one, is left open, which can only add answers).
      const self = m.callMask === 0xffff_ffff
        ? outcomes(residual(program, m.arch, m.nr, new Map([[lo, call]])))
        : outcomes(own);
      checked.push([call, strictest([...self, ...rets])]);
    }
    if (checked.length === 0) continue;
    const a = new Assembler().stmt(LD_W_ABS, lo);
    if (m.callMask !== 0xffff_ffff) a.stmt(AND_K, m.callMask);
    checked.forEach(([call], i) => a.jump(JEQ, call, `r${i}`, null));
    a.ja('rest');
    checked.forEach(([, ret], i) => a.label(`r${i}`).stmt(RET_K, ret));
    entries.push({ arch: m.arch, nr: m.nr, code: a.label('rest').raw(own).finish() });
  }
  return dispatch(entries);
}
