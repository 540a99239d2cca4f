// Architecture names (libseccomp's) and tokens as the installed libseccomp knows them. The facts
// themselves are in model/arch.ts; this file asks the native layer which of them it supports.
import { ErrorCode, SeccompError, argTypeError } from './errors.js';
import { ARCHES, archByToken } from './model/arch.js';
import { native } from './native.js';

/** Every arch name libseccomp 2.5/2.6 knows; the installed one may know fewer. */
export const ARCH_NAMES: readonly string[] = Object.freeze(ARCHES.map((a) => a.libseccomp));

const tokenCache = new Map<string, number>();

/** The token for a libseccomp arch name; ERR_SECCOMP_UNKNOWN_ARCH when the installed libseccomp does not know it. */
export function archToken(name: string): number {
  if (typeof name !== 'string') throw argTypeError(`arch must be a string, got ${typeof name}`);
  if (name.includes('\0')) throw argTypeError('arch must not contain NUL');
  let t = tokenCache.get(name);
  if (t === undefined) {
    t = name === 'native' ? native().archNative() : native().archResolve(name);
    if (t === 0) {
      throw new SeccompError(`unknown architecture "${name}" (libseccomp names: ${ARCH_NAMES.join(', ')})`, {
        code: ErrorCode.UNKNOWN_ARCH,
      });
    }
    tokenCache.set(name, t);
  }
  return t;
}

/** The libseccomp name for a token, or undefined. */
export function archName(token: number): string | undefined {
  return archByToken(token)?.libseccomp;
}

/** The native arch's libseccomp name (e.g. `x86_64`). */
export function nativeArch(): string {
  const t = native().archNative();
  return archName(t) ?? `0x${t.toString(16)}`;
}
