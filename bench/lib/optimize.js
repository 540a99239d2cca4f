// A profile's BPF as libseccomp lays it out at OPTIMIZE 1 (priority-ordered list) and 2
// (binary tree), before compile()'s specialising pass, and as compile() returns it by default
// (OPTIMIZE 2 above 32 rules, as runc does, then specialised).
export function optimizeVariants(compile, profile, opts) {
  const raw = {};
  for (const level of [1, 2]) raw[level] = compile(profile, { ...opts, cache: false, optimize: level, specialize: false }).bpf;
  return { raw, final: compile(profile, { ...opts, cache: false }).bpf };
}
