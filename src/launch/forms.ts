// The public forms: spawn, execFile and fork with a child behind a profile. The profile is
// compiled in this process (once per profile and context), its BPF kept in a sealed memfd, and
// a small launcher (native/launcher.c) installs it in the child and execs the command in place:
// the ChildProcess is a real one whose pid is the command's. spawn() waits (blocking, like
// child_process does for its own exec) until the launcher has exec'd the command or reported
// why it could not, so the outcome is known before spawn() returns (spawn.ts). All option
// checks of the three forms are here (checkArgs, profileFor, the destructuring in spawn).
import type { Bytes, NodeBufferEncoding, NodeForkOptions, NodeSpawnOptions } from '../node-shapes.js';
import { ErrorCode, SeccompError } from '../errors.js';
import { compile } from '../profile/compile.js';
import { checkOptionKeys, optionsArgument } from '../options.js';
import { isCompiledProfile } from '../profile/produced.js';
import { emitProfileWarnings } from '../profile/report.js';
import { BUILTIN_NAMES } from '../profiles/index.js';
import { childCapabilities, childCapabilitySet, currentCapabilityState, listCapabilities, passableMask } from '../capabilities.js';
import { normalizeCapabilities } from '../profile/context.js';
import { isolationMode, type IsolationMode } from '../isolation.js';
import type { AbortSignalLike, SyscallHandler } from '../supervisor/supervise.js';
import { launchCompiled, type SandboxedChild, type Stdio } from './spawn.js';
import type { Denial } from '../report/model.js';
import { reportingLaunch } from '../report/supervise.js';
import type { CompiledProfile, ProfileInput } from '../profile/types.js';

export { DOCKER_DEFAULT_CAPABILITIES, childCapabilitySet } from '../capabilities.js';
export { normalizeCapabilities } from '../profile/context.js';
export { launcherPath, type SandboxedChild } from './spawn.js';

export interface SeccompSpawnOptions {
  /** A profile (JSON text, object, file path), a built-in name, or a compiled profile. Default `docker-default`. */
  seccomp?: ProfileInput | CompiledProfile;
  /**
   * The capabilities (`CAP_*`, prefix optional, any case) the child holds, as with `docker run
   * --cap-add/--cap-drop`; the profile's `caps` conditions are evaluated against this set, and the
   * rest are dropped. Default: Docker's 14 (DOCKER_DEFAULT_CAPABILITIES). Either way only those
   * this process can give a child (README "Capabilities"); with a compiled profile, exactly the
   * set it was compiled for.
   */
  capabilities?: readonly string[];
  /**
   * What keeps the child from reaching processes outside its sandbox (see the README's security
   * model): `full` (default for a confined profile) needs Landlock ABI 6 and throws
   * ERR_SECCOMP_ISOLATION without it; `available` takes what the kernel has; `none` adds nothing
   * (the default for `unconfined`).
   */
  isolation?: IsolationMode;
  /**
   * Answers the profile's SCMP_ACT_NOTIFY syscalls in this process, for the child and all its
   * descendants (required with such a profile): `{ errno }`, `{ value }` or `'continue'`, or a
   * Promise of one; anything else, a throw or a rejection is EPERM. 'continue' after reading
   * pointer arguments is not a security decision (TOCTOU). See supervisor/supervise.ts. The
   * Node `signal` option also stops the supervisor. The child's supervisor is
   * `child.seccompSupervisor`.
   */
  onSyscall?: SyscallHandler;
  /**
   * Report denials (src/report/): each denied syscall (ERRNO, KILL) once per (pid, syscall,
   * arguments), to this function and as a 'seccomp-denied' event on the child (`true`: the
   * event only), right after the syscall was answered. The child sees exactly the original
   * profile's answers. Fixes (`--cap-add X`) may need compiles, so they are found only when asked:
   * `child.seccompDenials.complete()` / `.summary()`. README "Denial reports".
   */
  onDenied?: ((denial: Denial) => void) | true;
}

export type SpawnOptions = NodeSpawnOptions & SeccompSpawnOptions;

// Built-in profiles compiled per capability set; everything else goes through compile()'s own
// cache, which sees the content (a file or an object may change between spawns).
const byName = new Map<string, CompiledProfile>();

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/**
 * The compiled profile for a spawn and the capabilities its child holds (built-ins cached per
 * capability set). A compiled profile brings its own set (context.capabilities): the child
 * holds exactly that, or the spawn fails when this process cannot give it.
 */
export function profileFor(
  profile: ProfileInput | CompiledProfile,
  capabilities: unknown,
  uid?: unknown,
): { compiled: CompiledProfile; caps: string[] } {
  if (isCompiledProfile(profile)) {
    const caps = normalizeCapabilities(profile.context?.capabilities ?? []);
    if (capabilities !== undefined && !sameSet(normalizeCapabilities(capabilities), caps)) {
      throw Object.assign(
        new RangeError(
          'options.capabilities differ from the set the compiled profile was evaluated against ' +
            '(profile.context.capabilities); compile it with { capabilities } or pass the profile itself',
        ),
        { code: 'ERR_INVALID_ARG_VALUE' },
      );
    }
    const passable = passableMask(currentCapabilityState(), typeof uid === 'number' ? uid : undefined);
    const missing = caps.filter((c) => childCapabilities([c], passable).length === 0);
    if (missing.length > 0) {
      throw new SeccompError(
        `the compiled profile was evaluated for capabilities this process cannot give a child (${listCapabilities(missing)}); ` +
          'compile it with { capabilities } within what this process holds (README "Capabilities")',
        { code: ErrorCode.CAPABILITIES, capabilities: missing },
      );
    }
    return { compiled: profile, caps };
  }
  const caps = childCapabilitySet(capabilities, uid);
  const builtin = typeof profile === 'string' && (profile === 'unconfined' || BUILTIN_NAMES.includes(profile));
  const key = `${profile}\0${caps.join(',')}`;
  const hit = builtin ? byName.get(key) : undefined;
  if (hit) return { compiled: hit, caps };
  const compiled = compile(profile, { capabilities: [...caps] });
  if (builtin) byName.set(key, compiled);
  return { compiled, caps };
}


function checkArgs(command: unknown, args: unknown, options: unknown): void {
  if (typeof command !== 'string' || command === '') throw new TypeError('command must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError('args must be an array of strings');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
}

/**
 * Like `child_process.spawn`, with the child behind a seccomp profile (default
 * `docker-default`) and optionally a reduced capability set. Returns a real ChildProcess;
 * a failure before the command runs is an 'error' event (ENOENT, EACCES, ERR_SECCOMP_LOAD, ...).
 */
export function spawn(command: string, options?: SpawnOptions): SandboxedChild;
export function spawn(command: string, args?: readonly string[], options?: SpawnOptions): SandboxedChild;
export function spawn(command: string, argsOrOptions?: readonly string[] | SpawnOptions, maybeOptions?: SpawnOptions): SandboxedChild {
  checkOptionKeys('spawn', optionsArgument(argsOrOptions, maybeOptions));
  let args: readonly string[] = [];
  let options: SpawnOptions = {};
  if (Array.isArray(argsOrOptions)) {
    args = argsOrOptions;
    options = maybeOptions ?? {};
  } else if (argsOrOptions != null) {
    options = argsOrOptions as SpawnOptions;
    if (maybeOptions !== undefined) throw new TypeError('args must be an array of strings');
  } else options = maybeOptions ?? {};
  checkArgs(command, args, options);

  const { seccomp: profile = 'docker-default', capabilities, isolation: isolationOption, onSyscall, onDenied, ...nodeOptions } = options;
  isolationMode(isolationOption);
  if (onSyscall !== undefined && typeof onSyscall !== 'function') throw new TypeError('options.onSyscall must be a function');
  if (onDenied !== undefined && onDenied !== true && typeof onDenied !== 'function') throw new TypeError('options.onDenied must be a function or true');
  // Always through the launcher, `unconfined` too: the child gets its capability set either way.
  const { compiled, caps } = profileFor(profile, capabilities, (nodeOptions as NodeSpawnOptions).uid);
  emitProfileWarnings(compiled);
  const signal = (nodeOptions as { signal?: AbortSignalLike }).signal;
  if (onDenied === undefined || compiled.unconfined) {
    return launchCompiled(command, args, nodeOptions as NodeSpawnOptions, compiled, caps, isolationOption, { onSyscall, signal });
  }
  let child: SandboxedChild | undefined; // notifications are handled on later turns, after it is set
  const report = reportingLaunch(compiled, (d) => {
    if (typeof onDenied === 'function') onDenied(d);
    child?.emit('seccomp-denied', d);
  }, onSyscall);
  child = launchCompiled(command, args, nodeOptions as NodeSpawnOptions, report.compiled, caps, isolationOption, { onSyscall: report.onSyscall, signal });
  child.seccompDenials = report.log;
  return child;
}


export interface ExecFileOptions extends SpawnOptions {
  encoding?: NodeBufferEncoding | 'buffer' | null;
  maxBuffer?: number;
}

export interface ExecFileResult<T = string | Bytes> {
  stdout: T;
  stderr: T;
}

/** Promise form of execFile under a profile; rejects like `util.promisify(execFile)` (code, signal, stdout, stderr). */
export function execFile(file: string, args: readonly string[] = [], options: ExecFileOptions = {}): Promise<ExecFileResult> {
  checkOptionKeys('execFile', options);
  checkArgs(file, args, options);
  const { encoding = 'utf8', maxBuffer = 1024 * 1024, ...spawnOptions } = options;
  const child = spawn(file, args, { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
  const cmd = [file, ...args].join(' ');
  const out: Buffer[] = [];
  const errOut: Buffer[] = [];
  let size = 0;
  let failure: Error | undefined;
  const collect = (into: Buffer[]) => (c: Buffer) => {
    size += c.length;
    if (size > maxBuffer && !failure) {
      failure = Object.assign(new RangeError(`stdout/stderr maxBuffer length exceeded`), {
        code: 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER',
      });
      child.kill(spawnOptions.killSignal ?? 'SIGTERM');
    }
    into.push(c);
  };
  child.stdout?.on('data', collect(out));
  child.stderr?.on('data', collect(errOut));
  const text = (b: Buffer[]) => {
    const buf = Buffer.concat(b);
    return encoding === 'buffer' || encoding === null ? buf : buf.toString(encoding);
  };
  return new Promise((resolve, reject) => {
    child.on('error', (e) => {
      failure = e;
    });
    child.on('close', (code: number | null, signal: NodeJS.Signals | null) => {
      const stdout = text(out);
      const stderr = text(errOut);
      if (!failure && code === 0 && signal === null) {
        resolve({ stdout, stderr });
        return;
      }
      const err = failure ?? new Error(`Command failed: ${cmd}\n${stderr.toString()}`);
      Object.assign(err, {
        killed: child.killed,
        cmd,
        stdout,
        stderr,
        ...(failure ? {} : { code, signal }),
      });
      reject(err);
    });
  });
}

export type ForkOptions = NodeForkOptions & SeccompSpawnOptions;

/** Like `child_process.fork`: a Node module in a child behind the profile, with an IPC channel. */
export function fork(modulePath: string, args: readonly string[] = [], options: ForkOptions = {}): SandboxedChild {
  checkOptionKeys('fork', options);
  if (typeof modulePath !== 'string' || modulePath === '') throw new TypeError('modulePath must be a non-empty string');
  checkArgs(modulePath, args, options);
  const { execPath = process.execPath, execArgv = process.execArgv, silent, stdio, ...rest } = options;
  let fds: unknown[];
  if (stdio === undefined) fds = silent ? ['pipe', 'pipe', 'pipe', 'ipc'] : [0, 1, 2, 'ipc'];
  else if (typeof stdio === 'string') fds = [stdio, stdio, stdio, 'ipc'];
  else fds = [...stdio];
  if (!fds.includes('ipc')) {
    throw Object.assign(new Error('Forked processes must have an IPC channel, missing value \'ipc\' in options.stdio'), {
      code: 'ERR_CHILD_PROCESS_IPC_REQUIRED',
    });
  }
  return spawn(execPath, [...execArgv, modulePath, ...args], { ...rest, stdio: fds as Stdio, shell: false });
}
