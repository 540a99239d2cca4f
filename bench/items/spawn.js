// 2. Spawn: spawn('/bin/true') under docker-default (compiled once, with and without isolation) against
// child_process.spawn, and fork of a small script under the profile against a plain fork.
import * as cp from 'node:child_process';
import { join } from 'node:path';
import { need } from '../lib/pkg.js';
import { benchDir } from '../lib/paths.js';
import { interleave, msSince, summary } from '../lib/stats.js';

const forkChild = join(benchDir, 'lib', 'fork-child.cjs');

/** Milliseconds from the spawn call to the child's 'exit'; rejects unless it exited 0. */
function timed(start) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = start();
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = msSince(t0);
      if (code !== 0) reject(new Error(`child exited with ${code ?? signal}`));
      else resolve(ms);
    });
  });
}

/** The child's `Seccomp:` mode (2 = filter), read through its stdout. */
function seccompMode(start) {
  return new Promise((resolve, reject) => {
    const child = start();
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', () => resolve(/Seccomp:\s*(\d)/.exec(out)?.[1] ?? '?'));
  });
}

/** start() with SECCOMP_SPAWN=exec (read by spawn() as it starts the child). */
function withExecLauncher(start) {
  process.env.SECCOMP_SPAWN = 'exec';
  try {
    return start();
  } finally {
    delete process.env.SECCOMP_SPAWN;
  }
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const { spawn, fork, DOCKER_DEFAULT_CAPABILITIES: caps } = need(ctx.pkg, 'spawn');
  const profile = compile('docker-default');
  // A one-rule profile separates the launcher's fixed cost from the cost of attaching a big filter.
  const small = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ERRNO' }] });
  const io = { stdio: 'ignore' };

  // Warm every path (launcher binary in the page cache, lazy module loads).
  for (let i = 0; i < 5; i++) {
    await timed(() => cp.spawn('/bin/true', [], io));
    await timed(() => spawn('/bin/true', [], { ...io, seccomp: profile }));
    await timed(() => withExecLauncher(() => spawn('/bin/true', [], { ...io, seccomp: profile })));
  }
  const sp = await interleave(ctx.quick ? 30 : 200, {
    plain: () => timed(() => cp.spawn('/bin/true', [], io)),
    seccomp: () => timed(() => spawn('/bin/true', [], { ...io, seccomp: profile })),
    // The same without the Landlock domain, the tree guard and the terminal check: isolation's cost.
    bare: () => timed(() => spawn('/bin/true', [], { ...io, seccomp: profile, isolation: 'none' })),
    small: () => timed(() => spawn('/bin/true', [], { ...io, seccomp: small })),
    // 'unconfined' with capabilities still goes through the launcher: its cost without a filter.
    launcher: () => timed(() => spawn('/bin/true', [], { ...io, seccomp: 'unconfined', capabilities: caps })),
    // The launch record() and execve-notifying profiles keep: libuv forks and execs the launcher.
    exec: () => timed(() => withExecLauncher(() => spawn('/bin/true', [], { ...io, seccomp: profile }))),
  });
  const fio = { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] };
  await timed(() => cp.fork(forkChild, [], fio));
  await timed(() => fork(forkChild, [], { ...fio, seccomp: profile }));
  const fk = await interleave(ctx.quick ? 5 : 20, {
    plain: () => timed(() => cp.fork(forkChild, [], fio)),
    seccomp: () => timed(() => fork(forkChild, [], { ...fio, seccomp: profile })),
  });

  // The measured paths must really install the filter.
  const piped = { stdio: ['ignore', 'pipe', 'ignore'] };
  const spawnMode = await seccompMode(() => spawn('/bin/grep', ['^Seccomp:', '/proc/self/status'], { ...piped, seccomp: profile }));
  const forkMode = await seccompMode(() => fork(forkChild, ['status'], { stdio: ['ignore', 'pipe', 'ignore', 'ipc'], seccomp: profile }));
  const check = (mode) => (mode === '2' ? 'child checked: Seccomp mode 2 (filter)' : `WARNING: child Seccomp mode ${mode}, not 2`);

  const base = summary(sp.plain);
  const fbase = summary(fk.plain);
  return {
    rows: [
      { item: '2 spawn', name: "child_process.spawn('/bin/true')", unit: 'ms', ...base, baseline: true },
      {
        item: '2 spawn',
        name: "spawn('/bin/true') under docker-default",
        unit: 'ms',
        ...summary(sp.seccomp),
        ratio: summary(sp.seccomp).median / base.median,
        target: '<= 1.3x',
        detail: `${profile.bpf.length / 8} insns`,
        note: check(spawnMode),
      },
      {
        item: '2 spawn',
        name: "the same with isolation: 'none'",
        unit: 'ms',
        ...summary(sp.bare),
        ratio: summary(sp.bare).median / base.median,
        note: `isolation costs ${(summary(sp.seccomp).median - summary(sp.bare).median).toFixed(2)} ms a spawn`,
      },
      {
        item: '2 spawn',
        name: "spawn('/bin/true') under a 1-rule profile",
        unit: 'ms',
        ...summary(sp.small),
        ratio: summary(sp.small).median / base.median,
        detail: `${small.bpf.length / 8} insns`,
        note: "the launcher's cost with a tiny filter",
      },
      {
        item: '2 spawn',
        name: "spawn('/bin/true') through the launcher, no filter",
        unit: 'ms',
        ...summary(sp.launcher),
        ratio: summary(sp.launcher).median / base.median,
        detail: 'unconfined + Docker caps',
        note: "the launcher's steps and the capability drop alone",
      },
      {
        item: '2 spawn',
        name: "spawn('/bin/true') under docker-default, launcher exec'd (SECCOMP_SPAWN=exec)",
        unit: 'ms',
        ...summary(sp.exec),
        ratio: summary(sp.exec).median / base.median,
        note: "libuv's fork, then the launcher's exec: what record() still pays",
      },
      { item: '2 spawn', name: 'child_process.fork(empty script)', unit: 'ms', ...fbase, baseline: true },
      {
        item: '2 spawn',
        name: 'fork(empty script) under docker-default',
        unit: 'ms',
        ...summary(fk.seccomp),
        ratio: summary(fk.seccomp).median / fbase.median,
        note: check(forkMode),
      },
    ],
    raw: { spawn: sp, fork: fk },
  };
}
