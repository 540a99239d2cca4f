// The pure model: the one arch table checked against the installed libseccomp on every arch it
// knows, and against every layer that used to keep its own copy of the facts.
import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, archName } from '../src/arch.js';
import { auditArch as enosysAudit } from '../src/bpf/enosys.js';
import { NEWER_SYSCALLS, newerSyscallNumber } from '../src/bpf/newer-syscalls.js';
import { ARCHES, ARCH_BY_LIBSECCOMP, AUDIT_ARCH_X86_64, archFacts, auditArch, hostArch, X32_SYSCALL_BIT } from '../src/model/arch.js';
import { native } from '../src/native.js';
import { decide } from '../src/decide.js';
import { compile, libseccompArchName } from '../src/profile/compile.js';
import { isCompiledProfile } from '../src/profile/produced.js';
import { ARCHES_BY_DOCKER, dockerArchName, nativeDockerArch } from '../src/profile/context.js';

const known = ARCHES.filter((a) => native().archResolve(a.libseccomp) !== 0);

describe('the arch table: bad lookups', () => {
  it('unknown names, non-strings and inherited keys find nothing', () => {
    for (const bad of ['', 'amd65', 'toString', '__proto__', 'constructor', 'SCMP_ARCH_', 'x86-64']) {
      expect(archFacts(bad), bad).toBeUndefined();
      expect(dockerArchName(bad), bad).toBeUndefined();
    }
    expect(archFacts(42 as unknown as string)).toBeUndefined();
    expect(() => libseccompArchName('toString')).toThrow(expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_ARCH' }));
  });
});

describe('the arch table', () => {
  it('names every arch once under each of its names, and each name finds it', () => {
    expect(ARCHES.length).toBe(23);
    for (const key of ['docker', 'libseccomp', 'scmp'] as const) {
      expect(new Set(ARCHES.map((a) => a[key])).size, key).toBe(ARCHES.length);
    }
    for (const a of ARCHES) {
      for (const n of [a.docker, a.libseccomp, a.scmp]) expect(archFacts(n), n).toBe(a);
      expect(ARCHES_BY_DOCKER.get(a.docker)).toEqual({ docker: a.docker, libseccomp: a.libseccomp, scmp: a.scmp });
      expect(libseccompArchName(a.docker)).toBe(a.libseccomp);
    }
    expect([...ARCH_NAMES].sort()).toEqual(ARCHES.map((a) => a.libseccomp).sort());
  });

  it('matches the installed libseccomp: tokens, names back from tokens, the native arch', () => {
    expect(known.length).toBeGreaterThanOrEqual(18); // 2.5.4 lacks loongarch64, m68k and sh
    for (const a of known) {
      expect(native().archResolve(a.libseccomp) >>> 0, a.libseccomp).toBe(a.token);
      expect(archName(a.token)).toBe(a.libseccomp);
    }
    const nativeToken = native().archNative() >>> 0;
    expect(hostArch()?.token).toBe(nativeToken);
    expect(ARCH_BY_LIBSECCOMP.get(libseccompArchName(nativeDockerArch()))?.token).toBe(nativeToken);
  });

  it('the audit value is libseccomp token everywhere but x32, which the kernel reports as x86_64', () => {
    for (const a of known) {
      expect(a.audit, a.libseccomp).toBe(a.libseccomp === 'x32' ? AUDIT_ARCH_X86_64 : a.token);
      expect(enosysAudit(a.libseccomp)).toBe(a.audit);
    }
    expect(auditArch('x32')).toBe(auditArch('x86_64'));
  });

  it('word size and byte order agree with the audit flags (x32 and n32 compare 32 bits on a 64-bit ABI)', () => {
    for (const a of ARCHES) {
      const flag64 = (a.audit & 0x8000_0000) !== 0;
      const le = (a.audit & 0x4000_0000) !== 0;
      const abi32on64 = a.libseccomp === 'x32' || a.libseccomp.endsWith('n32');
      expect(a.bits === 64 || abi32on64, a.libseccomp).toBe(flag64);
      expect(!a.bigEndian, a.libseccomp).toBe(le);
    }
  });

  it('syscall number bases match libseccomp numbers of a newer syscall on every arch it knows', () => {
    // pidfd_send_signal is 424 plus the ABI's base on every arch (the unified numbering).
    let checked = 0;
    for (const a of known) {
      const nr = native().resolveSyscall('pidfd_send_signal', a.token);
      if (nr < 0) continue; // not numbered by this libseccomp on this arch
      checked++;
      expect(nr, a.libseccomp).toBe(a.base + 424);
      expect(newerSyscallNumber('pidfd_send_signal', a.libseccomp)).toBe(nr);
    }
    expect(checked).toBe(known.length);
    expect(ARCH_BY_LIBSECCOMP.get('x32')?.base).toBe(X32_SYSCALL_BIT);
    expect(newerSyscallNumber('mseal', 'mips')).toBe(4000 + NEWER_SYSCALLS.mseal);
  });
});

describe('one isCompiledProfile check for every entry point', () => {
  it('refuses what is not shaped as a compiled profile', () => {
    for (const v of [null, undefined, [], {}, { unconfined: false, bpf: [], hash: 'h', context: {} }, { unconfined: false, bpf: Buffer.alloc(8), context: {} }]) {
      expect(isCompiledProfile(v), JSON.stringify(v)).toBe(false);
    }
    expect(() => decide({ unconfined: false } as never, { syscall: 'read' })).toThrow(TypeError);
  });

  it('compile() takes a copy of its result as compiled, as decide() does', () => {
    const c = compile('docker-default', { cache: 'memory', arch: 'amd64', kernel: '6.18', capabilities: [] });
    const copy = { ...c };
    expect(isCompiledProfile(copy)).toBe(true);
    expect(compile(copy)).toBe(copy);
    for (const syscall of ['read', 'mount', 'clone3']) {
      expect(decide(copy, { syscall })).toEqual(decide(c, { syscall }));
    }
  });
});
