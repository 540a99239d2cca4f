// 7. Notify: one getppid(2) answered by the supervisor in this process ('continue') against the
// same call allowed by a filter of the same shape, both in spawn()ed Node children timing loops
// of process.ppid (bench/lib/ppid-child.mjs, plain mode), interleaved. Then this process's open
// fds and RSS across 10^5 supervised notifications (should stay flat).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { benchDir, dist } from '../lib/paths.js';
import { need } from '../lib/pkg.js';
import { interleave, summary } from '../lib/stats.js';

const ITEM = '7 notify';
const ppidChild = join(benchDir, 'lib', 'ppid-child.mjs');

function profile(action) {
  return { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/unused.sock', syscalls: [{ names: ['getppid'], action }] };
}

function loop(spawn, seccomp, onSyscall, calls, batches) {
  return new Promise((resolve, reject) => {
    const args = [ppidChild, 'plain', pathToFileURL(dist + '/').href, String(calls), String(batches)];
    const child = spawn(process.execPath, args, { seccomp, onSyscall, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('close', async (code) => {
      if (code !== 0) return reject(new Error(`child exited with ${code}`));
      await child.seccompSupervisor?.closed;
      resolve(JSON.parse(out.trim().split('\n').pop()).ns);
    });
  });
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const { spawn } = need(ctx.pkg, 'spawn');
  const notified = compile(profile('SCMP_ACT_NOTIFY'));
  // The same one-rule shape, its rule on a syscall the loop never makes: getppid is allowed.
  const allowed = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpgid'], action: 'SCMP_ACT_ERRNO' }] });
  const cont = () => 'continue';
  const calls = ctx.quick ? 2_000 : 20_000;
  const batches = 3;
  await loop(spawn, notified, cont, 100, 1); // warm
  const s = await interleave(ctx.quick ? 2 : 6, {
    allowed: () => loop(spawn, allowed, undefined, calls, batches),
    notified: () => loop(spawn, notified, cont, calls, batches),
  });
  const base = summary(s.allowed);
  const n = summary(s.notified);

  // Leaks: 10^5 notifications (fewer with --quick), fds and RSS before and after.
  const total = ctx.quick ? 10_000 : 100_000;
  const fds = () => readdirSync('/proc/self/fd').length;
  global.gc?.();
  const fd0 = fds();
  const rss0 = process.memoryUsage().rss;
  await loop(spawn, notified, cont, total, 1);
  global.gc?.();
  const fd1 = fds();
  const rss1 = process.memoryUsage().rss;
  return {
    rows: [
      { item: ITEM, name: 'getppid allowed by the filter (Node child)', unit: 'ns', ...base, baseline: true },
      { item: ITEM, name: "getppid notified, answered 'continue' by onSyscall", unit: 'ns', ...n, ratio: n.median / base.median },
      {
        item: ITEM, name: `parent across ${total * 2} notifications (a warm-up batch and a timed one)`, status: 'ok',
        note: `open fds ${fd0} -> ${fd1}; RSS ${(rss0 / 2 ** 20).toFixed(1)} -> ${(rss1 / 2 ** 20).toFixed(1)} MiB`,
      },
    ],
    raw: s,
  };
}
