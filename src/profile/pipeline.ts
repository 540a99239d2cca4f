// The steps of compile() after load and resolve, one after the other: the rules sorted by who
// numbers them (rules.ts), libseccomp's program (libseccomp-program.ts), the blocks put in front
// of it (patch.ts). Numbers come from the resolver given, so explain/lint/diff/export can run
// the same pipeline that compile() runs.
import { archToken } from '../arch.js';
import { MAX_INSNS, INSN_SIZE } from '../bpf/program.js';
import type { LastSyscall } from '../bpf/enosys.js';
import { ErrorCode, SeccompError } from '../errors.js';
import { libseccompArchName } from '../model/arch.js';
import type { SyscallResolver } from '../model/resolver.js';
import type { Bytes } from '../node-shapes.js';
import type { BuildOptions } from './cache-key.js';
import { insnsLowerBound } from './estimate.js';
import { narrowRules } from './kernel-args.js';
import { filterFlagsOf, libseccompProgram } from './libseccomp-program.js';
import { numbersFrom } from './numbers.js';
import { newerSyscallBlock, patchProgram } from './patch.js';
import { sortRules } from './rules.js';
import type { ProfileContext, ProfileWarning, ResolvedProfile, ResolvedRule } from './types.js';

export interface Built {
  bpf: Bytes;
  arches: string[];
  flags: string[];
  filterFlags: number;
  rules: ResolvedRule[];
  unknownSyscalls: string[];
  tableSyscalls: string[];
  warnings: ProfileWarning[];
  lastSyscalls: LastSyscall[];
}

/** What the pipeline needs from the system: syscall numbers, the host arch, the library's name. */
export interface Environment {
  resolver: SyscallResolver;
  /** libseccomp name of the host arch (names are resolved there, as runc does). */
  host: string;
  /** e.g. "libseccomp 2.5.4", for messages. */
  library: string;
  /** Whether a name is a syscall on some arch. */
  isSyscall: (name: string) => boolean;
}

export function tooLarge(count: string): SeccompError {
  return new SeccompError(
    `the profile's filter needs ${count} BPF instructions; the kernel's limit is ${MAX_INSNS} (BPF_MAXINSNS)`,
    { code: ErrorCode.PROFILE_TOO_LARGE },
  );
}

/** A resolved profile's full program, as compile() builds it. */
export function buildProgram(rp: ResolvedProfile, ctx: ProfileContext, doc: unknown, o: BuildOptions, env: Environment): Built {
  const warnings = [...rp.warnings];
  const flags: string[] = [];
  const filterFlags = filterFlagsOf(rp, flags, warnings);
  const target = rp.targetArch ?? libseccompArchName(ctx.arch);
  archToken(target); // an arch the installed libseccomp lacks is refused before anything else
  const arches: string[] = [];
  for (const a of [target, ...rp.arches]) if (!arches.includes(a)) arches.push(a);

  // narrowArgs: values on arguments the kernel reads narrower than libseccomp compares are cut
  // to that width before anything sees them; the blocks in front of the program do the rest.
  const narrowed = o.narrowArgs ? narrowRules(rp.rules, arches, warnings) : undefined;
  const sorted = sortRules(narrowed ? narrowed.rules : rp.rules, {
    host: env.host,
    target,
    arches,
    resolver: env.resolver,
    newSyscalls: o.newSyscalls,
    unknownSyscalls: o.unknownSyscalls,
    isSyscall: env.isSyscall,
    library: env.library,
    doc,
  }, warnings);
  const block = newerSyscallBlock(sorted.table, arches, env.library);
  // Refused before libseccomp when the program cannot fit: libseccomp takes minutes over
  // thousands of argument comparisons before the exact check below could say so.
  const atLeast = block.length + insnsLowerBound(sorted.rules.filter((r) => !r.numbers));
  if (atLeast > MAX_INSNS) throw tooLarge(`at least ${atLeast}`);

  const program = libseccompProgram(rp, target, env.host, sorted.rules, sorted.hostNumbers, o.optimize);
  const { bpf, lastSyscalls } = patchProgram({
    program,
    block,
    profile: rp,
    arches,
    rules: sorted.rules,
    numbers: numbersFrom(env.resolver, o.newSyscalls),
    ...(narrowed ? { narrowed: narrowed.spec } : {}),
    enosys: o.enosys,
    multiplexers: o.multiplexers,
    specialize: o.specialize,
  });
  if (bpf.length / INSN_SIZE > MAX_INSNS) throw tooLarge(String(bpf.length / INSN_SIZE));
  return {
    bpf,
    arches,
    flags,
    filterFlags,
    rules: sorted.rules,
    unknownSyscalls: sorted.unknown,
    tableSyscalls: sorted.tableNames,
    warnings,
    lastSyscalls,
  };
}
