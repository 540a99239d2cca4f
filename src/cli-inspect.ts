// `seccomp check` and `seccomp decide`: look at what a profile does without running anything.
import { errnoName } from './errors.js';
import { decide, dependence, type Decision } from './decide.js';
import { effectiveCapabilities, parseOptions, profileError, unknownSyscallsOption } from './cli-options.js';
import { syscallName } from './library.js';
import { compile } from './profile/compile.js';
import { compositionLines } from './profile/compose.js';
import { libseccompArchName } from './profile/compile.js';
import { NEWER_SYSCALLS, newerSyscallNumber } from './bpf/newer-syscalls.js';
import type { CompiledProfile } from './profile/types.js';

const EXIT_USAGE = 125;
const EXIT_INVALID = 1;

const CHECK_USAGE = `usage: seccomp check [--cap-add CAP]... [--cap-drop CAP|ALL]... [--arch ARCH] [--kernel X.Y]
                     [--unknown-syscalls error|warn|ignore] PROFILE

Validates PROFILE (a built-in name or a JSON file) in the given context (Docker's default
capabilities unless changed, the native arch, this kernel) and prints its warnings first, then
what it compiles to: arches, rules, instructions and syscall names libseccomp does not know.
--unknown-syscalls: see seccomp run --help (--strict, deprecated, is --unknown-syscalls=error).
exit status: 0 valid, 1 invalid (every problem is listed with its JSON path), 125 usage error.
`;

const DECIDE_USAGE = `usage: seccomp decide [--profile NAME|FILE] [--cap-add CAP]... [--cap-drop CAP|ALL]... [--arch ARCH] [--kernel X.Y]
                      [--unknown-syscalls error|warn|ignore] (SYSCALL [ARG...] | --all)

Prints what the profile (default docker-default) does with SYSCALL (a name or a number) called
with ARGs (up to six; decimal or 0x hex; missing ones are 0), without running anything.
--all prints every syscall of the arch as "NR<TAB>NAME<TAB>DECISION", where DECISION is
"depends on args[I], ...: D1 | D2 ..." when the answer depends on the arguments.
exit status: 0, or 1 for an invalid profile, 125 for a usage error.
`;

interface InspectArgs {
  profile?: string;
  capAdd: string[];
  capDrop: string[];
  arch?: string;
  kernel?: string;
  unknownSyscalls: 'error' | 'warn' | 'ignore';
  strict: boolean;
  all: boolean;
  positional: string[];
}

const VALUED = ['--profile', '--cap-add', '--cap-drop', '--arch', '--kernel', '--unknown-syscalls'];

function parse(argv: string[], usage: string, command: string): InspectArgs | undefined {
  const o = parseOptions(argv, {
    valued: command === 'check' ? VALUED.filter((v) => v !== '--profile') : VALUED,
    boolean: command === 'check' ? ['--strict'] : ['--strict', '--all'],
    stopAtPositional: false,
  });
  if (o.help) {
    process.stdout.write(usage);
    return undefined;
  }
  const last = (flag: string) => o.values.get(flag)?.at(-1);
  return {
    profile: last('--profile'),
    capAdd: o.values.get('--cap-add') ?? [],
    capDrop: o.values.get('--cap-drop') ?? [],
    arch: last('--arch'),
    kernel: last('--kernel'),
    unknownSyscalls: unknownSyscallsOption(o),
    strict: o.flags.has('--strict'),
    all: o.flags.has('--all'),
    positional: o.positional,
  };
}

function usageFail(message: string): never {
  process.stderr.write(`seccomp: ${message}\n`);
  process.exit(EXIT_USAGE);
}

function compileOr(args: InspectArgs, profile: string): CompiledProfile {
  let capabilities: string[];
  try {
    capabilities = effectiveCapabilities(args.capAdd, args.capDrop);
  } catch (err) {
    usageFail((err as Error).message);
  }
  if (args.strict) {
    process.stderr.write('seccomp: --strict is deprecated: unknown syscall names are errors by default now (--unknown-syscalls=error)\n');
  }
  try {
    return compile(profile, { capabilities, arch: args.arch, kernel: args.kernel, unknownSyscalls: args.unknownSyscalls });
  } catch (err) {
    process.stderr.write(`seccomp: ${profileError(err)}\n`);
    process.exit(EXIT_INVALID);
  }
}

function parseOr(argv: string[], usage: string, command: string): InspectArgs | undefined {
  try {
    return parse(argv, usage, command);
  } catch (err) {
    usageFail(`${(err as Error).message} (see seccomp ${command} --help)`);
  }
}

export function check(argv: string[]): void {
  const args = parseOr(argv, CHECK_USAGE, 'check');
  if (!args) return;
  if (args.positional.length !== 1) usageFail('check takes one PROFILE (see seccomp check --help)');
  const c = compileOr(args, args.positional[0]);
  // Warnings first, where they are seen.
  const lines = c.warnings.map((w) => `warning: ${w.path || '(profile)'}: ${w.message}`);
  lines.push(`${args.positional[0]}: valid${c.warnings.length ? ` (${c.warnings.length} warning${c.warnings.length > 1 ? 's' : ''} above)` : ''}`);
  if (c.unconfined) lines.push('  no filter (unconfined)');
  else {
    lines.push(`  default action: ${c.defaultAction}${c.defaultData !== undefined ? ` (${c.defaultData})` : ''}`);
    lines.push(`  arches: ${c.arches.join(', ')}`);
    lines.push(`  rules: ${c.rules.length}; BPF instructions: ${c.bpf.length / 8}`);
    lines.push(...compositionLines(c)); // a profile extending a base: where its rules come from
    lines.push(`  context: ${c.context.arch}, kernel ${c.context.kernel.major}.${c.context.kernel.minor}, ${c.context.capabilities.length} capabilities`);
    if (c.flags.length) lines.push(`  flags: ${c.flags.join(', ')}`);
    if (c.unknownSyscalls.length) lines.push(`  unknown to libseccomp (skipped): ${c.unknownSyscalls.join(', ')}`);
    lines.push(`  hash: ${c.hash}`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

function describe(d: Decision): string {
  if (d.action === 'ERRNO') return `ERRNO ${errnoName(d.errno ?? 0)} (${d.errno})`;
  if (d.action === 'TRACE') return `TRACE ${d.data}`;
  return d.action;
}

/** decide --all's answer: the decision, or what it depends on when the arguments matter. */
function describeAll(c: CompiledProfile, nr: number, arch: string): string {
  const dep = dependence(c, nr, arch);
  if (dep === null) return describe(decide(c, { syscall: nr, arch }));
  if (dep === undefined) return `${describe(decide(c, { syscall: nr, arch }))} with all arguments 0 (others not analysed)`;
  const on = [...dep.args.map((i) => `args[${i}]`), ...(dep.instructionPointer ? ['instruction_pointer'] : [])];
  return `depends on ${on.join(', ') || 'its arguments'}: ${dep.outcomes.map(describe).join(' | ')}`;
}

function parseArg(text: string): bigint {
  if (!/^(0x[0-9a-f]+|\d+)$/i.test(text)) usageFail(`argument "${text}" is not a decimal or 0x hex number`);
  const v = BigInt(text);
  if (v > 0xffff_ffff_ffff_ffffn) usageFail(`argument "${text}" does not fit 64 bits`);
  return v;
}

export function decideCommand(argv: string[]): void {
  const args = parseOr(argv, DECIDE_USAGE, 'decide');
  if (!args) return;
  if (args.all ? args.positional.length !== 0 : args.positional.length < 1 || args.positional.length > 7) {
    usageFail('decide takes SYSCALL [ARG...] (at most six) or --all (see seccomp decide --help)');
  }
  const c = compileOr(args, args.profile ?? 'docker-default');
  let arch: string;
  try {
    arch = libseccompArchName(args.arch ?? c.context.arch);
  } catch (err) {
    usageFail((err as Error).message);
  }
  if (args.all) {
    // Numbers from the arch's base (x32: 0x40000000, MIPS: 4000/5000/6000) to the newest we know.
    const table = new Map<number, string>();
    for (const name of Object.keys(NEWER_SYSCALLS)) {
      const nr = newerSyscallNumber(name, arch);
      if (nr !== undefined) table.set(nr, name);
    }
    const base = (newerSyscallNumber('pidfd_send_signal', arch) ?? 424) - 424;
    const newest = Math.max(base + 424, ...table.keys());
    const lines: string[] = [];
    for (let nr = base; nr <= newest; nr++) {
      const name = syscallName(nr, arch) ?? table.get(nr);
      if (!name) continue;
      lines.push(`${nr}\t${name}\t${describeAll(c, nr, arch)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    return;
  }
  const [syscall, ...rest] = args.positional;
  const query = /^\d+$/.test(syscall) ? Number(syscall) : syscall;
  let d: Decision;
  try {
    d = decide(c, { syscall: query, args: rest.map(parseArg), arch });
  } catch (err) {
    usageFail((err as Error).message);
  }
  process.stdout.write(`${syscall}(${rest.join(', ')}): ${describe(d)}\n`);
}
