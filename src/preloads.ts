// Which modules Node runs before the program, in the order it runs them: what seccomp/register
// needs to know whether user code could have run before it. Pure except for the file lookups
// in preloadsBefore's caller.

export type PreloadKind = 'require' | 'loader' | 'import';

export interface Preload {
  kind: PreloadKind;
  /** The option as written (`--require`, `-r`, `--import`, `--loader`, `--experimental-loader`). */
  option: string;
  spec: string;
  from: 'NODE_OPTIONS' | 'the command line';
}

const OPTIONS: Record<string, PreloadKind> = {
  '--require': 'require',
  '-r': 'require',
  '--import': 'import',
  '--loader': 'loader',
  '--experimental-loader': 'loader',
};

/**
 * NODE_OPTIONS split as Node splits it: on spaces, with double quotes grouping and a backslash
 * inside quotes taking the next character literally. Undefined where Node would reject the text.
 */
export function splitNodeOptions(text: string): string[] | undefined {
  const out: string[] = [];
  let quoted = false;
  let fresh = true;
  for (let i = 0; i < text.length; i++) {
    let c = text[i];
    if (c === '\\' && quoted) {
      if (i + 1 === text.length) return undefined;
      c = text[++i];
    } else if (c === ' ' && !quoted) {
      fresh = true;
      continue;
    } else if (c === '"') {
      quoted = !quoted;
      continue;
    }
    if (fresh) out.push(c);
    else out[out.length - 1] += c;
    fresh = false;
  }
  return quoted ? undefined : out;
}

/** The preload options among `args`, in order (`--opt value` and `--opt=value`). */
export function preloadOptions(args: readonly string[], from: Preload['from']): Preload[] {
  const out: Preload[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const option = eq > 0 ? a.slice(0, eq) : a;
    const kind = OPTIONS[option];
    if (kind === undefined) continue;
    const spec = eq > 0 ? a.slice(eq + 1) : args[++i];
    if (spec !== undefined) out.push({ kind, option, spec, from });
  }
  return out;
}

/**
 * Node 20's order (found by running it): every --require (NODE_OPTIONS first, then the command
 * line, each in its own order), then the --loader/--experimental-loader modules (they start the
 * hooks thread), then every --import (NODE_OPTIONS first again).
 */
export function runOrder(nodeOptions: readonly string[], execArgv: readonly string[]): Preload[] {
  const all = [...preloadOptions(nodeOptions, 'NODE_OPTIONS'), ...preloadOptions(execArgv, 'the command line')];
  const kinds: PreloadKind[] = ['require', 'loader', 'import'];
  return kinds.flatMap((k) => all.filter((p) => p.kind === k));
}

/**
 * The preloads that are not ours and run before the first one that is: those could have run user
 * code unfiltered. When none is ours (loaded some other way), every other preload counts.
 */
export function preloadsBefore(order: readonly Preload[], isOurs: (p: Preload) => boolean): Preload[] {
  const first = order.findIndex(isOurs);
  return (first < 0 ? order : order.slice(0, first)).filter((p) => !isOurs(p));
}
