// Which objects are results of compile() (or entries of its disk cache, which it wrote): kept
// apart from compile.ts so that the startup paths can tell without loading the compiler.
import type { CompiledProfile } from './types.js';

const produced = new WeakSet<object>();

/** True for a result of compile() (of this module instance). */
export function isCompiledProfile(value: unknown): value is CompiledProfile {
  return typeof value === 'object' && value !== null && produced.has(value);
}

/** Marks `value` as compile()'s own result. */
export function markProduced(value: CompiledProfile): void {
  produced.add(value);
}
