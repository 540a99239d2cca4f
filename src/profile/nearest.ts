// The nearest known word by edit distance (an adjacent swap counts as one edit, as in mkdri ->
// mkdir): "did you mean" for syscall names, profile keys and option keys. Kept apart from
// suggest.ts (which holds every syscall name) so that option checks on startup paths stay small.

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

