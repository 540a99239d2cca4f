// Runs one command: parse its options, answer --help from its specs, turn UsageError and
// CommandFailure into a message and an exit status. Never exits the process.
import { type Command, type CommandIO, CommandFailure, ExitCode, type OptionSpec, UsageError } from './command.js';
import { parseArgs, UnknownOptionError } from './parse.js';

function optionLine(o: OptionSpec): [string, string] {
  const names = [o.short, o.flag].filter(Boolean).join(', ');
  const value = o.value === undefined ? '' : o.optionalValue ? `[=${o.value}]` : ` ${o.value}`;
  return [`${names}${value}`, o.help];
}

// Help text is wrapped to this many columns (a terminal's usual 80, less a margin).
const COLUMNS = 78;

/** `text` broken at spaces into lines of at most `width` characters (a longer word stays whole). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line || lines.length === 0) lines.push(line);
  return lines;
}

/**
 * A description reflowed to the terminal: paragraphs (split by blank lines) are wrapped; a
 * paragraph whose lines start with a space is kept as written (examples, tables).
 */
export function reflow(text: string, width = COLUMNS): string {
  const paragraphs = text.trim().split(/\n\s*\n/);
  return paragraphs.map((p) => (/^ /.test(p) ? p.replace(/\s+$/, '') : wrap(p, width).join('\n'))).join('\n\n');
}

/** `seccomp NAME --help`, generated from the command's specs. */
export function usage(cmd: Command): string {
  const rows = cmd.options.map(optionLine);
  const width = Math.min(28, Math.max(0, ...rows.map(([l]) => l.length)));
  const indent = ' '.repeat(width + 4);
  const helpWidth = Math.max(30, COLUMNS - indent.length);
  const lines = rows.map(([l, h]) => {
    const help = wrap(h, helpWidth);
    const first = l.length > width ? `  ${l}\n${indent}${help[0]}` : `  ${l.padEnd(width)}  ${help[0]}`;
    return [first, ...help.slice(1).map((t) => `${indent}${t}`)].join('\n');
  });
  const desc = cmd.description.trim() ? `\n${reflow(cmd.description)}\n` : '';
  return `usage: seccomp ${cmd.name} ${cmd.synopsis}\n\n${cmd.summary}\n${lines.length ? `\noptions:\n${lines.join('\n')}\n` : ''}${desc}`;
}

export const processIO: CommandIO = {
  stdout: (t) => void process.stdout.write(t),
  stderr: (t) => void process.stderr.write(t),
  env: process.env,
  cwd: process.cwd(),
};

// " (did you mean --profile?)" for a misspelt option; the suggester loads only on this path.
async function suggestion(err: UsageError): Promise<string> {
  if (!(err instanceof UnknownOptionError) || !err.option.startsWith('--')) return '';
  const { nearest } = await import('../profile/suggest.js');
  const guess = nearest(err.option, err.known.filter((k) => k.startsWith('--')));
  return guess ? ` (did you mean ${guess}?)` : '';
}

export async function runCommand(cmd: Command, argv: readonly string[], io: CommandIO = processIO): Promise<number> {
  try {
    const args = parseArgs(argv, cmd.options, cmd.stopAtPositional);
    if (args.help) {
      io.stdout(usage(cmd));
      return ExitCode.OK;
    }
    return await cmd.run(args, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`seccomp: ${err.message}${await suggestion(err)} (see seccomp ${cmd.name} --help)\n`);
      return ExitCode.RUNNER;
    }
    if (err instanceof CommandFailure) {
      io.stderr(`seccomp: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}
