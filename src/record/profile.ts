// Recording: observed syscalls (arch, number, arguments) -> a Docker-format profile that allows
// what was seen and nothing else, with argument conditions where the observed values make a
// safe, simple rule. Also the reverse (a recorded profile back to what it allows) for --append.
import { ARCHES_BY_LIBSECCOMP, ARCHES_BY_SCMP } from '../profile/context.js';
import { ErrorCode, SeccompError, argTypeError } from '../errors.js';
import { nameOfSyscall } from '../report/model.js';
import { builtinProfile } from '../profiles/index.js';

/** Docker's CLONE_NEW* mask for clone(2) (no CLONE_NEWTIME: clone's low byte is the exit signal). */
export const CLONE_NS_MASK = 0x7e02_0000;
const ENOSYS = 38;

/** What a run did, reduced to what the profile needs. Plain data, mergeable. */
export interface Recording {
  /** libseccomp arch names seen. */
  arches: Set<string>;
  /** Syscalls allowed whatever their arguments. */
  names: Set<string>;
  /** socket(2) families seen (arg 0, 32 bits). */
  socketFamilies: Set<number>;
  /** Union of the CLONE_NEW* bits clone(2) was called with; undefined when clone was not seen. */
  cloneNamespaces?: number;
  /** personality(2) values seen. */
  personalities: Set<number>;
  /** clone3 was called (it is answered ENOSYS on replay so that libc falls back to clone). */
  clone3: boolean;
}

export function emptyRecording(): Recording {
  return { arches: new Set(), names: new Set(), socketFamilies: new Set(), personalities: new Set(), clone3: false };
}

/** The index of clone's flags argument (s390 swaps the first two). */
function cloneFlagsIndex(arch: string): number {
  return arch === 's390' || arch === 's390x' ? 1 : 0;
}

/** Adds one observed syscall. */
export function observe(rec: Recording, arch: string, nr: number, args: readonly bigint[]): void {
  if (!ARCHES_BY_LIBSECCOMP.has(arch)) throw argTypeError(`unknown arch "${arch}"`);
  rec.arches.add(arch);
  const name = nameOfSyscall(nr, arch);
  const a = (i: number): number => Number((args[i] ?? 0n) & 0xffff_ffffn);
  switch (name) {
    case 'socket': rec.socketFamilies.add(a(0)); break;
    case 'personality': rec.personalities.add(a(0)); break;
    case 'clone': rec.cloneNamespaces = ((rec.cloneNamespaces ?? 0) | (a(cloneFlagsIndex(arch)) & CLONE_NS_MASK)) >>> 0; break;
    case 'clone3': rec.clone3 = true; break;
    default:
      // A number without a name cannot be written into a profile's names: it stays denied by
      // the default (and a child choosing numbers cannot grow the recording).
      if (name !== `syscall_${nr}`) rec.names.add(name);
  }
}

/** A union of two recordings (the first is changed and returned). */
export function mergeRecordings(into: Recording, from: Recording): Recording {
  for (const x of from.arches) into.arches.add(x);
  for (const x of from.names) into.names.add(x);
  for (const x of from.socketFamilies) into.socketFamilies.add(x);
  for (const x of from.personalities) into.personalities.add(x);
  if (from.cloneNamespaces !== undefined) into.cloneNamespaces = ((into.cloneNamespaces ?? 0) | from.cloneNamespaces) >>> 0;
  into.clone3 ||= from.clone3;
  return into;
}

export interface RecordedProfileOptions {
  /** The native arch (libseccomp name): listed first in `architectures`. */
  nativeArch: string;
  /** A base profile the result extends (`baseProfileName`); the recording then holds only what it denied. */
  base?: string;
}

/** The native arch and the compat ABIs Docker lists with it (its archMap), libseccomp names. */
export function abiFamily(nativeArch: string): string[] {
  const scmp = ARCHES_BY_LIBSECCOMP.get(nativeArch)?.scmp;
  const map = (builtinProfile('docker-default') as { archMap?: { architecture: string; subArchitectures: string[] | null }[] }).archMap ?? [];
  const subs = map.find((m) => m.architecture === scmp)?.subArchitectures ?? [];
  return [nativeArch, ...subs.map((a) => ARCHES_BY_SCMP.get(a)?.libseccomp).filter((a): a is string => a !== undefined)];
}

type Rule = { names: string[]; action: string; errnoRet?: number; args?: { index: number; value: number; valueTwo?: number; op: string }[] };

/**
 * The Docker-format profile for a recording: defaultAction SCMP_ACT_ERRNO (EPERM); the observed
 * names allowed; socket by family, personality by value, clone with the namespace bits never
 * seen masked off; clone3 (flags out of the filter's reach) ENOSYS with clone allowed as libc's
 * fallback. `architectures` as in Docker's profiles: the native arch and the compat ABIs its
 * kernel runs (x86_64: x86 and x32), so that a call on another ABI meets the default (EPERM),
 * not the bad-arch kill; then any other arch seen.
 */
export function recordedProfile(rec: Recording, options: RecordedProfileOptions): Record<string, unknown> {
  if (options === null || typeof options !== 'object' || !ARCHES_BY_LIBSECCOMP.has(options.nativeArch)) {
    throw argTypeError('recordedProfile needs { nativeArch } (a libseccomp arch name)');
  }
  const family = abiFamily(options.nativeArch);
  const arches = [...family, ...[...rec.arches].filter((a) => !family.includes(a)).sort()];
  const syscalls: Rule[] = [];
  const names = [...rec.names].sort();
  if (names.length > 0) syscalls.push({ names, action: 'SCMP_ACT_ALLOW' });
  for (const f of [...rec.socketFamilies].sort((x, y) => x - y)) {
    syscalls.push({ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: f, op: 'SCMP_CMP_EQ' }] });
  }
  for (const p of [...rec.personalities].sort((x, y) => x - y)) {
    syscalls.push({ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: p, op: 'SCMP_CMP_EQ' }] });
  }
  if (rec.cloneNamespaces !== undefined || rec.clone3) {
    const denied = (CLONE_NS_MASK & ~(rec.cloneNamespaces ?? 0)) >>> 0;
    // One rule per flags position: clone's flags are argument 1 on s390/s390x.
    const indices = [...new Set(arches.map(cloneFlagsIndex))].sort();
    if (denied === 0) syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW' });
    else if (indices.length === 1) {
      syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: indices[0], value: denied, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] });
    } else {
      // Mixed s390 and others cannot be told apart by name; the stricter reading is kept on both.
      syscalls.push({ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: indices.map((index) => ({ index, value: denied, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' })) });
    }
  }
  if (rec.clone3) syscalls.push({ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS });
  return {
    ...(options.base !== undefined ? { baseProfileName: options.base } : {}),
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    ...(options.base !== undefined ? {} : { architectures: arches.map((a) => (ARCHES_BY_LIBSECCOMP.get(a) as { scmp: string }).scmp) }),
    syscalls,
  };
}

function notRecorded(path: string, why: string): SeccompError {
  return new SeccompError(`${path}: ${why}: not a profile written by seccomp record (--append merges only those)`, {
    code: ErrorCode.PROFILE_INVALID,
    problems: [{ path, message: why }],
  });
}

/** Reads a profile written by recordedProfile back into a Recording (for --append). */
export function recordingFromProfile(doc: unknown): { recording: Recording; base?: string } {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw notRecorded('(root)', 'not an object');
  const d = doc as Record<string, unknown>;
  if (d.defaultAction !== 'SCMP_ACT_ERRNO') throw notRecorded('defaultAction', 'must be SCMP_ACT_ERRNO');
  const rec = emptyRecording();
  const base = d.baseProfileName;
  if (base !== undefined && typeof base !== 'string') throw notRecorded('baseProfileName', 'must be a string');
  if (d.architectures !== undefined) {
    if (!Array.isArray(d.architectures)) throw notRecorded('architectures', 'must be an array');
    d.architectures.forEach((a, i) => {
      const info = typeof a === 'string' ? ARCHES_BY_SCMP.get(a) : undefined;
      if (!info) throw notRecorded(`architectures[${i}]`, `unknown architecture ${JSON.stringify(a)}`);
      rec.arches.add(info.libseccomp);
    });
  }
  if (!Array.isArray(d.syscalls)) throw notRecorded('syscalls', 'must be an array');
  d.syscalls.forEach((r: unknown, i: number) => {
    const p = `syscalls[${i}]`;
    if (r === null || typeof r !== 'object') throw notRecorded(p, 'not an object');
    const { names, action, args, errnoRet } = r as Rule;
    if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) throw notRecorded(`${p}.names`, 'must be an array of names');
    if (action === 'SCMP_ACT_ERRNO' && errnoRet === ENOSYS && names.length === 1 && names[0] === 'clone3' && args === undefined) {
      rec.clone3 = true;
      return;
    }
    if (action !== 'SCMP_ACT_ALLOW') throw notRecorded(`${p}.action`, 'must be SCMP_ACT_ALLOW (or clone3 ENOSYS)');
    if (args === undefined || (Array.isArray(args) && args.length === 0)) {
      for (const n of names) {
        if (n === 'clone') rec.cloneNamespaces = CLONE_NS_MASK;
        else rec.names.add(n);
      }
      return;
    }
    if (!Array.isArray(args) || names.length !== 1) throw notRecorded(`${p}.args`, 'argument rules name one syscall');
    const a0 = args[0] as Rule['args'] extends (infer T)[] | undefined ? T : never;
    const ok = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 0xffff_ffff;
    if (a0 === null || typeof a0 !== 'object' || !ok(a0.value)) throw notRecorded(`${p}.args[0]`, 'not a recorded condition');
    if ((names[0] === 'socket' || names[0] === 'personality') && args.length === 1 && a0.index === 0 && a0.op === 'SCMP_CMP_EQ') {
      (names[0] === 'socket' ? rec.socketFamilies : rec.personalities).add(a0.value);
    } else if (names[0] === 'clone' && a0.op === 'SCMP_CMP_MASKED_EQ' && (a0.valueTwo ?? 0) === 0 && (a0.value & ~CLONE_NS_MASK) === 0) {
      rec.cloneNamespaces = ((rec.cloneNamespaces ?? 0) | (CLONE_NS_MASK & ~a0.value)) >>> 0;
    } else {
      throw notRecorded(`${p}.args`, 'not a recorded condition');
    }
  });
  return base === undefined ? { recording: rec } : { recording: rec, base };
}

const FAMILY_PROBE = 64; // AF_MAX is 46 on Linux 6.x
const PERSONALITY_PROBE = [0, 8, 0x20000, 0x20008, 0xffff_ffff];

/**
 * With a base, the own rules for a name replace the base's. So for socket, personality and
 * clone seen denied by the base, the values the base allows are added (found by asking
 * `allows`, e.g. decide() on the compiled base): replay keeps what the base gave.
 */
export function widenFromBase(rec: Recording, allows: (syscall: string, args: bigint[]) => boolean): Recording {
  if (rec.socketFamilies.size > 0) {
    for (let f = 0; f < FAMILY_PROBE; f++) if (allows('socket', [BigInt(f)])) rec.socketFamilies.add(f);
  }
  if (rec.personalities.size > 0) {
    for (const p of PERSONALITY_PROBE) if (allows('personality', [BigInt(p)])) rec.personalities.add(p);
  }
  if (rec.cloneNamespaces !== undefined) {
    for (let b = 0; b < 32; b++) {
      const bit = (1 << b) >>> 0;
      if ((CLONE_NS_MASK & bit) !== 0 && allows('clone', [BigInt(bit)])) rec.cloneNamespaces = (rec.cloneNamespaces | bit) >>> 0;
    }
  }
  return rec;
}

/**
 * How the recorder answers a notification, given the base's decision (none: no base). A base's
 * ENOSYS is kept (libc falls back, as it will on replay: clone3 under docker-default) and not
 * recorded; everything else runs (continue) and is recorded.
 */
export function recordAnswer(baseDecision?: { action: string; errno?: number }): { record: boolean; response: { continue: true } | { error: number } } {
  if (baseDecision?.action === 'ERRNO' && baseDecision.errno === ENOSYS) return { record: false, response: { error: ENOSYS } };
  return { record: true, response: { continue: true } };
}
