// forkSandboxed: child_process.fork whose child is behind a profile before any of its code runs.
// It goes through the launcher (spawn.ts's fork): the filter is attached before Node itself is
// exec'd, so nothing in the child (preloads from NODE_OPTIONS or execArgv included) runs unfiltered.
import type { NodeChildProcess as ChildProcess } from './node-shapes.js';
import { compile, deprecateStrict, isCompiledProfile } from './profile/compile.js';
import type { CompiledProfile, ProfileInput, UnknownSyscalls } from './profile/types.js';
import { childCapabilitySet, fork, type ForkOptions } from './launch/forms.js';

export interface ForkSandboxedOptions extends Omit<ForkOptions, 'seccomp'> {
  /** A built-in name, a profile file path (relative to this process's cwd), JSON text, a profile object, or compile()'s result. */
  seccomp: ProfileInput | CompiledProfile;
  /** compile()'s `unknownSyscalls` ('error' by default); not with a compiled profile. */
  seccompUnknownSyscalls?: UnknownSyscalls;
  /** @deprecated `true` is `seccompUnknownSyscalls: 'error'`, the default. */
  seccompStrict?: boolean;
}

/**
 * child_process.fork, with the child put behind `options.seccomp` before its first instruction
 * of Node (all of its threads; its own children inherit the filter). The profile is compiled
 * here first, so a bad one throws instead of forking. A filter the kernel refuses in the child is
 * an 'error' event (ERR_SECCOMP_LOAD) and the module never runs, as with spawn().
 */
export function forkSandboxed(modulePath: string, options: ForkSandboxedOptions): ChildProcess;
export function forkSandboxed(modulePath: string, args: readonly string[], options: ForkSandboxedOptions): ChildProcess;
export function forkSandboxed(
  modulePath: string,
  argsOrOptions: readonly string[] | ForkSandboxedOptions,
  maybeOptions?: ForkSandboxedOptions,
): ChildProcess {
  if (typeof modulePath !== 'string' || modulePath === '') throw new TypeError('modulePath must be a non-empty string');
  const [args, options] = Array.isArray(argsOrOptions)
    ? [argsOrOptions as readonly string[], maybeOptions]
    : [[] as readonly string[], argsOrOptions as ForkSandboxedOptions | undefined];
  if (options === null || typeof options !== 'object') {
    throw new TypeError('forkSandboxed needs options with a seccomp profile');
  }
  const { seccomp, seccompStrict, seccompUnknownSyscalls, ...forkOptions } = options;
  if (seccomp === undefined) throw new TypeError('options.seccomp is required (a profile, e.g. "docker-default")');
  if (seccompStrict !== undefined && typeof seccompStrict !== 'boolean') {
    throw new TypeError(`options.seccompStrict must be a boolean, got ${typeof seccompStrict}`);
  }
  if (typeof seccomp !== 'string' && (seccomp === null || typeof seccomp !== 'object' || Array.isArray(seccomp))) {
    throw new TypeError(`seccomp must be a profile name, path, JSON text or object, got ${seccomp === null ? 'null' : typeof seccomp}`);
  }
  if (seccomp === '') throw new TypeError('seccomp must not be an empty string');
  let compiled: CompiledProfile;
  if (isCompiledProfile(seccomp)) {
    if (seccompStrict !== undefined || seccompUnknownSyscalls !== undefined) {
      throw new TypeError('options.seccompUnknownSyscalls applies when compiling; pass unknownSyscalls to compile() instead');
    }
    compiled = seccomp;
  } else {
    // Evaluated against the set the child will hold (spawn.ts's rule), which fork() then enforces.
    const capabilities = childCapabilitySet(forkOptions.capabilities, forkOptions.uid);
    if (seccompStrict === true) deprecateStrict('options.seccompStrict');
    if (seccompStrict === true && seccompUnknownSyscalls !== undefined && seccompUnknownSyscalls !== 'error') {
      throw new RangeError(`options.seccompStrict (deprecated) contradicts options.seccompUnknownSyscalls ${JSON.stringify(seccompUnknownSyscalls)}`);
    }
    // compile() checks the value (and that it agrees with a deprecated seccompStrict).
    const unknownSyscalls = seccompUnknownSyscalls ?? (seccompStrict === true ? 'error' : undefined);
    compiled = compile(seccomp as ProfileInput, { capabilities, ...(unknownSyscalls === undefined ? {} : { unknownSyscalls }) });
  }
  const { capabilities, ...rest } = forkOptions;
  // A profile compiled here carries the set; a caller's compiled one is checked against theirs.
  const caps = isCompiledProfile(seccomp) && capabilities !== undefined ? { capabilities } : {};
  return fork(modulePath, [...args], { ...rest, ...caps, seccomp: compiled });
}
