/** Runs fn and returns what it threw; fails the test when it throws nothing. */
export function thrown(fn: () => unknown): any {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error');
}
