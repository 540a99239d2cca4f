// 2. Spawn under load: 3000 execFile('/bin/echo') with 64 in flight, under docker-default (the
// default, named: what an app writes) against child_process.execFile; whole batches, interleaved.
import * as cp from 'node:child_process';
import { promisify } from 'node:util';
import { need } from '../lib/pkg.js';
import { interleave, msSince, summary } from '../lib/stats.js';

const plainExecFile = promisify(cp.execFile);

/** Milliseconds for `total` calls of `run`, `inFlight` at a time. */
async function batch(total, inFlight, run) {
  const t0 = process.hrtime.bigint();
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const { stdout } = await run();
      if (stdout !== 'x\n') throw new Error(`unexpected output ${JSON.stringify(stdout)}`);
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
  return msSince(t0);
}

export async function run(ctx) {
  const { execFile } = need(ctx.pkg, 'spawn');
  const total = ctx.quick ? 300 : 3000;
  const v = {
    plain: () => batch(total, 64, () => plainExecFile('/bin/echo', ['x'])),
    seccomp: () => batch(total, 64, () => execFile('/bin/echo', ['x'])),
  };
  // Warm both paths (page cache, lazy loads, the compiled profile).
  await batch(200, 64, () => plainExecFile('/bin/echo', ['x']));
  await batch(200, 64, () => execFile('/bin/echo', ['x']));
  const s = await interleave(ctx.quick ? 1 : 3, v);
  const base = summary(s.plain);
  return {
    rows: [
      { item: '2 spawn', name: `${total} child_process.execFile('/bin/echo'), 64 in flight`, unit: 'ms', ...base, baseline: true },
      {
        item: '2 spawn',
        name: `${total} execFile('/bin/echo') under docker-default, 64 in flight`,
        unit: 'ms',
        ...summary(s.seccomp),
        ratio: summary(s.seccomp).median / base.median,
        target: '<= 1.15x',
        detail: `${(summary(s.seccomp).median / total).toFixed(2)} ms a spawn`,
      },
    ],
    raw: s,
  };
}
