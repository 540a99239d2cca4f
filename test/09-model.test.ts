// The pure model: the one arch table checked against the installed libseccomp on every arch it
// knows, and against every layer that used to keep its own copy of the facts.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_NAMES, archName } from '../dist/arch.js';
import { auditArch as enosysAudit } from '../dist/bpf/enosys.js';
import { NEWER_SYSCALLS, newerSyscallNumber } from '../dist/bpf/newer-syscalls.js';
import { ARCHES, ARCH_BY_LIBSECCOMP, AUDIT_ARCH_X86_64, archFacts, auditArch, hostArch, X32_SYSCALL_BIT } from '../dist/model/arch.js';
import { tableResolver, type SyscallResolver } from '../dist/model/resolver.js';
import { native } from '../dist/native.js';
import { buildOptions } from '../dist/profile/cache-key.js';
import { resolveContext } from '../dist/profile/context.js';
import { isSyscallAnywhere, libseccompResolver } from '../dist/profile/libseccomp-resolver.js';
import { numbersFrom } from '../dist/profile/numbers.js';
import { buildProgram } from '../dist/profile/pipeline.js';
import { resolveProfile } from '../dist/profile/resolve.js';
import { sortRules } from '../dist/profile/rules.js';
import { root } from './helpers/child.js';
import { decide } from '../dist/decide.js';
import { compile, libseccompArchName } from '../dist/profile/compile.js';
import { isCompiledProfile } from '../dist/profile/produced.js';
import { ARCHES_BY_DOCKER, dockerArchName, nativeDockerArch } from '../dist/profile/context.js';

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

/** Every module `file` reaches through its static imports (relative ones, under src/). */
function reach(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^(?:import|export)\s(?!type\s)[^;]*?from\s+'(\.[^']+)\.js'/gms)) {
    reach(resolvePath(dirname(file), `${m[1]}.ts`), seen);
  }
  return seen;
}

describe('the injected resolver', () => {
  const src = join(root, 'src');
  const nativeModules = ['native.ts', 'arch.ts', 'library.ts', 'filter.ts'].map((f) => join(src, f));

  it('the pure layers reach no native module: bpf/, model/ and the rules, numbers and patching steps', () => {
    const pure = [
      'bpf/enosys.ts', 'bpf/newer-syscalls.ts', 'bpf/narrow.ts', 'bpf/specialize.ts', 'bpf/interpret.ts',
      'model/arch.ts', 'model/conditions.ts', 'model/capabilities.ts', 'model/resolver.ts',
      'profile/rules.ts', 'profile/numbers.ts', 'profile/patch.ts', 'profile/kernel-args.ts',
    ];
    for (const f of pure) {
      const reached = reach(join(src, f));
      for (const n of nativeModules) expect(reached.has(n), `${f} reaches ${n}`).toBe(false);
    }
    // The check itself sees imports: the libseccomp program step does reach the native layer.
    expect(reach(join(src, 'profile/libseccomp-program.ts')).has(join(src, 'native.ts'))).toBe(true);
  });

  it('a table resolver numbers rules without libseccomp: unknown names are skipped with a warning', () => {
    const resolver = tableResolver({ x86_64: { read: 0, write: 1, socket: 41 }, x86: { read: 3, write: 4, socket: -101 } });
    expect(resolver.number('toString', 'x86_64')).toBeUndefined();
    expect(resolver.number('read', 'toString')).toBeUndefined();
    const rule = (syscall: string, i: number) => ({ syscall, action: 'ALLOW' as const, conditions: [], source: `syscalls[${i}]` });
    const warnings: { path: string; message: string }[] = [];
    const sorted = sortRules([rule('read', 0), rule('write', 1), rule('mkdir', 2), rule('read', 3)], {
      host: 'x86_64', target: 'x86_64', arches: ['x86_64'], resolver, newSyscalls: true, unknownSyscalls: 'warn',
      isSyscall: () => true, library: 'table', doc: { syscalls: [{ names: ['read'] }, { names: ['write'] }, { names: ['mkdir'] }] },
    }, warnings);
    expect(sorted.rules.map((r) => r.syscall)).toEqual(['read', 'write']);
    expect(sorted.hostNumbers).toEqual([0, 1]);
    expect(sorted.unknown).toEqual(['mkdir']);
    expect(warnings).toEqual([expect.objectContaining({ path: 'syscalls[2].names[0]', message: expect.stringContaining('table has no number for the syscall "mkdir" on x86_64') })]);
    // Pseudo numbers (socket on x86) are read back to the direct number from the resolver's names.
    const n = numbersFrom(tableResolver({ x86: { socket: -101 } }), false);
    expect(n.numberOn('socket', 'x86')).toBe(-101);
    expect(numbersFrom({ number: () => -101, name: (nr) => (nr === 359 ? 'socket' : undefined) }, false).directNumberOn('socket', 'x86')).toBe(359);
  });

  it("compile's pipeline takes its numbers from the resolver it is given", () => {
    const ctx = resolveContext({ capabilities: [], arch: 'amd64', kernel: '6.18' });
    const o = buildOptions({});
    const rp = resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'mkdir'], action: 'SCMP_ACT_ALLOW' }] }, ctx);
    const asked: string[] = [];
    const counting: SyscallResolver = {
      number: (name, arch) => (asked.push(name), libseccompResolver.number(name, arch)),
      name: (nr, arch) => libseccompResolver.name(nr, arch),
    };
    const env = { host: 'x86_64', library: 'libseccomp', isSyscall: isSyscallAnywhere };
    const real = buildProgram(rp, ctx, {}, o, { ...env, resolver: counting });
    expect(asked).toEqual(expect.arrayContaining(['read', 'write', 'mkdir']));
    expect(Buffer.compare(real.bpf, compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'write', 'mkdir'], action: 'SCMP_ACT_ALLOW' }] }, { capabilities: [], arch: 'amd64', kernel: '6.18', cache: false }).bpf)).toBe(0);
    // A resolver that puts mkdir elsewhere moves the ENOSYS stub's bound: the numbers are its own.
    const moved: SyscallResolver = { number: (name, arch) => (name === 'mkdir' ? 999 : libseccompResolver.number(name, arch)), name: libseccompResolver.name };
    const other = buildProgram(rp, ctx, {}, o, { ...env, resolver: moved });
    expect(other.lastSyscalls).toEqual([]); // the profile names no arches: the stub covers none
    const withArches = resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['read', 'mkdir'], action: 'SCMP_ACT_ALLOW' }] }, ctx);
    expect(buildProgram(withArches, ctx, {}, o, { ...env, resolver: moved }).lastSyscalls).toEqual([{ arch: 'x86_64', nr: 999 }]);
    expect(buildProgram(withArches, ctx, {}, o, { ...env, resolver: libseccompResolver }).lastSyscalls).toEqual([{ arch: 'x86_64', nr: 83 }]);
  });
});
