// `node --import seccomp/register app.js`: applies the profile named by SECCOMP_PROFILE before any
// user code runs, or prints why it cannot and exits. It never lets the app run unfiltered, and it
// refuses to start the app when another preload ran before it (that code ran unfiltered).
import { fs, path, url } from './builtins.js';
const { writeSync } = fs;
const { dirname } = path;
const { fileURLToPath } = url;
import { createRequire } from 'node:module';
import { SeccompError } from './errors.js';
import { ISOLATION_MODES, type IsolationMode } from './isolation.js';
import { native } from './native.js';
import { fail, isMainThread, refuseEarlierPreloads, seccompOf, threadStatus } from './register-checks.js';
import { plainStart, startKey, writeStartRecord } from './profile/start-record.js';
import type { Door } from './register-door.js';
import { capabilityState, processCapabilities } from './capabilities.js';
import { markReported, quietFromEnv, reportableWarnings } from './profile/report.js';
import type { UnknownSyscalls } from './profile/types.js';
import { normalizeCapabilities } from './profile/context.js';
import { fromDiskCache } from './profile/cached.js';
import type { CompiledProfile, CompileOptions } from './profile/types.js';
import { applyProfile, type Compile } from './apply.js';
import { errorDetail, formatWarnings } from './cli/format.js';

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

/** Whether this package applied a profile to this process (false without the addon: then nothing could have). */
function appliedHere(): boolean {
  try {
    return native().appliedRecords().length > 0;
  } catch {
    return false;
  }
}

// Covered: sandbox() in this process applied this very program (the addon's process-wide record,
// which nothing outside the process can write), and the kernel agrees this thread is filtered
// with at least as many filters as were recorded.
function covered(hash: string | undefined): boolean {
  if (hash === undefined) return false;
  const records = native().appliedRecords().map((t) => JSON.parse(t) as { hash: string });
  if (!records.some((r) => r.hash === hash)) return false;
  const { mode, filters } = seccompOf(threadStatus());
  return mode === '2' && (filters === undefined || filters >= records.length);
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

function registerFromEnv(): void {
  const status = threadStatus();
  const mainThread = isMainThread(status);
  // Also on another thread of a process this package has not filtered yet (its process-wide
  // record, not the seccomp mode: a filter may be inherited): loaded as a loader
  // (--experimental-loader), this runs on Node's hooks thread, after every --require.
  if (mainThread || !appliedHere()) refuseEarlierPreloads();
  const spec = process.env.SECCOMP_PROFILE;
  if (spec === undefined || spec.trim() === '') {
    // A worker given its own env: the process's filters already cover its thread.
    if (!mainThread && seccompOf(status).mode === '2') return;
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
      const fresh = native().appliedRecords().length === 0;
      // A failure ends the process (fail() below): no trial install first.
      applyProfile(compiled, isolation === undefined ? {} : { isolation }, undefined, true, (ready) => {
        // Every check has passed; the writes come before the filter, which might deny them.
        if (cached) beforeFilter();
        if (mainThread && fresh && warnings.length === 0 && plainStart(process.env) && ready.drop === undefined &&
          ready.plan.isolation.mode === 'full' && ready.noNewPrivs) {
          try {
            const startAt = startKey(spec, status, dirname(fileURLToPath(import.meta.url)));
            if (startAt !== undefined) {
              writeStartRecord(startAt, {
                name: spec, hash: compiled.hash, bpf: Buffer.from(compiled.bpf), filterFlags: compiled.filterFlags,
                warnings: compiled.warnings.map((w) => ({ ...w })), capabilities: [...compiled.context.capabilities], rememberKey: key,
              });
            }
          } catch {
            // a record is a saving, never a condition of the start
          }
        }
      });
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
