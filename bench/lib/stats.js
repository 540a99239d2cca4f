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
 * Runs every variant once per round, `rounds` times, in a new order each round so that no
 * variant always runs first or after the same one (drift and warm caches are shared out
 * evenly). A variant is
 * an async function returning one sample or an array of samples.
 * Returns { name: samples[] }.
 */
export async function interleave(rounds, variants) {
  const names = Object.keys(variants);
  const out = Object.fromEntries(names.map((n) => [n, []]));
  // A fresh order each round (seeded, so runs are comparable): what one variant leaves behind
  // (a fork leaves this process's pages write-protected, so the next few milliseconds take
  // faults) must not always land on the same neighbour.
  let seed = 0x2545f491;
  const next = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16);
  for (let r = 0; r < rounds; r++) {
    const order = [...names];
    for (let i = order.length - 1; i > 0; i--) {
      const j = next() % (i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    for (const name of order) {
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
