// The patching step of compile(): what goes in front of libseccomp's program. compile's own block
// for the newest syscalls, runc's ENOSYS stub, the narrowing and multiplexer blocks (arguments as
// the kernel reads them), and last specialize(). Pure: BPF in, BPF out, numbers from `Numbers`.
import { actionValue, type ActionName } from '../action.js';
import { enosysApplies, enosysStub, lastSyscalls, type LastSyscall } from '../bpf/enosys.js';
import { multiplexerBlock, narrowingBlock } from '../bpf/narrow.js';
import { newerSyscallInsns, newerSyscallNumber, type NumberedRule } from '../bpf/newer-syscalls.js';
import { decode, encode, type Insn } from '../bpf/program.js';
import { specialize } from '../bpf/specialize.js';
import { unsupported } from '../errors.js';
import type { Bytes } from '../node-shapes.js';
import { multiplexers, narrowTargets, type NarrowSpec } from './kernel-args.js';
import type { Numbers } from './numbers.js';
import type { ResolvedProfile, ResolvedRule } from './types.js';

/**
 * Rules numbered from our table, per arch of the filter. All rules on one such syscall must
 * share an action: libseccomp's ordering of overlapping rules with different actions is not
 * reproduced here, so such a profile is refused rather than approximated.
 */
function numberedRules(rules: readonly ResolvedRule[], arches: readonly string[], library: string): NumberedRule[] {
  const actionOf = new Map<string, ResolvedRule>();
  const out: NumberedRule[] = [];
  for (const r of rules) {
    const first = actionOf.get(r.syscall);
    if (first === undefined) actionOf.set(r.syscall, r);
    else if (first.action !== r.action || first.data !== r.data) {
      throw unsupported(
        `${r.source}: "${r.syscall}" has rules with different actions (also ${first.source}); ` +
          `${library} cannot name it, and compile's own block serves one action per syscall ` +
          '(pass newSyscalls: false to skip it as runc does)',
        { syscall: r.syscall, problems: [{ path: r.source, message: 'different actions on a syscall numbered by compile' }] },
      );
    }
    const ret = actionValue(r.action, r.data);
    for (const arch of arches) {
      const nr = newerSyscallNumber(r.syscall, arch);
      if (nr === undefined) throw new Error(`internal: no number for ${r.syscall} on ${arch}`);
      out.push({ arch, nr, ret, conditions: r.conditions });
    }
  }
  return out;
}

/** compile's block for the rules our table numbers (empty when there are none). */
export function newerSyscallBlock(table: readonly ResolvedRule[], arches: readonly string[], library: string): Insn[] {
  return newerSyscallInsns(numberedRules(table, arches, library));
}

export interface PatchInput {
  /** libseccomp's exported program. */
  program: Bytes;
  /** compile's block for the newest syscalls, from newerSyscallBlock(). */
  block: readonly Insn[];
  /** The profile, for its default action, arches and every name it uses (the ENOSYS stub). */
  profile: Pick<ResolvedProfile, 'defaultAction' | 'arches' | 'rules' | 'redundantSyscalls'>;
  /** The filter's arches, target first. */
  arches: readonly string[];
  /** The rules in the filter (for the multiplexer block). */
  rules: readonly ResolvedRule[];
  numbers: Numbers;
  /** narrowArgs: the arguments cut to the kernel's width (kernel-args.ts); undefined when off. */
  narrowed?: NarrowSpec;
  enosys: boolean;
  multiplexers: boolean;
  specialize: boolean;
}

/** The full program and the stub's per-arch last syscalls. */
export function patchProgram(p: PatchInput): { bpf: Bytes; lastSyscalls: LastSyscall[] } {
  const parts: Buffer[] = [p.program as Buffer];
  // Our block goes right before libseccomp's program, the ENOSYS stub before both.
  if (p.block.length) parts.unshift(encode(p.block as Insn[]));
  let last: LastSyscall[] = [];
  let stub: Buffer | undefined;
  if (p.enosys && enosysApplies(p.profile.defaultAction as ActionName)) {
    const names = new Set<string>();
    for (const r of p.profile.rules) names.add(r.syscall);
    for (const n of p.profile.redundantSyscalls ?? []) names.add(n);
    last = lastSyscalls(names, p.profile.arches, p.numbers.numberOn);
    const s = enosysStub(last);
    if (s.length) stub = s;
  }
  let rulesOnly = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  let built = stub ? Buffer.concat([stub, rulesOnly]) : rulesOnly;
  if (p.narrowed) {
    const targets = narrowTargets(p.narrowed, p.arches as string[], p.numbers.directNumberOn);
    const front = narrowingBlock(decode(built), targets);
    if (front.length) built = Buffer.concat([encode(front), built]);
    if (stub && front.length && p.multiplexers) {
      rulesOnly = Buffer.concat([encode(narrowingBlock(decode(rulesOnly), targets)), rulesOnly]);
    }
  }
  if (p.multiplexers) {
    const front = multiplexerBlock(decode(built), stub ? decode(rulesOnly) : decode(built), multiplexers(p.rules as ResolvedRule[], p.arches as string[], p.numbers.directNumberOn));
    if (front.length) built = Buffer.concat([encode(front), built]);
  }
  // The same decisions in fewer instructions and short paths (the kernel's attach cost grows
  // with the length); the input comes back unchanged when the pass cannot prove it exact.
  return { bpf: p.specialize ? specialize(built) : built, lastSyscalls: last };
}
