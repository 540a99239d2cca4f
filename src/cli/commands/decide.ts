// `seccomp decide`: what a profile does with one syscall and its arguments, or (--all) with
// every syscall of the arch, without running anything.
import { decide, dependence, type Decision } from '../../decide.js';
import { syscallName } from '../../library.js';
import { libseccompArchName } from '../../profile/compile.js';
import { NEWER_SYSCALLS, newerSyscallNumber } from '../../bpf/newer-syscalls.js';
import type { CompiledProfile } from '../../profile/types.js';
import { type Command, ExitCode, UsageError } from '../command.js';
import { formatDecision, formatDependence } from '../format.js';
import { compileFromOptions, PROFILE_OPTIONS } from '../profile-options.js';

/** A syscall argument from the command line: decimal or 0x hex, at most 64 bits. */
export function parseSyscallArg(text: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) throw new UsageError(`argument "${text}" is not a decimal or 0x hex number`);
  const v = BigInt(text);
  if (v > 0xffff_ffff_ffff_ffffn) throw new UsageError(`argument "${text}" does not fit 64 bits`);
  return v;
}

/** decide --all's rows: `NR<TAB>NAME<TAB>DECISION` for every syscall `arch` (libseccomp name) has. */
export function decideAll(c: CompiledProfile, arch: string): string[] {
  // Numbers from the arch's base (x32: 0x40000000, MIPS: 4000/5000/6000) to the newest we know.
  const table = new Map<number, string>();
  for (const name of Object.keys(NEWER_SYSCALLS)) {
    const nr = newerSyscallNumber(name, arch);
    if (nr !== undefined) table.set(nr, name);
  }
  const base = (newerSyscallNumber('pidfd_send_signal', arch) ?? 424) - 424;
  const newest = Math.max(base + 424, ...table.keys());
  const lines: string[] = [];
  for (let nr = base; nr <= newest; nr++) {
    const name = syscallName(nr, arch) ?? table.get(nr);
    if (!name) continue;
    lines.push(`${nr}\t${name}\t${formatDependence(dependence(c, nr, arch), decide(c, { syscall: nr, arch }))}`);
  }
  return lines;
}

export const command: Command = {
  name: 'decide',
  summary: 'what a profile does with one syscall (--all: every one)',
  synopsis: '[options] (SYSCALL [ARG...] | --all)',
  description: `Prints what the profile (default docker-default) does with SYSCALL (a name or a number) called
with ARGs (up to six; decimal or 0x hex; missing ones are 0), without running anything.
--all prints every syscall of the arch as "NR<TAB>NAME<TAB>DECISION", where DECISION is
"depends on args[I], ...: D1 | D2 ..." when the answer depends on the arguments.

exit status: 0, or 1 for an invalid profile, 125 for a usage error.
`,
  options: [...PROFILE_OPTIONS, { flag: '--all', help: 'every syscall of the arch, one per line' }],
  async run(args, io) {
    const all = args.has('--all');
    const n = args.positional.length;
    if (all ? n !== 0 : n < 1 || n > 7) throw new UsageError('decide takes SYSCALL [ARG...] (at most six) or --all');
    const c = await compileFromOptions(args, io);
    let arch: string;
    try {
      arch = libseccompArchName(args.last('--arch') ?? c.context.arch);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (all) {
      io.stdout(`${decideAll(c, arch).join('\n')}\n`);
      return ExitCode.OK;
    }
    const [syscall, ...rest] = args.positional;
    const query = /^\d+$/.test(syscall) ? Number(syscall) : syscall;
    const values = rest.map(parseSyscallArg);
    let d: Decision;
    try {
      d = decide(c, { syscall: query, args: values, arch });
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    io.stdout(`${syscall}(${rest.join(', ')}): ${formatDecision(d)}\n`);
    return ExitCode.OK;
  },
};
