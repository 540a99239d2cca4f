// 1. Compile: compile('docker-default', { cache: false }) against the same libseccomp work
// done from C (bench/c/compile_baseline.cc), and the cached compile.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { need } from '../lib/pkg.js';
import { ATTR, writeRulesFile } from '../lib/rules.js';
import { interleave, summary } from '../lib/stats.js';

const PROFILE = 'docker-default';

/**
 * The attributes compile() sets on its libseccomp filter: no NNP (the loader's business) and,
 * as runc does, the binary tree (OPTIMIZE 2) for more than 32 rules. The BPF comparison below
 * fails if this drifts from compile().
 */
function compileAttrs(compiled) {
  return [[ATTR.nnp, 0], ...(compiled.rules.length > 32 ? [[ATTR.optimize, 2]] : [])];
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const { Action } = need(ctx.pkg, 'action');
  const { flattenConditions } = need(ctx.pkg, 'filter');
  const opts = { cache: false, arch: 'amd64' };
  const compiled = compile(PROFILE, opts);
  const rulesFile = join(ctx.tmp, 'docker-default.rules');
  writeRulesFile(rulesFile, compiled, { Action, flattenConditions }, compileAttrs(compiled));

  // Same work? The baseline's BPF must equal the libseccomp part of compile()'s program before
  // specialisation, where it comes last (after the ENOSYS stub and the newer-syscalls block).
  const cBpfFile = join(ctx.tmp, 'baseline.bpf');
  execFileSync(ctx.helpers.compileBaseline, [rulesFile, '1', cBpfFile]);
  const plain = compile(PROFILE, { ...opts, enosys: false, specialize: false }).bpf;
  const cBpf = readFileSync(cBpfFile);
  const same = cBpf.length <= plain.length && Buffer.compare(cBpf, plain.subarray(plain.length - cBpf.length)) === 0;

  const per = ctx.quick ? 5 : 10;
  const rounds = ctx.quick ? 3 : 10;
  for (let i = 0; i < per * 2; i++) compile(PROFILE, opts); // JIT warm-up
  const s = await interleave(rounds, {
    ts: () => {
      const out = [];
      for (let i = 0; i < per; i++) {
        const t0 = process.hrtime.bigint();
        compile(PROFILE, opts);
        out.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      return out;
    },
    c: () =>
      execFileSync(ctx.helpers.compileBaseline, [rulesFile, String(per)], { encoding: 'utf8' })
        .trim()
        .split('\n')
        .map((l) => Number(l) / 1e6),
  });

  // Cached: the same profile and context again, served from the in-process cache.
  compile(PROFILE, { arch: 'amd64' });
  const cachedSamples = [];
  const nCached = ctx.quick ? 200 : 2000;
  for (let i = 0; i < nCached; i++) {
    const t0 = process.hrtime.bigint();
    compile(PROFILE, { arch: 'amd64' });
    cachedSamples.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }

  const arches = compiled.arches.join('+') || 'native';
  const c = summary(s.c);
  return {
    rows: [
      {
        item: '1 compile',
        name: `libseccomp from C, same ${compiled.rules.length} rules (${arches}, ${compiled.context.capabilities.length} caps)`,
        unit: 'ms',
        ...c,
        baseline: true,
      },
      {
        item: '1 compile',
        name: `compile('${PROFILE}', {cache:false})`,
        unit: 'ms',
        ...summary(s.ts),
        ratio: summary(s.ts).median / c.median,
        target: '<= 1.3x',
        note: same
          ? 'C baseline BPF == compile({enosys:false}) BPF'
          : 'WARNING: C baseline BPF differs from compile({enosys:false}) BPF',
      },
      {
        item: '1 compile',
        name: `compile('${PROFILE}') cached`,
        unit: 'us',
        ...summary(cachedSamples),
        target: '< 1000 us',
      },
    ],
    raw: { ts: s.ts, c: s.c, cached: cachedSamples, sameBpf: same, rules: compiled.rules.length },
  };
}
