// 3. Per syscall: raw getppid (no argument check) and personality(0xffffffff) (argument-
// checked in docker-default) in a C loop, unfiltered against filtered; docker-default at
// OPTIMIZE 1 and 2; and process.ppid in Node under sandbox().
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { optimizeVariants } from '../lib/optimize.js';
import { benchDir, dist } from '../lib/paths.js';
import { need } from '../lib/pkg.js';
import { interleave, summary } from '../lib/stats.js';

const ITEM = '3 syscall';

function loop(ctx, bpfFile, calls, batches) {
  const out = execFileSync(ctx.helpers.syscallLoop, [bpfFile, String(calls), String(batches)], { encoding: 'utf8' });
  const s = { getppid: [], personality: [] };
  for (const line of out.trim().split('\n')) {
    const [name, ns] = line.split(' ');
    s[name].push(Number(ns));
  }
  return s;
}

const ppidChild = join(benchDir, 'lib', 'ppid-child.mjs');

function nodeLoop(mode, calls, batches) {
  const args = [ppidChild, mode, pathToFileURL(dist + '/').href, String(calls), String(batches)];
  const out = execFileSync(process.execPath, args, { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()).ns;
}

/** process.ppid in Node, plain against sandbox('docker-default'). */
async function nodeRows(ctx) {
  const name = 'Node process.ppid';
  if (!ctx.pkg.sandbox.mod) {
    return [{ item: ITEM, name: `${name}, sandbox('docker-default')`, status: 'not available', note: ctx.pkg.sandbox.error }];
  }
  const calls = ctx.quick ? 50_000 : 200_000;
  const s = await interleave(ctx.quick ? 3 : 6, {
    plain: () => nodeLoop('plain', calls, 3),
    sandbox: () => nodeLoop('sandbox', calls, 3),
  });
  const base = summary(s.plain);
  const sb = summary(s.sandbox);
  return {
    rows: [
      { item: ITEM, name: `${name} unfiltered`, unit: 'ns', ...base, baseline: true },
      { item: ITEM, name: `${name}, sandbox('docker-default')`, unit: 'ns', ...sb, ratio: sb.median / base.median },
    ],
    raw: s,
  };
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const opts = { arch: 'amd64' };
  const programs = {};
  // The fixed cost of any filter at all: one instruction, RET ALLOW (BPF_RET|BPF_K = 0x06).
  programs.allow = Buffer.alloc(8);
  programs.allow.writeUInt16LE(0x06, 0);
  programs.allow.writeUInt32LE(0x7fff0000, 4);
  const opt = optimizeVariants(compile, 'docker-default', opts);
  programs.o1 = opt.raw[1];
  programs.o2 = opt.raw[2];
  programs.default = opt.final;
  const files = { unfiltered: '-' };
  for (const [k, bpf] of Object.entries(programs)) {
    files[k] = join(ctx.tmp, `${k}.bpf`);
    writeFileSync(files[k], bpf);
  }

  const calls = ctx.quick ? 50_000 : 100_000;
  const batches = 2;
  const samples = {};
  const variants = {};
  for (const [k, f] of Object.entries(files)) {
    samples[k] = { getppid: [], personality: [] };
    variants[k] = () => {
      const s = loop(ctx, f, calls, batches);
      samples[k].getppid.push(...s.getppid);
      samples[k].personality.push(...s.personality);
      return [];
    };
  }
  await interleave(ctx.quick ? 3 : 20, variants);

  const label = {
    allow: 'a 1-instruction RET ALLOW filter',
    o1: 'docker-default, OPTIMIZE 1, not specialised',
    o2: 'docker-default, OPTIMIZE 2, not specialised',
    default: 'docker-default as compile() returns it (OPTIMIZE 2, specialised)',
  };
  const rows = [];
  for (const sc of ['getppid', 'personality']) {
    const name = sc === 'getppid' ? 'syscall(getppid)' : 'personality(0xffffffff)';
    const base = summary(samples.unfiltered[sc]);
    rows.push({ item: ITEM, name: `${name} unfiltered`, unit: 'ns', ...base, baseline: true });
    for (const k of Object.keys(programs)) {
      const s = summary(samples[k][sc]);
      const isDefault = k === 'default';
      const allow = summary(samples.allow[sc]).median;
      rows.push({
        item: ITEM,
        name: `${name}, ${label[k]}`,
        unit: 'ns',
        ...s,
        ratio: s.median / base.median,
        target: sc === 'getppid' && isDefault ? '<= 1.15x' : undefined,
        note: k === 'allow' ? 'the fixed cost of having any seccomp filter' : undefined,
        detail: k === 'allow' ? undefined : `${(s.median / allow).toFixed(2)}x the 1-insn filter`,
      });
    }
  }
  const node = await nodeRows(ctx);
  rows.push(...(node.rows ?? node));
  return { rows, raw: { samples, node: node.raw, calls, batches } };
}
