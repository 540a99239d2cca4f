// npm run fuzz: 100000 damaged profiles and low-level calls against the built package (dist/).
// Options: --seed=N (default: from the clock, printed), --cases=N, --case=N (one case, to
// reproduce a violation). Exits 1 on a violation, printing a reproducer for each.
import { fuzz } from './engine.mjs';

const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const m = /^--([a-z]+)=(.*)$/.exec(a);
    if (!m) {
      console.error(`unknown argument ${a} (--seed=N --cases=N --case=N)`);
      process.exit(2);
    }
    return [m[1], Number(m[2])];
  }),
);
const seed = Number.isInteger(args.seed) ? args.seed >>> 0 : (Date.now() % 2 ** 32) >>> 0;
const cases = Number.isInteger(args.cases) ? args.cases : 100_000;
const only = Number.isInteger(args.case) ? args.case : undefined;

const api = await import('../dist/index.js');
console.log(`fuzz: seed ${seed}, ${only === undefined ? `${cases} cases` : `case ${only} only`}`);
const t0 = performance.now();
const { counts, violations } = fuzz(api, {
  seed,
  cases: only === undefined ? cases : only + 1,
  only,
  onProgress: (n) => process.stderr.write(`  ${n} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s\r`),
});
process.stderr.write('\n');
for (const [k, n] of Object.entries(counts).sort()) console.log(`  ${k}: ${n}`);
console.log(`${((performance.now() - t0) / 1000).toFixed(1)} s`);
if (violations.length > 0) {
  for (const v of violations.slice(0, 20)) {
    console.log(`\nVIOLATION (reproduce: npm run fuzz -- --seed=${v.seed} --case=${v.case})`);
    console.log(`  ${v.kind}: ${v.error}`);
    console.log(`  input: ${v.input}`);
    console.log(`  options: ${v.options}`);
    if (v.stack) console.log(v.stack.split('\n').slice(0, 6).join('\n'));
  }
  console.log(`\n${violations.length} violation(s)`);
  process.exit(1);
}
console.log('no violations');
