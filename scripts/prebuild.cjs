'use strict';
// npm run prebuild: the N-API addon for this platform and arch, stripped, into
// prebuilds/<platform>-<arch>/ (prebuildify), plus the launcher executable that the
// spawn API runs, copied beside it (the loader looks for it next to the addon).
const { spawnSync } = require('node:child_process');
const { chmodSync, copyFileSync, existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (process.platform !== 'linux') {
  console.error(`seccomp: prebuilds are made on Linux; this is ${process.platform}.`);
  process.exit(1);
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status === null ? 1 : r.status);
}

const prebuildify = require.resolve('prebuildify/bin.js');
run(process.execPath, [prebuildify, '--napi', '--strip', ...process.argv.slice(2)]);

// prebuildify names the folder after PREBUILD_PLATFORM/PREBUILD_ARCH when given (--arch sets it).
const platform = process.env.PREBUILD_PLATFORM || process.platform;
const arch = process.env.PREBUILD_ARCH || archArg() || process.arch;
const dir = join(root, 'prebuilds', `${platform}-${arch}`);
const launcher = join(root, 'build', 'Release', 'seccomp-launcher');
if (existsSync(launcher)) {
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, 'seccomp-launcher');
  copyFileSync(launcher, dest);
  chmodSync(dest, 0o755);
  run(process.env.PREBUILD_STRIP_BIN || 'strip', ['--strip-all', dest]);
  console.log(`seccomp: copied the launcher to ${dest}`);
} else {
  console.log('seccomp: no build/Release/seccomp-launcher (its gyp target is not built); addon only');
}

function archArg() {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--arch') return args[i + 1];
    if (args[i].startsWith('--arch=')) return args[i].slice(7);
  }
  return undefined;
}
