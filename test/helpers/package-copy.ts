// A copy of the built package (dist/, package.json, the addon and its launcher) in a directory of
// the caller's: for tests that need the package's own .cache/seccomp, which no environment
// variable moves (V8's code cache of the register bundle lives only there).
import { copyFileSync, cpSync } from 'node:fs';
import { join, relative } from 'node:path';
import { addonDir } from '../../dist/native.js';
import { root } from './child.js';

export function packageCopy(dir: string): string {
  const pkg = join(dir, 'seccomp');
  cpSync(join(root, 'dist'), join(pkg, 'dist'), { recursive: true });
  copyFileSync(join(root, 'package.json'), join(pkg, 'package.json'));
  cpSync(addonDir(), join(pkg, relative(root, addonDir())), { recursive: true });
  return pkg;
}
