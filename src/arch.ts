// Architecture names (libseccomp's) and tokens (the kernel's AUDIT_ARCH_* values).
import { ErrorCode, SeccompError, argTypeError } from './errors.js';
import { native } from './native.js';

/** Every arch name libseccomp 2.5/2.6 knows; the installed one may know fewer. */
export const ARCH_NAMES = [
  'x86', 'x86_64', 'x32', 'arm', 'aarch64', 'loongarch64', 'm68k', 'mips', 'mipsel', 'mips64',
  'mipsel64', 'mips64n32', 'mipsel64n32', 'parisc', 'parisc64', 'ppc', 'ppc64', 'ppc64le', 's390',
  's390x', 'riscv64', 'sheb', 'sh',
] as const;

let byToken: Map<number, string> | undefined;
const tokenCache = new Map<string, number>();

/** The token for a libseccomp arch name; ERR_SECCOMP_UNKNOWN_ARCH when it is unknown here. */
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
  if (!byToken) {
    byToken = new Map();
    for (const n of ARCH_NAMES) {
      const t = native().archResolve(n);
      if (t !== 0 && !byToken.has(t)) byToken.set(t, n);
    }
  }
  return byToken.get(token >>> 0);
}

/** The native arch's libseccomp name (e.g. `x86_64`). */
export function nativeArch(): string {
  const t = native().archNative();
  return archName(t) ?? `0x${t.toString(16)}`;
}
