// `seccomp run`: `docker run --security-opt seccomp=...` without Docker. Prepares the profile
// (disk cache first: the compiler loads only on a miss), starts the command through the
// launcher, forwards SIGINT/SIGTERM to it, and resolves with its exit status once it closed.
// The steps are separate functions so that an option can hook in after launch (a report).
import { os } from '../../builtins.js';
const { constants } = os();
import { childCapabilitySet } from '../../capabilities.js';
import { ISOLATION_MODES, type Isolation, type IsolationMode } from '../../isolation.js';
import { launchCompiled, type SandboxedChild } from '../../launch/spawn.js';
import type { RunReport } from '../../report/cli.js';
import { markReported, reportableWarnings } from '../../profile/report.js';
import type { CompiledProfile } from '../../profile/types.js';
import { type Command, CommandFailure, type CommandIO, ExitCode, type OptionSpec, type Parsed, UsageError } from '../command.js';
import { formatWarnings } from '../format.js';
import { capabilitiesFrom, compileFromOptions, PROFILE_OPTION, profileOptions } from '../profile-options.js';

export const RUN_OPTIONS: readonly OptionSpec[] = [
  { ...PROFILE_OPTION, help: 'built-in profile name or a JSON file (default: docker-default, also called builtin or default); "unconfined" runs without a filter' },
  ...profileOptions('--cap-add', '--cap-drop', '--unknown-syscalls', '--strict', '--allow', '--deny', '--errno'),
  { flag: '--quiet', help: 'print no warnings about the profile' },
  {
    flag: '--isolation', value: 'MODE', choices: ISOLATION_MODES,
    help: 'what keeps COMMAND from tracing, reading or signalling processes outside its sandbox (Landlock): full (default; fails without Landlock ABI 6), available (what the kernel has), none (the default for unconfined)',
  },
  { flag: '--verbose', help: 'print the profile, capabilities and guards on stderr before starting' },
  {
    flag: '--report', value: 'FILE', optionalValue: true,
    help: 'report denied syscalls (once per process, syscall and arguments): a summary on stderr at the end, or JSON lines to FILE',
  },
];

/** What `run` prepared before starting anything. */
export interface RunPlan {
  readonly compiled: CompiledProfile;
  /** The capabilities COMMAND holds (and the profile was evaluated against). */
  readonly caps: string[];
  readonly command: string;
  readonly args: readonly string[];
  readonly isolation: IsolationMode | undefined;
}

/** How the child ended: closed with a code or a signal, or never started (`error`). */
export interface RunOutcome {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly error?: NodeJS.ErrnoException;
}

/** Profile, capabilities and the command line; warnings are shown here, once. */
export async function prepare(args: Parsed, io: CommandIO): Promise<RunPlan> {
  if (args.positional.length === 0) throw new UsageError('missing COMMAND (seccomp run [options] -- COMMAND [ARGS...])');
  let caps: string[];
  try {
    // docker run's derivation, within what this process can give (README "Capabilities").
    caps = childCapabilitySet(capabilitiesFrom(args));
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new CommandFailure((err as Error).message);
  }
  const compiled = await compileFromOptions(args, io, { capabilities: caps, diskCache: true, invalidExit: ExitCode.RUNNER });
  // spawn() then has nothing left to emit.
  const warnings = reportableWarnings(compiled);
  if (markReported(compiled) && !args.has('--quiet')) io.stderr(formatWarnings(warnings, 'seccomp: warning: '));
  const [command, ...rest] = args.positional;
  if (command === '') throw new CommandFailure('command must be a non-empty string');
  return { compiled, caps, command, args: rest, isolation: args.last('--isolation') as IsolationMode | undefined };
}

/** Starts the command with inherited stdio; SIGINT and SIGTERM go to it until `settle` ends. */
export function start(plan: RunPlan, io: CommandIO, verbose: boolean, report?: RunReport): { child: SandboxedChild; stopForwarding(): void } {
  // Handlers first: the command may be running (and be signalled) before spawn() returns.
  let child: SandboxedChild | undefined;
  const forward = (sig: NodeJS.Signals) => () => {
    if (child?.pid !== undefined && child.exitCode === null && child.signalCode === null) child.kill(sig);
  };
  const onInt = forward('SIGINT');
  const onTerm = forward('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  const stopForwarding = () => {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  };
  try {
    // --report: ERRNO and KILL answers go through the supervisor, which answers them as the
    // profile would and logs them (src/report/).
    const compiled = report?.compiled ?? plan.compiled;
    child = launchCompiled(plan.command, plan.args, { stdio: 'inherit' }, compiled, plan.caps, plan.isolation, report && { onSyscall: report.onSyscall });
  } catch (err) {
    stopForwarding();
    throw new CommandFailure((err as Error).message);
  }
  if (verbose) io.stderr(describeRun(plan.compiled, plan.caps, child.seccompIsolation));
  return { child, stopForwarding };
}

/** Resolves once the child closed, or failed to start. */
export function settle(child: SandboxedChild): Promise<RunOutcome> {
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, signal: null, error }));
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => resolve({ code, signal }));
  });
}

function signalNumber(sig: NodeJS.Signals): number {
  return Object.hasOwn(constants.signals, sig) ? (constants.signals as Record<string, number>)[sig] : 0;
}

/** docker run's exit status for the outcome, with a line on stderr when it was not the command's own. */
export async function exitStatus(plan: RunPlan, outcome: RunOutcome, io: CommandIO): Promise<number> {
  const { error, signal, code } = outcome;
  if (error) {
    io.stderr(`seccomp: ${error.message}\n`);
    return error.code === 'ENOENT' ? ExitCode.NOT_FOUND : error.code === 'EACCES' ? ExitCode.NOT_EXECUTABLE : ExitCode.RUNNER;
  }
  if (!signal) return code ?? ExitCode.RUNNER;
  // The launcher's own execve was killed: the command never started. (Loaded only here: it
  // needs the decision machinery, which a plain run does not.)
  if (signal === 'SIGSYS') {
    const { describeDenial, EXECVE_HINT, execveDenied } = await import('../../exec-denied.js');
    const denied = execveDenied(plan.compiled);
    if (denied) {
      io.stderr(`seccomp: ${plan.command} did not start: the profile kills execve (${describeDenial(denied)}, SIGSYS); ${EXECVE_HINT}\n`);
      return ExitCode.RUNNER;
    }
  }
  const n = signalNumber(signal);
  const why = signal === 'SIGSYS' ? ': a seccomp KILL action fired (the command made a syscall the profile forbids)' : '';
  io.stderr(`seccomp: ${plan.command} was killed by ${signal} (signal ${n})${why}\n`);
  return ExitCode.SIGNAL_BASE + n;
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

export const command: Command = {
  name: 'run',
  summary: 'run COMMAND behind a seccomp profile',
  synopsis: '[options] -- COMMAND [ARGS...]',
  description: `Runs COMMAND behind a Docker-format seccomp profile, with Docker's default capability set
(change it with --cap-add/--cap-drop, as with docker run), as far as this process holds those
capabilities; the profile is evaluated against the set COMMAND holds. no_new_privs is set.
The first argument that is not an option starts COMMAND (or everything after --).

exit status: COMMAND's own; 128+N when it died of signal N; 125 when the profile or the
runner failed (COMMAND not started); 126 not executable; 127 not found.
`,
  options: RUN_OPTIONS,
  stopAtPositional: true,
  async run(args, io) {
    const plan = await prepare(args, io);
    let report: RunReport | undefined;
    if (args.has('--report')) {
      if (args.last('--report') === '') throw new UsageError('--report=FILE needs a file name (or --report alone for a summary on stderr)');
      // Loaded only when asked for: a plain run's startup reads no more modules.
      const { startReport } = await import('../../report/cli.js');
      try {
        report = startReport(plan.compiled, args.last('--report') ?? true, (t) => io.stderr(t));
      } catch (err) {
        throw new CommandFailure((err as Error).message);
      }
    }
    const { child, stopForwarding } = start(plan, io, args.has('--verbose'), report);
    let outcome: RunOutcome;
    try {
      outcome = await settle(child);
    } finally {
      stopForwarding();
    }
    await report?.finish(!outcome.error);
    return exitStatus(plan, outcome, io);
  },
};
