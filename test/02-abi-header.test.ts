// Our declarations of the libseccomp ABI (native/seccomp_abi.h) against the real
// <seccomp.h>, when libseccomp-dev is installed (.ci/run installs it only after the main
// suite). SECCOMP_INCLUDE_DIR may point at another include directory holding seccomp.h.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, root } from './helpers/child.js';
import { scratchDir } from './helpers/scratch.js';

const includeDir = process.env.SECCOMP_INCLUDE_DIR ?? '/usr/include';
const hasHeader = existsSync(join(includeDir, 'seccomp.h'));
const nativeDir = join(root, 'native');
const work = scratchDir('seccomp-abi-');

function run(cmd: string, args: string[]) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return { status: r.status, out: r.stdout ?? '', err: (r.stderr ?? '') + (r.error ? String(r.error) : '') };
}

/** Builds test/fixtures/abi-values.c one way and returns its "name value" lines as a map. */
function values(compiler: string[], extra: string[]): Map<string, string> {
  const exe = join(work, `values-${extra.length}`);
  const c = run(compiler[0], [...compiler.slice(1), ...extra, join(fixtures, 'abi-values.c'), '-o', exe]);
  expect(c.err, 'compile').toBe('');
  expect(c.status).toBe(0);
  const r = run(exe, []);
  expect(r.status).toBe(0);
  return new Map(r.out.trim().split('\n').map((l) => l.split(' ') as [string, string]));
}

const NO_HEADER = `${join(includeDir, 'seccomp.h')} is absent (CI installs libseccomp-dev for this file)`;

describe(`native/seccomp_abi.h against ${join(includeDir, 'seccomp.h')}`, () => {
  it('declares the same enum values, action values and struct layouts', (ctx) => {
    ctx.skip(!hasHeader, NO_HEADER);
    const real = values(['cc', '-x', 'c', '-std=c11'], [`-I${includeDir}`]);
    const ours = values(['c++', '-x', 'c++', '-std=c++17'], ['-DOURS', `-I${nativeDir}`]);
    expect(real.size).toBeGreaterThanOrEqual(38);
    // Ours may declare more (attributes of newer libseccomp); every real fact must match.
    for (const [name, value] of real) expect({ name, value: ours.get(name) }).toEqual({ name, value });
    expect(real.get('sizeof_arg_cmp')).toBe('24');
  });

  it('declares function types that match the real prototypes', (ctx) => {
    ctx.skip(!hasHeader, NO_HEADER);
    const args = ['-std=c++17', '-fsyntax-only', `-I${includeDir}`, `-I${nativeDir}`, join(fixtures, 'abi-prototypes.cc')];
    const ok = run('c++', args);
    expect(ok.err).toBe('');
    expect(ok.status).toBe(0);
    // The same check with one deliberate mismatch must fail, naming it.
    const broken = run('c++', ['-DBREAK', ...args]);
    expect(broken.status).not.toBe(0);
    expect(broken.err).toContain('seccomp_reset differs from scmp::fn_init');
  });
});

