// merge(): one Docker-format profile whose decisions are the least (union) or most (intersect)
// restrictive of its inputs', for the context they were compiled in. Decisions are read from
// the programs run by run (as diff does); a syscall whose answer depends on arguments keeps the
// rules of the one input whose answers the merge takes on every argument boundary, and is
// refused (ERR_SECCOMP_MERGE) when the merged answers match no single input.
import type { ActionName } from '../action.js';
import { auditArch } from '../bpf/enosys.js';
import { execute } from '../bpf/interpret.js';
import { BPF, type Insn } from '../bpf/program.js';
import { decisionOf, type Decision } from '../decide.js';
import { ErrorCode, SeccompError, argRangeError, argTypeError } from '../errors.js';
import { programOf, residualOf, runsOf } from './diff.js';
import { flagsField, groupRules, profileAction, scmpArches, type FlatProfile } from '../export/flatten.js';
import { libseccompArchName } from '../profile/compile.js';
import type { CompiledProfile, ResolvedRule } from '../profile/types.js';
import { decisionKey, syscallNameAt, syscallTable } from './names.js';
import { assignments, wordCandidates, type WordCandidates } from './samples.js';

export type MergeMode = 'union' | 'intersect';

/** The kernel's precedence of actions, most restrictive first (kernel/seccomp.c). */
const PRECEDENCE: readonly ActionName[] = ['KILL_PROCESS', 'KILL_THREAD', 'TRAP', 'ERRNO', 'NOTIFY', 'TRACE', 'LOG', 'ALLOW'];

/** How permissive an action is: 0 (kills the process) .. 7 (allows). */
export function permissiveness(d: Decision): number {
  return PRECEDENCE.indexOf(d.action);
}

/** The least (union) or most (intersect) restrictive decision; ties go to the first one. */
export function pick(ds: readonly Decision[], mode: MergeMode): Decision {
  let best = ds[0];
  for (const d of ds.slice(1)) {
    const r = permissiveness(d) - permissiveness(best);
    if (mode === 'union' ? r > 0 : r < 0) best = d;
  }
  return best;
}

type Plan = { kind: 'const'; d: Decision } | { kind: 'rules'; input: number; outcomes: Decision[] };

const RET_K = BPF.RET | BPF.K;
const constantOf = (code: readonly Insn[]): Decision | undefined =>
  code.length === 1 && code[0].code === RET_K ? decisionOf(code[0].k >>> 0) : undefined;

function refuse(message: string): SeccompError {
  return new SeccompError(`cannot merge: ${message}`, { code: ErrorCode.MERGE });
}

function defaultOf(c: CompiledProfile): Decision {
  if (c.unconfined) return { action: 'ALLOW' };
  if (c.defaultAction === 'ERRNO') return { action: 'ERRNO', errno: c.defaultData ?? 1 };
  if (c.defaultAction === 'TRACE') return { action: 'TRACE', data: c.defaultData ?? 0 };
  return { action: c.defaultAction };
}

/** What the merge answers for one run of numbers (all inputs' code fixed for it). */
function planFor(codes: Insn[][], mode: MergeMode, nr: number, audit: number, what: () => string): Plan {
  const consts = codes.map(constantOf);
  if (consts.every((d) => d !== undefined)) return { kind: 'const', d: pick(consts as Decision[], mode) };
  const cands = new Map<number, WordCandidates>();
  for (const code of codes) {
    for (const [w, c] of wordCandidates(code)) {
      const have = cands.get(w);
      cands.set(w, have ? { word: w, values: [...new Set([...have.values, ...c.values])].sort((p, q) => p - q), exact: false } : c);
    }
  }
  const data = new Uint32Array(16);
  const merged: Decision[] = [];
  const each: Decision[][] = codes.map(() => []);
  for (const assign of assignments([...cands.values()])) {
    data.fill(0);
    data[0] = nr >>> 0;
    data[1] = audit;
    for (const [w, v] of assign) data[w] = v;
    const ds = codes.map((code) => decisionOf(execute(code, data)));
    ds.forEach((d, i) => each[i].push(d));
    merged.push(pick(ds, mode));
  }
  const keys = merged.map(decisionKey);
  // One action throughout (errnos may differ where inputs tie): one answer, the first errno.
  if (merged.every((d) => d.action === merged[0].action)) return { kind: 'const', d: merged[0] };
  const input = codes.findIndex((_, i) => consts[i] === undefined && each[i].every((d, j) => decisionKey(d) === keys[j]));
  if (input < 0) throw refuse(`${what()}: the merged answer depends on arguments in a way no single input's rules express`);
  return { kind: 'rules', input, outcomes: each[input] };
}

/**
 * Merges compiled profiles (compiled for one context) into a flat Docker-format profile whose
 * decisions are the union (least restrictive) or intersection (most restrictive) of theirs.
 * Numbers no syscall has take the merged default action (or ENOSYS above the last rule).
 */
export function merge(inputs: readonly CompiledProfile[], mode: MergeMode): FlatProfile {
  if (!Array.isArray(inputs) || inputs.length === 0) throw argTypeError('merge needs an array of at least one compiled profile');
  if (mode !== 'union' && mode !== 'intersect') throw argRangeError(`mode must be 'union' or 'intersect'; got ${String(mode)}`);
  const programs = inputs.map((c, i) => programOf(c, `inputs[${i}]`));
  const ctxArch = (c: CompiledProfile): string => libseccompArchName(c.context?.arch ?? 'native');
  const native = ctxArch(inputs[0]);
  inputs.forEach((c, i) => {
    if (ctxArch(c) !== native) throw refuse(`inputs[${i}] was compiled for ${ctxArch(c)}, inputs[0] for ${native}`);
  });
  const mergedDefault = pick(inputs.map(defaultOf), mode);
  // An input answers arches outside its filter with its bad-arch action (a kill): the union
  // covers every input's arches, the intersection only those all inputs have.
  const archSets = inputs.filter((c) => !c.unconfined).map((c) => (c.arches.length ? c.arches : [native]).map((a: string) => libseccompArchName(a)));
  let arches = [...new Set(archSets.flat())];
  if (mode === 'intersect') arches = arches.filter((a) => archSets.every((s) => s.includes(a)));
  if (arches.length === 0) arches = [native];

  const plans = new Map<string, { plan: Plan; arch: string }>();
  for (const arch of arches) {
    const audit = auditArch(arch);
    const { starts, end } = runsOf(programs, arch);
    for (let i = 0; i < starts.length; i++) {
      const from = starts[i];
      const to = (starts[i + 1] ?? end) - 1;
      const named = to - from < 4096
        ? Array.from({ length: to - from + 1 }, (_, k) => from + k).filter((n) => syscallNameAt(arch, n) !== undefined)
        : [...syscallTable(arch).keys()].filter((n) => n >= from && n <= to);
      if (named.length === 0) continue;
      const codes = programs.map((p) => residualOf(p, audit, from));
      const plan = planFor(codes, mode, from, audit, () => `${syscallNameAt(arch, from) ?? `syscall ${from}`} on ${arch}`);
      for (const nr of named) record(syscallNameAt(arch, nr)!, arch, plan);
    }
  }

  function record(name: string, arch: string, plan: Plan): void {
    const have = plans.get(name);
    if (!have) {
      plans.set(name, { plan, arch });
      return;
    }
    const p = have.plan;
    // A profile names syscalls, not (arch, number): where arches disagree the union takes the
    // more permissive answer and the intersection the stricter, so each still holds on every arch.
    if (p.kind === 'const' && plan.kind === 'const') {
      if (permissiveness(p.d) !== permissiveness(plan.d)) have.plan = { kind: 'const', d: pick([p.d, plan.d], mode) };
      // Equal but for the errno (ENOSYS from one arch's stub, EPERM by default on another):
      // leave it to the default, and each arch's stub answers as the inputs' did.
      else if (decisionKey(plan.d) === decisionKey(mergedDefault)) have.plan = plan;
      return;
    }
    if (p.kind === 'rules' && plan.kind === 'rules' && p.input === plan.input) return;
    // An answer that is at least as permissive (union) or strict (intersect) as every answer of
    // the rules wins over them, and loses to them the other way round.
    if (p.kind !== plan.kind) {
      const c = (p.kind === 'const' ? p : plan) as { d: Decision };
      const r = (p.kind === 'rules' ? p : plan) as { outcomes: Decision[] };
      const ranks = r.outcomes.map(permissiveness);
      const k = permissiveness(c.d);
      const [hi, lo] = [Math.max(...ranks), Math.min(...ranks)];
      const constWins = mode === 'union' ? k >= hi : k <= lo;
      const rulesWin = mode === 'union' ? k <= lo : k >= hi;
      if (constWins || rulesWin) {
        have.plan = constWins ? (c as Plan) : ((p.kind === 'rules' ? p : plan) as Plan);
        return;
      }
    }
    throw refuse(`${name} depends on arguments on ${p.kind === 'rules' ? have.arch : arch} but not alike on ${p.kind === 'rules' ? arch : have.arch}`);
  }

  const rules: Pick<ResolvedRule, 'syscall' | 'action' | 'data' | 'conditions'>[] = [];
  const defaultKey = decisionKey(mergedDefault);
  for (const [name, { plan }] of [...plans].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (plan.kind === 'const') {
      if (decisionKey(plan.d) === defaultKey) continue;
      rules.push({ syscall: name, action: plan.d.action, data: plan.d.errno ?? plan.d.data, conditions: [] });
      continue;
    }
    const from = inputs[plan.input];
    if (decisionKey(defaultOf(from)) !== defaultKey) {
      throw refuse(`${name}: inputs[${plan.input}]'s rules fall through to its default action, which is not the merged one`);
    }
    for (const r of from.rules) if (r.syscall === name) rules.push(r);
  }
  // The ENOSYS stub starts above each arch's highest named syscall, rules equal to the default
  // included (runc counts them): keep the inputs' highest so the stub starts where theirs do.
  const named = new Set(rules.map((r) => r.syscall));
  for (const arch of arches) {
    const last = Math.max(-1, ...inputs.flatMap((c) => c.lastSyscalls.filter((l: { arch: string }) => l.arch === arch).map((l: { nr: number }) => l.nr)));
    const name = last < 0 ? undefined : syscallNameAt(arch, last);
    if (name !== undefined && !named.has(name)) {
      rules.push({ syscall: name, action: mergedDefault.action, data: mergedDefault.errno ?? mergedDefault.data, conditions: [] });
      named.add(name);
    }
  }
  const flags = [...new Set(inputs.flatMap((c) => c.flags))].sort();
  const listener = inputs.find((c) => c.listenerPath !== undefined);
  return {
    defaultAction: profileAction(mergedDefault.action),
    ...(mergedDefault.action === 'ERRNO' ? { defaultErrnoRet: mergedDefault.errno } : {}),
    ...(mergedDefault.action === 'TRACE' ? { defaultErrnoRet: mergedDefault.data } : {}),
    architectures: scmpArches(arches),
    ...flagsField(flags),
    ...(listener ? { listenerPath: listener.listenerPath } : {}),
    ...(listener?.listenerMetadata !== undefined ? { listenerMetadata: listener.listenerMetadata } : {}),
    syscalls: groupRules(rules),
  };
}
