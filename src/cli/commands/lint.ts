// `seccomp lint [--profile P | PROFILE] [--json] [--target T] [context options]`: the profile's
// hazards, one per line with its JSON path and fix; exit 1 when one is an error.
import { resolve } from 'node:path';
import { ArgCode, ErrorCode } from '../../errors.js';
import { formatProfileError as profileError } from '../format.js';
import { BUILTIN_NAMES } from '../../profiles/index.js';
import { type Command, CommandFailure, ExitCode, UsageError } from '../command.js';
import { capabilitiesFrom, CONTEXT_OPTIONS, PROFILE_OPTION } from '../profile-options.js';
import type { Finding, LintTarget } from '../../lint/types.js';

const TARGETS = ['docker', 'kubernetes', 'sandbox'];
/** Errors that mean a wrong option value, not a wrong profile. */
const OPTION_CODES: readonly string[] = [ErrorCode.UNKNOWN_ARCH, ErrorCode.UNKNOWN_CAPABILITY, ArgCode.RANGE, ArgCode.TYPE];

function text(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings\n';
  const lines = findings.map((f) => `${f.path || '(profile)'}: ${f.severity} ${f.code}: ${f.message}\n  fix: ${f.fix}\n`);
  const count = (s: string) => findings.filter((f) => f.severity === s).length;
  const n = (k: number, what: string) => `${k} ${what}${k === 1 ? '' : 's'}`;
  return `${lines.join('')}${n(count('error'), 'error')}, ${n(count('warning'), 'warning')}, ${n(count('info'), 'note')}\n`;
}

export const command: Command = {
  name: 'lint',
  summary: "find a profile's hazards: bypassable denies, fatal probes, dead rules, typos",
  synopsis: '[options] [--json] [--target T] [PROFILE]',
  description:
    'Each finding has a stable code, a severity, the JSON path it concerns and a fix. The profile is\n' +
    'judged as --target loads it (default docker: as runc does) under the capabilities docker run\n' +
    'would give (--cap-add/--cap-drop), for --arch and --kernel.\n\n' +
    'exit status: 0 no error-level finding, 1 an error-level finding or an invalid profile, 125 usage.',
  options: [
    PROFILE_OPTION,
    { flag: '--json', help: 'print {"findings": [...]} as JSON' },
    { flag: '--target', value: 'T', choices: TARGETS, help: 'where the profile runs: docker (default), kubernetes, sandbox' },
    ...CONTEXT_OPTIONS.filter((o) => ['--cap-add', '--cap-drop', '--arch', '--kernel'].includes(o.flag)),
  ],
  async run(args, io) {
    if (args.positional.length > 1) throw new UsageError(`one profile at a time, got ${args.positional.length}`);
    const given = args.last('--profile');
    if (given !== undefined && args.positional.length > 0) throw new UsageError('give the profile either as --profile or as PROFILE, not both');
    let profile = given ?? args.positional[0] ?? 'docker-default';
    const builtin = profile === 'unconfined' || BUILTIN_NAMES.includes(profile);
    if (!builtin && !profile.trimStart().startsWith('{')) profile = resolve(io.cwd, profile);
    const { lint } = await import('../../lint/index.js');
    const options = {
      capabilities: capabilitiesFrom(args),
      arch: args.last('--arch'),
      kernel: args.last('--kernel'),
      target: (args.last('--target') ?? 'docker') as LintTarget,
    };
    let findings: Finding[];
    try {
      findings = lint(profile, options);
    } catch (err) {
      const code = (err as { code?: unknown })?.code;
      if (typeof code === 'string' && OPTION_CODES.includes(code)) throw new UsageError((err as Error).message);
      throw new CommandFailure(profileError(err), ExitCode.FAILED);
    }
    io.stdout(args.has('--json') ? `${JSON.stringify({ findings }, null, 2)}\n` : text(findings));
    return findings.some((f) => f.severity === 'error') ? ExitCode.FAILED : ExitCode.OK;
  },
};
