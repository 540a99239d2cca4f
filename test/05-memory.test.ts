// Leak check (not a timing): create/addRule/exportBpf/release cycles in a child.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runNode } from './helpers/child.js';

describe('memory', () => {
  it('100 000 create/addRule/exportBpf/release cycles do not grow RSS by more than a few MB', () => {
    const r = runNode(['--expose-gc', join(fixtures, 'memory-cycles.mjs'), '100000'], { timeout: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { cycles, growth } = r.json;
    expect(cycles).toBe(100_000);
    expect(growth).toBeLessThan(4 * 1024 * 1024);
  }, 300_000);
});
