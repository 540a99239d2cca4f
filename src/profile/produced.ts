// Which objects are compiled profiles. Two questions, kept apart: isCompiledProfile() is what every
// entry point (compile, sandbox, spawn, forkSandboxed, decide) asks to take a profile as already
// compiled, a copy such as `{ ...compiled }` included; isProduced() says whether compile() (or its
// disk cache, which it wrote) made this very object, so that what was derived from it may be
// cached. Kept apart from compile.ts so that the startup paths can tell without loading the compiler.
import type { CompiledProfile } from './types.js';

const produced = new WeakSet<object>();

/** True for a result of compile() (of this module instance): its fields are as compile() left them. */
export function isProduced(value: unknown): value is CompiledProfile {
  return typeof value === 'object' && value !== null && produced.has(value);
}

/**
 * True for anything shaped as compile()'s result (a BPF program, a hash, `unconfined` and the
 * context it was evaluated in): it is used as given, not compiled again. Every entry point decides
 * with this one check; what is not produced by compile() is then read field by field each time.
 */
export function isCompiledProfile(value: unknown): value is CompiledProfile {
  if (isProduced(value)) return true;
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (Array.isArray(value)) return false;
    const v = value as Partial<Record<keyof CompiledProfile, unknown>>;
    return (
      typeof v.unconfined === 'boolean' && v.bpf instanceof Uint8Array && typeof v.hash === 'string' &&
      typeof v.context === 'object' && v.context !== null
    );
  } catch {
    // A revoked Proxy or a throwing getter: no compiled profile; the profile checks then say why.
    return false;
  }
}

/** Marks `value` as compile()'s own result. */
export function markProduced(value: CompiledProfile): void {
  produced.add(value);
}
