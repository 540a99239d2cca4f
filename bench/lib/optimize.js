// A profile's BPF at libseccomp OPTIMIZE 1 (priority-ordered list) and 2 (binary tree), both
// through compile()'s `optimize` option. `defaultLevel` is the level compile() picks by itself
// (2 above 32 rules, as runc does).
export function optimizeVariants(pkg, compile, profile, opts) {
  const full = compile(profile, { ...opts, cache: false });
  const bpf = {};
  for (const level of [1, 2]) bpf[level] = compile(profile, { ...opts, cache: false, optimize: level }).bpf;
  const defaultLevel = [1, 2].find((l) => Buffer.compare(bpf[l], full.bpf) === 0);
  return { bpf, defaultLevel, source: "compile({ optimize }) at each level" };
}
