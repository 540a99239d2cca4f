// `node --import seccomp/register app.js`: applies the profile named by SECCOMP_PROFILE before any
// user code runs, or prints why it cannot and exits. It never lets the app run unfiltered, and it
// refuses to start the app when another preload ran before it (that code ran unfiltered).
import { fs } from './builtins.js';
const { readFileSync, writeSync } = fs;
import { createRequire } from 'node:module';
import { SeccompError } from './errors.js';
import { ISOLATION_MODES, type IsolationMode } from './isolation.js';
import { native } from './native.js';
import { preloadsBefore, runOrder, splitNodeOptions } from './preloads.js';
import { isOurs } from './preload-resolve.js';
import type { Door } from './register-door.js';
import { capabilityState, processCapabilities } from './capabilities.js';
import { markReported, quietFromEnv, reportableWarnings } from './profile/report.js';
import type { UnknownSyscalls } from './profile/types.js';
import { normalizeCapabilities } from './profile/context.js';
import { fromDiskCache } from './profile/cached.js';
import type { CompiledProfile, CompileOptions } from './profile/types.js';
import { applyProfile, type Compile } from './apply.js';
import { ExitCode } from './cli/command.js';
import { errorDetail, formatWarnings } from './cli/format.js';

function fail(message: string, detail?: string): never {
  writeSync(2, `seccomp/register: ${message}; the program was not started\n${detail ? `${detail}\n` : ''}`);
  // As env(1), timeout(1) and docker run say their own failures.
  process.exit(ExitCode.RUNNER);
}

const UNKNOWN_SYSCALLS: readonly UnknownSyscalls[] = ['error', 'warn', 'ignore'];

// SECCOMP_UNKNOWN_SYSCALLS: compile's unknownSyscalls (default error). SECCOMP_PROFILE_STRICT=1
// is its deprecated spelling of `error`.
function unknownSyscallsFromEnv(value: string | undefined, strictValue: string | undefined): UnknownSyscalls {
  let strict = false;
  if (strictValue !== undefined && strictValue !== '' && strictValue !== '0') {
    if (strictValue !== '1') fail(`SECCOMP_PROFILE_STRICT must be 1 or 0, got ${JSON.stringify(strictValue)}`);
    strict = true;
    if (!quietFromEnv()) {
      writeSync(2, 'seccomp/register: SECCOMP_PROFILE_STRICT is deprecated: unknown syscall names are errors by default now (SECCOMP_UNKNOWN_SYSCALLS=error)\n');
    }
  }
  if (value === undefined || value === '') return 'error';
  if (!(UNKNOWN_SYSCALLS as readonly string[]).includes(value)) {
    return fail(`SECCOMP_UNKNOWN_SYSCALLS must be one of ${UNKNOWN_SYSCALLS.join(', ')}, got ${JSON.stringify(value)}`);
  }
  if (strict && value !== 'error') fail(`SECCOMP_PROFILE_STRICT=1 contradicts SECCOMP_UNKNOWN_SYSCALLS=${value}`);
  return value as UnknownSyscalls;
}

/** This thread's `Seccomp:` and `Seccomp_filters:` as the kernel reports them. */
function threadSeccomp(): { mode: string | undefined; filters: number | undefined } {
  const text = readFileSync('/proc/thread-self/status', 'utf8');
  const filters = /^Seccomp_filters:\s*(\d+)/m.exec(text)?.[1];
  return { mode: /^Seccomp:\s*(\d)/m.exec(text)?.[1], filters: filters === undefined ? undefined : Number(filters) };
}

// Covered: sandbox() in this process applied this very program (the addon's process-wide record,
// which nothing outside the process can write), and the kernel agrees this thread is filtered
// with at least as many filters as were recorded.
function covered(hash: string | undefined): boolean {
  if (hash === undefined) return false;
  const records = native().appliedRecords().map((t) => JSON.parse(t) as { hash: string });
  if (!records.some((r) => r.hash === hash)) return false;
  const { mode, filters } = threadSeccomp();
  return mode === '2' && (filters === undefined || filters >= records.length);
}

// NODE_OPTIONS as Node read it: from the environment it was started with (/proc/self/environ,
// which JavaScript cannot rewrite) and from process.env (which also carries one set by --env-file).
function nodeOptionsSeen(): string[][] {
  const texts = new Set<string>();
  if (process.env.NODE_OPTIONS) texts.add(process.env.NODE_OPTIONS);
  try {
    for (const entry of readFileSync('/proc/self/environ', 'latin1').split('\0')) {
      if (entry.startsWith('NODE_OPTIONS=')) texts.add(Buffer.from(entry.slice(13), 'latin1').toString('utf8'));
    }
  } catch {
    // not readable (a process that is not dumpable): process.env is all there is
  }
  return texts.size === 0 ? [[]] : [...texts].map((t) => splitNodeOptions(t) ?? []);
}

// User code that Node ran, or will run, before this module: refuse rather than filter after it.
function refuseEarlierPreloads(): void {
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

// SECCOMP_CAPABILITIES: sandbox()'s capabilities option, names separated by commas or spaces
// (`none` for the empty set); unset or empty: keep what the process can use.
function capabilitiesFromEnv(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (value.trim().toLowerCase() === 'none') return [];
  try {
    return normalizeCapabilities(value.split(/[\s,]+/).filter(Boolean), 'SECCOMP_CAPABILITIES');
  } catch (err) {
    return fail(`${(err as Error).message} [${(err as SeccompError).code ?? 'ERR_INVALID_ARG_VALUE'}]`);
  }
}

// SECCOMP_ISOLATION: sandbox()'s isolation option (full when unset).
function isolationFromEnv(value: string | undefined): IsolationMode | undefined {
  if (value === undefined || value === '') return undefined;
  if ((ISOLATION_MODES as readonly string[]).includes(value)) return value as IsolationMode;
  return fail(`SECCOMP_ISOLATION must be one of ${ISOLATION_MODES.join(', ')}, got ${JSON.stringify(value)}`);
}

// The compiler is loaded only when the disk cache does not have the profile (startup cost):
// synchronously, as an ES module through require (Node.js >= 20.19 / 22.12).
function compileNow(spec: string, options: CompileOptions): { compiled: CompiledProfile; cached: boolean } {
  const hit = fromDiskCache(spec, options);
  if (hit) return { compiled: hit, cached: true };
  let compile: Compile;
  try {
    compile = (createRequire(import.meta.url)('./profile/compile.js') as { compile: Compile }).compile;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    return fail(
      `compiling a profile that is not in the disk cache needs Node.js >= 20.19 (require of ES modules); this is ${process.version}`,
    );
  }
  return { compiled: compile(spec, options), cached: false };
}

// Loaded through the bundle's door (scripts/bundle.mjs), the door is told when a start took the
// profile from the disk cache (the common start, whose code it then caches for V8), before the
// filter, which could deny or kill for its writes. Loaded any other way there is no door.
function beforeFilter(): void {
  (createRequire(import.meta.url) as { seccompDoor?: Door }).seccompDoor?.beforeFilter();
}

// The main thread is the process's first (its tid is the pid): asked of /proc rather than of
// node:worker_threads, whose load costs a startup more than everything else here.
function onMainThread(): boolean {
  // Both in /proc's own PID namespace: process.pid is in this process's, which differs where a
  // PID namespace still sees an outer /proc (unshare -p without a new /proc).
  const text = readFileSync('/proc/thread-self/status', 'latin1');
  const pid = /^Pid:\s*(\d+)/m.exec(text)?.[1];
  return pid !== undefined && pid === /^Tgid:\s*(\d+)/m.exec(text)?.[1];
}

function registerFromEnv(): void {
  const isMainThread = onMainThread();
  if (isMainThread) refuseEarlierPreloads();
  const spec = process.env.SECCOMP_PROFILE;
  if (spec === undefined || spec.trim() === '') {
    // A worker given its own env: the process's filters already cover its thread.
    if (!isMainThread && threadSeccomp().mode === '2') return;
    fail('SECCOMP_PROFILE is not set (a built-in name such as docker-default, a profile file path, or profile JSON)');
  }
  const unknownSyscalls = unknownSyscallsFromEnv(process.env.SECCOMP_UNKNOWN_SYSCALLS, process.env.SECCOMP_PROFILE_STRICT);
  const isolation = isolationFromEnv(process.env.SECCOMP_ISOLATION);
  const requested = capabilitiesFromEnv(process.env.SECCOMP_CAPABILITIES);
  const label = spec.trimStart().startsWith('{') ? 'the JSON profile in SECCOMP_PROFILE' : JSON.stringify(spec);
  try {
    // Threads share the process's filters. A worker preloads --require modules again (not
    // --import): it has nothing to do when this process already applied this profile, and
    // applies it otherwise. The same check makes a second preload of this module a no-op.
    // The spec's hash is remembered process-wide, so a worker does not compile it again.
    // The same rule as sandbox(): evaluated against the set this process keeps.
    // One thread at a time (the loader hooks thread may start alongside the main thread): the
    // second sees the first one's filter instead of stacking its own.
    native().registerLock(true);
    try {
      const capabilities = processCapabilities(requested, capabilityState());
      const key = `${unknownSyscalls}\0${capabilities.join()}\0${spec}`;
      if (covered(native().rememberedHash(key))) return;
      const { compiled, cached } = compileNow(spec, { unknownSyscalls, capabilities });
      native().rememberHash(key, compiled.hash);
      if (covered(compiled.hash)) return;
      // Once, by the thread that applies it (a worker's preload finds it covered above), and
      // before the filter, which might deny the write.
      const warnings = reportableWarnings(compiled);
      if (warnings.length && markReported(compiled) && !quietFromEnv()) {
        writeSync(2, formatWarnings(warnings, 'seccomp/register: warning: '));
      }
      if (cached) beforeFilter();
      // A failure ends the process (fail() below): no trial install first.
      applyProfile(compiled, isolation === undefined ? {} : { isolation }, undefined, true);
    } finally {
      native().registerLock(false);
    }
  } catch (err) {
    const code = (err as SeccompError).code;
    fail(`cannot apply ${label}${typeof code === 'string' ? ` [${code}]` : ''}`, errorDetail(err));
  }
}

// A forked Node child is a new process: it applies its own filter, stacked on those it inherited.
registerFromEnv();
