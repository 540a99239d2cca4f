// Profile-side preparation for compile's narrowArgs and multiplexers options (the BPF side is
// bpf/narrow.ts): cutting rule values to the width the kernel reads, and finding which syscalls,
// on which arches of the filter, need a block of their own.
import type { Condition } from '../model/conditions.js';
import { comparedBits, type Multiplexer, type NarrowTarget } from '../bpf/narrow.js';
import { factsOf } from '../model/arch.js';
import { argBits } from './arg-widths.js';
import type { ProfileWarning, ResolvedRule } from './types.js';

/** Per syscall name, the narrowed arguments: index -> bits the kernel reads on every arch of the filter. */
export type NarrowSpec = Map<string, Map<number, 16 | 32>>;

const hex = (v: bigint): string => `0x${v.toString(16)}`;

/**
 * The width a rule's argument is compared on: the widest the kernel reads on any arch of the
 * filter (so that one set of values serves them all), undefined when that is 64 bits.
 */
function widthOf(syscall: string, index: number, arches: readonly string[]): 16 | 32 | undefined {
  let w = 16;
  for (const a of arches) w = Math.max(w, argBits(syscall, index, a));
  return w === 64 ? undefined : (w as 16 | 32);
}

/** Bits above `bits` that are not just the sign extension of a 32-bit value (-1 written as 2^64-1). */
function strayHighBits(v: bigint, bits: 16 | 32): boolean {
  if (v >> BigInt(bits) === 0n) return false;
  return !(bits === 32 && v >> 32n === 0xffff_ffffn && (v & 0x8000_0000n) !== 0n);
}

/**
 * The rules with every value on a narrow argument cut to its width (MASKED_EQ: mask and value),
 * and which arguments were narrowed. A value with bits above the width (other than a 32-bit
 * value's sign extension) gets a warning: only its low bits can ever match.
 */
export function narrowRules(
  rules: readonly ResolvedRule[],
  arches: readonly string[],
  warnings: ProfileWarning[],
): { rules: ResolvedRule[]; spec: NarrowSpec } {
  const spec: NarrowSpec = new Map();
  const out = rules.map((r) => {
    let changed = false;
    const conditions = r.conditions.map((c): Condition => {
      const bits = widthOf(r.syscall, c.arg, arches);
      if (bits === undefined) return c;
      let m = spec.get(r.syscall);
      if (!m) spec.set(r.syscall, (m = new Map()));
      m.set(c.arg, bits);
      const keep = (1n << BigInt(bits)) - 1n;
      const value = BigInt(c.value);
      const two = BigInt(c.valueTwo ?? 0);
      const tested = c.op === 'MASKED_EQ' ? two & value : value;
      if (strayHighBits(tested, bits)) {
        warnings.push({
          path: `${r.source}.args`,
          message: `${r.syscall}'s argument ${c.arg} is ${bits} bits wide to the kernel; only the low ${bits} bits of ${hex(tested)} are compared (narrowArgs)`,
        });
      }
      const next: Condition = c.op === 'MASKED_EQ'
        ? { arg: c.arg, op: c.op, value: value & keep, valueTwo: two & keep }
        : { arg: c.arg, op: c.op, value: value & keep };
      if (next.value !== value || (c.op === 'MASKED_EQ' && next.valueTwo !== two)) changed = true;
      return next;
    });
    return changed ? { ...r, conditions } : r;
  });
  return { rules: out, spec };
}

/**
 * The (arch, syscall) pairs whose arguments libseccomp compares on more bits than the kernel
 * reads. `numberOf` gives a syscall's number on an arch (undefined where it has none).
 */
export function narrowTargets(
  spec: NarrowSpec,
  arches: readonly string[],
  numberOf: (name: string, arch: string) => number | undefined,
): NarrowTarget[] {
  const out: NarrowTarget[] = [];
  for (const arch of arches) {
    const compared = comparedBits(arch);
    // Names by number: two names for one number (aliases) make one target, each argument at
    // the widest width any of them has.
    const names = new Map<number, string[]>();
    for (const name of spec.keys()) {
      const nr = numberOf(name, arch);
      if (nr === undefined) continue;
      const list = names.get(nr);
      if (list) list.push(name);
      else names.set(nr, [name]);
    }
    for (const [nr, list] of names) {
      const bits = new Map<number, 16 | 32>();
      for (const name of list) {
        for (const i of (spec.get(name) as Map<number, 16 | 32>).keys()) {
          let w = 16;
          for (const n of list) w = Math.max(w, widthOf(n, i, arches) ?? 64);
          if (w < compared) bits.set(i, w as 16 | 32);
        }
      }
      if (bits.size > 0) out.push({ arch, nr, bits });
    }
  }
  return out;
}

/** socketcall(2)'s sub-calls (linux/net.h SYS_*) by their direct syscalls' names. */
const SOCKETCALL: readonly [number, string][] = [
  [1, 'socket'], [2, 'bind'], [3, 'connect'], [4, 'listen'], [5, 'accept'], [6, 'getsockname'],
  [7, 'getpeername'], [8, 'socketpair'], [9, 'send'], [10, 'recv'], [11, 'sendto'], [12, 'recvfrom'],
  [13, 'shutdown'], [14, 'setsockopt'], [15, 'getsockopt'], [16, 'sendmsg'], [17, 'recvmsg'],
  [18, 'accept4'], [19, 'recvmmsg'], [20, 'sendmmsg'],
];

/** ipc(2)'s sub-calls (linux/ipc.h); the kernel takes the call from the low 16 bits of args[0]. */
const IPC: readonly [number, string][] = [
  [1, 'semop'], [2, 'semget'], [3, 'semctl'], [4, 'semtimedop'], [11, 'msgsnd'], [12, 'msgrcv'],
  [13, 'msgget'], [14, 'msgctl'], [21, 'shmat'], [22, 'shmdt'], [23, 'shmget'], [24, 'shmctl'],
];

/**
 * The multiplexers on the filter's arches whose sub-calls have a direct syscall with argument
 * conditions in the profile. `numberOf` gives the direct (never a pseudo) number on an arch.
 */
export function multiplexers(
  rules: readonly ResolvedRule[],
  arches: readonly string[],
  numberOf: (name: string, arch: string) => number | undefined,
): Multiplexer[] {
  const conditional = new Set(rules.filter((r) => r.conditions.length > 0).map((r) => r.syscall));
  const out: Multiplexer[] = [];
  for (const arch of arches) {
    for (const [mux, table, callMask] of [['socketcall', SOCKETCALL, 0xffff_ffff], ['ipc', IPC, 0xffff]] as const) {
      const nr = numberOf(mux, arch);
      if (nr === undefined) continue;
      const calls = new Map<number, number>();
      for (const [call, name] of table) {
        if (!conditional.has(name)) continue;
        const direct = numberOf(name, arch);
        if (direct !== undefined) calls.set(call, direct);
      }
      if (calls.size) out.push({ arch, nr, callMask, calls });
    }
  }
  return out;
}

/** The first syscall number of an arch's table (MIPS ABIs and x32 start above 0). */
export function tableBase(arch: string): number {
  return factsOf(arch).base;
}
