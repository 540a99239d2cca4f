import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// compile()'s disk cache goes to a directory of this run (inherited by every child), never the
// user's ~/.cache.
process.env.XDG_CACHE_HOME = mkdtempSync(join(tmpdir(), 'seccomp-test-cache-'));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
