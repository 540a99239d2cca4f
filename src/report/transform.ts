// Program transforms for denial reports and recording: the compiled program with some of its
// return values turned into SECCOMP_RET_USER_NOTIF, so that a supervisor in the parent sees
// those syscalls. Jumps and loads are untouched, so the transformed program decides exactly
// like the original except where a return was rewritten (test/28 checks it with decide()).
import { SECCOMP_RET } from '../action.js';
import { auditArch } from '../bpf/enosys.js';
import { checkProgram } from '../bpf/interpret.js';
import { Assembler, BPF, encode, type Insn } from '../bpf/program.js';
import { ErrorCode, SeccompError, argTypeError } from '../errors.js';
import type { CompiledProfile } from '../profile/types.js';
import type { Bytes } from '../node-shapes.js';

const RET_K = BPF.RET | BPF.K;
const RET_A = BPF.RET | BPF.A;
const ACTION_MASK = 0xffff_0000;

function actionOf(ret: number): number {
  return (ret & ACTION_MASK) >>> 0;
}

/**
 * The program with each `ret K` replaced by `rewrite(K)`. A `ret A` (a return value computed at
 * run time) cannot be rewritten statically: refused with ERR_SECCOMP_UNSUPPORTED, never passed
 * through unchanged. compile() never emits one for Docker profiles.
 */
export function rewriteReturns(bpf: Uint8Array, rewrite: (ret: number) => number): Bytes {
  if (typeof rewrite !== 'function') throw argTypeError('rewrite must be a function');
  const insns = checkProgram(bpf);
  const out: Insn[] = insns.map((i, pc) => {
    if (i.code === RET_A) {
      throw new SeccompError(`instruction ${pc} returns a computed value (ret A); the program cannot be rewritten for notification`, {
        code: ErrorCode.UNSUPPORTED,
      });
    }
    return i.code === RET_K ? { ...i, k: rewrite(i.k >>> 0) >>> 0 } : i;
  });
  return encode(out);
}

/**
 * Actions a report turns into notifications. ERRNO is answered with the same errno; the kills
 * are reported, then carried out by the supervisor (see killPlan). TRAP stays in the filter:
 * only the kernel can deliver its SIGSYS with the syscall's siginfo. TRACE and LOG are not
 * denials; NOTIFY is the profile's own and stays.
 */
export const REPORTED_RETURNS: ReadonlySet<number> = new Set([
  SECCOMP_RET.ERRNO, SECCOMP_RET.KILL_PROCESS, SECCOMP_RET.KILL_THREAD,
]);

function compiledBpf(compiled: CompiledProfile, what: string): Uint8Array {
  if (compiled === null || typeof compiled !== 'object' || typeof compiled.unconfined !== 'boolean') {
    throw argTypeError(`${what} needs a compiled profile (the result of compile())`);
  }
  if (compiled.unconfined) {
    throw new SeccompError(`${what}: the profile is unconfined (no filter to transform)`, { code: ErrorCode.UNSUPPORTED });
  }
  if (!((compiled.bpf as unknown) instanceof Uint8Array)) throw argTypeError('compiled.bpf must be a Buffer');
  return compiled.bpf;
}

/** The program for `--report`: every ERRNO and KILL return becomes NOTIFY; ALLOW never notifies. */
export function reportingProgram(compiled: CompiledProfile): Bytes {
  const bpf = compiledBpf(compiled, 'reportingProgram');
  return rewriteReturns(bpf, (ret) => (REPORTED_RETURNS.has(actionOf(ret)) ? SECCOMP_RET.NOTIFY : ret));
}

/** A syscall the recording filter lets through unseen (the launcher's own hand-off). */
export interface Passthrough {
  /** libseccomp arch name. */
  arch: string;
  /** The number as the filter sees it (x32 numbers with X32_SYSCALL_BIT). */
  nr: number;
}

/**
 * The program for recording. With a base: the base's program with everything it does not
 * allow turned into NOTIFY (the supervisor answers continue and records). Without: every
 * syscall notifies, on every arch, but `passthrough` ones, which are allowed unseen.
 */
export function recordingProgram(options: { base?: CompiledProfile; passthrough?: readonly Passthrough[] } = {}): Bytes {
  if (options === null || typeof options !== 'object') throw argTypeError('options must be an object');
  const passthrough = options.passthrough ?? [];
  if (!Array.isArray(passthrough)) throw argTypeError('passthrough must be an array of { arch, nr }');
  if (options.base !== undefined) {
    const bpf = compiledBpf(options.base, 'recordingProgram');
    const base = rewriteReturns(bpf, (ret) => (actionOf(ret) === SECCOMP_RET.ALLOW ? ret : SECCOMP_RET.NOTIFY));
    if (passthrough.length === 0) return base;
    return encode([...passthroughBlock(passthrough, 'base'), ...checkProgram(base)]);
  }
  return encode(passthroughBlock(passthrough, 'notify'));
}

// ld arch; per arch: ld nr, jeq each -> allow; else fall to `rest` (NOTIFY, or the program after).
function passthroughBlock(list: readonly Passthrough[], rest: 'notify' | 'base'): Insn[] {
  const byArch = new Map<number, Set<number>>();
  list.forEach((p, i) => {
    if (p === null || typeof p !== 'object' || typeof p.arch !== 'string' || !Number.isInteger(p.nr) || p.nr < 0 || p.nr > 0xffff_ffff) {
      throw argTypeError(`passthrough[${i}] must be { arch: string, nr: u32 }`);
    }
    const token = auditArch(p.arch);
    let s = byArch.get(token);
    if (!s) byArch.set(token, (s = new Set()));
    s.add(p.nr >>> 0);
  });
  const a = new Assembler();
  const LD_W_ABS = BPF.LD | BPF.W | BPF.ABS;
  const JEQ_K = BPF.JMP | BPF.JEQ | BPF.K;
  const arches = [...byArch.keys()];
  if (arches.length > 0) a.stmt(LD_W_ABS, 4);
  arches.forEach((t, i) => a.jump(JEQ_K, t, `arch${i}`, null));
  a.ja('rest');
  arches.forEach((t, i) => {
    a.label(`arch${i}`).stmt(LD_W_ABS, 0);
    for (const nr of byArch.get(t) as Set<number>) a.jump(JEQ_K, nr, 'allow', null);
    a.ja('rest');
  });
  a.label('allow').stmt(RET_K, SECCOMP_RET.ALLOW);
  a.label('rest');
  if (rest === 'notify') a.stmt(RET_K, SECCOMP_RET.NOTIFY);
  return a.finish();
}
