// decide(): what a compiled profile does with one syscall, found by running its BPF program
// in the interpreter, without loading anything.
import { SECCOMP_RET, type ActionName } from './action.js';
import { archToken, nativeArch } from './arch.js';
import { auditArch, X32_SYSCALL_BIT } from './bpf/enosys.js';
import { newerSyscallNumber } from './bpf/newer-syscalls.js';
import { checkProgram, execute, seccompDataWords } from './bpf/interpret.js';
import type { Insn } from './bpf/program.js';
import { residualInsns } from './bpf/specialize.js';
import { ErrorCode, SeccompError, argTypeError, argRangeError } from './errors.js';
import { libseccompArchName } from './model/arch.js';
import { syscallNumberOn } from './profile/libseccomp-resolver.js';
import { isCompiledProfile } from './profile/produced.js';
import type { CompiledProfile } from './profile/types.js';
import { toInt } from './values.js';

export interface DecideQuery {
  /**
   * A name (resolved for `arch` by libseccomp, or from compile's table of the newest syscalls
   * when libseccomp cannot name it) or the number the kernel sees.
   */
  syscall: string | number;
  /** Up to six unsigned 64-bit arguments; missing ones are 0. */
  args?: readonly (bigint | number)[];
  /** libseccomp (x86_64, aarch64, x32, ...) or Docker (amd64, arm64, ...) name; default: the profile's (native unless compiled for another). */
  arch?: string;
}

export interface Decision {
  action: ActionName;
  /** For ERRNO: the errno the syscall fails with. */
  errno?: number;
  /** For TRACE: the message for the tracer. */
  data?: number;
}

const MAX_ERRNO = 4095;

/** The kernel's reading of a filter's return value (kernel/seccomp.c). */
export function decisionOf(ret: number): Decision {
  const action = (ret & 0xffff_0000) >>> 0;
  const data = ret & 0xffff;
  switch (action) {
    // The kernel caps the errno at MAX_ERRNO.
    case SECCOMP_RET.ERRNO: return { action: 'ERRNO', errno: Math.min(data, MAX_ERRNO) };
    case SECCOMP_RET.TRACE: return { action: 'TRACE', data };
    case SECCOMP_RET.ALLOW: return { action: 'ALLOW' };
    case SECCOMP_RET.LOG: return { action: 'LOG' };
    case SECCOMP_RET.NOTIFY: return { action: 'NOTIFY' };
    case SECCOMP_RET.TRAP: return { action: 'TRAP' };
    case SECCOMP_RET.KILL_THREAD: return { action: 'KILL_THREAD' };
    // KILL_PROCESS, and any value the kernel does not know, kills the process.
    default: return { action: 'KILL_PROCESS' };
  }
}

function checkQuery(q: unknown): DecideQuery {
  if (q === null || typeof q !== 'object') throw argTypeError('decide needs a query object { syscall, args?, arch? }');
  // Read once: what is checked is what is used (a getter could answer differently).
  let syscall: unknown, args: unknown, arch: unknown;
  try {
    ({ syscall, args, arch } = q as DecideQuery);
    if (Array.isArray(args) && args.length <= 6) args = [...args];
  } catch (e) {
    throw argTypeError(`the query cannot be read (${e instanceof Error ? e.message : typeof e})`);
  }
  if (typeof syscall === 'number') toInt(syscall, 'syscall', -0x8000_0000, 0xffff_ffff);
  else if (typeof syscall !== 'string' || syscall === '') {
    throw argTypeError(`syscall must be a name or a number, got ${typeof syscall}`);
  }
  if (args !== undefined && (!Array.isArray(args) || args.length > 6)) {
    throw argRangeError('args must be an array of at most six values');
  }
  if (arch !== undefined && typeof arch !== 'string') throw argTypeError(`arch must be a string, got ${typeof arch}`);
  return {
    syscall: syscall as string | number,
    ...(args !== undefined ? { args: args as (bigint | number)[] } : {}),
    ...(arch !== undefined ? { arch: arch as string } : {}),
  };
}

/**
 * Runs `compiled.bpf` for one syscall and returns what the kernel would do. ENOSYS from the
 * stub is `{ action: 'ERRNO', errno: 38 }`; an unconfined profile allows everything. For x32,
 * numbers are given with or without X32_SYSCALL_BIT (it is added).
 */
export function decide(compiled: CompiledProfile, query: DecideQuery): Decision {
  if (!isCompiledProfile(compiled)) {
    throw argTypeError('decide needs a compiled profile (the result of compile())');
  }
  const q = checkQuery(query);
  // Default: the arch the profile was compiled for (the native one unless options.arch said otherwise).
  const arch = libseccompArchName(q.arch ?? compiled.context?.arch ?? nativeArch());
  let nr: number;
  if (typeof q.syscall === 'string') {
    // A number is a fact about the kernel, not the filter: the table answers whether or not
    // the profile was compiled with newSyscalls.
    const n = syscallNumberOn(q.syscall, archToken(arch)) ?? newerSyscallNumber(q.syscall, arch);
    if (n === undefined) {
      throw new SeccompError(`unknown syscall "${q.syscall}"`, { code: ErrorCode.UNKNOWN_SYSCALL, syscall: q.syscall });
    }
    if (n < 0) {
      throw new SeccompError(`the syscall "${q.syscall}" does not exist on ${arch}`, {
        code: ErrorCode.UNKNOWN_SYSCALL,
        syscall: q.syscall,
      });
    }
    nr = n;
  } else {
    nr = arch === 'x32' ? (q.syscall | X32_SYSCALL_BIT) >>> 0 : q.syscall;
  }
  const words = seccompDataWords({ nr: nr | 0, arch: auditArch(arch), args: q.args ?? [] });
  if (compiled.unconfined) return { action: 'ALLOW' };
  if (!((compiled.bpf as unknown) instanceof Uint8Array)) {
    throw argTypeError('compiled.bpf must be a Buffer');
  }
  return decisionOf(execute(checkedProgram(compiled.bpf), words));
}

// Checked programs by buffer, with a copy of the bytes so that a changed buffer is checked again.
const checked = new WeakMap<Uint8Array, { bytes: Buffer; insns: Insn[] }>();

function checkedProgram(bpf: Uint8Array): Insn[] {
  const hit = checked.get(bpf);
  if (hit && hit.bytes.equals(bpf)) return hit.insns;
  const insns = checkProgram(bpf);
  checked.set(bpf, { bytes: Buffer.from(bpf), insns });
  return insns;
}

/** What a syscall's answer depends on, beyond its number and arch. */
export interface Dependence {
  /** Indices of the arguments the program compares for this syscall (ascending). */
  args: number[];
  /** The program also reads the instruction pointer for it. */
  instructionPointer: boolean;
  /** Every answer the syscall can get, at least two. */
  outcomes: Decision[];
}

const LD_W_ABS = 0x20;
const RET_K = 0x06;

/**
 * Whether the answer for syscall number `nr` on `arch` (libseccomp name) depends on its
 * arguments: the program is partially evaluated with arch and nr fixed and the argument words
 * unknown; null when every path left gives the same answer. undefined when the program is
 * outside what the partial evaluation handles (then only decide() can tell, per argument set).
 */
export function dependence(compiled: CompiledProfile, nr: number, arch: string): Dependence | null | undefined {
  if (compiled.unconfined) return null;
  const name = libseccompArchName(arch);
  const full = name === 'x32' ? (nr | X32_SYSCALL_BIT) >>> 0 : nr >>> 0;
  const code = residualInsns(checkedProgram(compiled.bpf), auditArch(name), full, new Map());
  if (code === undefined) return undefined;
  const rets = new Set<number>();
  const args = new Set<number>();
  let instructionPointer = false;
  for (const i of code) {
    if (i.code === RET_K) rets.add(i.k >>> 0);
    else if (i.code === LD_W_ABS && i.k >= 16) args.add((i.k - 16) >> 3);
    else if (i.code === LD_W_ABS && i.k >= 8) instructionPointer = true;
  }
  if (rets.size < 2) return null;
  return {
    args: [...args].sort((a, b) => a - b),
    instructionPointer,
    outcomes: [...rets].sort((a, b) => a - b).map(decisionOf),
  };
}
