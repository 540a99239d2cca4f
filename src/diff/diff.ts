// diff(): where two compiled profiles decide differently, found from their BPF programs. Per arch,
// the scan behind the specialiser gives the numbers where each program's behaviour can change;
// between two consecutive ones of either program both answer alike, so one residual (the program
// with arch and nr fixed) per run and program settles it. Where a residual reads arguments, both
// are run over the values each compares its arguments with (samples.ts).
import { SECCOMP_RET } from '../action.js';
import { auditArch } from '../bpf/enosys.js';
import { argWords } from '../bpf/narrow.js';
import { checkProgram, execute } from '../bpf/interpret.js';
import { BPF, type Insn } from '../bpf/program.js';
import { nrBoundaries, residualInsns } from '../bpf/specialize.js';
import { decisionOf, type Decision } from '../decide.js';
import { argTypeError } from '../errors.js';
import { libseccompArchName } from '../profile/compile.js';
import type { CompiledProfile } from '../profile/types.js';
import { decisionKey, numberSpace, syscallNameAt, syscallTable } from './names.js';
import { assignments, wordCandidates, type WordCandidates } from './samples.js';

const RET_K = BPF.RET | BPF.K;
const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
/** Argument differences listed per syscall at most; the rest are counted. */
export const MAX_ARG_DIFFERENCES = 64;

export interface DiffOptions {
  /** Arches to compare (any spelling compile takes); default: every arch of either filter. */
  arches?: readonly string[];
}

/** Argument values (by index) for which the two programs answer differently. */
export interface ArgDifference {
  /** Argument index -> value; with `upTo`, every value from `value` to `upTo` differs alike. */
  args: { index: number; value: bigint; upTo?: bigint }[];
  a: Decision;
  b: Decision;
}

export interface SyscallDifference {
  /** libseccomp arch name. */
  arch: string;
  /** The number the kernel sees (x32's with X32_SYSCALL_BIT). */
  nr: number;
  /** For a run of numbers no syscall has: the last one of the run. */
  upTo?: number;
  syscall?: string;
  /** Every answer each program can give this syscall (more than one: it depends on arguments). */
  a: Decision[];
  b: Decision[];
  /** Where an answer depends on arguments: the argument values that are answered differently. */
  args?: ArgDifference[];
  /** Argument differences beyond MAX_ARG_DIFFERENCES, not listed. */
  moreArgs?: number;
}

export interface ProfileDiff {
  same: boolean;
  /** False when a program compares numbers in a way the scan cannot follow (then every named syscall is checked instead). */
  exact: boolean;
  arches: string[];
  differences: SyscallDifference[];
}

const ALLOW_ALL: Insn[] = [{ code: RET_K, jt: 0, jf: 0, k: SECCOMP_RET.ALLOW }];

/** A compiled profile's checked program (allow-all for unconfined). */
export function programOf(c: CompiledProfile, what: string): Insn[] {
  if (c === null || typeof c !== 'object' || typeof c.unconfined !== 'boolean' || !Array.isArray(c.arches)) {
    throw argTypeError(`${what} must be a compiled profile (the result of compile())`);
  }
  if (c.unconfined) return ALLOW_ALL;
  if (!((c.bpf as unknown) instanceof Uint8Array)) throw argTypeError(`${what}.bpf must be a Buffer`);
  return checkProgram(c.bpf);
}

/** The arches to compare, as libseccomp names. */
function archList(a: CompiledProfile, b: CompiledProfile, wanted: readonly string[] | undefined): string[] {
  if (wanted !== undefined) {
    if (!Array.isArray(wanted)) throw argTypeError('options.arches must be an array of arch names');
    return [...new Set(wanted.map((x) => libseccompArchName(x)))];
  }
  const all = [...a.arches, ...b.arches].map((x) => libseccompArchName(x));
  if (all.length === 0) all.push(libseccompArchName(a.context?.arch ?? b.context?.arch));
  return [...new Set(all)];
}

/** Compares what two compiled profiles decide, syscall by syscall, per arch. */
export function diff(a: CompiledProfile, b: CompiledProfile, options: DiffOptions = {}): ProfileDiff {
  const pa = programOf(a, 'a');
  const pb = programOf(b, 'b');
  if (options === null || typeof options !== 'object') throw argTypeError('options must be an object');
  const arches = archList(a, b, options.arches);
  const differences: SyscallDifference[] = [];
  let exact = true;
  for (const arch of arches) {
    const r = diffArch(pa, pb, arch);
    exact &&= r.exact;
    differences.push(...r.differences);
  }
  return { same: differences.length === 0, exact, arches, differences };
}

/** Runs [start, end) of numbers each program treats alike, or every named syscall when it cannot tell. */
export function runsOf(programs: readonly (readonly Insn[])[], arch: string): { starts: number[]; end: number; exact: boolean } {
  const [lo, hi] = numberSpace(arch);
  const audit = auditArch(arch);
  const points = new Set<number>([lo]);
  for (const p of programs) {
    const b = nrBoundaries(p, audit);
    if (b === undefined) {
      // Fall back to every number a syscall has, each on its own (gaps are not looked at).
      const named = [...syscallTable(arch).keys()].filter((n) => n >= lo && n < hi);
      const starts = [...new Set([lo, ...named.flatMap((n) => [n, n + 1])])].filter((n) => n < hi).sort((x, y) => x - y);
      return { starts, end: hi, exact: false };
    }
    for (const n of b) if (n >= lo && n < hi) points.add(n);
  }
  return { starts: [...points].sort((x, y) => x - y), end: hi, exact: true };
}

function diffArch(pa: Insn[], pb: Insn[], arch: string): { differences: SyscallDifference[]; exact: boolean } {
  const { starts, end, exact } = runsOf([pa, pb], arch);
  const audit = auditArch(arch);
  const names = syscallTable(arch);
  const out: SyscallDifference[] = [];
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = (starts[i + 1] ?? end) - 1;
    const d = compareAt(pa, pb, arch, audit, from);
    if (d === null) continue;
    // One entry per syscall in the run, one per stretch of numbers without a name.
    let gap: number | undefined;
    const flushGap = (upTo: number): void => {
      if (gap === undefined) return;
      out.push({ arch, nr: gap, ...(upTo > gap ? { upTo } : {}), ...d });
      gap = undefined;
    };
    if (to - from < 4096) {
      for (let nr = from; nr <= to; nr++) {
        const name = syscallNameAt(arch, nr);
        if (name === undefined) {
          gap ??= nr;
          continue;
        }
        flushGap(nr - 1);
        out.push({ arch, nr, syscall: name, ...d });
      }
      flushGap(to);
    } else {
      const inside = [...names.keys()].filter((n) => n >= from && n <= to).sort((x, y) => x - y);
      let next = from;
      for (const nr of inside) {
        if (nr > next) out.push({ arch, nr: next, ...(nr - 1 > next ? { upTo: nr - 1 } : {}), ...d });
        out.push({ arch, nr, syscall: names.get(nr), ...d });
        next = nr + 1;
      }
      if (next <= to) out.push({ arch, nr: next, ...(to > next ? { upTo: to } : {}), ...d });
    }
  }
  return { differences: out, exact };
}

type Found = Pick<SyscallDifference, 'a' | 'b' | 'args' | 'moreArgs'>;

/** The code a program runs for (arch, nr); the whole program when the pass cannot derive it. */
export function residualOf(p: readonly Insn[], audit: number, nr: number): Insn[] {
  return residualInsns(p, audit, nr >>> 0, new Map()) ?? [...p];
}

function returns(code: readonly Insn[]): Decision[] {
  const seen = new Map<string, Decision>();
  for (const i of code) {
    if (i.code !== RET_K) continue;
    const d = decisionOf(i.k >>> 0);
    seen.set(decisionKey(d), d);
  }
  return [...seen.values()];
}

const readsData = (code: readonly Insn[]): boolean => code.some((i) => i.code === LD_W_ABS && i.k >= 8) || code.some((i) => i.code === (BPF.RET | BPF.A));

function compareAt(pa: Insn[], pb: Insn[], arch: string, audit: number, nr: number): Found | null {
  const ra = residualOf(pa, audit, nr);
  const rb = residualOf(pb, audit, nr);
  const da = returns(ra);
  const db = returns(rb);
  const constA = da.length === 1 && !readsData(ra) && ra.length === 1;
  const constB = db.length === 1 && !readsData(rb) && rb.length === 1;
  if (constA && constB) {
    return decisionKey(da[0]) === decisionKey(db[0]) ? null : { a: da, b: db };
  }
  const args = argDifferences(ra, rb, arch, audit, nr);
  if (args.list.length === 0) return null;
  return {
    a: da,
    b: db,
    args: args.list.slice(0, MAX_ARG_DIFFERENCES),
    ...(args.list.length > MAX_ARG_DIFFERENCES ? { moreArgs: args.list.length - MAX_ARG_DIFFERENCES } : {}),
  };
}

function mergeCandidates(x: Map<number, WordCandidates>, y: Map<number, WordCandidates>): WordCandidates[] {
  const out = new Map(x);
  for (const [w, c] of y) {
    const have = out.get(w);
    out.set(w, have ? { word: w, values: [...new Set([...have.values, ...c.values])].sort((p, q) => p - q), exact: have.exact && c.exact } : c);
  }
  return [...out.values()].sort((p, q) => p.word - q.word);
}

/** Which argument (index) and half a seccomp_data word is, on `arch`. */
function argOfWord(arch: string, word: number): { index: number; high: boolean } | undefined {
  const off = word * 4;
  if (off < 16) return undefined;
  const index = (off - 16) >> 3;
  return { index, high: argWords(arch, index).hi === off };
}

/**
 * The argument values for which `ra` and `rb` answer differently; with `rb` null, the runs of
 * `ra`'s own answers (b = a), for listing one program.
 */
export function argDifferences(ra: Insn[], rb: Insn[] | null, arch: string, audit: number, nr: number): { list: ArgDifference[] } {
  const words = rb ? mergeCandidates(wordCandidates(ra), wordCandidates(rb)) : [...wordCandidates(ra).values()].sort((p, q) => p.word - q.word);
  const data = new Uint32Array(16);
  const run = (assign: Map<number, number>): [Decision, Decision] => {
    data.fill(0);
    data[0] = nr >>> 0;
    data[1] = audit;
    for (const [w, v] of assign) data[w] = v;
    const x = decisionOf(execute(ra, data));
    return [x, rb ? decisionOf(execute(rb, data)) : x];
  };
  const differ = (x: Decision, y: Decision): boolean => rb === null || decisionKey(x) !== decisionKey(y);
  const list: ArgDifference[] = [];
  const single = words.length === 1 && words[0].exact ? words[0] : undefined;
  const where = single ? argOfWord(arch, single.word) : undefined;
  if (single && where) {
    // One word, compared on all its bits: the candidates are the starts of runs of equal behaviour.
    const shift = where.high ? 32n : 0n;
    const vals = single.values;
    let open: { from: number; a: Decision; b: Decision; key: string } | undefined;
    const close = (last: number): void => {
      if (!open) return;
      const value = BigInt(open.from) << shift;
      const upTo = BigInt(last) << shift;
      list.push({ args: [{ index: where.index, value, ...(last > open.from ? { upTo } : {}) }], a: open.a, b: open.b });
      open = undefined;
    };
    vals.forEach((v, i) => {
      const [x, y] = run(new Map([[single.word, v]]));
      const key = `${decisionKey(x)}/${decisionKey(y)}`;
      const differs = differ(x, y);
      if (open && open.key !== key) close(v - 1);
      if (differs && !open) open = { from: v, a: x, b: y, key };
      if (i === vals.length - 1) close(0xffff_ffff);
    });
    return { list };
  }
  const seen = new Set<string>();
  for (const assign of assignments(words)) {
    const [x, y] = run(assign);
    if (!differ(x, y)) continue;
    const byArg = new Map<number, bigint>();
    for (const w of words) {
      const at = argOfWord(arch, w.word);
      if (!at) continue;
      const v = BigInt(assign.get(w.word) ?? 0);
      byArg.set(at.index, (byArg.get(at.index) ?? 0n) | (at.high ? v << 32n : v));
    }
    const args = [...byArg].sort((p, q) => p[0] - q[0]).map(([index, value]) => ({ index, value }));
    const key = JSON.stringify(args.map((g) => [g.index, String(g.value)]));
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ args, a: x, b: y });
  }
  return { list };
}
