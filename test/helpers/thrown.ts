import type { SeccompError } from '../../dist/errors.js';

/** What the package throws: a SeccompError, or a TypeError/RangeError with a Node-style `code`. */
export type Thrown = Error & Pick<SeccompError, 'code' | 'errno' | 'func' | 'syscall' | 'problems'>;

/** Runs fn and returns what it threw; fails the test when it throws nothing, or a non-Error. */
export function thrown(fn: () => unknown): Thrown {
  try {
    fn();
  } catch (e) {
    if (e instanceof Error) return e as Thrown;
    throw new Error(`expected an Error, got ${String(e)}`);
  }
  throw new Error('expected an error');
}
