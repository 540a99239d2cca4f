// Syscall groups: `@network` in a rule's names is the same rule as its listed syscalls, on every
// ABI of an x86_64 filter (x86_64, x86, x32): compared by decide() over every syscall number.
import { describe, expect, it } from 'vitest';
import { archToken } from '../dist/arch.js';
import { decide } from '../dist/decide.js';
import { compile, isSyscallAnywhere, syscallNumberOn } from '../dist/profile/compile.js';
import { SYSCALL_GROUPS, SYSCALL_PAIRS, groupNames } from '../dist/profile/groups.js';
import { ErrorCode } from '../dist/errors.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { thrown } from './helpers/thrown.js';

const ctx = { arch: 'amd64', kernel: '6.18', capabilities: [] as string[], cache: false as const };
const EACCES = 13;
const ARCHES: [arch: string, base: number][] = [['x86_64', 0], ['x86', 0], ['x32', 0x4000_0000]];
/** Past the highest syscall number of each of these ABIs (x32's reach 547). */
const SPAN = 600;

const profileOf = (names: string[]) => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
  syscalls: [{ names, action: 'SCMP_ACT_ERRNO', errnoRet: EACCES }],
});

function decisions(c: CompiledProfile): string[] {
  const out: string[] = [];
  for (const [arch, base] of ARCHES) {
    for (let nr = base; nr < base + SPAN; nr++) out.push(`${arch} ${nr} ${JSON.stringify(decide(c, { syscall: nr, arch }))}`);
  }
  return out;
}

describe('groups: bad input', () => {
  it('an unknown group is ERR_SECCOMP_PROFILE_INVALID at its path, naming the groups', () => {
    const e = thrown(() => compile(profileOf(['@networks']), ctx));
    expect(e.code).toBe(ErrorCode.PROFILE_INVALID);
    expect(e.problems).toEqual([{ path: 'syscalls[0].names[0]', message: expect.stringContaining('@network, ') }]);
    const one = thrown(() => compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: '@', action: 'SCMP_ACT_ERRNO' }] }, ctx));
    expect(one.problems?.[0].path).toBe('syscalls[0].name');
  });
});

describe('groups: definitions', () => {
  it('has the thirteen groups, each holding real syscall names only, every one numbered by the compiler', () => {
    expect(groupNames()).toEqual([
      '@file-write', '@network', '@process', '@exec', '@debug', '@namespaces', '@mount', '@module', '@reboot',
      '@clock', '@io-uring', '@keyring', '@obsolete',
    ]);
    for (const g of groupNames()) {
      for (const name of SYSCALL_GROUPS[g].syscalls) expect(isSyscallAnywhere(name), `${g}: ${name}`).toBe(true);
      const c = compile(profileOf([g]), ctx);
      expect(c.unknownSyscalls, g).toEqual([]);
      expect(c.warnings, g).toEqual([]);
    }
  });

  it('a group holding one syscall of a pair holds the others (mkdir/mkdirat, socket/socketcall, clone/clone3, ...)', () => {
    for (const g of groupNames()) {
      const members = new Set(SYSCALL_GROUPS[g].syscalls);
      for (const pair of SYSCALL_PAIRS) {
        if (pair.some((n) => members.has(n))) {
          // @process holds clone without fork's other spellings only if it holds them all.
          expect(pair.filter((n) => !members.has(n)), `${g} with ${pair.join('/')}`).toEqual([]);
        }
      }
    }
  });
});

describe('groups: resolved per arch', () => {
  for (const g of Object.keys(SYSCALL_GROUPS)) {
    it(`${g} decides every syscall number on x86_64, x86 and x32 as its listed syscalls do`, () => {
      const byGroup = compile(profileOf([g]), ctx);
      const byNames = compile(profileOf([...SYSCALL_GROUPS[g].syscalls]), ctx);
      const got = decisions(byGroup);
      expect(got).toEqual(decisions(byNames));
      // Not vacuous: on each ABI, every member that ABI numbers is refused, and nothing else is.
      for (const [arch, base] of ARCHES) {
        const numbered = new Set<number>();
        for (const name of SYSCALL_GROUPS[g].syscalls) {
          const nr = syscallNumberOn(name, archToken(arch));
          if (nr !== undefined && nr >= 0) numbered.add(nr);
        }
        for (const nr of numbered) expect(decide(byGroup, { syscall: nr, arch }), `${g} ${arch} ${nr}`).toEqual({ action: 'ERRNO', errno: EACCES });
        const refused = got.filter((l) => l.startsWith(`${arch} `) && l.includes('ERRNO')).length;
        expect(refused, `${g} on ${arch}`).toBeGreaterThanOrEqual(numbered.size);
        void base;
      }
    });
  }

  it('@network covers x86\'s socketcall and x86_64\'s socket; @file-write mkdir and mkdirat on all three', () => {
    const net = compile(profileOf(['@network']), ctx);
    expect(decide(net, { syscall: 'socketcall', arch: 'x86' })).toEqual({ action: 'ERRNO', errno: EACCES });
    expect(decide(net, { syscall: 'socket', arch: 'x86_64' })).toEqual({ action: 'ERRNO', errno: EACCES });
    expect(decide(net, { syscall: 'getpid', arch: 'x86' })).toEqual({ action: 'ALLOW' });
    const fw = compile(profileOf(['@file-write']), ctx);
    for (const arch of ['x86_64', 'x86', 'x32']) {
      for (const s of ['mkdir', 'mkdirat']) expect(decide(fw, { syscall: s, arch }), `${s} ${arch}`).toEqual({ action: 'ERRNO', errno: EACCES });
      expect(decide(fw, { syscall: 'openat', arch })).toEqual({ action: 'ALLOW' });
    }
  });
});
