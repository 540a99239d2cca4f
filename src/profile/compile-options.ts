// compile()'s options, checked: unknown keys by the shared validator (options.ts), values here.
import { argRangeError, argTypeError } from '../errors.js';
import { booleanOption, readOptions } from '../options.js';
import type { CompileOptions } from './types.js';

const UNKNOWN_SYSCALLS = ['error', 'warn', 'ignore'] as const;

/** compile()'s options as a plain object read once (getters, Proxies): what is checked is what is used. */
export function checkCompileOptions(options: unknown): CompileOptions {
  const o = readOptions('compile', options);
  for (const k of ['strict', 'enosys', 'newSyscalls', 'specialize', 'narrowArgs', 'multiplexers'] as const) booleanOption(o, k);
  if (o.cache !== 'memory') booleanOption(o, 'cache'); // cache: true (memory and disk), 'memory' or false
  if (o.unknownSyscalls !== undefined) {
    const v = o.unknownSyscalls;
    if (typeof v !== 'string') throw argTypeError(`options.unknownSyscalls must be 'error', 'warn' or 'ignore', got ${v === null ? 'null' : typeof v}`);
    if (!(UNKNOWN_SYSCALLS as readonly string[]).includes(v)) {
      throw argRangeError(`options.unknownSyscalls must be 'error', 'warn' or 'ignore', got ${JSON.stringify(v)}`);
    }
    if (o.strict === true && v !== 'error') {
      throw argRangeError(`options.strict (deprecated: unknownSyscalls 'error') contradicts options.unknownSyscalls ${JSON.stringify(v)}`);
    }
  }
  if (o.optimize !== undefined) {
    if (typeof o.optimize !== 'number') throw argTypeError(`options.optimize must be 1 or 2, got ${typeof o.optimize}`);
    if (o.optimize !== 1 && o.optimize !== 2) throw argRangeError(`options.optimize must be 1 or 2, got ${o.optimize}`);
  }
  return o as CompileOptions;
}

let strictDeprecated = false;

/**
 * The deprecation note for the old `strict` spelling (compile's `strict`, forkSandboxed's
 * `seccompStrict`), once per process: it now means `unknownSyscalls: 'error'`.
 */
export function deprecateStrict(spelling = 'options.strict'): void {
  if (strictDeprecated) return;
  strictDeprecated = true;
  process.emitWarning(
    `${spelling} is deprecated: use unknownSyscalls: 'error' (now the default), 'warn' or 'ignore'. ` +
      'It no longer refuses real syscall names the installed libseccomp cannot number.',
    { type: 'DeprecationWarning', code: 'SECCOMP_DEP_STRICT' },
  );
}
