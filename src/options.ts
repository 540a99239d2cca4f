// The options every public entry point takes, checked in one place: the object is read once
// (getters and Proxies answer once) and a key the entry point does not know is a TypeError with
// ERR_SECCOMP_UNKNOWN_OPTION and the nearest known key, so that `specialise: false` cannot
// silently mean "specialize as usual".
import { ErrorCode, argTypeError } from './errors.js';
import { nearest } from './profile/nearest.js';

/** compile()'s own options (CompileOptions). */
export const COMPILE_KEYS = [
  'capabilities', 'arch', 'kernel', 'unknownSyscalls', 'strict', 'enosys', 'cache', 'newSyscalls', 'optimize',
  'specialize', 'narrowArgs', 'multiplexers',
] as const;

// Node 20's documented options (child_process.spawn, execFile and fork); passed through as they are.
const NODE_SPAWN = [
  'cwd', 'env', 'argv0', 'stdio', 'detached', 'uid', 'gid', 'serialization', 'shell', 'windowsVerbatimArguments',
  'windowsHide', 'signal', 'timeout', 'killSignal',
];
const NODE_EXEC_FILE = [
  'cwd', 'env', 'encoding', 'timeout', 'maxBuffer', 'killSignal', 'uid', 'gid', 'windowsHide',
  'windowsVerbatimArguments', 'shell', 'signal',
];
const NODE_FORK = [
  'cwd', 'detached', 'env', 'execPath', 'execArgv', 'gid', 'serialization', 'signal', 'killSignal', 'silent', 'stdio',
  'uid', 'windowsVerbatimArguments', 'timeout',
];
/** What spawn(), execFile() and fork() add to Node's options (onSyscall/onDenied: the supervisor's). */
const SECCOMP_SPAWN = ['seccomp', 'capabilities', 'isolation', 'onSyscall', 'onDenied'];

const known = (...lists: readonly (readonly string[])[]): ReadonlySet<string> => new Set(lists.flat());

/** The option keys of each entry point. */
export const OPTION_KEYS = {
  compile: known(COMPILE_KEYS),
  sandbox: known(COMPILE_KEYS, ['noNewPrivs', 'isolation']),
  spawn: known(NODE_SPAWN, SECCOMP_SPAWN),
  // execFile() takes spawn()'s options too (ExecFileOptions extends SpawnOptions).
  execFile: known(NODE_SPAWN, NODE_EXEC_FILE, SECCOMP_SPAWN),
  fork: known(NODE_FORK, SECCOMP_SPAWN),
  forkSandboxed: known(NODE_FORK, SECCOMP_SPAWN, ['seccompStrict', 'seccompUnknownSyscalls']),
} as const;

export type OptionsOf = keyof typeof OPTION_KEYS;

const PLACES: Record<OptionsOf, string> = {
  compile: 'compile()',
  sandbox: 'sandbox()',
  spawn: 'spawn()',
  execFile: 'execFile()',
  fork: 'fork()',
  forkSandboxed: 'forkSandboxed()',
};

/** The TypeError for an option key `where` does not take, with the nearest one it does. */
export function unknownOptionError(where: OptionsOf, key: string): TypeError & { code: string } {
  const hint = nearest(key, OPTION_KEYS[where]);
  const e = argTypeError(
    `${PLACES[where]}: unknown option ${JSON.stringify(key)}` + (hint ? `; did you mean ${JSON.stringify(hint)}?` : ''),
  );
  return Object.assign(e, { code: ErrorCode.UNKNOWN_OPTION, option: key, ...(hint ? { suggestion: hint } : {}) });
}

/**
 * Checks `options` for `where`: undefined gives {}, anything but a plain object (an array, a
 * function, null) is a TypeError, an unknown own key is ERR_SECCOMP_UNKNOWN_OPTION. Returns a
 * copy holding each known key's value, read once; undefined values are left out.
 */
export function readOptions(where: OptionsOf, options: unknown): Record<string, unknown> {
  if (options === undefined) return {};
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw argTypeError(`${PLACES[where]}: options must be an object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const keys = OPTION_KEYS[where];
  let own: string[];
  try {
    own = Object.keys(options);
  } catch (e) {
    throw argTypeError(`${PLACES[where]}: options cannot be read (${e instanceof Error ? e.message : typeof e})`);
  }
  for (const k of own) if (!keys.has(k)) throw unknownOptionError(where, k);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    let v: unknown;
    try {
      v = (options as Record<string, unknown>)[k];
    } catch (e) {
      throw argTypeError(`options.${k} cannot be read (${e instanceof Error ? e.message : typeof e})`);
    }
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/** Only the key check (the caller reads the object itself): the one line at the top of spawn(), fork(), ... */
export function checkOptionKeys(where: OptionsOf, options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) return; // the caller's type check says why
  let own: string[];
  try {
    own = Object.keys(options);
  } catch (e) {
    throw argTypeError(`${PLACES[where]}: options cannot be read (${e instanceof Error ? e.message : typeof e})`);
  }
  const keys = OPTION_KEYS[where];
  for (const k of own) if (!keys.has(k)) throw unknownOptionError(where, k);
}

/** The options object of a (args?, options?) call: the second argument when it is no array. */
export function optionsArgument(argsOrOptions: unknown, maybeOptions: unknown): unknown {
  return Array.isArray(argsOrOptions) || argsOrOptions == null ? maybeOptions : argsOrOptions;
}

/** An optional boolean option; a TypeError naming it otherwise. */
export function booleanOption(o: Record<string, unknown>, key: string): void {
  const v = o[key];
  if (v !== undefined && typeof v !== 'boolean') {
    throw argTypeError(`options.${key} must be a boolean, got ${v === null ? 'null' : typeof v}`);
  }
}
