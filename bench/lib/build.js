// Builds the bench's C helpers into bench/.build (git-ignored), only when a source is
// newer than its binary. Needs cc and c++, not libseccomp-dev.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { benchDir, root } from './paths.js';

const buildDir = join(benchDir, '.build');

function build(compiler, source, output, extra) {
  const src = join(benchDir, 'c', source);
  const out = join(buildDir, output);
  if (existsSync(out) && statSync(out).mtimeMs >= statSync(src).mtimeMs) return out;
  mkdirSync(buildDir, { recursive: true });
  execFileSync(compiler, ['-O2', '-Wall', '-o', out, src, ...extra], { stdio: 'inherit' });
  return out;
}

/** Paths of the built helpers. */
export function buildHelpers() {
  return {
    syscallLoop: build('cc', 'syscall_loop.c', 'syscall_loop', []),
    // C++ only for native/seccomp_abi.h; the program itself is C-style and dlopens libseccomp.
    compileBaseline: build('c++', 'compile_baseline.cc', 'compile_baseline', [
      '-I', join(root, 'native'), '-fno-exceptions', '-ldl',
    ]),
  };
}

export { buildDir };
