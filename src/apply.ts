// Puts the running process behind a compiled profile: every thread at once (TSYNC), or nothing.
// sandbox.ts adds the compiler; seccomp/register uses this module alone when the disk cache has
// its profile, so that it does not load the compiler.
import { fs, readProc } from './builtins.js';
const { readdirSync } = fs;
import { checkApplicable } from './applicable.js';
import { ErrorCode, SeccompError, unsupported } from './errors.js';
import { isolationMode, type IsolationMode, type IsolationPlan, landlockAbi, planIsolation } from './isolation.js';
import { type AppliedProfile, appliedList, appliedRecord, guarded, install } from './install.js';
import { features, FilterFlag } from './library.js';
import { native } from './native.js';
import { capabilityState, capMask, forgetCapabilityState, listCapabilities, processCapabilities } from './capabilities.js';
import { isCompiledProfile } from './profile/produced.js';
import { booleanOption, readOptions } from './options.js';
import { capabilitiesFromMask, normalizeCapabilities } from './profile/context.js';
import type { CompiledProfile, CompileOptions, ProfileInput } from './profile/types.js';

export interface SandboxOptions extends CompileOptions {
  /**
   * The capabilities (`CAP_*`, prefix optional, any case) this process keeps, within those it
   * holds: the profile's `caps` conditions are evaluated against them and every thread drops
   * the rest (bounding set included, where CAP_SETPCAP allows). Default: keep what this thread
   * can use (its permitted set). See the README's "Capabilities".
   */
  capabilities?: string[];
  /**
   * Set no_new_privs first (default true). `false` is accepted only when CAP_SYS_ADMIN is in
   * this process's effective set (the kernel's other condition for installing a filter).
   */
  noNewPrivs?: boolean;
  /**
   * Keep this process from tracing, reading or signalling processes outside it (a Landlock
   * domain on every thread that can be reached): `full` (default) needs Landlock ABI 6,
   * `available` takes what the kernel has, `none` adds nothing. See the README's security model.
   */
  isolation?: IsolationMode;
}

export type { AppliedProfile, ProcessIsolation } from './install.js';

export type SeccompMode = 'disabled' | 'strict' | 'filter';

export interface SandboxStatus {
  /** The `Seccomp:` field of /proc/self/status. */
  mode: SeccompMode;
  /** `Seccomp_filters:` (Linux >= 5.9): every filter on the process, ours or inherited. */
  filters: number | undefined;
  noNewPrivs: boolean;
  /** What this package installed in this process, oldest first (unconfined profiles are not listed). */
  applied: AppliedProfile[];
}

/**
 * The kernel refuses a new filter (ENOMEM) once all stacked filters would exceed this many
 * instructions, counting 4 more per filter already present. It counts each program in its
 * internal (eBPF) form, which is longer than the classic one: a 3-instruction prologue, and two
 * for each return. docker-default stacks 95 times on x86_64 (runc's 1397-instruction program: 19).
 */
export const MAX_INSNS_PER_PATH = 32768;

const CAP_SYS_ADMIN = 21n;

function procStatus(path = '/proc/self/status'): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of readProc(path).split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1).trim());
  }
  return fields;
}

function modeName(v: string | undefined): SeccompMode {
  if (v === '1') return 'strict';
  if (v === '2') return 'filter';
  return 'disabled';
}

/** The process's seccomp state and what this package applied to it. */
export function status(): SandboxStatus {
  if (process.platform !== 'linux') throw unsupported(`seccomp is a Linux kernel feature; this platform is ${process.platform}`);
  const s = procStatus();
  const filters = s.get('Seccomp_filters');
  return {
    mode: modeName(s.get('Seccomp')),
    filters: filters === undefined ? undefined : Number(filters),
    noNewPrivs: s.get('NoNewPrivs') === '1',
    applied: appliedList(),
  };
}

function hasEffectiveCap(cap: bigint): boolean {
  const eff = procStatus().get('CapEff');
  return eff !== undefined && ((BigInt(`0x${eff}`) >> cap) & 1n) === 1n;
}

function checkOptions(options: unknown): SandboxOptions {
  const o = readOptions('sandbox', options);
  booleanOption(o, 'noNewPrivs');
  isolationMode(o.isolation);
  return o as SandboxOptions;
}

// Everything the kernel could refuse that we can see beforehand, so that a refusal happens
// before no_new_privs is set. `changesMatter` false (a caller that exits when this throws, as
// seccomp/register does): what only keeps a refused call from changing the process is skipped;
// the install itself still refuses, atomically, what these would have found.
function preflight(compiled: CompiledProfile, program: Uint8Array, changesMatter: boolean): void {
  checkApplicable(compiled, 'sandbox()');
  const f = features();
  if (!f.tsync) {
    throw unsupported('this kernel cannot apply a filter to every thread at once (SECCOMP_FILTER_FLAG_TSYNC); nothing was applied');
  }
  for (const [name, bit] of Object.entries(FilterFlag)) {
    if ((compiled.filterFlags & bit) !== 0 && !f.flags[name as keyof typeof FilterFlag]) {
      throw unsupported(`this kernel does not support SECCOMP_FILTER_FLAG_${name}, which the profile asks for; nothing was applied`);
    }
  }
  if (!changesMatter) return;
  // TSYNC fails when a thread has filters the caller does not; spot that before changing anything.
  const self = procStatus('/proc/thread-self/status');
  for (const tid of readdirSync('/proc/self/task')) {
    let t: Map<string, string>;
    try {
      t = procStatus(`/proc/self/task/${tid}/status`);
    } catch {
      continue; // the thread exited meanwhile
    }
    if (t.get('Seccomp') !== self.get('Seccomp') || t.get('Seccomp_filters') !== self.get('Seccomp_filters')) {
      throw new SeccompError(
        `thread ${tid} has a different seccomp state from this thread (filtered separately?); ` +
          'it cannot be synchronised and no filter was applied',
        { code: ErrorCode.TSYNC, syscall: 'seccomp' },
      );
    }
  }
  // The exact install, in a throw-away child that starts with this thread's filters: what the
  // kernel refuses (the size cap, a flag) it refuses there, while no_new_privs here is untouched.
  // Where a filter already on denies clone or prctl there is no trial, and the install decides.
  try {
    native().trialInstall(program, FilterFlag.TSYNC | compiled.filterFlags);
  } catch (err) {
    throw refusal(compiled, err);
  }
}

/** The kernel's refusal of `compiled`, explained where we know why. */
function refusal(compiled: CompiledProfile, err: unknown): unknown {
  const e = err as SeccompError;
  if (e.code !== ErrorCode.LOAD || e.errno !== 12) return err;
  return new SeccompError(
    `the kernel refused the filter (ENOMEM): the stacked filters would exceed its limit of ${MAX_INSNS_PER_PATH} ` +
      `instructions (this one has ${compiled.bpf.length / 8}; ${status().filters ?? 'some'} already applied)`,
    { code: ErrorCode.LOAD, errno: 12, syscall: 'seccomp', cause: err },
  );
}

/**
 * The profile compiled against the set this process will hold (README "Capabilities"), and the
 * mask to drop to when that is less than this thread's permitted set or was asked for.
 */
function evaluated(
  profile: ProfileInput | CompiledProfile,
  capabilities: unknown,
  compileOptions: CompileOptions,
  noNewPrivs: boolean,
  compile: Compile | undefined,
): { compiled: CompiledProfile; drop: bigint | undefined } {
  const state = capabilityState();
  let compiled: CompiledProfile;
  if (isCompiledProfile(profile)) {
    compiled = profile;
    const caps = normalizeCapabilities(compiled.context.capabilities);
    if (capabilities !== undefined && normalizeCapabilities(capabilities).join() !== caps.join()) {
      throw Object.assign(
        new RangeError('options.capabilities differ from the set the compiled profile was evaluated against (profile.context.capabilities)'),
        { code: 'ERR_INVALID_ARG_VALUE' },
      );
    }
    const reach = noNewPrivs ? state.permitted : state.permitted | state.bounding;
    const missing = capabilitiesFromMask(capMask(caps) & ~reach);
    if (missing.length > 0) {
      throw new SeccompError(
        `the compiled profile was evaluated for capabilities this thread does not hold (${listCapabilities(missing)}); ` +
          'compile it with { capabilities } within those it holds, or pass the profile itself',
        { code: ErrorCode.CAPABILITIES, capabilities: missing },
      );
    }
  } else {
    if (!compile) throw new TypeError('internal: applyProfile() without a compiler needs a compiled profile');
    const requested = capabilities === undefined ? undefined : normalizeCapabilities(capabilities);
    compiled = compile(profile, { ...compileOptions, capabilities: processCapabilities(requested, state, noNewPrivs) });
  }
  const keep = capMask(compiled.context.capabilities);
  const drop = capabilities !== undefined || (state.permitted & ~keep) !== 0n ? keep : undefined;
  if (drop !== undefined && !noNewPrivs && !((keep >> CAP_SYS_ADMIN) & 1n)) {
    throw new SeccompError('noNewPrivs: false needs CAP_SYS_ADMIN among the capabilities kept (the kernel\'s condition for a filter)', {
      code: 'EACCES',
      errno: 13,
    });
  }
  return { compiled, drop };
}

/** Leaves every thread holding at most `keep`, or throws ERR_SECCOMP_CAPABILITIES naming those that do not. */
function dropCapabilities(keep: bigint, noNewPrivs: boolean): void {
  const reach = native().dropCapabilities(keep);
  forgetCapabilityState();
  // Checked from /proc as well: a thread that started meanwhile, or missed the signal.
  const over: string[] = [...reach.uncovered.map((t) => `${t.tid} (${t.name || '?'}): ${t.reason}`)];
  for (const tid of readdirSync('/proc/self/task')) {
    let t: Map<string, string>;
    try {
      t = procStatus(`/proc/self/task/${tid}/status`);
    } catch {
      continue; // exited
    }
    const held = BigInt(`0x${t.get('CapPrm') ?? '0'}`) | BigInt(`0x${t.get('CapAmb') ?? '0'}`);
    // Without no_new_privs an exec'd set-uid program regains the bounding set.
    const bounding = noNewPrivs ? 0n : BigInt(`0x${t.get('CapBnd') ?? '0'}`);
    const extra = capabilitiesFromMask((held | bounding) & ~keep);
    if (extra.length > 0 && !over.some((o) => o.startsWith(`${tid} `))) over.push(`${tid} (${t.get('Name') ?? '?'}): still holds ${extra.join(',')}`);
  }
  if (over.length > 0) {
    throw new SeccompError(
      `sandbox(): the capabilities could not be dropped on every thread (${over.join('; ')}); no filter was applied`,
      { code: ErrorCode.CAPABILITIES },
    );
  }
}

export type Compile = (profile: ProfileInput | CompiledProfile, options?: CompileOptions) => CompiledProfile;

/** What applyProfile() tells `ready` just before its first change to the process. */
export interface ApplyPlan {
  compiled: CompiledProfile;
  plan: IsolationPlan;
  /** The capability set every thread drops to, when it drops any. */
  drop: bigint | undefined;
  noNewPrivs: boolean;
}

/**
 * sandbox(), with the compiler passed in (needed only for a profile that is not compiled yet).
 * `exitOnFailure`: the caller ends the process when this throws (seccomp/register), so checks
 * that only spare a failed call's side effects (no_new_privs, the Landlock domain) are skipped.
 * `ready`: called once everything is checked, before the first change to the process.
 */
export function applyProfile(
  profile: ProfileInput | CompiledProfile,
  options: SandboxOptions | undefined,
  compile?: Compile,
  exitOnFailure = false,
  ready?: (p: ApplyPlan) => void,
): AppliedProfile {
  const { noNewPrivs, isolation, capabilities, ...compileOptions } = checkOptions(options);
  const b = native();
  const { compiled, drop } = evaluated(profile, capabilities, compileOptions, noNewPrivs !== false, compile);
  // Field by field: a profile from the disk cache reads its rules only when asked (a spread would).
  const p = {
    ...(compiled.name !== undefined ? { name: compiled.name } : {}),
    hash: compiled.hash, bpf: compiled.bpf, filterFlags: compiled.filterFlags, warnings: compiled.warnings,
    capabilities: compiled.context.capabilities,
  };
  if (compiled.unconfined) {
    if (drop !== undefined) dropCapabilities(drop, b.getNoNewPrivs());
    return appliedRecord(p, true, 0, undefined);
  }

  const mode = isolationMode(isolation);
  const plan = planIsolation(mode, mode === 'none' ? 0 : landlockAbi(), 'sandbox()');
  const program = guarded(compiled.bpf, plan);
  preflight(compiled, program, !exitOnFailure);
  if (noNewPrivs === false && !hasEffectiveCap(CAP_SYS_ADMIN)) {
    throw new SeccompError(
      'noNewPrivs: false needs CAP_SYS_ADMIN in the effective set; without it the kernel only accepts a filter after no_new_privs',
      { code: 'EACCES', errno: 13 },
    );
  }
  ready?.({ compiled, plan, drop, noNewPrivs: noNewPrivs !== false });
  return install(p, plan, mode, noNewPrivs !== false, {
    program,
    drop: drop === undefined ? undefined : () => dropCapabilities(drop, noNewPrivs !== false),
    refusal: (err) => refusal(compiled, err),
  });
}
