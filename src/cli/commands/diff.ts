// `seccomp diff A B`: where two profiles decide differently in one context, read from their
// compiled programs. Exit 1 when they differ, as diff(1).
import { path } from '../../builtins.js';
import { CommandFailure, ExitCode, UsageError, type Command } from '../command.js';
import { compileFromOptions, CONTEXT_OPTIONS } from '../profile-options.js';

export const command: Command = {
  name: 'diff',
  summary: 'compare what two profiles decide, syscall by syscall and per arch',
  synopsis: '[options] PROFILE_A PROFILE_B',
  description:
    'Both profiles are compiled for the same context (capabilities, arch, kernel) and their\n' +
    'programs compared: every syscall number answered differently, and for syscalls whose answer\n' +
    'depends on arguments, the argument values answered differently.\n\n' +
    'exit status: 0 the same, 1 they differ, 125 a profile or an option is wrong.\n',
  options: [
    ...CONTEXT_OPTIONS,
    { flag: '--filter-arch', value: 'ARCH', repeat: true, help: 'compare only this arch of the filters (default: every arch of either)' },
    { flag: '--json', help: 'print the differences as JSON' },
  ],
  async run(args, io) {
    if (args.positional.length !== 2) throw new UsageError(`diff needs two profiles, got ${args.positional.length}`);
    const [pa, pb] = args.positional;
    const compiled = async (profile: string) => {
      try {
        return await compileFromOptions(args, io, { profile });
      } catch (err) {
        if (err instanceof CommandFailure) throw new CommandFailure(`${profile}: ${err.message}`, ExitCode.RUNNER);
        throw err;
      }
    };
    const a = await compiled(pa);
    const b = await compiled(pb);
    const { diff } = await import('../../diff/diff.js');
    const { diffJson, formatDiff } = await import('../../diff/format.js');
    const only = args.all('--filter-arch');
    let d;
    try {
      d = diff(a, b, only.length ? { arches: only } : {});
    } catch (err) {
      throw new CommandFailure(`error (${(err as { code?: string }).code ?? 'ERR'}): ${(err as Error).message}`);
    }
    io.stdout(args.has('--json') ? diffJson(d) : formatDiff(d, { a: path.basename(pa), b: path.basename(pb) }));
    return d.same ? ExitCode.OK : ExitCode.FAILED;
  },
};
