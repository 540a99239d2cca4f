// compile()'s in-process caches: results by hash of (document, context, options, libseccomp) and
// name, and by the input string for built-in names and JSON text (found without loading and
// hashing the document again). Both are small LRUs of frozen results.
import type { CompiledProfile } from './types.js';

const CACHE_MAX = 64;

/** By hash of (document, context, options, libseccomp) and name. */
export const byHash = new Map<string, CompiledProfile>();
/** By context, options and the input string, for built-in names and JSON text. */
export const byText = new Map<string, CompiledProfile>();

export function lruGet(m: Map<string, CompiledProfile>, key: string): CompiledProfile | undefined {
  const v = m.get(key);
  if (v !== undefined) {
    m.delete(key); // most recently used last
    m.set(key, v);
  }
  return v;
}

export function lruSet(m: Map<string, CompiledProfile>, key: string, v: CompiledProfile): void {
  m.set(key, v);
  if (m.size > CACHE_MAX) m.delete(m.keys().next().value as string);
}

/** Drops every cached compile result. */
export function clearCompileCache(): void {
  byHash.clear();
  byText.clear();
}

/** Freezes a result all the way down (its Buffer excepted, which cannot be frozen). */
export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value) && !ArrayBuffer.isView(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
