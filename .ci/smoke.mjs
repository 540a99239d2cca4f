// Run by .ci/install-prebuilt in a project that installed the packed tarball: the addon and the
// launcher come from prebuilds/linux-<arch>, and a command runs behind docker-default and
// behind a profile that denies mkdir.
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { compile, execFile, version } from 'seccomp';

const require = createRequire(import.meta.url);
const pkg = dirname(require.resolve('seccomp/package.json'));
const addon = require('node-gyp-build').path(pkg);
const expected = join(pkg, 'prebuilds', `linux-${process.arch}`);
if (dirname(addon) !== expected) throw new Error(`addon loaded from ${addon}, not ${expected}`);
console.log(`smoke: addon ${relative(process.cwd(), addon)}, libseccomp ${Object.values(version()).join('.')}`);

compile('docker-default');
const ok = await execFile('sh', ['-c', 'echo ok'], { seccomp: 'docker-default', isolation: 'available' });
if (ok.stdout !== 'ok\n') throw new Error(`docker-default: unexpected output ${JSON.stringify(ok.stdout)}`);

const denyMkdir = {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO' }],
};
const denied = await execFile('mkdir', [join(process.cwd(), 'x')], { seccomp: denyMkdir, isolation: 'available' }).then(
  () => null,
  (e) => e,
);
if (!denied || denied.code !== 1 || !/Operation not permitted/.test(denied.stderr)) {
  throw new Error(`mkdir was not denied: ${denied ? denied.stderr : 'it succeeded'}`);
}
console.log('smoke: spawn under docker-default and a mkdir-denying profile work from the prebuild');
