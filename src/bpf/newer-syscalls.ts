// The newest syscalls, numbered by us for a libseccomp too old to name them, and the small BPF
// block that serves their rules in front of libseccomp's program.
//
// From 424 (pidfd_send_signal) on, Linux gives a new syscall the same number on every arch
// (scripts/syscall.tbl, and the per-arch tables that follow it), plus a per-ABI base: x32 adds
// __X32_SYSCALL_BIT, MIPS o32/n64/n32 start at 4000/5000/6000. alpha and ia64 are the
// exceptions, and libseccomp supports neither. libseccomp takes such numbers only in
// single-arch filters, so compile() does not give them to libseccomp: this block matches
// (arch, number) itself and returns the rule's action, and everything else falls through.
import type { Condition, Op } from '../model/conditions.js';
import { ARCH_BY_LIBSECCOMP, auditArch, factsOf, type ArchFacts } from '../model/arch.js';
import { Assembler, BPF, type Insn } from './program.js';

/**
 * Syscalls from number 424 on, by name (Linux 6.19: up to listns). Left out: memfd_secret (447)
 * and map_shadow_stack (453), which exist on some arches only; libseccomp alone names those.
 */
export const NEWER_SYSCALLS: Readonly<Record<string, number>> = Object.freeze({
  pidfd_send_signal: 424,
  io_uring_setup: 425,
  io_uring_enter: 426,
  io_uring_register: 427,
  open_tree: 428,
  move_mount: 429,
  fsopen: 430,
  fsconfig: 431,
  fsmount: 432,
  fspick: 433,
  pidfd_open: 434,
  clone3: 435,
  close_range: 436,
  openat2: 437,
  pidfd_getfd: 438,
  faccessat2: 439,
  process_madvise: 440,
  epoll_pwait2: 441,
  mount_setattr: 442,
  quotactl_fd: 443,
  landlock_create_ruleset: 444,
  landlock_add_rule: 445,
  landlock_restrict_self: 446,
  process_mrelease: 448,
  futex_waitv: 449,
  set_mempolicy_home_node: 450,
  cachestat: 451,
  fchmodat2: 452,
  futex_wake: 454,
  futex_wait: 455,
  futex_requeue: 456,
  statmount: 457,
  listmount: 458,
  lsm_get_self_attr: 459,
  lsm_set_self_attr: 460,
  lsm_list_modules: 461,
  mseal: 462,
  setxattrat: 463,
  getxattrat: 464,
  listxattrat: 465,
  removexattrat: 466,
  open_tree_attr: 467,
  file_getattr: 468,
  file_setattr: 469,
  listns: 470,
});

// What the block needs to know of an arch (syscall base, how libseccomp compares arguments
// there, byte order) is in model/arch.ts; test/15 checks bases and comparisons against the
// installed libseccomp on every arch it knows (2.5.4: all but loongarch64, m68k, sh).
export { factsOf, type ArchFacts };

/** The number of a syscall from our table on an arch (libseccomp name); undefined if not in the table. */
export function newerSyscallNumber(name: string, arch: string): number | undefined {
  const n = typeof name === 'string' && Object.hasOwn(NEWER_SYSCALLS, name) ? NEWER_SYSCALLS[name] : undefined;
  const f = n === undefined ? undefined : ARCH_BY_LIBSECCOMP.get(arch);
  return f === undefined ? undefined : f.base + (n as number);
}

/** One rule the block serves: on `arch`, syscall `nr` returns `ret` when every condition holds. */
export interface NumberedRule {
  arch: string;
  nr: number;
  /** The SECCOMP_RET_* value. */
  ret: number;
  conditions: readonly Condition[];
}

const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
const AND_K = BPF.ALU | BPF.AND | BPF.K;
const JEQ = BPF.JMP | BPF.JEQ | BPF.K;
const JGT = BPF.JMP | BPF.JGT | BPF.K;
const JGE = BPF.JMP | BPF.JGE | BPF.K;
const RET = BPF.RET | BPF.K;

const lo = (v: bigint): number => Number(v & 0xffff_ffffn);
const hi = (v: bigint): number => Number((v >> 32n) & 0xffff_ffffn);

/**
 * One 32-bit word of a comparison: A is the word; `last` says whether a tie here decides
 * (the low word) or passes to the next word (the high word of a 64-bit comparison).
 */
function compareWord(a: Assembler, op: Op, v: number, last: boolean, pass: string, fail: string): void {
  const next = null;
  switch (op) {
    case 'EQ':
    case 'MASKED_EQ':
      a.jump(JEQ, v, last ? pass : next, fail);
      return;
    case 'NE':
      a.jump(JEQ, v, last ? fail : next, pass);
      return;
    case 'GT':
    case 'GE':
      if (last) {
        a.jump(op === 'GT' ? JGT : JGE, v, pass, fail);
      } else {
        a.jump(JGT, v, pass, next);
        a.jump(JEQ, v, next, fail);
      }
      return;
    case 'LT':
    case 'LE':
      if (last) {
        a.jump(op === 'LT' ? JGE : JGT, v, fail, pass);
      } else {
        a.jump(JGE, v, next, pass);
        a.jump(JEQ, v, next, fail);
      }
      return;
  }
}

/** A condition as libseccomp evaluates it on an arch; jumps to `pass` or `fail`. */
function condition(a: Assembler, c: Condition, f: ArchFacts, pass: string, fail: string): void {
  const value = BigInt(c.value);
  const mask = c.op === 'MASKED_EQ' ? value : undefined;
  // libseccomp compares (arg & mask) with (valueTwo & mask): bits of valueTwo outside the mask
  // are ignored rather than making the rule never match.
  const datum = c.op === 'MASKED_EQ' ? BigInt(c.valueTwo ?? 0) & value : value;
  const at = 16 + 8 * c.arg; // struct seccomp_data.args[arg]
  const loAt = f.bigEndian ? at + 4 : at;
  const hiAt = f.bigEndian ? at : at + 4;
  if (f.bits === 64) {
    a.stmt(LD_W_ABS, hiAt);
    if (mask !== undefined) a.stmt(AND_K, hi(mask));
    compareWord(a, c.op, hi(datum), false, pass, fail);
  }
  a.stmt(LD_W_ABS, loAt);
  if (mask !== undefined) a.stmt(AND_K, lo(mask));
  compareWord(a, c.op, lo(datum), true, pass, fail);
}

/**
 * The block's instructions: per AUDIT_ARCH, per syscall (ascending), its rules in order; a
 * rule whose conditions all hold returns its action. Anything unmatched continues at the
 * instruction after the block with A clobbered (libseccomp's program loads what it needs).
 * Empty when there are no rules. Conditions are checked beforehand (filter.ts).
 */
export function newerSyscallInsns(rules: readonly NumberedRule[]): Insn[] {
  if (rules.length === 0) return [];
  // token -> nr -> rules (x86_64 and x32 share a token; their numbers never collide).
  const byToken = new Map<number, Map<number, NumberedRule[]>>();
  for (const r of rules) {
    const token = auditArch(r.arch) >>> 0;
    let m = byToken.get(token);
    if (!m) byToken.set(token, (m = new Map()));
    let list = m.get(r.nr >>> 0);
    if (!list) m.set(r.nr >>> 0, (list = []));
    list.push(r);
  }
  const END = 'end';
  const a = new Assembler().stmt(LD_W_ABS, 4);
  const tokens = [...byToken.keys()];
  // Sections can be long: reach them through `ja`.
  tokens.forEach((t, i) => a.jump(JEQ, t, null, `t${i}`).ja(`arch${i}`).label(`t${i}`));
  a.ja(END);
  let label = 0;
  tokens.forEach((t, i) => {
    const bySyscall = byToken.get(t) as Map<number, NumberedRule[]>;
    const nrs = [...bySyscall.keys()].sort((x, y) => x - y);
    a.label(`arch${i}`).stmt(LD_W_ABS, 0);
    // Most syscalls are outside [min, max]: one or two tests and out.
    a.jump(JGE, nrs[0], null, `out${i}`);
    a.jump(JGT, nrs[nrs.length - 1], `out${i}`, `list${i}`);
    a.label(`out${i}`).ja(END);
    a.label(`list${i}`);
    for (const nr of nrs) {
      const k = label++;
      a.jump(JEQ, nr, `body${k}`, null).ja(`skip${k}`).label(`body${k}`);
      const list = bySyscall.get(nr) as NumberedRule[];
      for (let j = 0; j < list.length; j++) {
        const r = list[j];
        const fail = j + 1 < list.length ? `rule${k}.${j + 1}` : `done${k}`;
        if (j > 0) a.label(`rule${k}.${j}`);
        const f = factsOf(r.arch);
        r.conditions.forEach((c, m) => {
          const pass = `pass${k}.${j}.${m}`;
          condition(a, c, f, pass, fail);
          a.label(pass);
        });
        a.stmt(RET, r.ret);
        if (r.conditions.length === 0) break; // the syscall is decided; later rules can't apply
      }
      a.label(`done${k}`).ja(END);
      a.label(`skip${k}`);
    }
  });
  return a.label(END).finish();
}
