// 4. Filter size: BPF instructions (8 bytes each) of docker-default for the native arch
// only and for Docker's three x86 arches; specialised (compile()'s default) and not; and the
// layers of the unspecialised program: ENOSYS stub, newer-syscalls block, OPTIMIZE 1 and 2.
import { need } from '../lib/pkg.js';
import { optimizeVariants } from '../lib/optimize.js';

const insns = (bpf) => bpf.length / 8;

/** docker-default with its archMap replaced by the native arch alone. */
function nativeOnly(builtinProfile) {
  const p = builtinProfile('docker-default');
  delete p.archMap;
  p.architectures = ['SCMP_ARCH_X86_64'];
  return p;
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  const { builtinProfile } = need(ctx.pkg, 'profiles');
  const opts = { arch: 'amd64', cache: false };
  const raw = { ...opts, specialize: false };
  const profiles = { native: nativeOnly(builtinProfile), x86: 'docker-default' };
  const label = { native: 'x86_64 only', x86: 'x86_64+x86+x32' };
  const n = {};
  for (const [k, p] of Object.entries(profiles)) {
    const o = optimizeVariants(compile, p, opts);
    n[k] = {
      final: insns(o.final),
      raw: insns(compile(p, raw).bpf),
      noEnosys: insns(compile(p, { ...raw, enosys: false }).bpf),
      noTable: insns(compile(p, { ...raw, newSyscalls: false }).bpf),
      o1: insns(o.raw[1]),
      o2: insns(o.raw[2]),
    };
  }
  const row = (name, v, extra = {}) => ({ item: '4 size', name, unit: 'insns', n: 1, median: v, ...extra });
  const rows = [
    row(`docker-default, ${label.native}`, n.native.final, { baseline: true }),
    row(`docker-default, ${label.x86}`, n.x86.final, { ratio: n.x86.final / n.native.final }),
  ];
  for (const k of ['native', 'x86']) {
    rows.push(row(`${label[k]}, not specialised (specialize:false)`, n[k].raw, { baseline: true }));
    rows.push(row(`${label[k]}, specialised (default)`, n[k].final, { ratio: n[k].final / n[k].raw }));
  }
  // The layers, before specialisation.
  for (const k of ['native', 'x86']) {
    rows.push(row(`${label[k]}, raw, enosys:false`, n[k].noEnosys, { baseline: true }));
    rows.push(row(`${label[k]}, raw, with ENOSYS stub`, n[k].raw, {
      ratio: n[k].raw / n[k].noEnosys,
      detail: `stub: +${n[k].raw - n[k].noEnosys} insns`,
    }));
    rows.push(row(`${label[k]}, raw, newSyscalls:false (runc's exact output)`, n[k].noTable, { baseline: true }));
    rows.push(row(`${label[k]}, raw, with the newer-syscalls block`, n[k].raw, {
      ratio: n[k].raw / n[k].noTable,
      detail: `block: +${n[k].raw - n[k].noTable} insns`,
    }));
    rows.push(row(`${label[k]}, raw, OPTIMIZE 1`, n[k].o1, { baseline: true }));
    rows.push(row(`${label[k]}, raw, OPTIMIZE 2 (runc's choice above 32 rules)`, n[k].o2, { ratio: n[k].o2 / n[k].o1 }));
  }
  return { rows, raw: n };
}
