// npm run bench: builds the C helpers, runs each benchmark against its baseline in the same
// run, prints one table and writes bench/results/<timestamp>.json.
// Options: --quick (fewer repetitions, for checking the harness), --only=compile,spawn,...
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildHelpers } from './lib/build.js';
import { environment } from './lib/env.js';
import { benchDir } from './lib/paths.js';
import { loadPackage, NotAvailable } from './lib/pkg.js';
import { renderTable } from './lib/table.js';
import * as compile from './items/compile.js';
import * as compileScaling from './items/compile-scaling.js';
import * as spawn from './items/spawn.js';
import * as spawnLoad from './items/spawn-load.js';
import * as syscall from './items/syscall.js';
import * as size from './items/size.js';
import * as memory from './items/memory.js';
import * as startup from './items/startup.js';
import * as notify from './items/notify.js';
import * as observe from './items/observe.js';

const ITEMS = [
  ['1 compile', 'compile', compile],
  ['1 compile', 'compile-scaling', compileScaling],
  ['2 spawn', 'spawn', spawn],
  ['2 spawn', 'spawn-load', spawnLoad],
  ['3 syscall', 'syscall', syscall],
  ['4 size', 'size', size],
  ['5 memory', 'memory', memory],
  ['6 startup', 'startup', startup],
  ['7 notify', 'notify', notify],
  ['8 observe', 'observe', observe],
];

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');

const started = process.hrtime.bigint();
const helpers = buildHelpers();
const pkg = await loadPackage();
const env = environment(pkg.library.mod);
const tmp = mkdtempSync(join(tmpdir(), 'seccomp-bench-'));
const ctx = { pkg, helpers, tmp, quick };

const header =
  `seccomp bench${quick ? ' (--quick)' : ''}: ${env.kernel} ${env.arch}, ${env.cpus} CPUs (${env.cpuModel}), ` +
  `Node ${env.node}, libseccomp ${env.libseccomp}`;
console.log(header);
// Other work on the machine shows up as noise in every figure; say so.
const busy = (l) => l > env.cpus * 0.5;
if (busy(env.loadAverage[0])) console.log(`note: load average ${env.loadAverage[0]} at start: the machine is busy, figures are noisy`);

const rows = [];
const raw = {};
try {
  for (const [item, key, mod] of ITEMS) {
    if (only && !only.includes(key)) continue;
    const t0 = process.hrtime.bigint();
    try {
      const r = await mod.run(ctx);
      rows.push(...r.rows);
      raw[key] = r.raw;
    } catch (e) {
      const missing = e instanceof NotAvailable;
      rows.push({ item, name: '(all rows)', status: missing ? 'not available' : 'failed', note: e.message });
      if (!missing) console.error(e);
    }
    process.stderr.write(`  ${key}: ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

console.log('');
console.log(renderTable(rows));
env.loadAverageAtEnd = loadavg().map((x) => Number(x.toFixed(2)));
console.log(`\nload average: ${env.loadAverage[0]} at start, ${env.loadAverageAtEnd[0]} at end (1 min)`);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const results = join(benchDir, 'results');
mkdirSync(results, { recursive: true });
const file = join(results, `${env.date.replace(/[:.]/g, '-')}.json`);
writeFileSync(file, JSON.stringify({ environment: env, quick, seconds, rows, raw }, null, 2) + '\n');
console.log(`\n${seconds.toFixed(0)} s; JSON: ${file}`);
