// Option handling shared by the CLI's subcommands: one option parser, capabilities derived the
// way docker run derives them, and profile errors printed with their JSON paths.
import { fs } from './builtins.js';
const { readFileSync } = fs;
import { ErrorCode, SeccompError } from './errors.js';
import { CAPABILITIES, normalizeCapabilities } from './profile/context.js';
import { DOCKER_DEFAULT_CAPABILITIES } from './capabilities.js';

/** The capabilities the way docker run derives them from its defaults and the flags. */
export function effectiveCapabilities(capAdd: string[], capDrop: string[]): string[] {
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

// Codes that say the profile itself is wrong; anything else is not labelled a profile error.
const PROFILE_CODES: readonly string[] = [
  ErrorCode.PROFILE_INVALID, ErrorCode.PROFILE_NOT_FOUND, ErrorCode.PROFILE_TOO_LARGE, ErrorCode.UNKNOWN_SYSCALL,
];

/** An error from compiling a profile, for stderr: "profile error" only when the profile is at fault. */
export function profileError(err: unknown): string {
  if (!(err instanceof SeccompError)) {
    const code = (err as { code?: unknown })?.code;
    return `error${typeof code === 'string' ? ` (${code})` : ''}: ${(err as Error)?.message ?? err}`;
  }
  const label = PROFILE_CODES.includes(err.code) ? 'profile error' : 'error';
  const lines = [`${label} (${err.code}): ${err.message}`];
  // Each problem with its JSON path, unless the message already lists it.
  for (const p of err.problems ?? []) {
    const line = `${p.path}: ${p.message}`;
    if (!err.message.includes(line)) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}

export class UsageError extends Error {}

const UNKNOWN_SYSCALLS = ['error', 'warn', 'ignore'] as const;

/** --unknown-syscalls (last one wins), with --strict as its deprecated spelling of `error`. */
export function unknownSyscallsOption(o: ParsedOptions): (typeof UNKNOWN_SYSCALLS)[number] {
  const v = o.values.get('--unknown-syscalls')?.at(-1);
  if (v === undefined) return 'error';
  if (!(UNKNOWN_SYSCALLS as readonly string[]).includes(v)) {
    throw new UsageError(`--unknown-syscalls must be one of ${UNKNOWN_SYSCALLS.join(', ')}, got ${JSON.stringify(v)}`);
  }
  if (o.flags.has('--strict') && v !== 'error') throw new UsageError(`--strict contradicts --unknown-syscalls=${v}`);
  return v as (typeof UNKNOWN_SYSCALLS)[number];
}

/** Options as the subcommands take them: `--flag value`, `--flag=value`, boolean `--flag`. */
export interface ParsedOptions {
  /** Each option given a value, every value in order (`--cap-add` may repeat). */
  values: Map<string, string[]>;
  flags: Set<string>;
  positional: string[];
  help: boolean;
}

/**
 * Parses `argv` against the options a subcommand knows. `stopAtPositional`: the first
 * positional and everything after it are positional (a command and its own arguments);
 * otherwise positionals and options may mix. `--` always ends the options.
 */
export function parseOptions(
  argv: string[],
  spec: { valued: readonly string[]; boolean: readonly string[]; stopAtPositional: boolean },
): ParsedOptions {
  const out: ParsedOptions = { values: new Map(), flags: new Set(), positional: [], help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') {
      out.help = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      if (spec.stopAtPositional) {
        out.positional.push(...argv.slice(i));
        break;
      }
      out.positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (spec.valued.includes(flag)) {
      if (eq < 0 && i + 1 >= argv.length) throw new UsageError(`${flag} needs a value`);
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      out.values.set(flag, [...(out.values.get(flag) ?? []), v]);
    } else if (spec.boolean.includes(flag) && eq < 0) {
      out.flags.add(flag);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return out;
}
