// The built-in profile names, apart from the profiles themselves (which are large), for the
// paths that only need to recognise a name.

// `builtin` and `default` name the built-in default profile, as Docker's
// `--security-opt seccomp=builtin` does (a file of that name is reached as ./builtin).
// The presets (presets.ts) extend docker-default.
export const BUILTIN_NAMES: readonly string[] = Object.freeze([
  'docker-default', 'builtin', 'default', 'unconfined', 'node-worker', 'no-network', 'no-exec',
]);
