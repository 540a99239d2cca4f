'use strict';
// npm run prebuild [-- --arch arm64]: the N-API addon for linux-<arch>, stripped, into
// prebuilds/linux-<arch>/ (prebuildify), plus the launcher executable that the spawn API runs,
// copied beside it (the loader looks for it next to the addon). Another arch than this
// machine's is cross-built with Debian's cross toolchain (apt-get install g++-aarch64-linux-gnu);
// its build/ goes to a scratch directory so this machine's own build/ stays in place.
const { spawnSync } = require('node:child_process');
const { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

const root = join(__dirname, '..');
if (process.platform !== 'linux') {
  console.error(`seccomp: prebuilds are made on Linux; this is ${process.platform}.`);
  process.exit(1);
}

// Node's arch name -> the GNU triplet of Debian's cross compilers.
const TRIPLETS = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' };

const arch = archArg() || process.arch;
const cross = arch !== process.arch;
const env = { ...process.env };
if (cross) {
  const triplet = TRIPLETS[arch];
  if (!triplet) {
    console.error(`seccomp: no cross toolchain known for ${arch} (known: ${Object.keys(TRIPLETS).join(', ')})`);
    process.exit(1);
  }
  const probe = spawnSync(`${triplet}-g++`, ['--version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    console.error(`seccomp: ${triplet}-g++ is missing (Debian: apt-get install g++-${triplet.replace(/_/g, '-')})`);
    process.exit(1);
  }
  Object.assign(env, {
    CC: `${triplet}-gcc`,
    CXX: `${triplet}-g++`,
    LINK: `${triplet}-g++`,
    AR: `${triplet}-ar`,
    PREBUILD_STRIP_BIN: `${triplet}-strip`,
  });
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

const build = join(root, 'build');
let parked;
if (cross && existsSync(build)) {
  parked = join(mkdtempSync(join(tmpdir(), 'seccomp-build-')), 'build');
  renameSync(build, parked);
}
try {
  const prebuildify = require.resolve('prebuildify/bin.js');
  run(process.execPath, [prebuildify, '--napi', '--strip', ...process.argv.slice(2)]);

  const dir = join(root, 'prebuilds', `linux-${arch}`);
  const launcher = join(build, 'Release', 'seccomp-launcher');
  if (!existsSync(launcher)) throw new Error(`no ${launcher} after the build`);
  mkdirSync(dir, { recursive: true });
  const dest = join(dir, 'seccomp-launcher');
  copyFileSync(launcher, dest);
  chmodSync(dest, 0o755);
  run(env.PREBUILD_STRIP_BIN || 'strip', ['--strip-all', dest]);
  console.log(`seccomp: copied the launcher to ${dest}`);
} catch (err) {
  console.error(`seccomp: prebuild for linux-${arch} failed: ${err.message}`);
  process.exitCode = 1;
} finally {
  if (parked) {
    rmSync(build, { recursive: true, force: true });
    renameSync(parked, build);
  }
}

function archArg() {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--arch') return args[i + 1];
    if (args[i].startsWith('--arch=')) return args[i].slice(7);
  }
  return undefined;
}
