// Evaluation of a valid profile in a context, as moby's setupSeccomp + runc's loader do it:
// includes/excludes, archMap, one rule per name, default-equal rules dropped, duplicate-index split.
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeccompError } from '../dist/errors.js';
import {
  ARCHES_BY_DOCKER,
  ARCHES_BY_SCMP,
  CAPABILITIES,
  capabilitiesFromMask,
  dockerArchName,
  resolveContext,
} from '../dist/profile/context.js';
import { parseJsonExact } from '../dist/profile/json.js';
import { resolveProfile } from '../dist/profile/resolve.js';
import type { ProfileContext, ResolvedProfile } from '../dist/profile/types.js';
import { hasShared, sharedDir } from './helpers/child.js';
import { NO_SHARED } from './helpers/oracle.js';

const ctx = (over: Partial<ProfileContext> = {}): ProfileContext => ({
  capabilities: [],
  arch: 'amd64',
  kernel: { major: 6, minor: 1 },
  ...over,
});
/** [syscall, action, data] of each resolved rule. */
const summary = (r: ResolvedProfile): unknown[] => r.rules.map((x) => [x.syscall, x.action, x.data]);
const names = (r: ResolvedProfile): string[] => r.rules.map((x) => x.syscall);

describe('resolveContext: bad input', () => {
  it('rejects wrong types with TypeError', () => {
    // @ts-expect-error: the wrong type on purpose
    expect(() => resolveContext(null)).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => resolveContext({ capabilities: 'CAP_SYS_ADMIN' })).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => resolveContext({ capabilities: [1] })).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => resolveContext({ arch: 64 })).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => resolveContext({ kernel: 6 })).toThrow(TypeError);
  });

  it('rejects unknown capabilities with ERR_SECCOMP_UNKNOWN_CAPABILITY', () => {
    expect(() => resolveContext({ capabilities: ['CAP_SYS_ADMN'] })).toThrow(/capabilities\[0\]: unknown capability "CAP_SYS_ADMN"/);
    expect(() => resolveContext({ capabilities: ['CAP_SYS_ADMN'] })).toThrow(
      expect.objectContaining({ name: 'SeccompError', code: 'ERR_SECCOMP_UNKNOWN_CAPABILITY' }),
    );
  });

  it('rejects bad kernel versions with RangeError', () => {
    expect(() => resolveContext({ kernel: 'six' })).toThrow(RangeError);
    expect(() => resolveContext({ kernel: { major: 6, minor: -1 } })).toThrow(RangeError);
    expect(() => resolveContext({ kernel: { major: 6.5, minor: 1 } })).toThrow(RangeError);
  });

  it('rejects an unknown arch with ERR_SECCOMP_UNKNOWN_ARCH', () => {
    expect(() => resolveContext({ arch: 'vax' })).toThrow(expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_ARCH' }));
    expect(() => resolveProfile({ defaultAction: 'SCMP_ACT_ALLOW' }, ctx({ arch: 'vax' }))).toThrow(SeccompError);
  });
});

describe('resolveContext: values', () => {
  it('normalises capability names (prefix optional, any case) and drops duplicates', () => {
    expect(resolveContext({ capabilities: ['sys_admin', 'CAP_syslog', 'CAP_SYS_ADMIN', ' bpf '] }).capabilities)
      .toEqual(['CAP_SYS_ADMIN', 'CAP_SYSLOG', 'CAP_BPF']);
  });

  it('knows all 41 capabilities, numbered as the kernel numbers them', () => {
    expect(CAPABILITIES).toHaveLength(41);
    expect(CAPABILITIES[21]).toBe('CAP_SYS_ADMIN');
    expect(capabilitiesFromMask((1n << 38n) | (1n << 39n) | (1n << 40n) | (1n << 41n) | (1n << 63n)))
      .toEqual(['CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE']);
    const all = capabilitiesFromMask(0x1fffeffffffn);
    expect(all).toHaveLength(40);
    expect(all).not.toContain('CAP_SYS_RESOURCE');
  });

  it('defaults capabilities to the set this thread can use (CapPrm), not its bounding set', () => {
    const line = /^CapPrm:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/thread-self/status', 'latin1'));
    expect(line).not.toBeNull();
    const mask = BigInt(`0x${line![1]}`);
    const caps = resolveContext().capabilities;
    for (let bit = 0; bit < 41; bit++) {
      expect(caps.includes(CAPABILITIES[bit])).toBe(((mask >> BigInt(bit)) & 1n) === 1n);
    }
  });

  it('accepts Docker, GOARCH, libseccomp and SCMP_ARCH_* arch names and gives Docker\'s', () => {
    const cases: [string, string][] = [
      ['amd64', 'amd64'], ['x86_64', 'amd64'], ['386', 'x86'], ['x86', 'x86'], ['aarch64', 'arm64'],
      ['arm64', 'arm64'], ['loongarch64', 'loong64'], ['loong64', 'loong64'], ['mips64le', 'mipsel64'],
      ['mips3l64n32', 'mipsel64n32'], ['ppc64le', 'ppc64le'], ['s390x', 's390x'], ['riscv64', 'riscv64'],
      ['SCMP_ARCH_X32', 'x32'],
    ];
    for (const [given, docker] of cases) expect(resolveContext({ arch: given }).arch).toBe(docker);
    expect(resolveContext().arch).toBe(process.arch === 'x64' ? 'amd64' : dockerArchName(process.arch));
  });

  it('maps every Docker arch to a libseccomp name and an SCMP_ARCH_* name and back', () => {
    expect(ARCHES_BY_DOCKER.size).toBe(23);
    for (const [docker, info] of ARCHES_BY_DOCKER) {
      expect(ARCHES_BY_SCMP.get(info.scmp)?.docker).toBe(docker);
      expect(dockerArchName(info.libseccomp)).toBe(docker);
    }
    expect(ARCHES_BY_DOCKER.get('amd64')).toEqual({ docker: 'amd64', libseccomp: 'x86_64', scmp: 'SCMP_ARCH_X86_64' });
  });

  it('takes the kernel as "major.minor", a uname release, or an object; defaults to uname', () => {
    expect(resolveContext({ kernel: '6.1' }).kernel).toEqual({ major: 6, minor: 1 });
    expect(resolveContext({ kernel: '5.10.0-21-amd64' }).kernel).toEqual({ major: 5, minor: 10 });
    expect(resolveContext({ kernel: { major: 4, minor: 19 } }).kernel).toEqual({ major: 4, minor: 19 });
    const [major, minor] = release().split('.').map((x) => parseInt(x, 10));
    expect(resolveContext().kernel).toEqual({ major, minor });
  });
});

describe('resolveProfile: includes and excludes', () => {
  // One rule needs a capability, another is dropped by one, a third is unconditional.
  const conditional = {
    defaultAction: 'SCMP_ACT_ERRNO',
    syscalls: [
      { names: ['getpid'], action: 'SCMP_ACT_ALLOW' },
      { names: ['syslog'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYSLOG'] } },
      { names: ['umount2'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN'] } },
    ],
  };

  it('moby\'s conditional case: no caps, CAP_SYSLOG, CAP_SYS_ADMIN', () => {
    expect(names(resolveProfile(conditional, ctx()))).toEqual(['getpid', 'umount2']);
    expect(names(resolveProfile(conditional, ctx({ capabilities: ['CAP_SYSLOG'] })))).toEqual(['getpid', 'syslog', 'umount2']);
    expect(names(resolveProfile(conditional, ctx({ capabilities: ['CAP_SYS_ADMIN'] })))).toEqual(['getpid']);
    expect(names(resolveProfile(conditional, ctx({ capabilities: ['CAP_SYS_ADMIN', 'CAP_SYSLOG'] })))).toEqual(['getpid', 'syslog']);
  });

  it('includes.caps needs every cap; excludes.caps drops on any', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['bpf'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN', 'CAP_BPF'] } },
        { names: ['perf_event_open'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_SYS_ADMIN', 'CAP_PERFMON'] } },
      ],
    };
    expect(names(resolveProfile(doc, ctx({ capabilities: ['CAP_BPF'] })))).toEqual(['perf_event_open']);
    expect(names(resolveProfile(doc, ctx({ capabilities: ['CAP_BPF', 'CAP_SYS_ADMIN'] })))).toEqual(['bpf']);
    expect(names(resolveProfile(doc, ctx({ capabilities: ['CAP_PERFMON'] })))).toEqual([]);
  });

  it('arches are compared in Docker\'s naming, including moby\'s own spellings', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
        { names: ['modify_ldt'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32', 'x86'] } },
        { names: ['clone'], action: 'SCMP_ACT_ALLOW', excludes: { arches: ['s390', 's390x'] } },
        { names: ['cacheflush'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['mips3l64n32', 'loongarch64'] } },
      ],
    };
    expect(names(resolveProfile(doc, ctx()))).toEqual(['arch_prctl', 'modify_ldt', 'clone']);
    expect(names(resolveProfile(doc, ctx({ arch: 'x86' })))).toEqual(['modify_ldt', 'clone']);
    expect(names(resolveProfile(doc, ctx({ arch: 's390x' })))).toEqual([]);
    expect(names(resolveProfile(doc, ctx({ arch: 'mipsel64n32' })))).toEqual(['clone', 'cacheflush']);
    expect(names(resolveProfile(doc, ctx({ arch: 'loong64' })))).toEqual(['clone', 'cacheflush']);
  });

  it('minKernel compares major.minor: includes needs at least, excludes drops at least', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
        { names: ['uselib'], action: 'SCMP_ACT_ALLOW', excludes: { minKernel: '5.10' } },
      ],
    };
    const at = (major: number, minor: number): string[] => names(resolveProfile(doc, ctx({ kernel: { major, minor } })));
    expect(at(4, 7)).toEqual(['uselib']);
    expect(at(4, 8)).toEqual(['ptrace', 'uselib']);
    expect(at(5, 9)).toEqual(['ptrace', 'uselib']);
    expect(at(5, 10)).toEqual(['ptrace']);
    expect(at(6, 0)).toEqual(['ptrace']);
    expect(at(3, 99)).toEqual(['uselib']);
  });

  it('every condition of includes must hold', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [{ names: ['reboot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_BOOT'], arches: ['arm64'], minKernel: '5.0' } }],
    };
    const ok = ctx({ capabilities: ['CAP_SYS_BOOT'], arch: 'arm64', kernel: { major: 5, minor: 0 } });
    expect(names(resolveProfile(doc, ok))).toEqual(['reboot']);
    expect(names(resolveProfile(doc, { ...ok, capabilities: [] }))).toEqual([]);
    expect(names(resolveProfile(doc, { ...ok, arch: 'amd64' }))).toEqual([]);
    expect(names(resolveProfile(doc, { ...ok, kernel: { major: 4, minor: 20 } }))).toEqual([]);
  });

  it('{} includes/excludes and null or [] args mean no condition', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', includes: {}, excludes: {}, args: [] },
        { names: ['write'], action: 'SCMP_ACT_ALLOW', includes: null, excludes: null, args: null },
      ],
    };
    expect(resolveProfile(doc, ctx()).rules).toEqual([
      { syscall: 'read', action: 'ALLOW', conditions: [], source: 'syscalls[0]' },
      { syscall: 'write', action: 'ALLOW', conditions: [], source: 'syscalls[1]' },
    ]);
  });
});

describe('resolveProfile: architectures', () => {
  const archMap = [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] },
  ];

  it('archMap: the first entry for the context arch, expanded with its sub-architectures', () => {
    const doc = { defaultAction: 'SCMP_ACT_ERRNO', archMap };
    expect(resolveProfile(doc, ctx())).toMatchObject({ arches: ['x86_64', 'x86', 'x32'], targetArch: 'x86_64' });
    expect(resolveProfile(doc, ctx({ arch: 'arm64' }))).toMatchObject({ arches: ['aarch64', 'arm'], targetArch: 'aarch64' });
    expect(resolveProfile(doc, ctx({ arch: 'riscv64' }))).toMatchObject({ arches: [], targetArch: 'riscv64' });
  });

  it('architectures are used as written (libseccomp names, duplicates once)', () => {
    const doc = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_X86'], archMap: [] };
    expect(resolveProfile(doc, ctx()).arches).toEqual(['x86', 'aarch64']);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO' }, ctx()).arches).toEqual([]);
  });
});

describe('resolveProfile: rules', () => {
  it('one rule per name in profile order, with the source path; legacy "name" works', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['write', 'read', 'write'], action: 'SCMP_ACT_ALLOW' },
        { name: 'close', action: 'SCMP_ACT_LOG', names: [] },
      ],
    };
    const r = resolveProfile(doc, ctx());
    expect(r.rules.map((x) => [x.syscall, x.source])).toEqual([
      ['write', 'syscalls[0]'], ['read', 'syscalls[0]'], ['write', 'syscalls[0]'], ['close', 'syscalls[1]'],
    ]);
  });

  it('maps actions: SCMP_ACT_KILL is KILL_THREAD; ERRNO and TRACE default to EPERM', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_KILL' },
        { names: ['write'], action: 'SCMP_ACT_KILL_THREAD' },
        { names: ['open'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['close'], action: 'SCMP_ACT_TRAP' },
        { names: ['stat'], action: 'SCMP_ACT_ERRNO' },
        { names: ['fstat'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['lstat'], action: 'SCMP_ACT_TRACE' },
        { names: ['poll'], action: 'SCMP_ACT_TRACE', errnoRet: 40000 },
        { names: ['lseek'], action: 'SCMP_ACT_LOG' },
        { names: ['mmap'], action: 'SCMP_ACT_ERRNO', errnoRet: 0 },
      ],
    };
    const r = resolveProfile(doc, ctx());
    expect(r.defaultAction).toBe('ALLOW');
    expect(r.defaultData).toBeUndefined();
    expect(summary(r)).toEqual([
      ['read', 'KILL_THREAD', undefined], ['write', 'KILL_THREAD', undefined], ['open', 'KILL_PROCESS', undefined],
      ['close', 'TRAP', undefined], ['stat', 'ERRNO', 1], ['fstat', 'ERRNO', 38], ['lstat', 'TRACE', 1], ['poll', 'TRACE', 40000],
      ['lseek', 'LOG', undefined], ['mmap', 'ERRNO', 0],
    ]);
    expect('data' in r.rules[0]).toBe(false);
  });

  it('defaultErrnoRet defaults to EPERM; Podman\'s defaultErrno/errno take names or numbers', () => {
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO' }, ctx()).defaultData).toBe(1);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_TRACE' }, ctx()).defaultData).toBe(1);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 }, ctx()).defaultData).toBe(38);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrno: 'ENOSYS' }, ctx()).defaultData).toBe(38);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, defaultErrno: 'ENOSYS' }, ctx()).defaultData).toBe(38);
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ERRNO', errno: 'EACCES' },
        { names: ['write'], action: 'SCMP_ACT_ERRNO', errno: 22, errnoRet: 22 },
      ],
    };
    expect(summary(resolveProfile(doc, ctx()))).toEqual([['read', 'ERRNO', 13], ['write', 'ERRNO', 22]]);
  });

  it('drops rules whose action and errno equal the default (libseccomp rejects them)', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ERRNO' },
        { names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }] },
        { names: ['open'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
        { names: ['close'], action: 'SCMP_ACT_ALLOW' },
        { names: ['stat'], action: 'SCMP_ACT_TRACE', errnoRet: 1 },
      ],
    };
    expect(summary(resolveProfile(doc, ctx()))).toEqual([['open', 'ERRNO', 38], ['close', 'ALLOW', undefined], ['stat', 'TRACE', 1]]);
    expect(names(resolveProfile({ ...doc, defaultErrnoRet: 38 }, ctx()))).toEqual(['read', 'write', 'close', 'stat']);
    const kill = {
      defaultAction: 'SCMP_ACT_KILL',
      syscalls: [{ names: ['read'], action: 'SCMP_ACT_KILL_THREAD' }, { names: ['write'], action: 'SCMP_ACT_KILL_PROCESS' }],
    };
    expect(names(resolveProfile(kill, ctx()))).toEqual(['write']);
    expect(names(resolveProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW' }] }, ctx()))).toEqual([]);
  });

  it('conditions: values are exact bigints up to 2^64-1; MASKED_EQ is mask = value, expected = valueTwo', () => {
    const text = `{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
      {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [
        {"index": 1, "value": 18446744073709551615, "valueTwo": 0, "op": "SCMP_CMP_LE"},
        {"index": 2, "value": 18446744073709551614, "valueTwo": 18446744073709551614, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["clone"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 2114060288, "op": "SCMP_CMP_MASKED_EQ"}]}
    ]}`;
    const r = resolveProfile(parseJsonExact(text), ctx());
    expect(r.rules.map((x) => x.conditions)).toEqual([
      [{ arg: 0, op: 'EQ', value: 4294967295n }],
      [
        { arg: 1, op: 'LE', value: 18446744073709551615n },
        { arg: 2, op: 'MASKED_EQ', value: 18446744073709551614n, valueTwo: 18446744073709551614n },
      ],
      [{ arg: 0, op: 'MASKED_EQ', value: 2114060288n, valueTwo: 0n }],
    ]);
    for (const rule of r.rules) for (const c of rule.conditions) expect(typeof c.value).toBe('bigint');
    // A bigint given in an object is taken as is.
    const big = resolveProfile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mprotect'], action: 'SCMP_ACT_ERRNO', args: [{ index: 5, value: 2n ** 64n - 1n, op: 'SCMP_CMP_GE' }] }] }, ctx());
    expect(big.rules[0].conditions).toEqual([{ arg: 5, op: 'GE', value: 0xffff_ffff_ffff_ffffn }]);
  });

  it('an argument index used twice splits every condition into its own rule (runc), with a warning', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [
        {
          names: ['socket', 'socketpair'],
          action: 'SCMP_ACT_ALLOW',
          args: [
            { index: 0, value: 1, op: 'SCMP_CMP_EQ' },
            { index: 2, value: 0, op: 'SCMP_CMP_EQ' },
            { index: 0, value: 2, op: 'SCMP_CMP_EQ' },
          ],
        },
        { names: ['mmap'], action: 'SCMP_ACT_ALLOW', args: [{ index: 2, value: 4, op: 'SCMP_CMP_NE' }, { index: 3, value: 1, op: 'SCMP_CMP_EQ' }] },
      ],
    };
    const r = resolveProfile(doc, ctx());
    const c = (arg: number, value: bigint, op = 'EQ'): unknown => [{ arg, op, value }];
    expect(r.rules.map((x) => [x.syscall, x.conditions])).toEqual([
      ['socket', c(0, 1n)], ['socket', c(2, 0n)], ['socket', c(0, 2n)],
      ['socketpair', c(0, 1n)], ['socketpair', c(2, 0n)], ['socketpair', c(0, 2n)],
      ['mmap', [{ arg: 2, op: 'NE', value: 4n }, { arg: 3, op: 'EQ', value: 1n }]],
    ]);
    expect(r.warnings).toEqual([{ path: 'syscalls[0].args', message: expect.stringMatching(/more than once.*own rule/) }]);
  });

  it('keeps flags (once each), flagsGiven, listenerPath and listenerMetadata; NOTIFY with a listener', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_ALLOW',
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
      listenerPath: '/run/agent.sock',
      listenerMetadata: 'meta',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    };
    const r = resolveProfile(doc, ctx());
    expect(r).toMatchObject({
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW', 'SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
      flagsGiven: true,
      listenerPath: '/run/agent.sock',
      listenerMetadata: 'meta',
    });
    expect(summary(r)).toEqual([['mkdir', 'NOTIFY', undefined]]);
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ALLOW', flags: [] }, ctx())).toMatchObject({ flags: [], flagsGiven: true });
    expect(resolveProfile({ defaultAction: 'SCMP_ACT_ALLOW', flags: null }, ctx())).toMatchObject({ flags: [], flagsGiven: false });
  });

  it('reads the OCI runtime-spec linux.seccomp object, alone or inside a full config', () => {
    const seccomp = {
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 38,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [{ names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' }],
    };
    const alone = resolveProfile(seccomp, ctx());
    const full = resolveProfile({ ociVersion: '1.1.0', process: { args: ['sh'] }, linux: { namespaces: [], seccomp } }, ctx());
    expect(alone.arches).toEqual(['x86_64', 'x86']);
    expect(full.rules.map((x) => x.source)).toEqual(['linux.seccomp.syscalls[0]', 'linux.seccomp.syscalls[0]']);
    expect({ ...full, rules: [] }).toEqual({ ...alone, rules: [] });
  });
});

describe('resolveProfile: reference profiles', () => {
  const read = (f: string): unknown => parseJsonExact(readFileSync(join(sharedDir, 'reference', f), 'utf8'));

  it('moby default.json: minKernel, caps and arch gates in the expected contexts', (t) => {
    t.skip(!hasShared, NO_SHARED);
    const doc = read('moby-default.json');
    const none = resolveProfile(doc, ctx());
    expect(none).toMatchObject({ defaultAction: 'ERRNO', defaultData: 1, arches: ['x86_64', 'x86', 'x32'], warnings: [] });
    const find = (r: ResolvedProfile, s: string): unknown[] => summary(r).filter((x) => (x as string[])[0] === s);
    expect(find(none, 'ptrace')).toEqual([['ptrace', 'ALLOW', undefined]]);
    expect(find(none, 'clone3')).toEqual([['clone3', 'ERRNO', 38]]);
    expect(find(none, 'arch_prctl')).toHaveLength(1);
    expect(find(none, 'syslog')).toEqual([]);
    expect(none.rules.filter((x) => x.syscall === 'clone').map((x) => x.conditions))
      .toEqual([[{ arg: 0, op: 'MASKED_EQ', value: 2114060288n, valueTwo: 0n }]]);
    expect(find(resolveProfile(doc, ctx({ kernel: { major: 4, minor: 7 } })), 'ptrace')).toEqual([]);
    const admin = resolveProfile(doc, ctx({ capabilities: ['CAP_SYS_ADMIN'] }));
    expect(find(admin, 'clone3')).toEqual([['clone3', 'ALLOW', undefined]]);
    expect(admin.rules.filter((x) => x.syscall === 'clone').map((x) => x.conditions)).toEqual([[]]);
    expect(find(resolveProfile(doc, ctx({ arch: 'arm64' })), 'arch_prctl')).toEqual([]);
  });

  it('containers-common seccomp.json: Podman errno names agree with errnoRet; ENOSYS default', (t) => {
    t.skip(!hasShared, NO_SHARED);
    const r = resolveProfile(read('containers-common-seccomp.json'), ctx());
    expect(r).toMatchObject({ defaultAction: 'ERRNO', defaultData: 38, warnings: [] });
    expect(r.rules.some((x) => x.action === 'ERRNO' && x.data === 1)).toBe(true);
  });

  it('Docker 20.10 default.json (it spells mipsel64n32 "mips3l64n32") resolves', (t) => {
    t.skip(!hasShared, NO_SHARED);
    expect(resolveProfile(read('docker-20.10.24-default.json'), ctx()).warnings).toEqual([]);
  });
});
