// What seccomp/register checks before it applies anything, on both of its paths (the fast start
// in the door, register-fast.ts, and register.ts): which thread this is, and whether user code
// ran, or will run, before it. fail() ends the process as both paths end it.
import { fs, readProc } from './builtins.js';
const { writeSync } = fs;
import { preloadsBefore, runOrder, splitNodeOptions } from './preloads.js';
import { isOurs } from './preload-resolve.js';
import { ExitCode } from './cli/command.js';

export function fail(message: string, detail?: string): never {
  try {
    writeSync(2, `seccomp/register: ${message}; the program was not started\n${detail ? `${detail}\n` : ''}`);
  } catch {
    // stderr is the environment's (a full disk, a full non-blocking pipe): the exit must still come
  }
  // As env(1), timeout(1) and docker run say their own failures.
  process.exit(ExitCode.RUNNER);
}

/** This thread's /proc status: each register start reads it once, and asks this of it. */
export function threadStatus(): string {
  return readProc('/proc/thread-self/status');
}

/** The `Seccomp:` and `Seccomp_filters:` fields of a thread's status, as the kernel reports them. */
export function seccompOf(text: string): { mode: string | undefined; filters: number | undefined } {
  const filters = /^Seccomp_filters:\s*(\d+)/m.exec(text)?.[1];
  return { mode: /^Seccomp:\s*(\d)/m.exec(text)?.[1], filters: filters === undefined ? undefined : Number(filters) };
}

// The main thread is the process's first (its tid is the pid): asked of /proc rather than of
// node:worker_threads, whose load costs a startup more than everything else here. Both in
// /proc's own PID namespace: process.pid is in this process's, which differs where a PID
// namespace still sees an outer /proc (unshare -p without a new /proc).
export function isMainThread(status: string): boolean {
  const pid = /^Pid:\s*(\d+)/m.exec(status)?.[1];
  return pid !== undefined && pid === /^Tgid:\s*(\d+)/m.exec(status)?.[1];
}

// NODE_OPTIONS as Node read it: from the environment it was started with (/proc/self/environ,
// which JavaScript cannot rewrite) and from process.env (which also carries one set by --env-file).
function nodeOptionsSeen(): string[][] {
  const texts = new Set<string>();
  if (process.env.NODE_OPTIONS) texts.add(process.env.NODE_OPTIONS);
  try {
    for (const entry of readProc('/proc/self/environ').split('\0')) {
      if (entry.startsWith('NODE_OPTIONS=')) texts.add(Buffer.from(entry.slice(13), 'latin1').toString('utf8'));
    }
  } catch {
    // not readable (a process that is not dumpable): process.env is all there is
  }
  return texts.size === 0 ? [[]] : [...texts].map((t) => splitNodeOptions(t) ?? []);
}

/** User code that Node ran, or will run, before this module: refuse rather than filter after it. */
export function refuseEarlierPreloads(): void {
  for (const nodeOptions of nodeOptionsSeen()) {
    const [first] = preloadsBefore(runOrder(nodeOptions, process.execArgv), isOurs);
    if (first === undefined) continue;
    fail(
      `${first.option} ${first.spec} (from ${first.from}) runs before seccomp/register, so it would run unfiltered`,
      'Put seccomp/register first (every --require runs before loaders and --import; NODE_OPTIONS before the command line), ' +
        'or start the program with `seccomp run` or spawn()/forkSandboxed(), which attach the filter before Node starts.',
    );
  }
}
