// forkSandboxed: child_process.fork whose child applies a profile (through seccomp/register)
// before its module runs. The child exits with status 125 instead of running unfiltered.
import { fork, type ChildProcess, type ForkOptions } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compile } from './profile/compile.js';
import type { ProfileInput } from './profile/types.js';
import { BUILTIN_NAMES } from './profiles/index.js';

export interface ForkSandboxedOptions extends ForkOptions {
  /** A built-in name, a profile file path (relative to this process's cwd), JSON text, or a profile object. */
  seccomp: ProfileInput;
  /** Unknown syscall names are an error (SECCOMP_PROFILE_STRICT=1). */
  seccompStrict?: boolean;
}

/** The kernel's limit on one environment string (MAX_ARG_STRLEN). */
const MAX_ENV_STRING = 32 * 4096;

// --require preloads run before --import ones: where Node can require() an ES module (>= 20.19)
// the CommonJS entry goes first of all preloads, else the ES one first of the --import ones.
function preload(): string[] {
  const features = process.features as { require_module?: boolean };
  return features.require_module
    ? ['--require', fileURLToPath(new URL('./register.cjs', import.meta.url))]
    : ['--import', new URL('./register.js', import.meta.url).href];
}

/** What SECCOMP_PROFILE carries for `profile`: a built-in name, an absolute path, or JSON text. */
function profileEnv(profile: ProfileInput): string {
  if (typeof profile === 'string') {
    if (profile.trimStart().startsWith('{') || BUILTIN_NAMES.includes(profile)) return profile;
    if (profile === '') throw new TypeError('seccomp must not be an empty string');
    return resolve(profile);
  }
  if (profile !== null && typeof profile === 'object' && !Array.isArray(profile) && !Buffer.isBuffer(profile)) {
    if ('bpf' in profile && 'hash' in profile) {
      throw new TypeError('forkSandboxed needs the profile itself (name, path, JSON or object), not a compiled profile');
    }
    return JSON.stringify(profile);
  }
  throw new TypeError(`seccomp must be a profile name, path, JSON text or object, got ${profile === null ? 'null' : typeof profile}`);
}

/**
 * child_process.fork, with the child put behind `options.seccomp` before its module runs (all of
 * its threads; its own children inherit the filter). The profile is checked here first, so a
 * bad one throws instead of forking; the child checks it again in its own context and exits with
 * status 125, without running the module, if it cannot apply it.
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
  const { seccomp, seccompStrict, ...forkOptions } = options;
  if (seccomp === undefined) throw new TypeError('options.seccomp is required (a profile, e.g. "docker-default")');
  if (seccompStrict !== undefined && typeof seccompStrict !== 'boolean') {
    throw new TypeError(`options.seccompStrict must be a boolean, got ${typeof seccompStrict}`);
  }
  const spec = profileEnv(seccomp);
  if (Buffer.byteLength(`SECCOMP_PROFILE=${spec}`) >= MAX_ENV_STRING) {
    throw new RangeError(`the profile is too large to pass in the environment (${spec.length} bytes); write it to a file and pass its path`);
  }
  compile(spec, { strict: seccompStrict === true });

  const env: NodeJS.ProcessEnv = {
    ...(forkOptions.env ?? process.env),
    SECCOMP_PROFILE: spec,
    SECCOMP_PROFILE_STRICT: seccompStrict ? '1' : '0',
  };
  // Ours first, so that no other preload runs before the filter is on.
  const execArgv = [...preload(), ...(forkOptions.execArgv ?? process.execArgv)];
  return fork(modulePath, [...args], { ...forkOptions, env, execArgv });
}
