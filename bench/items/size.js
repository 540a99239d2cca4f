// 4. Filter size: BPF instructions (8 bytes each) of docker-default for the native arch
// only and for Docker's three x86 arches, OPTIMIZE 1 and 2, with and without the ENOSYS stub
// and the block for syscalls newer than libseccomp.
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
  const profiles = { native: nativeOnly(builtinProfile), x86: 'docker-default' };
  const label = { native: 'x86_64 only', x86: 'x86_64+x86+x32' };
  const n = {};
  for (const [k, p] of Object.entries(profiles)) {
    n[k] = {
      default: insns(compile(p, opts).bpf),
      noEnosys: insns(compile(p, { ...opts, enosys: false }).bpf),
      noTable: insns(compile(p, { ...opts, newSyscalls: false }).bpf),
    };
    const o = optimizeVariants(ctx.pkg, compile, p, opts);
    n[k].o1 = insns(o.bpf[1]);
    n[k].o2 = insns(o.bpf[2]);
    n[k].optimizeSource = o.source;
    n[k].defaultLevel = o.defaultLevel;
  }
  const row = (name, v, extra = {}) => ({ item: '4 size', name, unit: 'insns', n: 1, median: v, ...extra });
  const rows = [
    row(`docker-default, ${label.native}`, n.native.default, { baseline: true }),
    row(`docker-default, ${label.x86}`, n.x86.default, { ratio: n.x86.default / n.native.default }),
  ];
  for (const k of ['native', 'x86']) {
    rows.push(row(`${label[k]}, enosys:false`, n[k].noEnosys, { baseline: true }));
    rows.push(
      row(`${label[k]}, with ENOSYS stub (default)`, n[k].default, {
        ratio: n[k].default / n[k].noEnosys,
        detail: `stub: +${n[k].default - n[k].noEnosys} insns`,
      }),
    );
  }
  for (const k of ['native', 'x86']) {
    rows.push(row(`${label[k]}, newSyscalls:false (runc's exact output)`, n[k].noTable, { baseline: true }));
    rows.push(
      row(`${label[k]}, with the newer-syscalls block (default)`, n[k].default, {
        ratio: n[k].default / n[k].noTable,
        detail: `block: +${n[k].default - n[k].noTable} insns`,
      }),
    );
  }
  for (const k of ['native', 'x86']) {
    const d = (l) => (n[k].defaultLevel === l ? ' = compile() output' : '');
    rows.push(row(`${label[k]}, OPTIMIZE 1${d(1)}`, n[k].o1, { baseline: true, note: n[k].optimizeSource }));
    rows.push(row(`${label[k]}, OPTIMIZE 2${d(2)}`, n[k].o2, { ratio: n[k].o2 / n[k].o1 }));
  }
  return { rows, raw: n };
}
