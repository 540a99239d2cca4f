// runc's -ENOSYS stub (libcontainer/seccomp/patchbpf), generated here: a short program put
// in front of libseccomp's that makes syscalls numbered above the highest one a profile
// names (per arch) fail with ENOSYS instead of the default action, so libc falls back
// (clone3, faccessat2, ...). It behaves as runc 1.1's does; the layout is our own.
import type { ActionName } from '../action.js';
import { AUDIT_ARCH_X86_64, auditArch, X32_SYSCALL_BIT } from '../model/arch.js';
import { Assembler, BPF, encode, type Insn } from './program.js';
import type { Bytes } from '../node-shapes.js';

/** SECCOMP_RET_ERRNO | ENOSYS. */
export const RET_ENOSYS = 0x0005_0026;
export { AUDIT_ARCH_X86_64, auditArch, X32_SYSCALL_BIT };

/** The highest syscall number a profile names on one arch (libseccomp arch name). */
export interface LastSyscall {
  arch: string;
  nr: number;
}

/**
 * runc adds the stub only when the default action is not permissive: ALLOW, LOG and
 * TRACE (a tracer is expected to handle new syscalls itself) get none.
 */
export function enosysApplies(defaultAction: ActionName): boolean {
  return defaultAction !== 'ALLOW' && defaultAction !== 'LOG' && defaultAction !== 'TRACE';
}

/**
 * The highest syscall number per arch, over every name the profile's rules use, as runc
 * computes it: each name resolved for that arch; names the arch (or libseccomp) doesn't
 * know and negative pseudo-syscall numbers are ignored; arches with no positive number
 * get no entry. `resolve` returns undefined for an unknown name.
 */
export function lastSyscalls(
  names: Iterable<string>,
  arches: readonly string[],
  resolve: (name: string, arch: string) => number | undefined,
): LastSyscall[] {
  const list = [...names];
  const out: LastSyscall[] = [];
  const seen = new Set<string>();
  for (const arch of arches) {
    if (seen.has(arch)) continue;
    seen.add(arch);
    let max = 0;
    for (const name of list) {
      const nr = resolve(name, arch);
      if (nr !== undefined && nr > max) max = nr;
    }
    if (max > 0) out.push({ arch, nr: max });
  }
  return out;
}

const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
const JEQ = BPF.JMP | BPF.JEQ | BPF.K;
const JGT = BPF.JMP | BPF.JGT | BPF.K;
const JSET = BPF.JMP | BPF.JSET | BPF.K;
const RET = BPF.RET | BPF.K;

/**
 * The stub's instructions. For each AUDIT_ARCH (x86_64 and x32 share one and are told
 * apart by X32_SYSCALL_BIT) it returns ENOSYS when the number is above that arch's last
 * syscall, and on s390/s390x also for syscall 0 (setup(2), which the kernel leaves in
 * place for multiplexed syscalls it doesn't know). Everything else, including arches not
 * listed, continues at the instruction after the stub: libseccomp's program, which
 * applies the bad-arch action to arches the filter lacks. Empty when `last` is empty
 * (runc's stub then only jumps to the filter).
 */
export function enosysStubInsns(last: readonly LastSyscall[], audit: (arch: string) => number = auditArch): Insn[] {
  const groups = new Map<number, Map<string, number>>();
  for (const { arch, nr } of last) {
    const t = audit(arch) >>> 0;
    let g = groups.get(t);
    if (!g) groups.set(t, (g = new Map()));
    if (!g.has(arch)) g.set(arch, nr);
  }
  if (groups.size === 0) return [];
  const END = 'filter';
  const a = new Assembler().stmt(LD_W_ABS, 4);
  let s = 0;
  for (const token of groups.keys()) a.jump(JEQ, token, `s${s++}`, null);
  a.ja(END);
  s = 0;
  for (const [token, g] of groups) {
    const S = `s${s}`, F = `f${s}`, E = `e${s}`, X = `x${s}`;
    s++;
    a.label(S).stmt(LD_W_ABS, 0);
    if (token === AUDIT_ARCH_X86_64) {
      const amd64 = g.get('x86_64');
      const x32 = g.get('x32');
      const other = [...g.keys()].filter((n) => n !== 'x86_64' && n !== 'x32');
      if (other.length) throw new Error(`internal: unexpected arch ${other[0]} sharing x86_64's AUDIT_ARCH`);
      if (amd64 !== undefined && x32 !== undefined) {
        a.jump(JSET, X32_SYSCALL_BIT, X, null);
        a.jump(JGT, amd64, E, F);
        a.label(X).jump(JGT, x32, E, F);
      } else if (amd64 !== undefined) {
        a.jump(JSET, X32_SYSCALL_BIT, F, null);
        a.jump(JGT, amd64, E, F);
      } else {
        a.jump(JSET, X32_SYSCALL_BIT, null, F);
        a.jump(JGT, x32 as number, E, F);
      }
    } else {
      if (g.size !== 1) throw new Error(`internal: arches ${[...g.keys()].join(', ')} share one AUDIT_ARCH`);
      const [[arch, nr]] = g;
      if (arch === 's390' || arch === 's390x') a.jump(JEQ, 0, E, null);
      a.jump(JGT, nr, E, F);
    }
    a.label(F).ja(END);
    a.label(E).stmt(RET, RET_ENOSYS);
  }
  return a.label(END).finish();
}

/** The stub as struct sock_filter bytes, to put before libseccomp's program. */
export function enosysStub(last: readonly LastSyscall[], audit?: (arch: string) => number): Bytes {
  return encode(enosysStubInsns(last, audit));
}
