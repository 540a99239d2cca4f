// The one capability rule (README "Capabilities"): a profile's `caps` conditions are evaluated
// against the set the filtered code will hold, and that set is enforced. A child gets the set
// asked for (Docker's default unless told) intersected with what this process can give it; this
// process keeps what it can use unless told to drop the rest.
import { readProc } from './builtins.js';
import { native } from './native.js';
import { CAPABILITIES, capabilitiesFromMask, normalizeCapabilities } from './profile/context.js';

/** The capabilities `docker run` gives a container by default (moby's DefaultCapabilities). */
export const DOCKER_DEFAULT_CAPABILITIES: readonly string[] = Object.freeze([
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);

/** A thread's capability sets and what decides what exec gives its child. */
export interface CapabilityState {
  effective: bigint;
  permitted: bigint;
  inheritable: bigint;
  bounding: bigint;
  ambient: bigint;
  /** Real or effective uid 0: exec gives a root program the bounding and inheritable sets. */
  root: boolean;
  noNewPrivs: boolean;
}

/** This thread's capability state (/proc/thread-self/status); all empty when unreadable. */
export function capabilityState(path = '/proc/thread-self/status'): CapabilityState {
  let text = '';
  try {
    text = readProc(path);
  } catch {
    // not Linux: nothing to give, which is the most restrictive reading of a profile
  }
  // One pass over the lines that matter, with one regular expression (startup paths call this).
  const f: Record<string, string> = {};
  for (const m of text.matchAll(STATUS_FIELDS)) if (!(m[1] in f)) f[m[1]] = m[2];
  const mask = (field: string): bigint => {
    const v = f[field];
    return v !== undefined && HEX.test(v) ? BigInt(`0x${v.trim()}`) : 0n;
  };
  const uids = f.Uid === undefined ? null : /^(\d+)\s+(\d+)/.exec(f.Uid);
  return {
    effective: mask('CapEff'),
    permitted: mask('CapPrm'),
    inheritable: mask('CapInh'),
    bounding: mask('CapBnd'),
    ambient: mask('CapAmb'),
    root: uids !== null && (uids[1] === '0' || uids[2] === '0'),
    noNewPrivs: f.NoNewPrivs !== undefined && /^1\s*$/.test(f.NoNewPrivs),
  };
}

const STATUS_FIELDS = /^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Uid):[ \t]*([^\n]*)$/gm;
const HEX = /^[0-9a-fA-F]+\s*$/;

// The spawn path asks for the state on every spawn: kept per thread (each has its own module
// instance, as each has its own capabilities) while the credentials and no_new_privs are what
// they were, and until this package changes them (forgetCapabilityState). A change it cannot see
// (capset from other native code) can only make a spawn ask for capabilities this process no
// longer holds, which the launcher refuses.
let kept: { key: string; state: CapabilityState; defaults: Map<string, readonly string[]> } | undefined;

function credentials(): string {
  return `${process.getuid?.()},${process.geteuid?.()},${process.getgid?.()},${process.getegid?.()},${native().getNoNewPrivs()}`;
}

function keptState(): NonNullable<typeof kept> {
  const key = credentials();
  if (kept?.key !== key) kept = { key, state: capabilityState(), defaults: new Map() };
  return kept;
}

/** capabilityState(), kept while nothing that changes it happened (see above). */
export function currentCapabilityState(): CapabilityState {
  return keptState().state;
}

/** Forgets the kept state: this thread's capabilities were changed. */
export function forgetCapabilityState(): void {
  kept = undefined;
}

/** The mask of `CAP_*` names (canonical ones, see normalizeCapabilities). */
export function capMask(caps: readonly string[]): bigint {
  let m = 0n;
  for (const c of caps) m |= 1n << BigInt(CAPABILITIES.indexOf(c));
  return m;
}

/**
 * What a command this process starts through the launcher can hold (pure). Its launcher and the
 * command run with no_new_privs, so exec never adds to what they had: a root command gets the
 * bounding and inheritable sets; any other gets its ambient set, which the launcher clears (as
 * Docker gives a non-root container user no capabilities). `uid`: the spawn option, which makes
 * a root parent's child lose everything when it is not 0.
 */
export function passableMask(state: CapabilityState, uid?: number): bigint {
  const root = state.root && (uid === undefined || uid === 0);
  if (!root) return 0n;
  const mask = state.bounding | state.inheritable;
  return state.noNewPrivs ? mask & state.permitted : mask;
}

/** The set a child holds, and its profile is evaluated against: `requested` (default Docker's) within `passable`. */
export function childCapabilities(requested: readonly string[] | undefined, passable: bigint): string[] {
  return (requested ?? DOCKER_DEFAULT_CAPABILITIES).filter((c) => (passable >> BigInt(CAPABILITIES.indexOf(c))) & 1n)
    .sort((a, b) => CAPABILITIES.indexOf(a) - CAPABILITIES.indexOf(b));
}

/**
 * The set sandbox() evaluates a profile against and leaves the process holding: `requested`
 * within what this thread can use (its permitted set); by default the permitted set itself, or
 * with no_new_privs left unset the bounding set as well (an exec'd set-uid program regains it).
 */
export function processCapabilities(requested: readonly string[] | undefined, state: CapabilityState, noNewPrivs = true): string[] {
  if (requested !== undefined) return childCapabilities(requested, state.permitted);
  return capabilitiesFromMask(noNewPrivs ? state.permitted : state.permitted | state.bounding);
}

/** `caps` as a sorted, comma-separated list for messages ("(none)" when empty). */
export function listCapabilities(caps: readonly string[]): string {
  return caps.length ? caps.join(',') : '(none)';
}

/**
 * The set a child started with these options holds: `capabilities` (default Docker's) within
 * what this process can give a child with that `uid`.
 */
export function childCapabilitySet(capabilities: unknown, uid?: unknown): string[] {
  const u = typeof uid === 'number' ? uid : undefined;
  const k = keptState();
  if (capabilities === undefined) {
    // Docker's default set, asked for on almost every spawn: worked out once per uid.
    let set = k.defaults.get(String(u));
    if (set === undefined) k.defaults.set(String(u), (set = Object.freeze(childCapabilities(undefined, passableMask(k.state, u)))));
    return set as string[];
  }
  return childCapabilities(normalizeCapabilities(capabilities), passableMask(k.state, u));
}
