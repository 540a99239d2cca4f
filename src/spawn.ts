// Child commands behind a profile. The profile is compiled in this process (once per
// profile and context), its BPF kept in a sealed memfd, and a small launcher
// (native/launcher.c) installs it in the child and execs the command in place: the
// ChildProcess is a real one whose pid is the command's. spawn() waits (blocking, like
// child_process does for its own exec) until the launcher has exec'd the command or
// reported why it could not, so the outcome is known before spawn() returns.
import * as cp from 'node:child_process';
import type { Bytes, NodeBufferEncoding, NodeChildProcess as ChildProcess, NodeForkOptions, NodeSpawnOptions } from './node-shapes.js';
import { createHash } from 'node:crypto';
import { closeSync, existsSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { checkApplicable } from './applicable.js';
import { ErrorCode, errnoName, SeccompError } from './errors.js';
import { addonDir, native } from './native.js';
import { compile, isCompiledProfile } from './profile/compile.js';
import { emitProfileWarnings } from './profile/report.js';
import { describeDenial, EXECVE_HINT, execveDenied } from './exec-denied.js';
import { BUILTIN_NAMES } from './profiles/index.js';
import { capabilityState, capMask, childCapabilities, listCapabilities, passableMask } from './capabilities.js';
import { normalizeCapabilities } from './profile/context.js';
import { type Isolation, isolationMode, type IsolationMode, landlockAbi, launcherIsolateArg, planIsolation } from './isolation.js';
import type { CompiledProfile, ProfileInput } from './profile/types.js';

export { DOCKER_DEFAULT_CAPABILITIES } from './capabilities.js';
export { normalizeCapabilities } from './profile/context.js';

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
}

/** A ChildProcess started by this package, with the guards it got. */
export type SandboxedChild = ChildProcess & { seccompIsolation?: Isolation };

export type SpawnOptions = NodeSpawnOptions & SeccompSpawnOptions;

function isCompiled(p: unknown): p is CompiledProfile {
  return (
    typeof p === 'object' && p !== null && Buffer.isBuffer((p as CompiledProfile).bpf) &&
    typeof (p as CompiledProfile).hash === 'string' && typeof (p as CompiledProfile).unconfined === 'boolean'
  );
}

// Built-in profiles compiled per capability set; everything else goes through compile()'s own
// cache, which sees the content (a file or an object may change between spawns).
const byName = new Map<string, CompiledProfile>();
// One sealed memfd per program, kept open for the life of the process, with the identity it
// had when made: the program may close the number, and another file may then get it.
const memfds = new Map<string, { fd: number; identity: string }>();

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/**
 * The set a child started with these options holds: `capabilities` (default Docker's) within
 * what this process can give a child with that `uid`.
 */
export function childCapabilitySet(capabilities: unknown, uid?: unknown): string[] {
  const requested = capabilities === undefined ? undefined : normalizeCapabilities(capabilities);
  return childCapabilities(requested, passableMask(capabilityState(), typeof uid === 'number' ? uid : undefined));
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
  if (isCompiled(profile)) {
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
    const passable = passableMask(capabilityState(), typeof uid === 'number' ? uid : undefined);
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

/** What a spawn passes to the launcher for a compiled profile. */
interface Launch {
  /** The sealed memfd with the program; undefined when unconfined. */
  bpfFd: number | undefined;
  /** SECCOMP_FILTER_FLAG_* bits, as the launcher's FLAGS argument. */
  flags: string;
}

// Worked out once per result of compile() (its program and rules are fixed); a hand-made
// compiled object is looked at on every spawn, since it may have been changed.
const launches = new WeakMap<CompiledProfile, Launch>();

function launchFor(compiled: CompiledProfile): Launch {
  const hit = launches.get(compiled);
  if (hit) return hit.bpfFd === undefined ? hit : { ...hit, bpfFd: programFd(compiled) };
  if (compiled.unconfined) return { bpfFd: undefined, flags: '0' };
  checkApplicable(compiled, 'spawn()');
  const launch = { bpfFd: programFd(compiled), flags: String(compiled.filterFlags >>> 0) };
  if (isCompiledProfile(compiled)) launches.set(compiled, launch);
  return launch;
}

function programFd(compiled: CompiledProfile): number {
  // compile()'s hash covers the program; for a hand-made object only the bytes can be trusted.
  const key = isCompiledProfile(compiled)
    ? compiled.hash
    : `bpf:${createHash('sha256').update((compiled as CompiledProfile).bpf).digest('hex')}`;
  const b = native();
  const kept = memfds.get(key);
  // Checked before each use; a number that is no longer ours is forgotten, never closed.
  if (kept && b.memfdIsOurs(kept.fd, kept.identity, compiled.bpf.length)) return kept.fd;
  const fd = b.memfdFromBuffer(compiled.bpf);
  memfds.set(key, { fd, identity: b.memfdIdentity(fd) });
  return fd;
}

let launcher: string | undefined;

/** The launcher executable, beside the loaded addon. */
export function launcherPath(): string {
  if (launcher) return launcher;
  const p = join(addonDir(), 'seccomp-launcher');
  if (!existsSync(p)) {
    throw new SeccompError(`the seccomp launcher is missing (${p}); run \`npm rebuild seccomp\``, {
      code: ErrorCode.UNSUPPORTED,
    });
  }
  return (launcher = p);
}

function checkArgs(command: unknown, args: unknown, options: unknown): void {
  if (typeof command !== 'string' || command === '') throw new TypeError('command must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) {
    throw new TypeError('args must be an array of strings');
  }
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
}

type Stdio = NonNullable<NodeSpawnOptions['stdio']>;

function stdioArray(stdio: Stdio | undefined): unknown[] {
  const arr: unknown[] = stdio === undefined ? ['pipe', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  while (arr.length < 3) arr.push(undefined);
  return arr;
}

// Launcher stage -> error code; exec failures keep their errno name, like child_process.
const STAGE_CODES: Record<string, string> = {
  seccomp: ErrorCode.LOAD, bpf: ErrorCode.LOAD, isolation: ErrorCode.ISOLATION, caps: ErrorCode.CAPABILITIES,
};

/**
 * The 'error' for a launcher failure record "STAGE\tERRNO\tMESSAGE". Stage `execve` is the exec
 * after the filter was attached: when the profile denies execve, the message says so.
 */
function launchError(record: string, file: string, spawnargs: string[], compiled: CompiledProfile): Error {
  const [stage = 'exec', errText = '0', ...rest] = record.replace(/\n$/, '').split('\t');
  const errno = Number(errText) || 0;
  const message = rest.join('\t');
  const syscall = `spawn ${file}`;
  if (stage === 'exec' || stage === 'execve') {
    // The same shape as child_process's spawn errors (negative errno, "spawn cmd ENOENT").
    const code = errnoName(errno);
    const denied = stage === 'execve' ? execveDenied(compiled) : undefined;
    const why = denied ? `: the seccomp profile denies execve (${describeDenial(denied)}); ${EXECVE_HINT}` : '';
    const err = Object.assign(new Error(`${syscall} ${code}${why}`), {
      errno: -errno, code, syscall, path: file, spawnargs: spawnargs.slice(1),
    });
    return err;
  }
  const code = STAGE_CODES[stage] ?? errnoName(errno);
  return new SeccompError(`${syscall}: ${message}${errno ? ` (${errnoName(errno)})` : ''}`, {
    code, errno, syscall, path: file, spawnargs: spawnargs.slice(1), stage,
  });
}

/**
 * Like `child_process.spawn`, with the child behind a seccomp profile (default
 * `docker-default`) and optionally a reduced capability set. Returns a real ChildProcess;
 * a failure before the command runs is an 'error' event (ENOENT, EACCES, ERR_SECCOMP_LOAD, ...).
 */
export function spawn(command: string, options?: SpawnOptions): SandboxedChild;
export function spawn(command: string, args?: readonly string[], options?: SpawnOptions): SandboxedChild;
export function spawn(command: string, argsOrOptions?: readonly string[] | SpawnOptions, maybeOptions?: SpawnOptions): SandboxedChild {
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

  const { seccomp: profile = 'docker-default', capabilities, isolation: isolationOption, ...nodeOptions } = options;
  const mode = isolationMode(isolationOption);
  // Always through the launcher, `unconfined` too: the child gets its capability set either way.
  const { compiled, caps } = profileFor(profile, capabilities, (nodeOptions as NodeSpawnOptions).uid);
  emitProfileWarnings(compiled);
  const plan = planIsolation(isolationOption === undefined && compiled.unconfined ? 'none' : mode, mode === 'none' ? 0 : landlockAbi(), 'spawn()');
  const isolate = launcherIsolateArg(plan);
  const { bpfFd, flags } = launchFor(compiled);
  const launcher = launcherPath();

  // What child_process would run: `shell` wraps the command line in `sh -c`.
  const { shell, argv0, stdio, ...rest } = nodeOptions as NodeSpawnOptions;
  let file = command;
  let argv = [...args];
  if (shell) {
    argv = ['-c', [command, ...args].join(' ')];
    file = typeof shell === 'string' ? shell : '/bin/sh';
  }
  const spawnargs = [argv0 ?? file, ...argv];

  // Our two descriptors go after the caller's (and after 'ipc' for fork). The error pipe
  // is a plain close-on-exec pipe: its write end is the launcher's ERR_FD.
  const fds = stdioArray(stdio);
  const bpfIndex = fds.length;
  const [errRead, errWrite] = native().pipeCloexec();
  fds.push(bpfFd ?? 'ignore', errWrite);
  const bpfArg = bpfFd === undefined ? '-' : String(bpfIndex);
  const launchArgs = [bpfArg, String(bpfIndex + 1), flags, capMask(caps).toString(16), isolate, file, ...spawnargs];
  let child: SandboxedChild;
  let record = '';
  try {
    try {
      child = cp.spawn(launcher, launchArgs, { ...rest, stdio: fds as Stdio });
    } finally {
      closeSync(errWrite); // only the launcher may hold it, so that its exec ends our read
    }
    // No pid: the launcher itself could not be started, and child_process reports that.
    if (child.pid !== undefined) record = readRecord(errRead);
  } finally {
    closeSync(errRead);
  }
  (child.stdio as unknown[]).length = bpfIndex; // hide our descriptors
  if (child.pid === undefined) return child;
  (child as { spawnfile: string }).spawnfile = file;
  (child as { spawnargs: string[] }).spawnargs = spawnargs;
  child.seccompIsolation = plan.isolation;
  if (record) failLaunch(child, launchError(record, file, spawnargs, compiled));
  return child;
}

/**
 * The launcher's failure record, or '' once its exec closed the pipe. Blocks for the
 * launcher's work before exec (reading the program, PATH lookup, capabilities, filter
 * attach), as child_process blocks until its own child has exec'd.
 */
function readRecord(fd: number): string {
  const buf = Buffer.allocUnsafe(8192);
  let len = 0;
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buf, len, buf.length - len, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EINTR') continue;
      throw e;
    }
    if (n === 0 || (len += n) === buf.length) break;
  }
  return buf.toString('utf8', 0, len);
}

/**
 * Makes a ChildProcess whose launcher failed look like one child_process could not start:
 * 'error' (next tick), then 'close' with the negative errno; no 'spawn', no 'exit' and no
 * pid (those were the launcher's, not the command's).
 */
function failLaunch(child: ChildProcess, err: Error): void {
  const errno = Math.abs(Number((err as { errno?: number }).errno) || 0);
  const failCode = errno ? -errno : -1;
  const emit = child.emit.bind(child);
  child.emit = ((event: string, ...a: unknown[]) => {
    if (event === 'spawn' || event === 'exit') return false;
    if (event === 'close') return emit('close', failCode, null);
    return emit(event, ...a);
  }) as ChildProcess['emit'];
  (child as { pid?: number }).pid = undefined;
  Object.defineProperty(child, 'exitCode', { get: () => failCode, set: () => {}, configurable: true });
  process.nextTick(() => emit('error', err));
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
