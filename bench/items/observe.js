// 8. Denial reports and recording: a busy command (find over /usr/lib: getdents64 and
// newfstatat by the thousand, all allowed) under docker-default with and without onDenied —
// allowed syscalls never reach the supervisor, so the two should be within a few percent; and
// record() of `node -e` startup and of a shell pipeline against the plain run of the same. The
// same busy command through the CLI: `seccomp run --report -- find` vs `seccomp run -- find`
// (whole processes: node's start, the compile cache, the summary at the end).
import * as cp from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { need } from '../lib/pkg.js';
import { dist, root } from '../lib/paths.js';
import { interleave, msSince, summary } from '../lib/stats.js';

function timed(start) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = start();
    child.once('error', reject);
    child.once('close', () => resolve(msSince(t0)));
  });
}

/** Wall time of `node dist/cli.js ARGS` (stdout/stderr dropped); rejects unless it exited 0. */
function cli(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = cp.spawn(process.execPath, [join(dist, 'cli.js'), ...args], { cwd: root, env, stdio: 'ignore' });
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(msSince(t0)) : reject(new Error(`seccomp ${args.join(' ')}: exit ${code}`))));
  });
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const { spawn } = need(ctx.pkg, 'spawn');
  const { record } = await import(pathToFileURL(join(dist, 'record', 'record.js')).href);
  const profile = compile('docker-default');
  const io = { stdio: 'ignore', isolation: 'available' };
  const busy = ['/usr/bin/find', ['/usr/lib', '-name', 'nosuchfile']];
  const node = [process.execPath, ['-e', "require('fs').readFileSync('/etc/hostname')"]];
  const shell = ['/bin/sh', ['-c', 'echo a | cat']];
  let denials = 0;
  const reported = () => spawn(busy[0], busy[1], { ...io, seccomp: profile, onDenied: () => denials++ });
  for (let i = 0; i < 2; i++) {
    await timed(() => spawn(busy[0], busy[1], { ...io, seccomp: profile }));
    await timed(reported);
  }
  const rounds = ctx.quick ? 3 : 15;
  const b = await interleave(rounds, {
    plain: () => timed(() => spawn(busy[0], busy[1], { ...io, seccomp: profile })),
    report: () => timed(reported),
  });
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const runArgs = ['--isolation', 'available', '--', busy[0], ...busy[1]];
  for (let i = 0; i < 2; i++) {
    await cli(['run', ...runArgs], env);
    await cli(['run', '--report', ...runArgs], env);
  }
  const c = await interleave(rounds, {
    plain: () => cli(['run', ...runArgs], env),
    report: () => cli(['run', '--report', ...runArgs], env),
  });
  const rec = (cmd) => async () => {
    const t0 = process.hrtime.bigint();
    await record(cmd[0], cmd[1], { stdio: 'ignore', isolation: 'available' });
    return msSince(t0);
  };
  const r = await interleave(ctx.quick ? 3 : 10, {
    node: () => timed(() => spawn(node[0], node[1], { ...io, seccomp: profile })),
    nodeRecord: rec(node),
    shell: () => timed(() => spawn(shell[0], shell[1], { ...io, seccomp: profile })),
    shellRecord: rec(shell),
  });
  const p = summary(b.plain);
  const q = summary(b.report);
  const cp0 = summary(c.plain);
  const cq = summary(c.report);
  const n = summary(r.node);
  const nr = summary(r.nodeRecord);
  const s = summary(r.shell);
  const sr = summary(r.shellRecord);
  return {
    rows: [
      { item: '8 observe', name: 'find /usr/lib under docker-default (spawn)', unit: 'ms', ...p, baseline: true },
      {
        item: '8 observe', name: 'the same with onDenied (seccomp run --report)', unit: 'ms', ...q,
        ratio: q.median / p.median, target: '<= 1.05x', note: `allowed syscalls stay in the kernel; ${denials} denials reported in all`,
      },
      { item: '8 observe', name: 'seccomp run -- find /usr/lib (CLI, docker-default)', unit: 'ms', ...cp0, baseline: true },
      {
        item: '8 observe', name: 'seccomp run --report -- find /usr/lib', unit: 'ms', ...cq,
        ratio: cq.median / cp0.median, target: '<= 1.05x', note: 'a supervisor in the CLI; allowed syscalls never reach it',
      },
      { item: '8 observe', name: "node -e readFileSync under docker-default", unit: 'ms', ...n, baseline: true },
      { item: '8 observe', name: 'record() of the same', unit: 'ms', ...nr, ratio: nr.median / n.median, note: 'every syscall a round trip to the parent' },
      { item: '8 observe', name: "sh -c 'echo a | cat' under docker-default", unit: 'ms', ...s, baseline: true },
      { item: '8 observe', name: 'record() of the same', unit: 'ms', ...sr, ratio: sr.median / s.median, note: 'every syscall a round trip to the parent' },
    ],
    raw: { busy: b, cli: c, record: r },
  };
}
