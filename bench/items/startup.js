// 6. Startup, measured the way users start the package: a Node app behind `--import
// seccomp/register` against the same app without it, and `seccomp run -- /bin/true` against
// `seccomp run --profile unconfined -- /bin/true`; wall time of whole processes, interleaved. The
// disk cache (the package's own) is warmed first (what every start after the first sees);
// the cold rows show a first start (SECCOMP_CACHE=0: compiled in the process).
import { spawn as cpSpawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dist, root } from '../lib/paths.js';
import { interleave, msSince, summary } from '../lib/stats.js';

/** Milliseconds from spawn to exit of `argv`; rejects unless it exited 0 (and printed `expect`). */
function timed(argv, env, expect) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = cpSpawn(argv[0], argv.slice(1), { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = msSince(t0);
      if (code !== 0 || (expect !== undefined && out !== expect)) reject(new Error(`${argv.join(' ')}: exit ${code}: ${err.slice(-500)}`));
      else resolve(ms);
    });
  });
}

export async function run(ctx) {
  const app = join(ctx.tmp, 'app.mjs');
  writeFileSync(app, "console.log('hello');\n");
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  delete env.SECCOMP_CACHE;
  const reg = { ...env, SECCOMP_PROFILE: 'docker-default' };
  const cold = { ...reg, SECCOMP_CACHE: '0' };
  const node = process.execPath;
  const cli = join(dist, 'cli.js');
  const v = {
    app: () => timed([node, app], env, 'hello\n'),
    register: () => timed([node, '--import', 'seccomp/register', app], reg, 'hello\n'),
    registerCold: () => timed([node, '--import', 'seccomp/register', app], cold, 'hello\n'),
    unconfined: () => timed([node, cli, 'run', '--profile', 'unconfined', '--', '/bin/true'], env),
    run: () => timed([node, cli, 'run', '--', '/bin/true'], env),
    runCold: () => timed([node, cli, 'run', '--', '/bin/true'], { ...env, SECCOMP_CACHE: '0' }),
  };
  // Warm: the page cache, and the disk cache for both paths (twice: the first start behind
  // register compiles, the second stores V8's code cache of the register bundle).
  for (const f of Object.values(v)) await f();
  await v.register();
  const s = await interleave(ctx.quick ? 4 : 25, v);
  const base = summary(s.app);
  const cliBase = summary(s.unconfined);
  const row = (name, k, b, extra) => ({ item: '6 startup', name, unit: 'ms', ...summary(s[k]), ratio: summary(s[k]).median / b.median, ...extra });
  return {
    rows: [
      { item: '6 startup', name: 'node app.mjs (prints one line)', unit: 'ms', ...base, baseline: true },
      row('SECCOMP_PROFILE=docker-default node --import seccomp/register app.mjs', 'register', base, {
        target: '<= 1.15x',
        detail: `+${(summary(s.register).median - base.median).toFixed(1)} ms`,
        note: 'disk cache warm (every start after the first)',
      }),
      row('the same, SECCOMP_CACHE=0 (compiled in the process)', 'registerCold', base, {
        detail: `+${(summary(s.registerCold).median - base.median).toFixed(1)} ms`,
      }),
      { item: '6 startup', name: 'seccomp run --profile unconfined -- /bin/true', unit: 'ms', ...cliBase, baseline: true },
      row('seccomp run -- /bin/true (docker-default)', 'run', cliBase, {
        target: '<= 1.1x',
        detail: `+${(summary(s.run).median - cliBase.median).toFixed(1)} ms`,
        note: 'disk cache warm (every start after the first)',
      }),
      row('the same, SECCOMP_CACHE=0 (compiled in the process)', 'runCold', cliBase, {
        detail: `+${(summary(s.runCold).median - cliBase.median).toFixed(1)} ms`,
      }),
    ],
    raw: s,
  };
}
