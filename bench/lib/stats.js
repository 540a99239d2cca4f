// Summary statistics and the interleaving runner.

/** Nearest-rank percentile of numbers (p in 0..100). */
export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * s.length);
  return s[Math.min(s.length - 1, Math.max(0, rank - 1))];
}

export function summary(values) {
  return { n: values.length, min: Math.min(...values), median: percentile(values, 50), p95: percentile(values, 95) };
}

/**
 * Runs every variant once per round, `rounds` times, rotating the order each round so that
 * no variant always runs first (drift and warm caches are shared out evenly). A variant is
 * an async function returning one sample or an array of samples.
 * Returns { name: samples[] }.
 */
export async function interleave(rounds, variants) {
  const names = Object.keys(variants);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(r + i) % names.length];
      const s = await variants[name]();
      if (Array.isArray(s)) out[name].push(...s);
      else out[name].push(s);
    }
  }
  return out;
}

/** Milliseconds since `t0` (from process.hrtime.bigint()). */
export function msSince(t0) {
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
