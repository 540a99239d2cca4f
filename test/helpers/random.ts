// Seeded randomness for tests that sample inputs: every run checks the same cases.

/** A small deterministic generator (xorshift32), so every run checks the same vectors. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}
