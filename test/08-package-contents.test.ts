// What `npm pack` puts in the tarball: the license, and prebuilt binaries (addon and launcher)
// for linux-x64 and linux-arm64 so that installing needs no compiler (.ci/install-prebuilt
// installs it with the compilers hidden). The arm64 ones cannot run here: their ELF headers are
// checked. Prebuilds exist after `npm run prebuild` (and `-- --arch arm64`); without them the
// prebuild checks are a named skip, unless SECCOMP_REQUIRE_PREBUILDS=1 (CI) makes them required.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { root } from './helpers/child.js';

const packed: { files: { path: string; mode: number }[] } = JSON.parse(
  execFileSync('npm', ['pack', '--dry-run', '--ignore-scripts', '--json'], { cwd: root, encoding: 'utf8' }),
)[0];
const paths = new Set(packed.files.map((f) => f.path));

const TARGETS = [
  { dir: 'linux-x64', machine: 'Advanced Micro Devices X86-64' },
  { dir: 'linux-arm64', machine: 'AArch64' },
];
const required = process.env.SECCOMP_REQUIRE_PREBUILDS === '1';

function elfHeader(file: string): Record<string, string> {
  const out = execFileSync('readelf', ['-h', file], { encoding: 'utf8' });
  return Object.fromEntries(
    out
      .split('\n')
      .map((l) => l.match(/^\s*([^:]+):\s*(.*)$/))
      .filter((m): m is RegExpMatchArray => m !== null)
      .map((m) => [m[1].trim(), m[2].trim()]),
  );
}

describe('npm pack', () => {
  it('carries an MIT LICENSE file, as package.json says', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(pkg.license).toBe('MIT');
    expect(paths.has('LICENSE')).toBe(true);
    expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/^MIT License\n[\s\S]*Permission is hereby granted, free of charge/);
  });

  it('carries the sources a fallback build needs, and no local build/', () => {
    for (const p of ['binding.gyp', 'native/addon.cc', 'native/launcher.c', 'scripts/install.cjs']) expect(paths.has(p)).toBe(true);
    expect([...paths].filter((p) => p.startsWith('build/'))).toEqual([]);
  });

  describe('prebuilds', () => {
    for (const { dir, machine } of TARGETS) {
      // Each target is a named skip where it was not built here, unless CI requires them all.
      const missing = !required && !existsSync(join(root, 'prebuilds', dir));
      const why = `no prebuilds/${dir}; run \`npm run prebuild${dir === 'linux-arm64' ? ' -- --arch arm64' : ''}\``;
      it(`${dir}: the addon and the launcher are in the tarball, built for ${machine}`, (t) => {
        t.skip(missing, why);
        const addon = `prebuilds/${dir}/seccomp.node`;
        const launcher = `prebuilds/${dir}/seccomp-launcher`;
        expect(paths.has(addon)).toBe(true);
        expect(paths.has(launcher)).toBe(true);
        const a = elfHeader(join(root, addon));
        expect(a.Machine).toBe(machine);
        expect(a.Type).toMatch(/^DYN/);
        const l = elfHeader(join(root, launcher));
        expect(l.Machine).toBe(machine);
        expect(l.Type).toMatch(/^(EXEC|DYN)/);
        const mode = packed.files.find((f) => f.path === launcher)!.mode;
        expect(mode & 0o111).toBe(0o111);
      });
    }
  });
});

// Tests and fixtures exercise one build: the package's dist/ (fixtures run under plain node and
// cannot load src/*.ts), never a second copy of the code transformed from src/ by vitest.
describe('the test tree', () => {
  it('imports the build (dist/), never src/, in tests, helpers and fixtures', () => {
    const testDir = join(root, 'test');
    const files = readdirSync(testDir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.(ts|mjs|cjs|js)$/.test(f));
    expect(files.length).toBeGreaterThan(50);
    const fromSrc = files.filter((f) => /(?:from\s+|import\(\s*|require\(\s*)['"](?:\.\.\/)+src\//.test(readFileSync(join(testDir, f), 'utf8')));
    expect(fromSrc).toEqual([]);
  });
});
