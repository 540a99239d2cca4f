// `seccomp record [-o FILE] [--base P] [--append] -- COMMAND [ARG...]`: run COMMAND with every
// syscall it makes (or every one the base does not allow) let through and noted, then write the
// least-privilege profile for it. Exit status: COMMAND's (the profile is written either way).
import { fs, os, path } from '../../builtins.js';
import { capabilitiesFrom } from '../profile-options.js';
import { type Command, CommandFailure, ExitCode, UsageError } from '../command.js';

export const command: Command = {
  name: 'record',
  summary: 'run COMMAND and write the profile that allows what it did',
  synopsis: '[-o FILE] [--base PROFILE] [--append] -- COMMAND [ARG...]',
  description:
    'Syscalls are let through and noted for the whole process tree (user notification, no root\n' +
    'needed; Linux 5.5+). The profile denies everything else with EPERM (ENOSYS above the highest\n' +
    'syscall it names, as runc does). Record with the stdio the replay will have: pipes, files\n' +
    'and terminals make programs use different syscalls.\n\n' +
    'exit status: COMMAND\'s own (128+N for signal N); 125 when recording failed.',
  options: [
    { flag: '--output', short: '-o', value: 'FILE', help: 'write the profile to FILE (default: stdout)' },
    { flag: '--base', value: 'PROFILE', help: 'record only what PROFILE (e.g. docker-default) does not allow; the result extends it' },
    { flag: '--append', help: 'merge with the profile already in FILE (a union of the runs)' },
    { flag: '--kernel', value: 'VERSION', help: 'evaluate --base as on Linux VERSION (e.g. 4.7, where docker-default has no ptrace)' },
    { flag: '--cap-add', value: 'CAP', repeat: true, help: 'the command holds CAP (as with seccomp run)' },
    { flag: '--cap-drop', value: 'CAP|ALL', repeat: true, help: 'the command does not hold CAP' },
    { flag: '--isolation', value: 'MODE', choices: ['full', 'available', 'none'], help: 'as with seccomp run (default: full)' },
  ],
  stopAtPositional: true,
  async run(args, io) {
    const [cmd, ...rest] = args.positional;
    if (cmd === undefined || cmd === '') throw new UsageError('missing COMMAND (seccomp record [options] -- COMMAND [ARG...])');
    const out = args.last('--output');
    const file = out === undefined ? undefined : path.resolve(io.cwd, out);
    if (args.has('--append') && file === undefined) throw new UsageError('--append needs -o FILE (the profile to merge with)');
    if (args.has('--kernel') && !args.has('--base')) throw new UsageError('--kernel needs --base (the kernel the base is evaluated for)');
    let append: Record<string, unknown> | undefined;
    if (args.has('--append') && file !== undefined && fs.existsSync(file)) {
      try {
        append = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      } catch (err) {
        throw new CommandFailure(`--append: ${file}: ${(err as Error).message}`, ExitCode.RUNNER);
      }
    }
    const capabilities = capabilitiesFrom(args);
    const { record } = await import('../../record/record.js');
    let r;
    try {
      r = await record(cmd, rest, {
        capabilities,
        cwd: io.cwd,
        env: io.env,
        ...(args.last('--base') !== undefined ? { base: args.last('--base') } : {}),
        ...(append ? { append } : {}),
        ...(args.last('--kernel') !== undefined ? { kernel: args.last('--kernel') } : {}),
        ...(args.last('--isolation') !== undefined ? { isolation: args.last('--isolation') as 'full' | 'available' | 'none' } : {}),
      });
    } catch (err) {
      const code = (err as { code?: string }).code;
      const status = code === 'ENOENT' ? ExitCode.NOT_FOUND : code === 'EACCES' ? ExitCode.NOT_EXECUTABLE : ExitCode.RUNNER;
      throw new CommandFailure(`record: ${(err as Error).message}`, status);
    }
    const text = `${JSON.stringify(r.profile, null, 2)}\n`;
    if (file === undefined) io.stdout(text);
    else {
      fs.writeFileSync(file, text);
      const rules = (r.profile.syscalls as unknown[]).length;
      io.stderr(`seccomp: wrote ${file} (${rules} rule${rules === 1 ? '' : 's'}, ${r.notifications} syscalls seen)\n`);
    }
    if (r.signal) return ExitCode.SIGNAL_BASE + ((os().constants.signals as Record<string, number>)[r.signal] ?? 0);
    return r.code ?? ExitCode.RUNNER;
  },
};
