// The last steps of sandbox() (apply.ts) and of seccomp/register's fast start
// (register-fast.ts), once everything has been checked: no_new_privs, capabilities dropped, the
// Landlock domain on every thread, the program (behind the tree guard) with TSYNC, and the
// process-wide record. A module apart so that the fast start loads only this.
import { ErrorCode, SeccompError } from './errors.js';
import { FilterFlag } from './filter-flags.js';
import type { Isolation, IsolationMode, IsolationPlan } from './isolation.js';
import { native } from './native.js';

/** The guards sandbox() put on this process, and how many of its threads they reached. */
export interface ProcessIsolation extends Isolation {
  /** Threads seen while applying the domain. */
  readonly threads: number;
  /** Threads now in the domain (threads they start later inherit it). */
  readonly covered: number;
  /** Threads that could not be reached, e.g. Node's SIGUSR1 watchdog, which blocks every signal. */
  readonly uncovered: readonly { tid: number; name: string; reason: string }[];
}

/** One profile this package put on the process. */
export interface AppliedProfile {
  /** Built-in name or file path, when the profile had one. */
  readonly name?: string;
  readonly hash: string;
  /** Classic BPF instructions in the program (the kernel counts a few more, see status()). */
  readonly instructions: number;
  /** The seccomp(2) flags used (always includes TSYNC). */
  readonly filterFlags: number;
  /** `unconfined`: nothing was installed. */
  readonly unconfined: boolean;
  readonly warnings: readonly { path: string; message: string }[];
  /** The guards applied with this profile (absent for `unconfined`). */
  readonly isolation?: ProcessIsolation;
  /** The capabilities the profile was evaluated against, and all this process keeps. */
  readonly capabilities: readonly string[];
}

/** What install() needs of a compiled profile (checked by the caller). */
export interface Installable {
  name?: string;
  hash: string;
  bpf: Uint8Array;
  filterFlags: number;
  warnings: readonly { path: string; message: string; code?: string }[];
  /** The set the profile was evaluated against (compiled.context.capabilities). */
  capabilities: readonly string[];
}

/** What this package applied to the process so far (the addon's process-wide record). */
export function appliedList(): AppliedProfile[] {
  let texts: string[];
  try {
    texts = native().appliedRecords();
  } catch {
    return []; // no addon: nothing can have been applied
  }
  return texts.map((t) => {
    const a = JSON.parse(t) as AppliedProfile;
    return Object.freeze({ ...a, warnings: Object.freeze(a.warnings.map((w) => Object.freeze({ ...w }))) });
  });
}

/** The record of a profile applied with `flags` (unconfined: nothing installed). */
export function appliedRecord(p: Installable, unconfined: boolean, flags: number, guards: ProcessIsolation | undefined): AppliedProfile {
  return Object.freeze({
    ...(guards ? { isolation: guards } : {}),
    ...(p.name !== undefined ? { name: p.name } : {}),
    hash: p.hash,
    instructions: unconfined ? 0 : p.bpf.length / 8,
    filterFlags: flags,
    unconfined,
    warnings: Object.freeze(p.warnings.map((w) => ({ ...w }))),
    capabilities: Object.freeze([...p.capabilities]),
  });
}

/**
 * Installs `p` behind the guards of `plan` (mode `mode`) on every thread, and records it. `drop`:
 * called after no_new_privs and before the domain (sandbox()'s capabilities). `refusal`: what
 * to throw for the kernel's refusal of the program.
 */
export function install(
  p: Installable,
  plan: IsolationPlan,
  mode: IsolationMode,
  noNewPrivs: boolean,
  hooks: { program?: Uint8Array; drop?: () => void; refusal?: (err: unknown) => unknown } = {},
): AppliedProfile {
  const b = native();
  const program = hooks.program ?? guarded(p.bpf, plan);
  if (noNewPrivs && !b.getNoNewPrivs()) b.setNoNewPrivs();
  hooks.drop?.();
  let guards: ProcessIsolation;
  const earlier = appliedList().find((a) => a.isolation?.method === 'landlock' && a.isolation.signals >= plan.isolation.signals);
  if (earlier?.isolation && plan.isolation.method === 'landlock') {
    guards = earlier.isolation;
  } else if (plan.scoped !== 0 || plan.fs !== 0) {
    const reach = b.isolateThreads(plan.scoped, plan.fs, noNewPrivs);
    if (mode === 'full' && reach.uncovered.length > 0) {
      const list = reach.uncovered.map((t) => `${t.tid} (${t.name || '?'}): ${t.reason}`).join('; ');
      throw new SeccompError(
        `sandbox(): ${reach.uncovered.length} of ${reach.threads} threads could not be put in the Landlock domain (${list}); ` +
          "no filter was applied. isolation: 'available' accepts the gap",
        { code: ErrorCode.ISOLATION, uncovered: reach.uncovered },
      );
    }
    guards = Object.freeze({ ...plan.isolation, ...reach, uncovered: Object.freeze(reach.uncovered.map((t) => Object.freeze(t))) });
  } else {
    guards = Object.freeze({ ...plan.isolation, threads: 0, covered: 0, uncovered: Object.freeze([]) });
  }
  const flags = FilterFlag.TSYNC | p.filterFlags;
  try {
    b.installFilter(program, flags);
  } catch (err) {
    throw hooks.refusal ? hooks.refusal(err) : err;
  }
  const applied = appliedRecord(p, false, flags, guards);
  b.recordApplied(JSON.stringify(applied));
  return applied;
}

/**
 * The program as installed: behind the tree guard (native/tree_guard.h) when the plan has one
 * and no earlier profile of this process put it there already.
 */
export function guarded(bpf: Uint8Array, plan: IsolationPlan): Uint8Array {
  if (!plan.guard || appliedList().some((a) => a.isolation?.rlimits)) return bpf;
  return Buffer.concat([native().treeGuard(process.pid, true), bpf]);
}
