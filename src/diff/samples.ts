// The argument values worth trying for one syscall's residual code (the program with arch and
// nr fixed): the constants each argument word is compared with, and their neighbours. Between two
// consecutive boundaries of a word compared only with JEQ/JGT/JGE on all its bits, every value
// gets the same answer, so trying the boundaries is exhaustive for such words.
import { BPF, type Insn } from '../bpf/program.js';

const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
const AND_K = BPF.ALU | BPF.AND | BPF.K;
const U32_MAX = 0xffff_ffff;
/** Above this many combinations, words are varied one at a time (the others at 0). */
export const MAX_COMBINATIONS = 4096;

/** What A holds: a seccomp_data word (index 2..15), masked; or -1, anything else. */
interface Held {
  word: number;
  mask: number;
}
const OTHER: Held = { word: -1, mask: 0 };

export interface WordCandidates {
  /** Index of the 32-bit word in struct seccomp_data (2, 3: instruction pointer; 4..15: args). */
  word: number;
  /** Sorted candidate values, 0 first. */
  values: number[];
  /** Only JEQ/JGT/JGE on all 32 bits: `values` are the starts of runs of equal behaviour. */
  exact: boolean;
}

const clip = (v: number): number | undefined => (v >= 0 && v <= U32_MAX ? v : undefined);

function bitsOf(m: number): number[] {
  const out: number[] = [];
  for (let b = 0; b < 32; b++) if ((m >>> b) & 1) out.push(2 ** b);
  return out;
}

/** Every argument word the code reads, with the values to try for it. */
export function wordCandidates(code: readonly Insn[]): Map<number, WordCandidates> {
  const n = code.length;
  const state: (Held | undefined)[] = new Array(n);
  state[0] = OTHER;
  const found = new Map<number, { values: Set<number>; exact: boolean }>();
  let untraced = false; // a comparison of something other than one masked word
  const entry = (w: number) => {
    let e = found.get(w);
    if (!e) found.set(w, (e = { values: new Set([0]), exact: true }));
    return e;
  };
  const flow = (to: number, h: Held): void => {
    if (to >= n) return;
    const t = state[to];
    state[to] = t === undefined || (t.word === h.word && t.mask === h.mask) ? h : OTHER;
  };
  for (let pc = 0; pc < n; pc++) {
    const h = state[pc];
    if (h === undefined) continue;
    const { code: c, jt, jf, k } = code[pc];
    const cls = c & 0x07;
    if (cls === BPF.RET) continue;
    if (cls === BPF.JMP) {
      if (c === (BPF.JMP | BPF.JA)) {
        flow(pc + 1 + k, h);
        continue;
      }
      if ((c & BPF.X) === 0) record(h, c & 0xf0, k >>> 0);
      flow(pc + 1 + jt, h);
      flow(pc + 1 + jf, h);
      continue;
    }
    let next = OTHER;
    if (c === LD_W_ABS && k >= 8) {
      next = { word: k >> 2, mask: U32_MAX };
      entry(k >> 2);
    } else if (c === AND_K && h.word >= 0) {
      next = { word: h.word, mask: (h.mask & k) >>> 0 };
    }
    flow(pc + 1, next);
  }

  function record(h: Held, op: number, k: number): void {
    if (h.word < 0) {
      untraced = true;
      return;
    }
    const e = entry(h.word);
    const add = (v: number | undefined) => v !== undefined && e.values.add(v);
    const m = h.mask;
    if (m !== U32_MAX || op === BPF.JSET) e.exact = false;
    if (op === BPF.JSET) {
      add(k);
      for (const b of bitsOf(k)) add(b);
      return;
    }
    for (const d of [-1, 0, 1]) add(clip(k + d));
    if (m !== U32_MAX) {
      add((k | ~m) >>> 0);
      for (const b of bitsOf(m)) add((k ^ b) >>> 0);
    }
  }

  const out = new Map<number, WordCandidates>();
  for (const [word, e] of found) {
    if (untraced) e.exact = false;
    e.values.add(U32_MAX);
    out.set(word, { word, values: [...e.values].sort((a, b) => a - b), exact: e.exact });
  }
  return out;
}

/**
 * Argument word assignments to try: every combination when there are few, else each word's
 * values with the other words at 0.
 */
export function assignments(words: readonly WordCandidates[]): Map<number, number>[] {
  let total = 1;
  for (const w of words) total *= w.values.length;
  if (total <= MAX_COMBINATIONS) {
    let acc: Map<number, number>[] = [new Map()];
    for (const w of words) {
      const next: Map<number, number>[] = [];
      for (const a of acc) for (const v of w.values) next.push(new Map(a).set(w.word, v));
      acc = next;
    }
    return acc;
  }
  const out: Map<number, number>[] = [new Map()];
  for (const w of words) for (const v of w.values) if (v !== 0) out.push(new Map([[w.word, v]]));
  return out;
}
