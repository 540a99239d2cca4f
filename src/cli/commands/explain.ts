// `seccomp explain`: what a profile does with one syscall, the rule that decided, what would
// allow it, and what the kernel checks besides the filter.
import { CommandFailure, ExitCode, UsageError, type Command, type CommandIO, type Parsed } from '../command.js';
import { PROFILE_OPTIONS, compileFromOptions } from '../profile-options.js';

const MAX_ARGS = 6;

/** `0x10`, `17`, `CLONE_NEWUSER|SIGCHLD` (names from the syscall's argument tables). */
async function parseArg(syscall: string, index: number, text: string): Promise<bigint> {
  const { namedValue } = await import('../../explain/arg-names.js');
  let v = 0n;
  for (const part of text.split('|')) {
    const p = part.trim();
    let n: bigint | undefined;
    if (/^(0x[0-9a-f]+|0o[0-7]+|0b[01]+|\d+)$/i.test(p)) n = BigInt(p.toLowerCase());
    else if (/^-\d+$/.test(p)) n = BigInt.asUintN(64, BigInt(p)); // -1 as the kernel sees it
    else n = namedValue(syscall, index, p);
    if (n === undefined) {
      throw new UsageError(`argument ${index} of ${syscall}: ${JSON.stringify(p)} is neither a number nor a name known for it`);
    }
    if (n >= 1n << 64n) throw new UsageError(`argument ${index} of ${syscall}: ${p} does not fit in 64 bits`);
    v |= n;
  }
  return v;
}

function text(e: import('../../explain/explain.js').Explanation, args: readonly string[]): string {
  const call = `${e.syscall ?? `syscall ${e.nr}`}(${args.join(', ')})`;
  const answer = e.action === 'ERRNO' ? `ERRNO ${e.errnoName} (${e.errno})` : e.action === 'TRACE' ? `TRACE ${e.data}` : e.action;
  const by: Record<string, string> = {
    rule: e.rule,
    newerSyscalls: `${e.rule} (served by compile's block for syscalls newer than libseccomp)`,
    narrowing: `${e.rule} (arguments compared on the bits the kernel reads)`,
    defaultAction: 'defaultAction (no rule matches)',
    enosys: 'the ENOSYS fallback for syscalls newer than the profile (runc\'s stub)',
    multiplexer: 'the socketcall/ipc multiplexer block (the direct syscall\'s strictest answer)',
    unconfined: 'no filter (unconfined)',
    unattributed: 'the filter (no single rule could be named)',
  };
  const lines = [`${call} on ${e.arch}: ${answer}`, `rule: ${by[e.decidedBy] ?? e.rule}`];
  if (e.allowIf.length > 0) {
    lines.push('would be allowed with:');
    for (const a of e.allowIf) lines.push(`  ${a.fix}${a.rule && a.kind !== 'remove' ? `  (${a.rule})` : ''}`);
  }
  if (e.kernelChecks.length > 0) {
    lines.push(e.allowIf.length > 0 ? 'if it still fails once allowed:' : 'if it still fails:');
    for (const k of e.kernelChecks) {
      const now = k.sysctl ? ` [${k.sysctl}${k.value !== undefined ? ` = ${k.value}` : ': not present'}]` : '';
      lines.push(`  - ${k.check}${now}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export const command: Command = {
  name: 'explain',
  summary: 'why a profile allows or denies a syscall, and what would change it',
  synopsis: '[options] SYSCALL [ARG...]',
  description:
    'SYSCALL is a name or a number; each ARG a number (0x.. for hex) or flag names joined by |\n' +
    '(CLONE_NEWUSER|SIGCHLD, AF_VSOCK, PER_LINUX32). Missing arguments are 0.\n' +
    'Exit status: 0 when explained (allowed or not), 1 for a bad profile, 125 for usage errors.\n',
  options: [...PROFILE_OPTIONS, { flag: '--json', help: 'print { action, errno?, rule, allowIf, kernelChecks, ... } as JSON' }],
  async run(args: Parsed, io: CommandIO): Promise<number> {
    const [syscall, ...rest] = args.positional;
    if (syscall === undefined || syscall === '') throw new UsageError('a syscall name or number is needed');
    if (rest.length > MAX_ARGS) throw new UsageError(`a syscall has at most ${MAX_ARGS} arguments, got ${rest.length}`);
    const numeric = /^\d+$/.test(syscall);
    const values: bigint[] = [];
    for (let i = 0; i < rest.length; i++) values.push(await parseArg(syscall, i, rest[i]));
    const compiled = await compileFromOptions(args, io);
    const { explain } = await import('../../explain/explain.js');
    const { formatProfileError: profileError } = await import('../format.js');
    let e;
    try {
      e = explain(compiled, { syscall: numeric ? Number(syscall) : syscall, args: values });
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (code === 'ERR_SECCOMP_UNKNOWN_SYSCALL') {
        const { suggestSyscall } = await import('../../profile/suggest.js');
        const meant = numeric ? undefined : suggestSyscall(syscall);
        throw new UsageError(`${(err as Error).message}${meant ? `; did you mean ${JSON.stringify(meant)}?` : ''}`);
      }
      if (code === 'ERR_OUT_OF_RANGE' || code === 'ERR_INVALID_ARG_TYPE') throw new UsageError((err as Error).message);
      throw new CommandFailure(profileError(err), ExitCode.FAILED);
    }
    if (args.has('--json')) io.stdout(`${JSON.stringify(e, null, 2)}\n`);
    else io.stdout(text(e, rest.length ? values.map((v, i) => (rest[i].startsWith('0x') || /^\d+$/.test(rest[i]) ? `0x${v.toString(16)}` : rest[i])) : []));
    return ExitCode.OK;
  },
};
