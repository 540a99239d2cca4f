// The `seccomp` dispatcher: the command list (from the registry), the version, and an unknown
// command with a "did you mean". Returns the exit status; the bin entry (cli.ts) sets it.
import { fs, path } from '../builtins.js';
const { readFileSync } = fs;
const { join } = path;
import { packageRoot } from '../native.js';
import { type CommandIO, ExitCode } from './command.js';
import { processIO, runCommand, wrap } from './dispatch.js';
import { COMMANDS } from './registry.js';

/** `seccomp --help`: every registered command with its summary (its synopsis is in its own --help). */
export function mainUsage(): string {
  const names = Object.keys(COMMANDS);
  const width = Math.max(0, ...names.map((n) => n.length));
  const list = names.map((n) => {
    const [first, ...more] = wrap(COMMANDS[n].summary, 78 - width - 4);
    return [`  ${n.padEnd(width)}  ${first}`, ...more.map((t) => `${' '.repeat(width + 4)}${t}`)].join('\n');
  });
  return `usage: seccomp <command> [options]

commands:
${list.join('\n')}

options:
  -h, --help      this help (seccomp <command> --help: a command's options)
  -v, --version   the package version

examples:
  seccomp run -- ls /                         ls behind docker-default
  seccomp run --cap-add NET_ADMIN -- ip link  with one capability more
  seccomp check my.json                       is my.json valid; what it becomes
  seccomp decide --cap-add SYS_ADMIN unshare  the answer to one syscall
  seccomp explain get_mempolicy               why it is denied; what allows it
  seccomp run --report -- make                which syscalls make was denied
  seccomp record -o app.json -- node app.js   write the profile app.js needs
  seccomp lint my.json                        known hazards of my.json
`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

async function unknownCommand(name: string, io: CommandIO): Promise<number> {
  // Loaded only here: the suggestion code brings the syscall name table with it.
  const { nearest } = await import('../profile/suggest.js');
  const guess = nearest(name, Object.keys(COMMANDS));
  io.stderr(`seccomp: unknown command "${name}"${guess ? ` (did you mean "${guess}"?)` : ''} (see seccomp --help)\n`);
  return ExitCode.RUNNER;
}

/** Runs `seccomp ARGV...`; never exits the process. */
export async function main(argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  const [first, ...rest] = argv;
  try {
    // `seccomp help run` is `seccomp run --help`.
    if (first === 'help' && rest.length === 1 && Object.hasOwn(COMMANDS, rest[0])) {
      return await runCommand(await COMMANDS[rest[0]].load(), ['--help'], io);
    }
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
      io.stdout(mainUsage());
      return first === undefined ? ExitCode.RUNNER : ExitCode.OK;
    }
    if (first === '-v' || first === '--version') {
      io.stdout(`${version()}\n`);
      return ExitCode.OK;
    }
    // Own names only: "toString" or "constructor" is an unknown command, not Object.prototype's.
    if (!Object.hasOwn(COMMANDS, first)) return await unknownCommand(first, io);
    return await runCommand(await COMMANDS[first].load(), rest, io);
  } catch (err) {
    // A failure no command described: said plainly, never a stack trace.
    io.stderr(`seccomp: ${err instanceof Error ? err.message : String(err)}\n`);
    return ExitCode.RUNNER;
  }
}
