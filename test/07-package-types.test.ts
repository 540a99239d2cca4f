// The published declarations as a consumer sees them: the package is packed (`npm pack`, as
// published), unpacked into a scratch project, and a consumer file is type-checked against it,
// with no Node types at all and with @types/node, by the TypeScript that builds this package
// and by the newest one (typescript-next), without skipLibCheck so every .d.ts is checked.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtures, root } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-consumer-');
const COMPILERS = ['typescript', 'typescript-next'] as const;

let tarball = '';
let packDir = '';
afterAll(() => rmSync(packDir, { recursive: true, force: true }));
beforeAll(() => {
  const out = (packDir = mkdtempSync(join(tmpdir(), 'seccomp-pack-')));
  // --ignore-scripts: dist/ is built by `npm test` before vitest runs (prepare would rebuild it).
  const json = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', out], {
    cwd: root,
    encoding: 'utf8',
  });
  tarball = join(out, JSON.parse(json)[0].filename);
});

function project(withNode: boolean): string {
  const dir = scratch();
  const pkg = join(dir, 'node_modules', 'seccomp');
  mkdirSync(pkg, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', pkg, '--strip-components=1']);
  if (withNode) {
    mkdirSync(join(dir, 'node_modules', '@types'));
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'));
  }
  const file = withNode ? 'with-node.ts' : 'plain.ts';
  copyFileSync(join(fixtures, 'consumer', file), join(dir, file));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', type: 'module', private: true }));
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        strict: true,
        noEmit: true,
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        skipLibCheck: false,
        types: withNode ? ['node'] : [],
      },
      files: [file],
    }),
  );
  return dir;
}

function typecheck(compiler: (typeof COMPILERS)[number], dir: string): { status: number | null; output: string } {
  const tsc = join(root, 'node_modules', compiler, 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('published declarations', () => {
  it('the tarball has no declaration that imports a node: module (they would need Node types)', () => {
    const dir = project(false);
    const dts = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? dts(join(d, e.name)) : e.name.endsWith('.d.ts') ? [join(d, e.name)] : [],
      );
    const files = dts(join(dir, 'node_modules', 'seccomp', 'dist'));
    expect(files.length).toBeGreaterThan(10);
    const grep = spawnSync('grep', ['-l', '-E', "^import .* from 'node:", ...files], { encoding: 'utf8' });
    expect(grep.stdout).toBe('');
    expect(grep.status).toBe(1);
  });

  for (const compiler of COMPILERS) {
    it(`${compiler}: a consumer without any Node types type-checks (strict, lib ES2022, types [])`, () => {
      const r = typecheck(compiler, project(false));
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    });

    it(`${compiler}: with @types/node the consumer gets Node's own ChildProcess, Buffer and options`, () => {
      const r = typecheck(compiler, project(true));
      expect(r.output).toBe('');
      expect(r.status).toBe(0);
    });
  }
});
