// A typo must not turn a rule off silently: names that are no syscall on any Linux arch, and
// near misses of known keys, are refused with their JSON path and the nearest real word
// (unknownSyscalls: 'error', the default), unless 'warn' or 'ignore' (Docker's silence) is asked.
import { describe, expect, it } from 'vitest';
import { NEWER_SYSCALLS } from '../dist/bpf/newer-syscalls.js';
import { ErrorCode } from '../dist/errors.js';
import { native } from '../dist/native.js';
import { archToken } from '../dist/arch.js';
import { compile } from '../dist/profile/compile.js';
import { ARCHES_BY_DOCKER } from '../dist/profile/context.js';
import { editDistance, suggestSyscall } from '../dist/profile/suggest.js';
import { isLinuxSyscallName, linuxSyscallNames } from '../dist/profile/syscall-names.js';
import { thrown } from './helpers/thrown.js';

const ctx = { arch: 'amd64', kernel: '6.18', capabilities: [] as string[], cache: false };
const denyMkdir = (names: string[]) => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names, action: 'SCMP_ACT_ERRNO' }] });

describe('unknownSyscalls: bad input', () => {
  it('a name no arch has is ERR_SECCOMP_PROFILE_INVALID with its path and the nearest real name', () => {
    const e = thrown(() => compile(denyMkdir(['getpid', 'mkdri']), ctx));
    expect(e.code).toBe(ErrorCode.PROFILE_INVALID);
    expect(e.problems).toEqual([{ path: 'syscalls[0].names[1]', message: expect.stringMatching(/"mkdri".*did you mean "mkdir"\?/) }]);
    expect(e.message).toContain('syscalls[0].names[1]');
    // The single-name spelling too, and a name far from any: no suggestion.
    const one = thrown(() => compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: 'opne', action: 'SCMP_ACT_ERRNO' }] }, ctx));
    expect(one.problems?.[0]).toMatchObject({ path: 'syscalls[0].name', message: expect.stringContaining('did you mean "open"?') });
    const far = thrown(() => compile(denyMkdir(['xyzzyplughfrob']), ctx));
    expect(far.problems?.[0].message).not.toContain('did you mean');
  });

  it('a rule excluded in this context is checked too (the typo is in the profile, not the context)', () => {
    const p = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdri'], action: 'SCMP_ACT_ERRNO', includes: { arches: ['s390x'] } }] };
    expect(thrown(() => compile(p, ctx)).code).toBe(ErrorCode.PROFILE_INVALID);
  });

  it('near misses of known keys are refused with the key meant; other unknown keys stay warnings', () => {
    const cases: [unknown, string, string][] = [
      [{ defaultAction: 'SCMP_ACT_ERRNO', sycalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }, 'sycalls', 'syscalls'],
      [{ defaultAcion: 'SCMP_ACT_ERRNO', defaultAction: 'SCMP_ACT_ERRNO' }, 'defaultAcion', 'defaultAction'],
      [{ defaultAction: 'SCMP_ACT_ERRNO', architecture: ['SCMP_ARCH_X86'] }, 'architecture', 'architectures'],
      [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', agrs: [] }] }, 'syscalls[0].agrs', 'args'],
      [{ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ALLOW', include: { caps: ['CAP_SYS_ADMIN'] } }] }, 'syscalls[0].include', 'includes'],
    ];
    for (const [p, path, meant] of cases) {
      const e = thrown(() => compile(p as never, ctx));
      expect(e.code, path).toBe(ErrorCode.PROFILE_INVALID);
      expect(e.problems, path).toContainEqual({ path, message: expect.stringContaining(`did you mean "${meant}"?`) });
      // 'warn': a warning naming the key meant, and the profile compiles.
      const w = compile(p as never, { ...ctx, unknownSyscalls: 'warn' });
      expect(w.warnings, path).toContainEqual({ path, message: expect.stringContaining(`did you mean "${meant}"?`) });
    }
    // A near miss of "comment" changes nothing in the filter: a warning only. Far keys: warnings.
    const c = compile({ defaultAction: 'SCMP_ACT_ERRNO', description: 'x', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', comments: 'x' }] }, ctx);
    expect(c.warnings.map((w) => w.path)).toEqual(['description', 'syscalls[0].comments']);
    expect(c.warnings[1].message).toContain('did you mean "comment"?');
  });

  it('options.unknownSyscalls is checked; strict contradicting it is refused', () => {
    const p = denyMkdir(['mkdir']);
    expect(thrown(() => compile(p, { ...ctx, unknownSyscalls: 'loud' } as never)).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => compile(p, { ...ctx, unknownSyscalls: 1 } as never)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => compile(p, { ...ctx, strict: true, unknownSyscalls: 'ignore' })).code).toBe('ERR_OUT_OF_RANGE');
  });

  it('many names that are no syscall: the first 1000 are listed, all are counted', () => {
    const names = Array.from({ length: 20_000 }, (_, i) => `nocall${i}`);
    const e = thrown(() => compile(denyMkdir(names), ctx));
    expect(e.problems).toHaveLength(1000);
    expect(e.message).toMatch(/20000 problems/);
    const w = compile(denyMkdir(names), { ...ctx, unknownSyscalls: 'warn' });
    expect(w.warnings).toHaveLength(1001);
    expect(w.warnings[1000].message).toMatch(/19000 more/);
  });
});

describe('unknownSyscalls: behaviour', () => {
  it("'warn' skips the rule with a warning and a suggestion; 'ignore' skips it silently, as Docker does", () => {
    const w = compile(denyMkdir(['mkdri', 'rmdir']), { ...ctx, unknownSyscalls: 'warn' });
    expect(w.warnings).toEqual([{ path: 'syscalls[0].names[0]', message: expect.stringMatching(/"mkdri" skipped.*did you mean "mkdir"\?/) }]);
    expect(w.rules.map((r) => r.syscall)).toEqual(['rmdir']);
    expect(w.unknownSyscalls).toEqual(['mkdri']);
    const i = compile(denyMkdir(['mkdri', 'rmdir']), { ...ctx, unknownSyscalls: 'ignore' });
    expect(i.warnings).toEqual([]);
    expect(i.rules.map((r) => r.syscall)).toEqual(['rmdir']);
    expect(i.unknownSyscalls).toEqual(['mkdri']);
  });

  it('a syscall of another arch is no typo: arm_fadvise64_64 compiles for x86_64 with at most a warning', () => {
    for (const name of ['arm_fadvise64_64', 'riscv_flush_icache', 's390_runtime_instr', 'osf_getsysinfo', 'utrap_install']) {
      const c = compile(denyMkdir(['mkdir', name]), ctx);
      expect(c.rules.map((r) => r.syscall), name).toContain('mkdir');
      for (const w of c.warnings) expect(w, name).toMatchObject({ path: 'syscalls[0].names[1]', code: ErrorCode.UNKNOWN_SYSCALL });
    }
  });

  it("a real syscall this libseccomp cannot number stays a warning (code ERR_SECCOMP_UNKNOWN_SYSCALL), not a problem", () => {
    // uretprobe is an x86_64 syscall (Linux 6.11) that libseccomp 2.5.4 does not know.
    const nr = native().resolveSyscall('uretprobe', archToken('x86_64'));
    const c = compile(denyMkdir(['mkdir', 'uretprobe']), ctx);
    if (nr === -1) {
      expect(c.warnings).toEqual([{ path: 'syscalls[0].names[1]', code: ErrorCode.UNKNOWN_SYSCALL, message: expect.stringContaining('"uretprobe"') }]);
      expect(c.unknownSyscalls).toEqual(['uretprobe']);
    } else {
      expect(c.unknownSyscalls).toEqual([]);
    }
    expect(compile(denyMkdir(['mkdir', 'uretprobe']), { ...ctx, unknownSyscalls: 'ignore' }).warnings).toEqual([]);
  });

  it('strict: true (deprecated) compiles the built-in profile (uretprobe, riscv_hwprobe) and says it is deprecated, once', async () => {
    const seen: { code?: string; name: string }[] = [];
    const on = (w: Error & { code?: string }) => seen.push({ code: w.code, name: w.name });
    process.on('warning', on);
    try {
      const c = compile('docker-default', { ...ctx, strict: true });
      expect(c.rules.length).toBeGreaterThan(300);
      compile('docker-default', { ...ctx, strict: true });
      await new Promise((r) => setTimeout(r, 20));
    } finally {
      process.off('warning', on);
    }
    expect(seen.filter((w) => w.code === 'SECCOMP_DEP_STRICT')).toEqual([{ code: 'SECCOMP_DEP_STRICT', name: 'DeprecationWarning' }]);
  });
});

describe('the syscall name table and suggestions', () => {
  it('holds every name the installed libseccomp knows on every arch, and our newer-syscalls table', () => {
    const missing = new Set<string>();
    for (const info of ARCHES_BY_DOCKER.values()) {
      let t: number;
      try {
        t = archToken(info.libseccomp);
      } catch {
        continue; // an arch this libseccomp lacks
      }
      for (const base of [0, 4000, 5000, 6000, 0x40000000]) {
        for (let nr = base; nr < base + 1100; nr++) {
          const s = native().syscallName(nr, t);
          if (s && !isLinuxSyscallName(s)) missing.add(s);
        }
      }
    }
    expect([...missing]).toEqual([]);
    for (const name of Object.keys(NEWER_SYSCALLS)) expect(isLinuxSyscallName(name), name).toBe(true);
    const names = linuxSyscallNames();
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
    expect(isLinuxSyscallName('mkdri')).toBe(false);
    expect(isLinuxSyscallName('toString')).toBe(false);
  });

  it('edit distance counts a swap as one edit and stops past its bound', () => {
    expect(editDistance('mkdri', 'mkdir', 2)).toBe(1);
    expect(editDistance('kitten', 'sitting', 3)).toBe(3);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2); // bound + 1
    expect(suggestSyscall('mkdri')).toBe('mkdir');
    expect(suggestSyscall('clone4')).toBe('clone3');
    expect(suggestSyscall('MKDIR')).toBe('mkdir');
    expect(suggestSyscall('qqqqqqqqqqqq')).toBeUndefined();
  });
});
