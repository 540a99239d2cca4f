// "Did you mean ...?" for misspelt syscall names and profile keys: the nearest known word by
// edit distance (an adjacent swap counts as one edit, as in mkdri -> mkdir). A profile may hold
// 200k names, so the scan is cheap: only words of a near length are compared, each comparison
// stops once it cannot come within the bound, and each distinct name is looked up once.
import { linuxSyscallNames } from './syscall-names.js';
import { nearest, typoBound } from './nearest.js';

export { editDistance, nearest, typoBound } from './nearest.js';

// Known syscall names by length, built on first use.
let byLength: Map<number, string[]> | undefined;
const suggested = new Map<string, string | undefined>();
const SUGGESTED_MAX = 4096;

/** The known syscall name nearest to `name` (a name that is no syscall), or undefined. */
export function suggestSyscall(name: string): string | undefined {
  if (suggested.has(name)) return suggested.get(name);
  if (!byLength) {
    byLength = new Map();
    for (const n of linuxSyscallNames()) {
      const list = byLength.get(n.length);
      if (list) list.push(n);
      else byLength.set(n.length, [n]);
    }
  }
  const bound = typoBound(name.length);
  // Nearest lengths first: an equal length holds the swaps and substitutions.
  const candidates: string[] = [];
  for (let d = 0; d <= bound; d++) {
    for (const len of d === 0 ? [name.length] : [name.length - d, name.length + d]) {
      const list = byLength.get(len);
      if (list) candidates.push(...list);
    }
  }
  const best = nearest(name.toLowerCase(), candidates, bound);
  if (suggested.size < SUGGESTED_MAX) suggested.set(name, best);
  return best;
}
