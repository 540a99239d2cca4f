// The launch itself: prepare.ts's program and argv, the launcher started by child_process, and
// the outcome read before spawn() returns. The launcher installs the program in the child and
// execs the command in place. Kept apart from forms.ts (which compiles what is not compiled
// yet), so that `seccomp run` starts a profile from the disk cache without the compiler.
//
// With NOTIFY rules the launcher sends the filter's listener over a socketpair right after
// installing it (protocol.ts); this process receives it (blocking, like the error record),
// starts a supervisor on it, and reads the rest of the launch's outcome asynchronously, since
// the launcher's own execve may be a notified syscall that only the supervisor can answer.
//
// What failure handling still does to the ChildProcess (failLaunch): a launch that failed
// before the command ran must look like one child_process could not start, yet child_process
// saw the launcher start. So 'spawn' and 'exit' are held back, 'close' carries the negative
// errno, and pid/exitCode read as for a failed spawn. Node gives no hook for that other than
// the emitter itself.
import { childProcess, fs, net } from '../builtins.js';
const { readSync } = fs;
// The descriptors closed here are the addon's: fs.closeSync would make a worker thread warn.
const closeSync = (fd: number): void => native().closeFd(fd);
import { createRequire } from 'node:module';
import type { NodeChildProcess as ChildProcess, NodeSpawnOptions } from '../node-shapes.js';
import { ErrorCode, errnoName, SeccompError } from '../errors.js';
import type { Isolation, IsolationMode } from '../isolation.js';
import { native } from '../native.js';
import type { CompiledProfile } from '../profile/types.js';
import { type AbortSignalLike, supervise, type Supervisor, type SyscallHandler } from '../supervisor/supervise.js';
import type { DenialLog } from '../report/model.js';
import { directSpawnAvailable, directSupervisedOk, spawnDirect } from './direct.js';
import { prepareLaunch } from './prepare.js';
import { parseRecord, Stage } from './protocol.js';

export { launcherPath, type Stdio } from './prepare.js';

/** A ChildProcess started by this package, with the guards it got and its supervisor (NOTIFY profiles). */
export type SandboxedChild = ChildProcess & { seccompIsolation?: Isolation; seccompSupervisor?: Supervisor; seccompDenials?: DenialLog };

/** How a NOTIFY profile's syscalls are answered (supervisor/supervise.ts). */
export interface NotifyOptions {
  onSyscall?: SyscallHandler;
  signal?: AbortSignalLike;
}

// Why the exec after the filter failed, when the profile denies execve. The decision machinery
// is loaded only on this failure path (spawn's usual path never needs it).
function execveHint(compiled: CompiledProfile): string {
  try {
    const { describeDenial, EXECVE_HINT, execveDenied } = createRequire(import.meta.url)('../exec-denied.js') as typeof import('../exec-denied.js');
    const denied = execveDenied(compiled);
    return denied ? `: the seccomp profile denies execve (${describeDenial(denied)}); ${EXECVE_HINT}` : '';
  } catch {
    return ''; // a Node.js without require() of ES modules: the errno alone
  }
}

// Launcher stage -> error code; exec failures keep their errno name, like child_process.
const STAGE_CODES: Record<string, string> = {
  [Stage.SECCOMP]: ErrorCode.LOAD, [Stage.BPF]: ErrorCode.LOAD, [Stage.LISTENER]: ErrorCode.LOAD,
  [Stage.ISOLATION]: ErrorCode.ISOLATION, [Stage.CAPS]: ErrorCode.CAPABILITIES,
};

/**
 * The 'error' for a launcher failure record. Stage `execve` is the exec after the filter was
 * attached: when the profile denies execve, the message says so.
 */
function launchError(text: string, file: string, spawnargs: string[], compiled: CompiledProfile): Error {
  const { stage, errno, message } = parseRecord(text);
  const syscall = `spawn ${file}`;
  if (stage === Stage.EXEC || stage === Stage.EXECVE) {
    // The same shape as child_process's spawn errors (negative errno, "spawn cmd ENOENT").
    const code = errnoName(errno);
    const why = stage === Stage.EXECVE ? execveHint(compiled) : '';
    return Object.assign(new Error(`${syscall} ${code}${why}`), {
      errno: -errno, code, syscall, path: file, spawnargs: spawnargs.slice(1),
    });
  }
  const code = STAGE_CODES[stage] ?? errnoName(errno);
  return new SeccompError(`${syscall}: ${message}${errno ? ` (${errnoName(errno)})` : ''}`, {
    code, errno, syscall, path: file, spawnargs: spawnargs.slice(1), stage,
  });
}

/**
 * Starts `command` behind `compiled` through the launcher, the child holding `caps`: spawn()
 * once the profile is compiled. `nodeOptions` are child_process.spawn's; `notify` answers a
 * NOTIFY profile's syscalls (required for one).
 */
export function launchCompiled(
  command: string,
  args: readonly string[],
  nodeOptions: NodeSpawnOptions,
  compiled: CompiledProfile,
  caps: readonly string[],
  isolationOption: IsolationMode | undefined,
  notify: NotifyOptions = {},
): SandboxedChild {
  const prep = prepareLaunch(command, args, nodeOptions, compiled, caps, isolationOption);
  if (prep.listener && typeof notify.onSyscall !== 'function') {
    throw new SeccompError(
      'spawn(): the profile has SCMP_ACT_NOTIFY rules; pass options.onSyscall to answer them (the listenerPath of a Docker profile is not used)',
      { code: ErrorCode.UNSUPPORTED },
    );
  }
  // Without the ptrace guard a child of this uid could open this process's listener
  // (/proc/PID/fd, pidfd_getfd) and answer its own syscalls, denials included.
  if (prep.listener && !prep.isolation.ptrace) {
    throw new SeccompError(
      "spawn(): a supervised child (onSyscall, onDenied, --report, record) needs the ptrace guard of isolation 'full' or " +
        `'available' (Landlock); with isolation '${prep.isolation.mode}' it could take the listener from this process and answer its own syscalls`,
      { code: ErrorCode.ISOLATION },
    );
  }
  const { file, spawnargs } = prep;
  const b = native();
  const [errRead, errWrite] = b.pipeCloexec();
  const [listenParent, listenChild] = prep.listener ? b.socketpairCloexec() : [undefined, undefined];
  const { stdio, args: launchArgs } = prep.stdioWith(errWrite, listenChild);
  let child: SandboxedChild;
  let record = '';
  let listener = -1;
  let errOpen = true;
  try {
    try {
      // A supervised launch runs in-process only when nothing before its exec can wait for us.
      child = directSpawnAvailable() && (!prep.listener || directSupervisedOk(compiled))
        ? spawnDirect(prep.launcher, launchArgs, { ...prep.rest, stdio })
        : childProcess().spawn(prep.launcher, launchArgs, { ...prep.rest, stdio });
    } finally {
      closeSync(errWrite); // only the launcher may hold it, so that its exec ends our read
      if (listenChild !== undefined) closeSync(listenChild);
    }
    // No pid: the launcher itself could not be started, and child_process reports that.
    if (child.pid !== undefined) {
      if (listenParent !== undefined) listener = b.receiveListener(listenParent);
      // Without a listener the launcher has exec'd or failed: the record is complete.
      if (listener < 0) record = readRecord(errRead);
    }
  } finally {
    if (listenParent !== undefined) closeSync(listenParent);
    if (listener < 0) {
      closeSync(errRead);
      errOpen = false;
    }
  }
  (child.stdio as unknown[]).length = prep.callerFds; // hide our descriptors
  if (record) tooBigToExec(record, child);
  // What child_process would name (its 'error' for a start that failed reads these a tick later).
  (child as { spawnfile: string }).spawnfile = file;
  (child as { spawnargs: string[] }).spawnargs = spawnargs;
  if (child.pid === undefined) {
    if (errOpen) closeSync(errRead);
    return child;
  }
  child.seccompIsolation = prep.isolation;
  if (listener >= 0) {
    child.seccompSupervisor = supervise(listener, notify.onSyscall as SyscallHandler, { signal: notify.signal });
    // The launcher's execve may wait for the supervisor: its outcome arrives later, and 'exit'
    // and 'close' wait for it (a failed exec must not look like a command that exited 127).
    const release = holdExit(child);
    readRecordLater(errRead, (text) => {
      if (text) failLaunch(child, launchError(text, file, spawnargs, compiled));
      // After failLaunch's 'error' (next tick), through its emit.
      process.nextTick(release);
    });
  } else if (record) failLaunch(child, launchError(record, file, spawnargs, compiled));
  return child;
}

// E2BIG (arguments and environment too large) is thrown by child_process, as libuv's exec
// fails before any child exists; so it is for the exec'd launcher, whose own exec fails first.
// The in-process launch learns it from the command's exec: thrown the same way.
function tooBigToExec(record: string, child: ChildProcess): void {
  const { stage, errno } = parseRecord(record);
  if (errno !== E2BIG || (stage !== Stage.EXEC && stage !== Stage.EXECVE)) return;
  child.emit = () => false; // the failed child's own events go nowhere: the caller gets the throw
  throw Object.assign(new Error('spawn E2BIG'), { errno: -E2BIG, code: 'E2BIG', syscall: 'spawn' });
}
const E2BIG = 7;

/**
 * The launcher's failure record, or '' once its exec closed the pipe. Blocks for the
 * launcher's work before exec (reading the program, PATH lookup, capabilities, filter
 * attach), as child_process blocks until its own child has exec'd.
 */
function readRecord(fd: number): string {
  // One buffer for every spawn (the text is copied out before returning): a fresh 8 KiB one
  // costs each spawn its first-touch page faults, a fifth of a millisecond on some machines.
  const buf = (recordBuffer ??= Buffer.allocUnsafe(8192));
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

let recordBuffer: Buffer | undefined;

/** readRecord without blocking: the pipe as a stream on the loop; takes the fd. */
function readRecordLater(fd: number, done: (text: string) => void): void {
  const chunks: Buffer[] = [];
  const s = new (net().Socket)({ fd, readable: true, writable: false });
  s.on('data', (c: Buffer) => chunks.push(c));
  s.on('error', () => s.destroy());
  s.on('close', () => done(Buffer.concat(chunks).toString('utf8')));
}

/**
 * Holds back 'exit' and 'close' until the returned function replays them, in order, through
 * whatever emit the child has then (failLaunch's, after a failure). Passes through afterwards.
 */
function holdExit(child: ChildProcess): () => void {
  const held: [string, unknown[]][] = [];
  let holding = true;
  type Emit = (event: string, ...a: unknown[]) => boolean;
  const original = child.emit as Emit;
  child.emit = ((event: string, ...a: unknown[]) => {
    if (holding && (event === 'exit' || event === 'close')) {
      held.push([event, a]);
      return true;
    }
    return original.call(child, event, ...a);
  }) as ChildProcess['emit'];
  return () => {
    holding = false;
    for (const [event, a] of held.splice(0)) (child.emit as Emit).call(child, event, ...a);
  };
}

/**
 * Makes a ChildProcess whose launcher failed look like one child_process could not start:
 * 'error' (next tick), then 'close' with the negative errno; no 'spawn', no 'exit' and no
 * pid (those were the launcher's, not the command's). A NOTIFY launch learns of an execve
 * failure only after spawn() returned: its 'spawn' may have been emitted already.
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
