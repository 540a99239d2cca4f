// The step every profile-taking command shares: --profile, capabilities, arch, kernel and name
// checking turned into one compiled profile, with profile errors formatted once.
import type { CompiledProfile } from '../profile/types.js';
import { effectiveCapabilities, profileError } from '../cli-options.js';
import { CommandFailure, ExitCode, type CommandIO, type OptionSpec, type Parsed, UsageError } from './command.js';
import { OVERRIDE_OPTIONS, withOverrides } from './overrides.js';

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
    help: 'a syscall name no arch has: refuse the profile (default), warn, or skip silently as Docker does',
  },
  { flag: '--strict', help: 'deprecated: --unknown-syscalls=error' },
  ...OVERRIDE_OPTIONS,
];

export const PROFILE_OPTIONS: readonly OptionSpec[] = [PROFILE_OPTION, ...CONTEXT_OPTIONS];

export interface ProfileRequest {
  /** The profile to compile when --profile is absent (or the positional PROFILE of `check`). */
  profile?: string;
  /** Capabilities to evaluate against instead of docker run's derivation from the flags. */
  capabilities?: string[];
}

/** The capability set docker run would give, from --cap-add/--cap-drop. */
export function capabilitiesFrom(args: Parsed): string[] {
  try {
    return effectiveCapabilities([...args.all('--cap-add')], [...args.all('--cap-drop')]);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** Compiles the profile the options describe; a bad profile is a CommandFailure with exit 1. */
export async function compileFromOptions(args: Parsed, io: CommandIO, req: ProfileRequest = {}): Promise<CompiledProfile> {
  const capabilities = req.capabilities ?? capabilitiesFrom(args);
  const unknown = (args.last('--unknown-syscalls') ?? 'error') as 'error' | 'warn' | 'ignore';
  if (args.has('--strict')) {
    if (unknown !== 'error') throw new UsageError(`--strict contradicts --unknown-syscalls=${unknown}`);
    io.stderr('seccomp: --strict is deprecated: unknown syscall names are errors by default now (--unknown-syscalls=error)\n');
  }
  const profile = req.profile ?? args.last('--profile') ?? 'docker-default';
  const spec = withOverrides(profile, args);
  const { compile } = await import('../profile/compile.js');
  try {
    return compile(spec, { capabilities, arch: args.last('--arch'), kernel: args.last('--kernel'), unknownSyscalls: unknown });
  } catch (err) {
    throw new CommandFailure(profileError(err), ExitCode.FAILED);
  }
}
