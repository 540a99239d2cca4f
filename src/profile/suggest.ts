// "Did you mean ...?" for misspelt syscall names and profile keys: the nearest known word by
// edit distance (an adjacent swap counts as one edit, as in mkdri -> mkdir). A profile may hold
// 200k names, so the scan is cheap: only words of a near length are compared, each comparison
// stops once it cannot come within the bound, and each distinct name is looked up once.
import { linuxSyscallNames } from './syscall-names.js';

/** The largest distance still taken for a typo of a word this long. */
export function typoBound(length: number): number {
  return length <= 4 ? 1 : length <= 9 ? 2 : 3;
}

/**
 * Optimal-string-alignment distance between `a` and `b`, or `bound + 1` as soon as it is
 * certain to exceed `bound`.
 */
export function editDistance(a: string, b: string, bound: number): number {
  if (Math.abs(a.length - b.length) > bound) return bound + 1;
  let prev2: number[] = [];
  let prev: number[] = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, prev2[j - 2] + 1);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > bound) return bound + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[b.length];
}

/** The nearest of `words` within typoBound (ties: the first), or undefined. */
export function nearest(word: string, words: Iterable<string>, bound = typoBound(word.length)): string | undefined {
  let best: string | undefined;
  let bestD = bound + 1;
  for (const w of words) {
    if (Math.abs(w.length - word.length) >= bestD) continue;
    const d = editDistance(word, w, bestD - 1);
    if (d < bestD) {
      best = w;
      bestD = d;
      if (d === 1) break;
    }
  }
  return best;
}

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
