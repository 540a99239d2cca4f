// Types for engine.mjs (used from the TypeScript test suite).
export function rng(seed: number): () => number;
export interface FuzzViolation {
  seed: number;
  case: number;
  kind: string;
  input: string;
  options: string;
  error: string;
  stack?: string;
}
export function fuzz(
  api: Record<string, any>,
  options: { seed: number; cases: number; only?: number; slowMs?: number; onProgress?: (n: number, counts: Record<string, number>) => void },
): { counts: Record<string, number>; violations: FuzzViolation[] };
