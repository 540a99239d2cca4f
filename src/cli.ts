#!/usr/bin/env node
// The `seccomp` command. Subcommands live in COMMANDS; `run` is `docker run --security-opt
// seccomp=...` without Docker. Exit codes follow docker run: 125 for errors of the runner
// itself, 126 command not executable, 127 command not found, 128+N death by signal N.
import { fs, os, path, url } from './builtins.js';
const { readFileSync, realpathSync } = fs;
const { constants } = os;
const { join } = path;
const { fileURLToPath } = url;
import { packageRoot } from './native.js';
import { markReported, reportableWarnings, warningLines } from './profile/report.js';
import type { CompiledProfile } from './profile/types.js';
import { effectiveCapabilities, parseOptions, profileError, unknownSyscallsOption, UsageError } from './cli-options.js';
import { type Isolation, isolationMode, type IsolationMode } from './isolation.js';
import { childCapabilitySet } from './capabilities.js';
import { fromDiskCache } from './profile/cached.js';
import { launchCompiled, type SandboxedChild } from './launch/spawn.js';
import { COMMANDS as REGISTRY } from './cli/registry.js';
// Each command loads what it needs when it runs (startup cost): `run` finds its profile in the
// disk cache and loads the compiler only when it is not there; check and decide load theirs.

const EXIT_RUNNER = 125;

const USAGE = `usage: seccomp <command> [options]

commands:
  run [options] -- COMMAND [ARGS...]   run COMMAND behind a seccomp profile
  check [options] PROFILE              validate a profile and show what it compiles to
  decide [options] SYSCALL [ARG...]    what a profile does with one syscall (--all: every one)

options:
  -h, --help      this help (seccomp run --help, seccomp check --help, ... for a command's options)
  -v, --version   the package version
`;

const RUN_USAGE = `usage: seccomp run [--profile NAME|FILE] [--cap-add CAP]... [--cap-drop CAP|ALL]...
                   [--unknown-syscalls error|warn|ignore] [--isolation full|available|none]
                   [--quiet] [--verbose] [--report[=FILE]] -- COMMAND [ARGS...]

Runs COMMAND behind a Docker-format seccomp profile, with Docker's default capability set
(change it with --cap-add/--cap-drop, as with docker run), as far as this process holds those
capabilities; the profile is evaluated against the set COMMAND holds. no_new_privs is set.

  --profile NAME|FILE  built-in profile name or a JSON file (default: docker-default, also
                       called builtin or default); "unconfined" runs without a filter
  --cap-add CAP        keep CAP (CAP_ prefix optional; ALL = every capability)
  --cap-drop CAP|ALL   drop CAP, or every capability
  --unknown-syscalls error|warn|ignore
                       a syscall name no Linux arch has (a typo such as mkdri), or a misspelt
                       key: error (default) refuses the profile and names the nearest real
                       name; warn skips it with a warning; ignore skips names silently, as
                       Docker does. (--strict, deprecated, is --unknown-syscalls=error.)
  --quiet              print no warnings about the profile
  --isolation MODE     what keeps COMMAND from tracing, reading or signalling processes outside
                       its sandbox (Landlock): full (default; fails without Landlock ABI 6),
                       available (what the kernel has), none (the default for unconfined)
  --verbose            print the profile, capabilities and guards on stderr before starting
  --report[=FILE]      report denied syscalls (once per process, syscall and arguments):
                       a summary on stderr at the end, or JSON lines to FILE

exit status: COMMAND's own; 128+N when it died of signal N; 125 when the profile or the
runner failed (COMMAND not started); 126 not executable; 127 not found.
`;

function fail(message: string, code = EXIT_RUNNER): never {
  process.stderr.write(`seccomp: ${message}\n`);
  process.exit(code);
}

interface RunArgs {
  profile: string;
  capAdd: string[];
  capDrop: string[];
  unknownSyscalls: 'error' | 'warn' | 'ignore';
  /** --strict was given (deprecated spelling of --unknown-syscalls=error). */
  strict: boolean;
  quiet: boolean;
  /** undefined: spawn()'s default (full, or none for unconfined). */
  isolation: IsolationMode | undefined;
  verbose: boolean;
  command: string[];
  report?: true | string;
}

async function parseRun(argv: string[]): Promise<RunArgs | 'help'> {
  let o;
  const valued = ['--profile', '--cap-add', '--cap-drop', '--isolation', '--unknown-syscalls'];
  let report: true | string | undefined;
  try {
    // Loaded only when asked for: a plain run's startup reads no more modules.
    if (argv.some((a) => a.startsWith('--report'))) ({ argv, report } = (await import('./report/option.js')).takeReportOption(argv, valued));
    o = parseOptions(argv, {
      valued,
      boolean: ['--strict', '--verbose', '--quiet'],
      stopAtPositional: true,
    });
  } catch (err) {
    throw new UsageError(`${(err as Error).message} (see seccomp run --help)`);
  }
  if (o.help) return 'help';
  if (o.positional.length === 0) throw new UsageError('missing COMMAND (seccomp run [options] -- COMMAND [ARGS...])');
  return {
    profile: o.values.get('--profile')?.at(-1) ?? 'docker-default',
    capAdd: o.values.get('--cap-add') ?? [],
    capDrop: o.values.get('--cap-drop') ?? [],
    unknownSyscalls: unknownSyscallsOption(o),
    strict: o.flags.has('--strict'),
    quiet: o.flags.has('--quiet'),
    isolation: o.values.has('--isolation') ? isolationMode(o.values.get('--isolation')?.at(-1), '--isolation') : undefined,
    verbose: o.flags.has('--verbose'),
    command: o.positional,
    ...(report !== undefined ? { report } : {}),
  };
}

function signalNumber(sig: NodeJS.Signals): number {
  return Object.hasOwn(constants.signals, sig) ? (constants.signals as Record<string, number>)[sig] : 0;
}

async function run(argv: string[]): Promise<void> {
  let args: RunArgs | 'help';
  let caps: string[];
  try {
    args = await parseRun(argv);
    if (args === 'help') {
      process.stdout.write(RUN_USAGE);
      return;
    }
    // docker run's derivation, within what this process can give (README "Capabilities").
    caps = childCapabilitySet(effectiveCapabilities(args.capAdd, args.capDrop));
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.strict && !args.quiet) {
    process.stderr.write('seccomp: --strict is deprecated: unknown syscall names are errors by default now (--unknown-syscalls=error)\n');
  }
  let compiled: CompiledProfile;
  try {
    const options = { capabilities: caps, unknownSyscalls: args.unknownSyscalls };
    compiled = fromDiskCache(args.profile, options) ?? (await import('./profile/compile.js')).compile(args.profile, options);
  } catch (err) {
    fail(profileError(err));
  }
  // Shown here, once; spawn() then has nothing left to emit.
  const warnings = reportableWarnings(compiled);
  if (markReported(compiled) && !args.quiet) {
    for (const line of warningLines(warnings)) process.stderr.write(`seccomp: warning: ${line}\n`);
  }
  const [command, ...rest] = args.command;
  if (command === '') fail('command must be a non-empty string');
  // Handlers first: the command may be running (and be signalled) before spawn() returns.
  let child: SandboxedChild | undefined;
  const forward = (sig: NodeJS.Signals) => () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  let report: import('./report/cli.js').RunReport | undefined;
  try {
    if (args.report) report = (await import('./report/cli.js')).startReport(compiled, args.report, (t) => process.stderr.write(t));
    child = launchCompiled(command, rest, { stdio: 'inherit' }, report?.compiled ?? compiled, caps, args.isolation, report && { onSyscall: report.onSyscall });
  } catch (err) {
    fail((err as Error).message);
  }
  if (args.verbose) process.stderr.write(describeRun(compiled, caps, child.seccompIsolation));
  let failed = false;
  child.on('error', (err: NodeJS.ErrnoException) => {
    failed = true;
    const code = err.code === 'ENOENT' ? 127 : err.code === 'EACCES' ? 126 : EXIT_RUNNER;
    fail(err.message, code);
  });
  child.on('close', async (code: number | null, signal: NodeJS.Signals | null) => {
    if (failed) return;
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
    await report?.finish();
    if (signal) {
      const n = signalNumber(signal);
      // The launcher's own execve was killed: the command never started. (Loaded only here:
      // it needs the decision machinery, which a plain run does not.)
      const { describeDenial, EXECVE_HINT, execveDenied } = await import('./exec-denied.js');
      const denied = signal === 'SIGSYS' ? execveDenied(compiled) : undefined;
      if (denied) fail(`${command} did not start: the profile kills execve (${describeDenial(denied)}, SIGSYS); ${EXECVE_HINT}`);
      const why = signal === 'SIGSYS' ? ': a seccomp KILL action fired (the command made a syscall the profile forbids)' : '';
      process.stderr.write(`seccomp: ${command} was killed by ${signal} (signal ${n})${why}\n`);
      process.exit(128 + n);
    }
    process.exit(code ?? EXIT_RUNNER);
  });
}

/** What --verbose prints: the profile, the capabilities and the guards the command got. */
function describeRun(compiled: CompiledProfile, caps: string[], iso: Isolation | undefined): string {
  const profile = compiled.unconfined ? 'unconfined (no filter)' : `${compiled.name ?? 'profile'} (${compiled.bpf.length / 8} BPF instructions, sha256 ${compiled.hash.slice(0, 12)})`;
  let guard = 'none: the command can trace, read and signal processes of its user outside the sandbox';
  if (iso && iso.method === 'landlock') {
    const kept = [iso.ptrace ? 'ptrace, process memory, pidfd_getfd' : '', iso.signals ? 'signals' : ''].filter(Boolean).join(' and ');
    const open = iso.signals ? '' : '; signals to outside processes are NOT guarded (needs Landlock ABI 6)';
    const limits = iso.rlimits ? "; prlimit64 sets only the command's own limits" : '';
    guard = `Landlock ABI ${iso.landlockAbi} domain: ${kept} limited to the command's own process tree${open}${limits}`;
  }
  return `seccomp: profile ${profile}\nseccomp: capabilities ${caps.length ? caps.join(',') : '(none)'}\nseccomp: isolation ${guard}\n`;
}

function version(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

const COMMANDS: Record<string, (argv: string[]) => void | Promise<void>> = {
  run,
  check: async (argv) => (await import('./cli-inspect.js')).check(argv),
  decide: async (argv) => (await import('./cli-inspect.js')).decideCommand(argv),
};

export function main(argv: string[]): void | Promise<void> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    const extra = Object.entries(REGISTRY).map(([n, e]) => `  ${`${n} ${e.synopsis}`.padEnd(36)} ${e.summary}\n`).join('');
    process.stdout.write(extra ? USAGE.replace('\noptions:', `${extra}\noptions:`) : USAGE);
    if (first === undefined) process.exitCode = EXIT_RUNNER;
    return;
  }
  if (first === '-v' || first === '--version') {
    process.stdout.write(`${version()}\n`);
    return;
  }
  // Own names only: "toString" or "constructor" is an unknown command, not Object.prototype's.
  if (Object.hasOwn(REGISTRY, first)) {
    return (async () => {
      const { runCommand } = await import('./cli/dispatch.js');
      process.exitCode = await runCommand(await REGISTRY[first].load(), rest);
    })();
  }
  const command = Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  if (!command) fail(`unknown command "${first}" (see seccomp --help)`);
  return command(rest);
}

// Run when executed (also through the npm bin symlink), not when imported.
const self = fileURLToPath(import.meta.url);
let invoked = '';
try {
  invoked = process.argv[1] ? realpathSync(process.argv[1]) : '';
} catch {
  invoked = '';
}
if (invoked === self) {
  Promise.resolve(main(process.argv.slice(2))).catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
}
