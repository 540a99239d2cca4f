// Preparing a launch: a compiled profile's program in a sealed memfd, the launcher's path, the
// caller's stdio with our descriptors after it, and the launcher's argv (protocol.ts). No
// process is started here; spawn.ts does that.
import { fs, path, workerThreads } from '../builtins.js';
const { existsSync } = fs;
import { createRequire } from 'node:module';
const { join } = path;
import type { NodeSpawnOptions } from '../node-shapes.js';
import { checkApplicable, usesNotify } from '../applicable.js';
import { capMask } from '../capabilities.js';
import { ErrorCode, SeccompError, unsupported } from '../errors.js';
import { type Isolation, isolationMode, type IsolationMode, landlockAbi, launcherIsolateArg, planIsolation } from '../isolation.js';
import { FilterFlag } from '../library.js';
import { addonDir, native } from '../native.js';
import { isProduced } from '../profile/produced.js';
import type { CompiledProfile } from '../profile/types.js';
import { EXTRA_FDS, ExtraFd, launcherArgs } from './protocol.js';

// One sealed memfd per program, kept open for the life of the process (of the worker thread,
// whose module instance this is), with the identity it had when made: the program may close
// the number, and another file may then get it.
const memfds = new Map<string, { fd: number; identity: string; length: number }>();

// A worker's memfds are closed when it ends: each worker has its own map, and a pool of
// short-lived workers would otherwise leave one descriptor per worker and program behind.
let closesAtExit = false;
function closeMemfdsAtExit(): void {
  if (closesAtExit) return;
  closesAtExit = true;
  if (workerThreads().isMainThread) return; // the process's own go with it
  process.once('exit', () => {
    const b = native();
    for (const { fd, identity, length } of memfds.values()) {
      // Only a number that is still ours: the program may have closed it and reused it.
      if (b.memfdIsOurs(fd, identity, length)) b.closeFd(fd);
    }
    memfds.clear();
  });
}

/** What a spawn passes to the launcher for a compiled profile. */
interface ProgramLaunch {
  /** The sealed memfd with the program; undefined when unconfined. */
  bpfFd: number | undefined;
  /** SECCOMP_FILTER_FLAG_* bits, as the launcher's FLAGS argument. */
  flags: number;
  /** The filter returns a listener (NOTIFY rules), which the parent must supervise. */
  listener: boolean;
}

// Worked out once per result of compile() (its program and rules are fixed); a hand-made
// compiled object is looked at on every spawn, since it may have been changed.
const launches = new WeakMap<CompiledProfile, ProgramLaunch>();

function programLaunch(compiled: CompiledProfile, where: string): ProgramLaunch {
  const hit = launches.get(compiled);
  if (hit) return hit.bpfFd === undefined ? hit : { ...hit, bpfFd: programFd(compiled) };
  if (compiled.unconfined) return { bpfFd: undefined, flags: 0, listener: false };
  checkApplicable(compiled, where, { notify: true });
  const listener = usesNotify(compiled);
  if (listener) checkNotifiable(compiled, where);
  // A hand-made object with NOTIFY rules but no flag still gets its listener.
  const flags = (compiled.filterFlags | (listener ? FilterFlag.NEW_LISTENER : 0)) >>> 0;
  const launch = { bpfFd: programFd(compiled), flags, listener };
  if (isProduced(compiled)) launches.set(compiled, launch);
  return launch;
}


// The launcher's first system call under the filter sends the listener (sendmsg): a profile
// that notifies sendmsg would wait for a supervisor that does not have the fd yet. runc refuses
// notifying write for the same reason (and so does resolve).
function checkNotifiable(compiled: CompiledProfile, where: string): void {
  const rule = compiled.rules.find((r) => r.action === 'NOTIFY' && r.syscall === 'sendmsg');
  if (rule) {
    throw unsupported(
      `${where}: ${rule.source} notifies sendmsg, which the launcher needs to hand the listener to the supervisor; ` +
        'use another action for sendmsg',
    );
  }
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
  memfds.set(key, { fd, identity: b.memfdIdentity(fd), length: compiled.bpf.length });
  closeMemfdsAtExit();
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

/** Everything a launch needs, before any process exists. */
export interface PreparedLaunch {
  launcher: string;
  /** What child_process would run (after `shell`), and its argv with argv0 first. */
  file: string;
  spawnargs: string[];
  /** The caller's stdio count: our descriptors follow (ExtraFd order). */
  callerFds: number;
  /** The program needs a supervisor for its listener. */
  listener: boolean;
  isolation: Isolation;
  /** Node's spawn options without the ones prepare consumed (shell, argv0, stdio). */
  rest: NodeSpawnOptions;
  /** stdio for child_process.spawn and the launcher's argv, given the two descriptors made per spawn. */
  stdioWith(errWrite: number, listenChild: number | undefined): { stdio: Stdio; args: string[] };
}

/** Works out a launch of `command` behind `compiled`, the child holding `caps`. */
export function prepareLaunch(
  command: string,
  args: readonly string[],
  nodeOptions: NodeSpawnOptions,
  compiled: CompiledProfile,
  caps: readonly string[],
  isolationOption: IsolationMode | undefined,
  where = 'spawn()',
): PreparedLaunch {
  const mode = isolationMode(isolationOption);
  const plan = planIsolation(isolationOption === undefined && compiled.unconfined ? 'none' : mode, mode === 'none' ? 0 : landlockAbi(), where);
  const isolate = launcherIsolateArg(plan);
  const { bpfFd, flags, listener } = programLaunch(compiled, where);
  const launcher = launcherPath();

  // What child_process would run: `shell` wraps the command line in `sh -c`.
  const { shell, argv0, stdio, ...rest } = nodeOptions;
  let file = command;
  let argv = [...args];
  if (shell) {
    argv = ['-c', [command, ...args].join(' ')];
    file = typeof shell === 'string' ? shell : '/bin/sh';
  }
  const spawnargs = [argv0 ?? file, ...argv];
  const callerFds = stdioArray(stdio).length;
  const mask = capMask(caps);
  return {
    launcher, file, spawnargs, callerFds, listener, isolation: plan.isolation, rest,
    stdioWith(errWrite, listenChild) {
      const fds = stdioArray(stdio);
      const extra: unknown[] = [];
      extra[ExtraFd.BPF] = bpfFd ?? 'ignore';
      extra[ExtraFd.ERR] = errWrite;
      extra[ExtraFd.LISTEN] = listenChild ?? 'ignore';
      fds.push(...extra.slice(0, EXTRA_FDS));
      const at = (i: number) => callerFds + i;
      const launchArgs = launcherArgs({
        bpfIndex: bpfFd === undefined ? undefined : at(ExtraFd.BPF),
        errIndex: at(ExtraFd.ERR),
        flags,
        caps: mask,
        isolate,
        listenIndex: listenChild === undefined ? undefined : at(ExtraFd.LISTEN),
        file,
        argv: spawnargs,
      });
      return { stdio: fds as Stdio, args: launchArgs };
    },
  };
}
