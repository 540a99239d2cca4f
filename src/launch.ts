// The launch itself: a compiled profile's program in a sealed memfd, handed to the launcher
// (native/launcher.c), which installs it in the child and execs the command in place. Kept apart
// from spawn.ts (which compiles what is not compiled yet), so that `seccomp run` starts a profile
// from the disk cache without loading the compiler.
import { childProcess, fs, path } from './builtins.js';
const { closeSync, existsSync, readSync } = fs;
import { createRequire } from 'node:module';
const { join } = path;
import type { NodeChildProcess as ChildProcess, NodeSpawnOptions } from './node-shapes.js';
import { checkApplicable } from './applicable.js';
import { capMask } from './capabilities.js';
import { ErrorCode, errnoName, SeccompError } from './errors.js';
import { type Isolation, isolationMode, type IsolationMode, landlockAbi, launcherIsolateArg, planIsolation } from './isolation.js';
import { addonDir, native } from './native.js';
import { isProduced } from './profile/produced.js';
import type { CompiledProfile } from './profile/types.js';

/** A ChildProcess started by this package, with the guards it got. */
export type SandboxedChild = ChildProcess & { seccompIsolation?: Isolation };

// One sealed memfd per program, kept open for the life of the process, with the identity it
// had when made: the program may close the number, and another file may then get it.
const memfds = new Map<string, { fd: number; identity: string }>();

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
  if (isProduced(compiled)) launches.set(compiled, launch);
  return launch;
}

function programFd(compiled: CompiledProfile): number {
  // compile()'s hash covers the program; for a hand-made object only the bytes can be trusted.
  const key = isProduced(compiled)
    ? compiled.hash
    : `bpf:${(createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto')).createHash('sha256').update((compiled as CompiledProfile).bpf).digest('hex')}`;
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

export type Stdio = NonNullable<NodeSpawnOptions['stdio']>;

function stdioArray(stdio: Stdio | undefined): unknown[] {
  const arr: unknown[] = stdio === undefined ? ['pipe', 'pipe', 'pipe'] : typeof stdio === 'string' ? [stdio, stdio, stdio] : [...stdio];
  while (arr.length < 3) arr.push(undefined);
  return arr;
}

// Why the exec after the filter failed, when the profile denies execve. The decision machinery
// is loaded only on this failure path (spawn's usual path never needs it).
function execveHint(compiled: CompiledProfile): string {
  try {
    const { describeDenial, EXECVE_HINT, execveDenied } = createRequire(import.meta.url)('./exec-denied.js') as typeof import('./exec-denied.js');
    const denied = execveDenied(compiled);
    return denied ? `: the seccomp profile denies execve (${describeDenial(denied)}); ${EXECVE_HINT}` : '';
  } catch {
    return ''; // a Node.js without require() of ES modules: the errno alone
  }
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
    const why = stage === 'execve' ? execveHint(compiled) : '';
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
 * Starts `command` behind `compiled` through the launcher, the child holding `caps`: spawn()
 * once the profile is compiled. `nodeOptions` are child_process.spawn's.
 */
export function launchCompiled(
  command: string,
  args: readonly string[],
  nodeOptions: NodeSpawnOptions,
  compiled: CompiledProfile,
  caps: readonly string[],
  isolationOption: IsolationMode | undefined,
): SandboxedChild {
  const mode = isolationMode(isolationOption);
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
      child = childProcess().spawn(launcher, launchArgs, { ...rest, stdio: fds as Stdio });
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
