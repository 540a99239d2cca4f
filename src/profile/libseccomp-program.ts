// The program step of compile(): the rules libseccomp numbers, handed to libseccomp the way runc
// does (attributes, arches, one seccomp_rule_add per rule), and its exported BPF. Also the
// profile's flags as SECCOMP_FILTER_FLAG_* bits. The only step of the pipeline that needs the
// native layer besides the resolver.
import { actionValue } from '../action.js';
import { archToken } from '../arch.js';
import { ErrorCode, SeccompError, unsupported } from '../errors.js';
import { flattenConditions } from '../model/conditions.js';
import { apiLevel, features, FilterFlag } from '../library.js';
import { native, type NativeFilter } from '../native.js';
import type { Bytes } from '../node-shapes.js';
import { own } from './problems.js';
import type { ProfileWarning, ResolvedProfile, ResolvedRule } from './types.js';

// libseccomp filter attributes (enum scmp_filter_attr).
const ATTR_NNP = 3;
const ATTR_OPTIMIZE = 8;

/**
 * The libseccomp attributes compile() sets ([scmp_filter_attr, value]) for a profile of
 * `syscallCount` syscall rules, as runc does: no_new_privs off (it only matters to
 * seccomp_load, never to an exported program), and libseccomp's binary tree (OPTIMIZE 2)
 * for more than 32 rules. Nothing else: the bad-arch action stays libseccomp's default,
 * KILL_THREAD, which runc does not change either.
 */
export function filterAttributes(syscallCount: number, optimize?: 1 | 2): [number, number][] {
  if (optimize !== undefined) return [[ATTR_NNP, 0], [ATTR_OPTIMIZE, optimize]];
  return syscallCount > 32 ? [[ATTR_NNP, 0], [ATTR_OPTIMIZE, 2]] : [[ATTR_NNP, 0]];
}

/** Docker/OCI flag name -> SECCOMP_FILTER_FLAG_* bit; TSYNC is 0: runc leaves it to the loader. */
const FLAG_BITS: Record<string, [keyof typeof FilterFlag, number]> = {
  SECCOMP_FILTER_FLAG_TSYNC: ['TSYNC', 0],
  SECCOMP_FILTER_FLAG_LOG: ['LOG', FilterFlag.LOG],
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: ['SPEC_ALLOW', FilterFlag.SPEC_ALLOW],
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: ['WAIT_KILLABLE_RECV', FilterFlag.WAIT_KILLABLE_RECV],
};

/** SECCOMP_FILTER_FLAG_* bits for the profile's flags (names pushed to `flags`); unsupported ones are an error. */
export function filterFlagsOf(rp: ResolvedProfile, flags: string[], warnings: ProfileWarning[]): number {
  let bits = 0;
  const have = features().flags;
  if (!rp.flagsGiven) {
    // runc (specconv): a profile without a flags list gets SPEC_ALLOW where libseccomp
    // (API level 4) and the kernel support it.
    if (have.SPEC_ALLOW && apiLevel() >= 4) {
      flags.push('SECCOMP_FILTER_FLAG_SPEC_ALLOW');
      bits |= FilterFlag.SPEC_ALLOW;
    }
  }
  rp.flags.forEach((name, i) => {
    const f = own(FLAG_BITS, name);
    if (!f) {
      throw new SeccompError(`flags[${i}]: unknown flag "${name}"`, {
        code: ErrorCode.PROFILE_INVALID,
        problems: [{ path: `flags[${i}]`, message: `unknown flag "${name}"` }],
      });
    }
    if (!flags.includes(name)) flags.push(name);
    if (f[1] === 0) return; // TSYNC: whoever installs the filter adds it (sandbox always does)
    if (!have[f[0]]) throw unsupported(`flags[${i}]: this kernel does not support ${name}`);
    bits |= f[1];
  });
  const notify = rp.rules.some((r) => r.action === 'NOTIFY');
  // runc asks for a listener fd whenever a rule notifies.
  if (notify) bits |= FilterFlag.NEW_LISTENER;
  if ((bits & FilterFlag.WAIT_KILLABLE_RECV) !== 0 && !notify) {
    warnings.push({
      path: 'flags',
      message: 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV has no effect without SCMP_ACT_NOTIFY rules; the kernel refuses it alone',
    });
  }
  return bits;
}

/**
 * libseccomp's program for `rules` (those without `numbers`, with their host numbers in
 * `hostNumbers`): the target arch always in the filter (runc never removes it), the host's
 * removed when it is another, the profile's arches added.
 */
export function libseccompProgram(
  rp: ResolvedProfile,
  target: string,
  host: string,
  rules: readonly ResolvedRule[],
  hostNumbers: readonly number[],
  optimize: 1 | 2 | undefined,
): Bytes {
  const f: NativeFilter = new (native().Filter)(actionValue(rp.defaultAction, rp.defaultData));
  try {
    if (target !== host) {
      f.archAdd(archToken(target));
      f.archRemove(archToken(host));
    }
    for (const a of rp.arches) {
      const t = archToken(a);
      if (!f.archExist(t)) f.archAdd(t);
    }
    for (const [a, v] of filterAttributes(rp.rules.length + (rp.redundantSyscalls?.length ?? 0), optimize)) f.attrSet(a, v);
    let i = 0;
    for (const r of rules) {
      if (r.numbers) continue;
      try {
        f.ruleAdd(actionValue(r.action, r.data), hostNumbers[i++], flattenConditions(r.conditions), false, r.syscall);
      } catch (err) {
        const e = err as SeccompError;
        throw new SeccompError(`${r.source}: libseccomp refused the rule for "${r.syscall}": ${e.message}`, {
          code: e.code ?? ErrorCode.PROFILE_INVALID,
          errno: e.errno,
          func: e.func,
          syscall: r.syscall,
          problems: [{ path: r.source, message: e.message }],
          cause: err,
        });
      }
    }
    return f.exportBpf();
  } finally {
    f.release();
  }
}
