// The one option parser: `--flag value`, `--flag=value`, boolean `--flag`, `-o value`,
// `--` ends the options. Driven by a command's OptionSpec list, never by its name.
import { type OptionSpec, type Parsed, UsageError } from './command.js';

export interface ParseResult extends Parsed {
  readonly help: boolean;
}

/** An option the command does not take; `known` lets the dispatcher suggest the nearest one. */
export class UnknownOptionError extends UsageError {
  constructor(readonly option: string, readonly known: readonly string[]) {
    super(`unknown option ${option}`);
  }
}

export function parseArgs(argv: readonly string[], options: readonly OptionSpec[], stopAtPositional = false): ParseResult {
  const byName = new Map<string, OptionSpec>();
  for (const o of options) {
    byName.set(o.flag, o);
    if (o.short) byName.set(o.short, o);
  }
  const values = new Map<string, string[]>();
  const flags = new Set<string>();
  const positional: string[] = [];
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (a === '-h' || a === '--help') {
      help = true;
      continue;
    }
    if (!a.startsWith('-') || a === '-') {
      if (stopAtPositional) {
        positional.push(...argv.slice(i));
        break;
      }
      positional.push(a);
      continue;
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const spec = byName.get(name);
    if (!spec) throw new UnknownOptionError(name, [...byName.keys()]);
    if (spec.value === undefined || (spec.optionalValue && eq < 0)) {
      if (eq > 0 && !spec.optionalValue) throw new UsageError(`${spec.flag} takes no value`);
      flags.add(spec.flag);
      if (eq < 0) continue;
    }
    if (eq < 0 && i + 1 >= argv.length) throw new UsageError(`${spec.flag} needs a value (${spec.value})`);
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (spec.choices && !spec.choices.includes(v)) {
      throw new UsageError(`${spec.flag} must be one of ${spec.choices.join(', ')}, got ${JSON.stringify(v)}`);
    }
    const list = values.get(spec.flag) ?? [];
    if (spec.repeat) list.push(v);
    else list.splice(0, list.length, v);
    values.set(spec.flag, list);
  }
  return {
    values,
    flags,
    positional,
    help,
    last: (flag) => values.get(flag)?.at(-1),
    all: (flag) => values.get(flag) ?? [],
    has: (flag) => flags.has(flag) || values.has(flag),
  };
}
