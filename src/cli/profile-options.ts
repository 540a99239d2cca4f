// The step every profile-taking command shares: --profile, capabilities, arch, kernel and name
// checking turned into one compiled profile, with profile errors formatted once.
import { fs } from '../builtins.js';
const { readFileSync } = fs;
import type { CompiledProfile, CompileOptions, UnknownSyscalls } from '../profile/types.js';
import { CAPABILITIES, normalizeCapabilities } from '../profile/context.js';
import { DOCKER_DEFAULT_CAPABILITIES } from '../capabilities.js';
import { CommandFailure, ExitCode, type CommandIO, type OptionSpec, type Parsed, UsageError } from './command.js';
import { OVERRIDE_OPTIONS, withOverrides } from './overrides.js';
import { formatProfileError } from './format.js';

export const PROFILE_OPTION: OptionSpec = {
  flag: '--profile', value: 'NAME|FILE',
  help: 'built-in profile name or a JSON file (default: docker-default)',
};

/** Options that shape the compiled profile (besides --profile). */
export const CONTEXT_OPTIONS: readonly OptionSpec[] = [
  { flag: '--cap-add', value: 'CAP', repeat: true, help: 'keep CAP (CAP_ prefix optional; ALL = every capability)' },
  { flag: '--cap-drop', value: 'CAP|ALL', repeat: true, help: 'drop CAP, or every capability' },
  { flag: '--arch', value: 'ARCH', help: 'the target arch (default: this machine\'s)' },
  { flag: '--kernel', value: 'X.Y', help: 'the kernel version to compile for (default: this one)' },
  {
    flag: '--unknown-syscalls', value: 'error|warn|ignore', choices: ['error', 'warn', 'ignore'],
    help: 'a syscall name no arch has (a typo such as mkdri) or a misspelt key: refuse the profile and name the nearest real name (default), warn and skip it, or skip silently as Docker does',
  },
  { flag: '--strict', help: 'deprecated: --unknown-syscalls=error' },
  ...OVERRIDE_OPTIONS,
];

export const PROFILE_OPTIONS: readonly OptionSpec[] = [PROFILE_OPTION, ...CONTEXT_OPTIONS];

/** The specs of `flags`, in that order, from PROFILE_OPTIONS (a command that takes only some). */
export function profileOptions(...flags: string[]): OptionSpec[] {
  return flags.map((f) => {
    const spec = PROFILE_OPTIONS.find((o) => o.flag === f);
    if (!spec) throw new Error(`no profile option ${f}`);
    return spec;
  });
}

export interface ProfileRequest {
  /** The profile to compile when --profile is absent (or the positional PROFILE of `check`). */
  profile?: string;
  /** Capabilities to evaluate against instead of docker run's derivation from the flags. */
  capabilities?: string[];
  /** Look in the disk cache first, loading the compiler only on a miss (startup cost of `run`). */
  diskCache?: boolean;
  /** The exit status for a profile that does not compile (default 1; `run` says 125, as docker run). */
  invalidExit?: number;
}

/** The capabilities the way docker run derives them from its defaults and the flags. */
export function effectiveCapabilities(capAdd: readonly string[], capDrop: readonly string[]): string[] {
  const isAll = (c: string) => c.toUpperCase() === 'ALL';
  let lastCap = CAPABILITIES.length - 1;
  try {
    lastCap = Math.min(lastCap, Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()));
  } catch {
    // keep the table's size
  }
  const all = CAPABILITIES.slice(0, lastCap + 1);
  const adds = normalizeCapabilities(capAdd.filter((c) => !isAll(c)), '--cap-add');
  const drops = normalizeCapabilities(capDrop.filter((c) => !isAll(c)), '--cap-drop');
  let caps: string[];
  if (capAdd.some(isAll)) caps = all.filter((c) => !drops.includes(c));
  else if (capDrop.some(isAll)) caps = adds;
  else caps = [...DOCKER_DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return normalizeCapabilities(caps);
}

/** The capability set docker run would give, from --cap-add/--cap-drop. */
export function capabilitiesFrom(args: Parsed): string[] {
  try {
    return effectiveCapabilities(args.all('--cap-add'), args.all('--cap-drop'));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** --unknown-syscalls (default error), with --strict as its deprecated spelling of `error`. */
export function unknownSyscallsFrom(args: Parsed, io: CommandIO): UnknownSyscalls {
  const unknown = (args.last('--unknown-syscalls') ?? 'error') as UnknownSyscalls;
  if (args.has('--strict')) {
    if (unknown !== 'error') throw new UsageError(`--strict contradicts --unknown-syscalls=${unknown}`);
    if (!args.has('--quiet')) {
      io.stderr('seccomp: --strict is deprecated: unknown syscall names are errors by default now (--unknown-syscalls=error)\n');
    }
  }
  return unknown;
}

/** Compiles the profile the options describe; a bad profile is a CommandFailure (exit 1 unless told). */
export async function compileFromOptions(args: Parsed, io: CommandIO, req: ProfileRequest = {}): Promise<CompiledProfile> {
  const capabilities = req.capabilities ?? capabilitiesFrom(args);
  const unknownSyscalls = unknownSyscallsFrom(args, io);
  const profile = req.profile ?? args.last('--profile') ?? 'docker-default';
  const spec = withOverrides(profile, args);
  const options: CompileOptions = { capabilities, unknownSyscalls };
  const arch = args.last('--arch');
  const kernel = args.last('--kernel');
  if (arch !== undefined) options.arch = arch;
  if (kernel !== undefined) options.kernel = kernel;
  try {
    if (req.diskCache && spec === profile) {
      const { fromDiskCache } = await import('../profile/cached.js');
      const hit = fromDiskCache(profile, options);
      if (hit) return hit;
    }
    const { compile } = await import('../profile/compile.js');
    return compile(spec, options);
  } catch (err) {
    throw new CommandFailure(formatProfileError(err), req.invalidExit ?? ExitCode.FAILED);
  }
}
