// The context a profile's includes/excludes are evaluated in: capabilities, arch, kernel version.
// Pure TypeScript (no addon): it reads /proc/self/status and uname only for the defaults.
// Capability names are model/capabilities.ts's, arch facts model/arch.ts's (re-exported here).
import { os, readProc } from '../builtins.js';
const { endianness, release } = os();
import { ErrorCode, SeccompError, argTypeError, argRangeError } from '../errors.js';
import { capabilitiesFromMask, normalizeCapabilities } from '../model/capabilities.js';
import { ARCHES, PROFILE_ARCH_SPELLINGS, archFacts, hostArch, type ArchFacts } from '../model/arch.js';
export {
  CAPABILITIES,
  capabilitiesFromMask,
  isCapabilityName,
  normalizeCapabilities,
  normalizeCapability,
} from '../model/capabilities.js';
import type { CompileOptions, KernelVersion, ProfileContext } from './types.js';

/** A capability field (CapBnd, CapPrm, ...) of a /proc status file, as names; empty when unreadable. */
export function statusCapabilities(field: 'CapBnd' | 'CapPrm' | 'CapEff' | 'CapInh' | 'CapAmb', path = '/proc/thread-self/status'): string[] {
  let status: string;
  try {
    status = readProc(path);
  } catch {
    // No procfs (not Linux): no capabilities, which is the most restrictive reading of a profile.
    return [];
  }
  const m = new RegExp(`^${field}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(status);
  return m ? capabilitiesFromMask(BigInt(`0x${m[1]}`)) : [];
}

/** This thread's capability bounding set (CapBnd). */
export function boundingSet(): string[] {
  return statusCapabilities('CapBnd');
}

/**
 * The capabilities this thread can use (its permitted set, CapPrm: the effective set and
 * anything it may raise into it). compile()'s default context: a process without capabilities
 * (any non-root one) evaluates a profile against none, whatever its bounding set says.
 */
export function usableCapabilities(): string[] {
  return statusCapabilities('CapPrm');
}

/** One architecture under its three names (a view of model/arch.ts's facts). */
export interface ArchInfo {
  /** Docker's name, what includes/excludes.arches are compared with (amd64, x86, arm64, ...). */
  docker: string;
  /** libseccomp's name (x86_64, x86, aarch64, ...), what arch.ts and the native layer take. */
  libseccomp: string;
  /** The profile spelling (SCMP_ARCH_X86_64, ...) used in architectures and archMap. */
  scmp: string;
}

const names = (a: ArchFacts): ArchInfo => Object.freeze({ docker: a.docker, libseccomp: a.libseccomp, scmp: a.scmp });
const ARCH_NAMES_TABLE: readonly ArchInfo[] = ARCHES.map(names);

/** Docker arch name -> its three names. */
export const ARCHES_BY_DOCKER: ReadonlyMap<string, ArchInfo> = new Map(ARCH_NAMES_TABLE.map((a) => [a.docker, a]));
/** SCMP_ARCH_* -> its three names. */
export const ARCHES_BY_SCMP: ReadonlyMap<string, ArchInfo> = new Map(ARCH_NAMES_TABLE.map((a) => [a.scmp, a]));
/** libseccomp arch name -> its three names. */
export const ARCHES_BY_LIBSECCOMP: ReadonlyMap<string, ArchInfo> = new Map(ARCH_NAMES_TABLE.map((a) => [a.libseccomp, a]));
/** Every SCMP_ARCH_* string a profile may use. */
export const SCMP_ARCH_NAMES: readonly string[] = ARCH_NAMES_TABLE.map((a) => a.scmp);

export { PROFILE_ARCH_SPELLINGS };

/** Docker's name for an arch given in Docker, GOARCH, libseccomp or SCMP_ARCH_* spelling; undefined if unknown. */
export function dockerArchName(name: string): string | undefined {
  return archFacts(name)?.docker;
}

/** This machine's arch in Docker's naming, from process.arch. */
export function nativeDockerArch(): string {
  return hostArch(process.arch, endianness() === 'LE')?.docker ?? process.arch;
}

/** Parses "6.1", "6.1.12-foo" (as uname gives it) into major.minor; undefined if it does not start so. */
export function parseKernelVersion(text: string): KernelVersion | undefined {
  const m = /^(\d+)\.(\d+)/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  if (!Number.isSafeInteger(major) || !Number.isSafeInteger(minor)) return undefined;
  return { major, minor };
}

function kernelOption(k: unknown): KernelVersion {
  if (typeof k === 'string') {
    const v = parseKernelVersion(k.trim());
    if (!v) throw argRangeError(`kernel must look like "6.1" (major.minor), got ${JSON.stringify(k)}`);
    return v;
  }
  if (k !== null && typeof k === 'object') {
    const { major, minor } = k as Record<string, unknown>;
    for (const [what, v] of [['major', major], ['minor', minor]] as const) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
        throw argRangeError(`kernel.${what} must be a non-negative integer, got ${String(v)}`);
      }
    }
    return { major: major as number, minor: minor as number };
  }
  throw argTypeError(`kernel must be a string such as "6.1" or { major, minor }, got ${k === null ? 'null' : typeof k}`);
}

function archOption(arch: unknown): string {
  if (typeof arch !== 'string') throw argTypeError(`arch must be a string, got ${typeof arch}`);
  const a = dockerArchName(arch);
  if (!a) {
    throw new SeccompError(
      `unknown architecture ${JSON.stringify(arch)} (Docker names: ${[...ARCHES_BY_DOCKER.keys()].join(', ')})`,
      { code: ErrorCode.UNKNOWN_ARCH },
    );
  }
  return a;
}

/**
 * The context for evaluating includes/excludes. Defaults: the capabilities this thread can use
 * (its permitted set), the native arch, the running kernel. Caller capabilities may be given
 * with or without `CAP_` in any case; an unknown name is ERR_SECCOMP_UNKNOWN_CAPABILITY, an
 * unknown arch ERR_SECCOMP_UNKNOWN_ARCH.
 */
export function resolveContext(options: CompileOptions = {}): ProfileContext {
  if (options === null || typeof options !== 'object') {
    throw argTypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  try {
    return contextOf(options);
  } catch (e) {
    // A getter or Proxy in the options that throws: still an argument error with a code.
    if (e instanceof Error && typeof (e as { code?: unknown }).code === 'string') throw e;
    throw argTypeError(`options cannot be read (${e instanceof Error ? e.message : typeof e})`);
  }
}

function contextOf(options: CompileOptions): ProfileContext {
  const capabilities = options.capabilities === undefined ? usableCapabilities() : normalizeCapabilities(options.capabilities);
  const arch = options.arch === undefined ? nativeDockerArch() : archOption(options.arch);
  let kernel: KernelVersion;
  if (options.kernel === undefined) {
    const v = parseKernelVersion(release());
    if (!v) throw argRangeError(`cannot read the kernel version from uname release ${JSON.stringify(release())}`);
    kernel = v;
  } else {
    kernel = kernelOption(options.kernel);
  }
  return { capabilities, arch, kernel };
}
