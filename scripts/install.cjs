'use strict';
// Install hook: build (or pick a prebuild of) the addon on Linux only.
// Elsewhere the package installs without compiling and reports isSupported() === false.
const { spawnSync } = require('node:child_process');

if (process.platform !== 'linux') {
  console.log(`seccomp: ${process.platform} has no seccomp; skipping the native build.`);
  process.exit(0);
}
const bin = require.resolve('node-gyp-build/bin.js');
const r = spawnSync(process.execPath, [bin], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
