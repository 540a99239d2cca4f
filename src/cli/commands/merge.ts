// `seccomp merge --union|--intersect A B ...`: one flat Docker-format profile whose decisions are
// the least or most restrictive of the inputs' in one context.
import { CommandFailure, ExitCode, UsageError, type Command } from '../command.js';
import { compileFromOptions, CONTEXT_OPTIONS } from '../profile-options.js';
import { writeOutput } from './output.js';

export const command: Command = {
  name: 'merge',
  summary: 'merge profiles: the union or the intersection of their decisions',
  synopsis: '--union|--intersect [options] PROFILE... [-o FILE]',
  description:
    'Every input is compiled for the same context (capabilities, arch, kernel); the result is a\n' +
    'flat Docker-format profile for that context. A syscall whose merged answer depends on its\n' +
    'arguments in a way no one input\'s rules express is refused.\n\n' +
    'exit status: 0 written, 1 the inputs cannot be merged into one profile, 125 a profile or an option is wrong.\n',
  options: [
    { flag: '--union', help: 'each syscall gets the least restrictive answer of the inputs' },
    { flag: '--intersect', help: 'each syscall gets the most restrictive answer of the inputs' },
    ...CONTEXT_OPTIONS,
    { flag: '--output', short: '-o', value: 'FILE', help: 'write the profile to FILE (default: stdout)' },
  ],
  async run(args, io) {
    const union = args.has('--union');
    if (union === args.has('--intersect')) throw new UsageError('give exactly one of --union and --intersect');
    if (args.positional.length === 0) throw new UsageError('merge needs at least one profile');
    const inputs = [];
    for (const profile of args.positional) {
      try {
        inputs.push(await compileFromOptions(args, io, { profile }));
      } catch (err) {
        if (err instanceof CommandFailure) throw new CommandFailure(`${profile}: ${err.message}`, ExitCode.RUNNER);
        throw err;
      }
    }
    const { merge } = await import('../../diff/merge.js');
    const { jsonText } = await import('../../export/json-text.js');
    let text: string;
    try {
      text = jsonText(merge(inputs, union ? 'union' : 'intersect'));
    } catch (err) {
      throw new CommandFailure(`error (${(err as { code?: string }).code ?? 'ERR'}): ${(err as Error).message}`, ExitCode.FAILED);
    }
    writeOutput(io, args.last('--output'), text);
    return ExitCode.OK;
  },
};
