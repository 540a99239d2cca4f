// Child commands behind a profile. The profile is compiled in this process (once per
// profile and context), its BPF kept in a sealed memfd, and a small launcher
// (native/launcher.c) installs it in the child and execs the command in place: the
// ChildProcess is a real one whose pid is the command's.
import * as cp from 'node:child_process';
import type { ChildProcess, SpawnOptions as NodeSpawnOptions } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, errnoName, SeccompError } from './errors.js';
import { addonDir, native } from './native.js';
import { compile, isCompiledProfile } from './profile/compile.js';
import { BUILTIN_NAMES } from './profiles/index.js';
import { CAPABILITIES } from './profile/context.js';
import type { CompiledProfile, ProfileInput } from './profile/types.js';

/** The capabilities `docker run` gives a container by default. */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];

const NOTIFY_FLAG = 8; // SECCOMP_FILTER_FLAG_NEW_LISTENER

export interface SeccompSpawnOptions {
  /** A profile (JSON text, object, file path), a built-in name, or a compiled profile. Default `docker-default`. */
  seccomp?: ProfileInput | CompiledProfile;
  /**
   * The capabilities (`CAP_*`) the child keeps, as with `docker run --cap-add/--cap-drop`; the
   * profile's `caps` conditions are evaluated against it. Default: unchanged (this process's set).
   */
  capabilities?: readonly string[];
}

export type SpawnOptions = NodeSpawnOptions & SeccompSpawnOptions;

/** Canonical `CAP_*` names; TypeError/RangeError for anything else. */
export function normalizeCapabilities(caps: unknown, what = 'capabilities'): string[] {
  if (!Array.isArray(caps)) throw new TypeError(`${what} must be an array of CAP_* names`);
  const out = new Set<string>();
  caps.forEach((c, i) => {
    if (typeof c !== 'string') throw new TypeError(`${what}[${i}] must be a string`);
    const name = c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
    if (!CAPABILITIES.includes(name)) throw new RangeError(`${what}[${i}]: unknown capability "${c}"`);
    out.add(name);
  });
  return [...out].sort((a, b) => CAPABILITIES.indexOf(a) - CAPABILITIES.indexOf(b));
}

function capMask(caps: readonly string[]): string {
  let m = 0n;
  for (const c of caps) m |= 1n << BigInt(CAPABILITIES.indexOf(c));
  return m.toString(16);
}

function isCompiled(p: unknown): p is CompiledProfile {
  return (
    typeof p === 'object' && p !== null && Buffer.isBuffer((p as CompiledProfile).bpf) &&
    typeof (p as CompiledProfile).hash === 'string' && typeof (p as CompiledProfile).unconfined === 'boolean'
  );
}

// Built-in profiles compiled per capability set; everything else goes through compile()'s own
// cache, which sees the content (a file or an object may change between spawns).
const byName = new Map<string, CompiledProfile>();
// One sealed memfd per program, kept open for the life of the process.
const memfds = new Map<string, number>();

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join() === [...b].sort().join();
}

/** The compiled profile for a spawn (built-ins cached per capability set). */
export function profileFor(profile: ProfileInput | CompiledProfile, caps?: readonly string[]): CompiledProfile {
  if (isCompiled(profile)) {
    // A compiled profile's caps conditions were evaluated already: only against this set will do.
    if (!caps || sameSet(profile.context?.capabilities ?? [], caps)) return profile;
    throw new RangeError(
      'options.capabilities differ from the set the compiled profile was evaluated against ' +
        '(profile.context.capabilities); compile it with { capabilities } or pass the profile itself',
    );
  }
  const builtin = typeof profile === 'string' && (profile === 'unconfined' || BUILTIN_NAMES.includes(profile));
  const key = `${profile}\0${caps ? caps.join(',') : '*'}`;
  const hit = builtin ? byName.get(key) : undefined;
  if (hit) return hit;
  const compiled = compile(profile, caps ? { capabilities: [...caps] } : {});
  if (builtin) byName.set(key, compiled);
  return compiled;
}

function programFd(compiled: CompiledProfile): number {
  // compile()'s hash covers the program; for a hand-made object only the bytes can be trusted.
  const key = isCompiledProfile(compiled)
    ? compiled.hash
    : `bpf:${createHash('sha256').update((compiled as CompiledProfile).bpf).digest('hex')}`;
  let fd = memfds.get(key);
  if (fd === undefined) {
    fd = native().memfdFromBuffer(compiled.bpf);
    memfds.set(key, fd);
  }
  return fd;
}

/** The launcher executable, beside the loaded addon. */
export function launcherPath(): string {
  const p = join(addonDir(), 'seccomp-launcher');
  if (!existsSync(p)) {
    throw new SeccompError(`the seccomp launcher is missing (${p}); run \`npm rebuild seccomp\``, {
      code: ErrorCode.UNSUPPORTED,
    });
  }
  return p;
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
const STAGE_CODES: Record<string, string> = { seccomp: ErrorCode.LOAD, bpf: ErrorCode.LOAD };

/** The 'error' for a launcher failure record "STAGE\tERRNO\tMESSAGE". */
function launchError(record: string, file: string, spawnargs: string[]): Error {
  const [stage = 'exec', errText = '0', ...rest] = record.replace(/\n$/, '').split('\t');
  const errno = Number(errText) || 0;
  const message = rest.join('\t');
  const syscall = `spawn ${file}`;
  if (stage === 'exec') {
    // The same shape as child_process's spawn errors (negative errno, "spawn cmd ENOENT").
    const code = errnoName(errno);
    const err = Object.assign(new Error(`${syscall} ${code}`), {
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
export function spawn(command: string, options?: SpawnOptions): ChildProcess;
export function spawn(command: string, args?: readonly string[], options?: SpawnOptions): ChildProcess;
export function spawn(command: string, argsOrOptions?: readonly string[] | SpawnOptions, maybeOptions?: SpawnOptions): ChildProcess {
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

  const { seccomp: profile = 'docker-default', capabilities, ...nodeOptions } = options;
  const caps = capabilities === undefined ? undefined : normalizeCapabilities(capabilities);
  const compiled = profileFor(profile, caps);
  if (compiled.unconfined && !caps) return cp.spawn(command, [...args], nodeOptions);
  if (!compiled.unconfined) {
    const notify = compiled.defaultAction === 'NOTIFY' || compiled.rules.some((r) => r.action === 'NOTIFY');
    if (notify || compiled.filterFlags & NOTIFY_FLAG) {
      throw new SeccompError('spawn cannot serve SCMP_ACT_NOTIFY rules (no listener for the child)', {
        code: ErrorCode.UNSUPPORTED,
      });
    }
  }
  const launcher = launcherPath();
  const fd = compiled.unconfined ? undefined : programFd(compiled);

  // What child_process would run: `shell` wraps the command line in `sh -c`.
  const { shell, argv0, stdio, ...rest } = nodeOptions;
  let file = command;
  let argv = [...args];
  if (shell) {
    argv = ['-c', [command, ...args].join(' ')];
    file = typeof shell === 'string' ? shell : '/bin/sh';
  }
  const spawnargs = [argv0 ?? file, ...argv];

  // Our two descriptors go after the caller's (and after 'ipc' for fork).
  const fds = stdioArray(stdio);
  const bpfIndex = fds.length;
  const errIndex = bpfIndex + 1;
  fds.push(fd ?? 'ignore', 'pipe');
  const launchArgs = [
    fd === undefined ? '-' : String(bpfIndex),
    String(errIndex),
    String(compiled.unconfined ? 0 : compiled.filterFlags >>> 0),
    caps ? capMask(caps) : '-',
    file,
    ...spawnargs,
  ];
  const child = cp.spawn(launcher, launchArgs, { ...rest, stdio: fds as Stdio });
  (child as { spawnfile: string }).spawnfile = file;
  (child as { spawnargs: string[] }).spawnargs = spawnargs;
  const errPipe = child.stdio[errIndex] as NodeJS.ReadableStream | null;
  (child.stdio as unknown[]).length = bpfIndex; // hide our descriptors
  if (!errPipe) return child;
  gateUntilExec(child, errPipe, file, spawnargs);
  return child;
}

/**
 * Holds back 'spawn', 'exit' and 'close' until the launcher has exec'd (its error pipe
 * closes empty) or failed (a record arrives): a failure becomes 'error' + 'close', the
 * way child_process reports a command that cannot be started.
 */
function gateUntilExec(child: ChildProcess, errPipe: NodeJS.ReadableStream, file: string, spawnargs: string[]): void {
  const held: [string, unknown[]][] = [];
  const emit = child.emit.bind(child);
  let state: 'pending' | 'exec' | 'failed' = 'pending';
  let failCode = -1;
  child.emit = ((event: string, ...a: unknown[]) => {
    if (event !== 'spawn' && event !== 'exit' && event !== 'close') return emit(event, ...a);
    if (state === 'pending') {
      held.push([event, a]);
      return true;
    }
    if (state === 'exec') return emit(event, ...a);
    // failed: the launcher's own spawn and exit are not the command's
    if (event !== 'close') return false;
    return emit('close', failCode, null);
  }) as ChildProcess['emit'];

  const chunks: Buffer[] = [];
  errPipe.on('data', (c: Buffer) => chunks.push(Buffer.from(c)));
  const finish = () => {
    if (state !== 'pending') return;
    const record = Buffer.concat(chunks).toString('utf8');
    if (!record) {
      state = 'exec';
      for (const [event, a] of held) emit(event, ...a);
      return;
    }
    state = 'failed';
    const err = launchError(record, file, spawnargs);
    const errno = Math.abs(Number((err as { errno?: number }).errno) || 0);
    failCode = errno ? -errno : -1;
    (child as { pid?: number }).pid = undefined;
    Object.defineProperty(child, 'exitCode', { get: () => failCode, set: () => {}, configurable: true });
    emit('error', err);
    for (const [event] of held) if (event === 'close') emit('close', failCode, null);
  };
  errPipe.on('end', finish);
  errPipe.on('close', finish);
  errPipe.on('error', finish);
}

export interface ExecFileOptions extends SpawnOptions {
  encoding?: BufferEncoding | 'buffer' | null;
  maxBuffer?: number;
}

export interface ExecFileResult<T = string | Buffer> {
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

export type ForkOptions = cp.ForkOptions & SeccompSpawnOptions;

/** Like `child_process.fork`: a Node module in a child behind the profile, with an IPC channel. */
export function fork(modulePath: string, args: readonly string[] = [], options: ForkOptions = {}): ChildProcess {
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
