// `seccomp check PROFILE`: validates a profile in a context and shows what it compiles to.
import type { CompiledProfile } from '../../profile/types.js';
import { type Command, ExitCode, UsageError } from '../command.js';
import { formatWarnings } from '../format.js';
import { compositionLines } from '../../profile/compose.js';
import { compileFromOptions, CONTEXT_OPTIONS } from '../profile-options.js';

/** check's report: warnings first (where they are seen), then what `name` compiles to. */
export function checkReport(name: string, c: CompiledProfile): string {
  const n = c.warnings.length;
  const lines = [`${name}: valid${n ? ` (${n} warning${n > 1 ? 's' : ''} above)` : ''}`];
  if (c.unconfined) lines.push('  no filter (unconfined)');
  else {
    lines.push(`  default action: ${c.defaultAction}${c.defaultData !== undefined ? ` (${c.defaultData})` : ''}`);
    lines.push(`  arches: ${c.arches.join(', ')}`);
    lines.push(`  rules: ${c.rules.length}; BPF instructions: ${c.bpf.length / 8}`);
    lines.push(...compositionLines(c)); // a profile extending a base: where its rules come from
    lines.push(`  context: ${c.context.arch}, kernel ${c.context.kernel.major}.${c.context.kernel.minor}, ${c.context.capabilities.length} capabilities`);
    if (c.flags.length) lines.push(`  flags: ${c.flags.join(', ')}`);
    if (c.unknownSyscalls.length) lines.push(`  unknown to libseccomp (skipped): ${c.unknownSyscalls.join(', ')}`);
    lines.push(`  hash: ${c.hash}`);
  }
  return `${formatWarnings(c.warnings, 'warning: ')}${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'check',
  summary: 'validate a profile and show what it compiles to',
  synopsis: '[options] PROFILE',
  description: `Validates PROFILE (a built-in name or a JSON file) in the given context (Docker's default
capabilities unless changed, the native arch, this kernel) and prints its warnings first, then
what it compiles to: arches, rules, instructions and syscall names libseccomp does not know.

exit status: 0 valid, 1 invalid (every problem is listed with its JSON path), 125 usage error.
`,
  options: CONTEXT_OPTIONS,
  async run(args, io) {
    if (args.positional.length !== 1) throw new UsageError('check takes one PROFILE');
    const [profile] = args.positional;
    const c = await compileFromOptions(args, io, { profile });
    io.stdout(checkReport(profile, c));
    return ExitCode.OK;
  },
};
