// The launch without exec'ing the launcher (native/spawn_direct.cc). child_process.spawn runs as
// it always does (option checks, stdio pipes, the ChildProcess, timeout and AbortSignal), but the
// ChildProcess's process handle is ours: where libuv would fork this process and exec the
// launcher, ours runs the launcher's steps in a clone(CLONE_VM | CLONE_VFORK) child that execs
// the command. The launcher's argv, its descriptors and its error record are the same, so
// spawn.ts treats both alike. Node has no public hook for the handle: ChildProcess.prototype.spawn
// is wrapped for the one synchronous call, and when anything does not look as expected the
// wrapper stands aside and libuv starts the launcher as before.
import { createRequire } from 'node:module';
import { childProcess, os } from '../builtins.js';
import type { NodeChildProcess as ChildProcess, NodeSpawnOptions } from '../node-shapes.js';
import { native } from '../native.js';
import { isProduced } from '../profile/produced.js';
import type { CompiledProfile } from '../profile/types.js';

/** A stdio entry as child_process hands it to the process handle (getValidStdio's output). */
interface StdioEntry {
  type: string;
  fd?: number;
  handle?: { open(fd: number): number; close(): void; fd?: number };
}

/** The options child_process passes to the process handle's spawn(), once normalized. */
interface HandleOptions {
  args?: string[];
  envPairs?: string[];
  cwd?: unknown;
  uid?: unknown;
  gid?: unknown;
  detached?: unknown;
  stdio: StdioEntry[];
}

type OnExit = (exitCode: number, signalCode: string) => void;

/** Node's own process handle (process_wrap), which starts the launcher through libuv. */
interface RealHandle {
  pid?: number;
  onexit: unknown;
  spawn(options: unknown): number;
  kill(sig: number): number;
  close(): void;
  ref(): void;
  unref(): void;
  hasRef(): boolean;
}

let supported: boolean | undefined;

/**
 * The in-process launch can be used: the kernel's pidfds can be polled (5.3), and SECCOMP_SPAWN
 * is not "exec" (which keeps the exec'd launcher: for comparison, or a Node whose internals
 * changed). Either way the command runs behind the same steps.
 */
export function directSpawnAvailable(): boolean {
  if (process.env.SECCOMP_SPAWN === 'exec') return false;
  if (supported === undefined) {
    try {
      supported = native().directSpawnSupported() === true;
    } catch {
      supported = false;
    }
  }
  return supported;
}

// Per result of compile() (program fixed); the decision machinery loads only for supervised spawns.
const tails = new WeakMap<CompiledProfile, boolean>();

/**
 * A supervised launch (a listener for this process) may run in-process only if the child makes
 * no notified call before its exec: meanwhile this thread waits and could not answer it.
 */
export function directSupervisedOk(compiled: CompiledProfile): boolean {
  let ok = tails.get(compiled);
  if (ok === undefined) {
    try {
      const { tailNeverNotified } = createRequire(import.meta.url)('../exec-denied.js') as typeof import('../exec-denied.js');
      ok = tailNeverNotified(compiled);
    } catch {
      ok = false; // a Node.js without require() of ES modules: the exec'd launcher
    }
    if (isProduced(compiled)) tails.set(compiled, ok);
  }
  return ok;
}

let signalNames: string[] | undefined;

// Node names a terminating signal as its signo_string does: the first name for the number, ''
// for one it does not know (the real-time signals), which then reads as exit code 0.
function signalName(n: number): string {
  if (!signalNames) {
    signalNames = [];
    for (const [name, num] of Object.entries(os().constants.signals)) signalNames[num] ??= name;
  }
  return n ? (signalNames[n] ?? '') : '';
}

// The int32 test Node's process_wrap makes before setting a uid or gid.
const int32 = (v: unknown): v is number => typeof v === 'number' && (v | 0) === v;

/** The process handle child_process drives (spawn, kill, close, ref, unref, onexit). */
class DirectHandle {
  pid: number | undefined;
  onexit: OnExit;
  private watch: { close(): void; ref(): void; unref(): void; hasRef(): boolean } | undefined;
  private refed = true;
  // Set once the launch is libuv's after all: every call goes to Node's own handle.
  private libuv: RealHandle | undefined;

  constructor(
    onexit: OnExit,
    private readonly launcherArgs: readonly string[],
    private readonly real: RealHandle,
  ) {
    this.onexit = onexit;
  }

  // The launcher started as child_process starts it (fork, exec): its exit still reaches
  // ChildProcess through the real handle's onexit, whose close() comes back here.
  private viaLibuv(options: HandleOptions): number {
    this.libuv = this.real;
    const r = this.real.spawn(options);
    this.pid = this.real.pid;
    if (!this.refed) this.real.unref();
    return r;
  }

  spawn(options: HandleOptions): number {
    const b = native();
    const fds: number[] = [];
    const pipes: [NonNullable<StdioEntry['handle']>, number][] = [];
    const childEnds: number[] = [];
    const closeAll = (list: number[]) => {
      for (const fd of list.splice(0)) b.closeFd(fd);
    };
    try {
      for (const s of options.stdio) {
        if (s.type === 'ignore') fds.push(-1);
        else if (s.type === 'pipe' || s.type === 'overlapped') {
          const [parent, child] = b.socketpairCloexec();
          pipes.push([s.handle as NonNullable<StdioEntry['handle']>, parent]);
          childEnds.push(child);
          fds.push(child);
        } else if (s.type === 'wrap') {
          const fd = s.handle?.fd;
          if (typeof fd !== 'number' || fd < 0) throw Object.assign(new Error('EINVAL'), { errno: -22 });
          fds.push(fd);
        } else fds.push(s.fd as number);
      }
    } catch (e) {
      closeAll(childEnds);
      closeAll(pipes.map((p) => p[1]));
      const errno = (e as { errno?: number }).errno;
      return typeof errno === 'number' ? -Math.abs(errno) : -24; // EMFILE, as a socketpair fails
    }
    const cwd = typeof options.cwd === 'string' ? options.cwd : null;
    const r = b.spawnDirect(
      this.launcherArgs as string[],
      options.envPairs ?? [],
      fds,
      cwd,
      options.detached === true,
    );
    closeAll(childEnds);
    if (typeof r === 'object' && 'unstarted' in r) {
      // No child (clone refused, e.g. by this process's own filter): libuv's fork may pass.
      closeAll(pipes.map((p) => p[1]));
      return this.viaLibuv(options);
    }
    if (typeof r === 'number') {
      // As libuv: the pipes are opened even when the command did not start (they read EOF).
      for (const [handle, fd] of pipes) handle.open(fd);
      return r;
    }
    try {
      this.watch = new b.ExitWatch(r.pidfd, r.pid, (code: number, sig: number) => this.onexit(code, signalName(sig)));
    } catch (e) {
      // Nothing could tell us of its exit: the command does not run unwatched.
      b.killPid(r.pid, 9);
      b.reapPid(r.pid);
      b.closeFd(r.pidfd);
      closeAll(pipes.map((p) => p[1]));
      return -Math.abs(Number((e as { errno?: number }).errno) || 12 /* ENOMEM */);
    }
    this.pid = r.pid;
    if (!this.refed) this.watch.unref();
    for (const [handle, fd] of pipes) handle.open(fd);
    return 0;
  }

  kill(sig: number): number {
    if (this.libuv) return this.libuv.kill(sig);
    return this.pid === undefined ? -3 /* ESRCH */ : native().killPid(this.pid, sig);
  }

  close(): void {
    if (this.libuv) this.libuv.close();
    else this.watch?.close();
  }

  ref(): void {
    this.refed = true;
    if (this.libuv) this.libuv.ref();
    else this.watch?.ref();
  }

  unref(): void {
    this.refed = false;
    if (this.libuv) this.libuv.unref();
    else this.watch?.unref();
  }

  hasRef(): boolean {
    if (this.libuv) return this.libuv.hasRef();
    return this.watch ? this.watch.hasRef() : false;
  }
}

/** Spawns that stay libuv's, whatever the call. */
function libuvOnly(o: HandleOptions): boolean {
  // A child that changes its uid or gid makes its memory non-dumpable (the kernel does that for
  // credential changes): with CLONE_VM that memory is ours, and this process would stay
  // non-dumpable for good (its /proc entry root's, no core dumps). libuv's fork has its own.
  if (int32(o.uid) || int32(o.gid)) return true;
  // Node's permission model (--permission without --allow-child-process) is enforced in its own
  // handle's spawn: ours would start the command regardless. There it throws, as always.
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  return permission !== undefined && !permission.has('child');
}

/**
 * child_process.spawn(launcher, launcherArgs, options), with the launcher's steps run in our own
 * child instead of an exec'd launcher when Node's ChildProcess looks as expected.
 */
export function spawnDirect(launcher: string, launcherArgs: string[], options: NodeSpawnOptions): ChildProcess {
  const cp = childProcess();
  const proto = (cp as unknown as { ChildProcess: { prototype: { spawn: (this: object, o: unknown) => unknown } } }).ChildProcess.prototype;
  const original = proto.spawn;
  let swapped = false;
  // Only the ChildProcess of this very call: code that runs inside child_process.spawn (a Proxy
  // as env, say) could start a spawn of its own first, which must stay what it is.
  const ours = (o: unknown): boolean => {
    const { file, args } = (o ?? {}) as { file?: unknown; args?: unknown };
    return file === launcher && Array.isArray(args) && args.length === launcherArgs.length + 1 && launcherArgs.every((a, i) => args[i + 1] === a);
  };
  function spawnOnce(this: object, o: unknown): unknown {
    proto.spawn = original;
    const child = this as { _handle?: RealHandle };
    const real = child._handle;
    const methods = ['spawn', 'kill', 'close', 'ref', 'unref', 'hasRef'] as const;
    if (!swapped && real && methods.every((m) => typeof real[m] === 'function') && typeof real.onexit === 'function' && ours(o) && !libuvOnly(o as HandleOptions)) {
      swapped = true;
      child._handle = new DirectHandle(real.onexit as OnExit, launcherArgs, real) as unknown as RealHandle;
    }
    return original.call(this, o);
  }
  try {
    proto.spawn = spawnOnce;
  } catch {
    return cp.spawn(launcher, launcherArgs, options) as ChildProcess; // not writable: libuv's way
  }
  try {
    return cp.spawn(launcher, launcherArgs, options) as ChildProcess;
  } finally {
    proto.spawn = original;
  }
}
