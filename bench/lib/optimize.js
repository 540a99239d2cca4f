// A profile's BPF at libseccomp OPTIMIZE 1 (priority-ordered list) and 2 (binary tree).
// compile() has no option for it (it picks 2 for more than 32 rules, as runc does), so both
// are built here with Filter from compile()'s resolved rules, and compile()'s ENOSYS stub is
// put in front as compile() does. `defaultLevel` is the level whose program is byte-identical
// to compile()'s output (undefined if neither is, which the table then says).
import { filterBpf } from './rules.js';

export function optimizeVariants(pkg, compile, profile, opts) {
  const full = compile(profile, { ...opts, cache: false });
  const plain = compile(profile, { ...opts, cache: false, enosys: false });
  const stubLen = full.bpf.length - plain.bpf.length;
  const tailOk = stubLen >= 0 && Buffer.compare(full.bpf.subarray(stubLen), plain.bpf) === 0;
  const stub = tailOk ? full.bpf.subarray(0, stubLen) : Buffer.alloc(0);
  const mods = { Filter: pkg.filter.mod.Filter, Action: pkg.action.mod.Action };
  const bpf = {};
  for (const level of [1, 2]) bpf[level] = Buffer.concat([stub, filterBpf(plain, mods, { optimize: level })]);
  const defaultLevel = [1, 2].find((l) => Buffer.compare(bpf[l], full.bpf) === 0);
  return {
    bpf,
    defaultLevel,
    stubInsns: stub.length / 8,
    source: tailOk
      ? 'built with Filter from compile() rules at each OPTIMIZE level, plus compile()\'s ENOSYS stub'
      : 'built with Filter from compile() rules at each OPTIMIZE level, WITHOUT the ENOSYS stub',
  };
}
