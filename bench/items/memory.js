// 5. Memory: RSS of a Node process that imported the package and compiled docker-default,
// against a bare Node process (and one that only imported the package, and one started behind
// `--import seccomp/register`, its profile from the disk cache).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { need } from '../lib/pkg.js';
import { benchDir, dist } from '../lib/paths.js';
import { interleave, summary } from '../lib/stats.js';

const child = join(benchDir, 'lib', 'rss-child.mjs');

function rssMiB(mode, execArgv = [], env = process.env) {
  const out = execFileSync(process.execPath, [...execArgv, child, mode, pathToFileURL(dist + '/').href], { encoding: 'utf8', env });
  return JSON.parse(out.trim().split('\n').pop()).rss / 2 ** 20;
}

export async function run(ctx) {
  need(ctx.pkg, 'compile');
  const regEnv = { ...process.env, SECCOMP_PROFILE: 'docker-default' };
  delete regEnv.SECCOMP_CACHE;
  // The file `--import seccomp/register` names (the door to the bundle; package.json "exports").
  const register = () => rssMiB('bare', ['--import', join(dist, 'register.mjs')], regEnv);
  register(); // fills the disk cache
  register(); // and V8's code cache of the bundle
  const s = await interleave(ctx.quick ? 3 : 8, {
    bare: () => rssMiB('bare'),
    import: () => rssMiB('import'),
    compile: () => rssMiB('compile'),
    register,
  });
  const base = summary(s.bare);
  const row = (name, k) => ({
    item: '5 memory',
    name,
    unit: 'MiB',
    ...summary(s[k]),
    ratio: summary(s[k]).median / base.median,
    detail: `+${(summary(s[k]).median - base.median).toFixed(1)} MiB`,
  });
  return {
    rows: [
      { item: '5 memory', name: 'bare node process', unit: 'MiB', ...base, baseline: true },
      row('imported the package', 'import'),
      row("imported + compile('docker-default')", 'compile'),
      row('started behind --import seccomp/register (docker-default, disk cache warm)', 'register'),
    ],
    raw: s,
  };
}
