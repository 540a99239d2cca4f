// `seccomp groups [NAME]`: the syscall groups a profile may name (`@network`, ...), and with a
// NAME, its syscalls and their numbers on the arch (a dash where the arch has no such syscall).
import { archToken } from '../../arch.js';
import { type Command, ExitCode, UsageError } from '../command.js';

export const command: Command = {
  name: 'groups',
  summary: 'list the syscall groups (@network, @file-write, ...) profiles may name',
  synopsis: '[--arch ARCH] [@GROUP]',
  description:
    'Without @GROUP: each group and what it covers. With @GROUP: its syscalls, one a line, with their\n' +
    'number on ARCH (default: this machine\'s), "-" where ARCH has no such syscall.\n' +
    'Groups may be used in a profile\'s "names", and in --allow, --deny and --errno.',
  options: [{ flag: '--arch', value: 'ARCH', help: 'the arch whose numbers to show (default: this machine\'s)' }],
  async run(args, io) {
    const { SYSCALL_GROUPS, groupSyscalls, groupNames } = await import('../../profile/groups.js');
    if (args.positional.length > 1) throw new UsageError('groups takes at most one @GROUP');
    const [name] = args.positional;
    if (name === undefined) {
      if (args.has('--arch')) throw new UsageError('--arch needs a @GROUP');
      const width = Math.max(...groupNames().map((n) => n.length));
      for (const n of groupNames()) io.stdout(`${n.padEnd(width)}  ${SYSCALL_GROUPS[n].description}\n`);
      return ExitCode.OK;
    }
    const group = name.startsWith('@') ? name : `@${name}`;
    const members = groupSyscalls(group);
    if (members === undefined) throw new UsageError(`unknown group ${JSON.stringify(name)} (groups: ${groupNames().join(', ')})`);
    const { libseccompArchName, syscallNumberOn } = await import('../../profile/compile.js');
    const { newerSyscallNumber } = await import('../../bpf/newer-syscalls.js');
    const { nativeArch } = await import('../../arch.js');
    let arch: string;
    try {
      arch = libseccompArchName(args.last('--arch') ?? nativeArch());
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const width = Math.max(...members.map((m) => m.length));
    for (const m of members) {
      const nr = syscallNumberOn(m, archToken(arch));
      // libseccomp's pseudo numbers: -101.. for socketcall's sub-calls, -201.. for ipc's.
      const via = nr !== undefined && nr <= -101 && nr > -300 ? (nr > -200 ? 'via socketcall' : 'via ipc') : undefined;
      const shown = nr !== undefined && nr >= 0 ? nr : (via ?? newerSyscallNumber(m, arch) ?? '-');
      io.stdout(`${m.padEnd(width)}  ${shown}\n`);
    }
    return ExitCode.OK;
  },
};
