// Hostile profile input: names that exist on Object.prototype, NUL bytes, deep nesting,
// objects that are not plain data, getters that answer differently on each read, and profiles
// too large for the kernel. Each fails closed as a profile problem with its JSON path, and
// costs time linear in its size (the bench measures the time; here, the behaviour).
import { describe, expect, it } from 'vitest';
import { decide } from '../dist/decide.js';
import { ErrorCode, SeccompError } from '../dist/errors.js';
import { clearCompileCache, compile } from '../dist/profile/compile.js';
import { insnsLowerBound } from '../dist/profile/estimate.js';
import { MAX_DEPTH } from '../dist/profile/snapshot.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { thrown } from './helpers/thrown.js';

const opts = { cache: false, capabilities: [] as string[], arch: 'amd64' };

/** A rule list with one rule, the rest of the profile plain. */
const withRule = (rule: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  ...top,
  syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', ...rule }],
});

/** compile() must refuse `profile` as ERR_SECCOMP_PROFILE_INVALID with a problem at `path`. */
function refusedAt(profile: unknown, path: string | RegExp): SeccompError {
  const e = thrown(() => compile(profile as Record<string, unknown>, opts));
  expect(e, String(e?.stack ?? e)).toBeInstanceOf(SeccompError);
  expect(e.code).toBe(ErrorCode.PROFILE_INVALID);
  const paths = (e.problems ?? []).map((p: { path: string }) => p.path);
  if (typeof path === 'string') expect(paths).toContain(path);
  else expect(paths.some((p: string) => path.test(p)), paths.join(' ')).toBe(true);
  return e;
}

/** Nested `depth` levels: objects `{ a: ... }` or arrays `[...]`. */
function nested(depth: number, kind: 'object' | 'array'): unknown {
  let v: unknown = kind === 'object' ? {} : [];
  for (let i = 1; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

describe('bad input: names found on Object.prototype are unknown names', () => {
  const cases: [string, unknown, string][] = [
    ['defaultAction', { defaultAction: 'toString' }, 'defaultAction'],
    ['an action', withRule({ action: 'constructor' }), 'syscalls[0].action'],
    ['an operator', withRule({ args: [{ index: 0, value: 1, op: 'hasOwnProperty' }] }), 'syscalls[0].args[0].op'],
    ['includes.arches', withRule({ includes: { arches: ['constructor'] } }), 'syscalls[0].includes.arches[0]'],
    ['excludes.arches', withRule({ excludes: { arches: ['__proto__'] } }), 'syscalls[0].excludes.arches[0]'],
    ['includes.caps', withRule({ includes: { caps: ['valueOf'] } }), 'syscalls[0].includes.caps[0]'],
    ['an errno name', withRule({ errno: 'toString' }), 'syscalls[0].errno'],
    ['a flag', { defaultAction: 'SCMP_ACT_ALLOW', flags: ['constructor'] }, 'flags[0]'],
    ['an architecture', { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['toString'] }, 'architectures[0]'],
  ];
  for (const [what, profile, path] of cases) {
    it(`${what}: as an object and as JSON text`, () => {
      refusedAt(profile, path);
      refusedAt(JSON.stringify(profile), path);
    });
  }

  it('option names too: an arch named "constructor" is an unknown arch', () => {
    const e = thrown(() => compile('docker-default', { ...opts, arch: 'constructor' }));
    expect(e.code).toBe(ErrorCode.UNKNOWN_ARCH);
  });
});

describe('bad input: NUL inside a name', () => {
  const nul = (s: string) => `${s}\u0000x`;
  const cases: [string, unknown, string][] = [
    ['a syscall in names', withRule({ names: ['getpid', nul('mkdir')] }), 'syscalls[0].names[1]'],
    ['a syscall in name', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ name: nul('mkdir'), action: 'SCMP_ACT_ERRNO' }] }, 'syscalls[0].name'],
    ['an action', withRule({ action: nul('SCMP_ACT_ERRNO') }), 'syscalls[0].action'],
    ['defaultAction', { defaultAction: nul('SCMP_ACT_ALLOW') }, 'defaultAction'],
    ['an architecture', { defaultAction: 'SCMP_ACT_ALLOW', architectures: [nul('SCMP_ARCH_X86_64')] }, 'architectures[0]'],
    ['an includes arch', withRule({ includes: { arches: [nul('amd64')] } }), 'syscalls[0].includes.arches[0]'],
    ['a capability', withRule({ includes: { caps: [nul('CAP_SYS_ADMIN')] } }), 'syscalls[0].includes.caps[0]'],
    ['a flag', { defaultAction: 'SCMP_ACT_ALLOW', flags: [nul('SECCOMP_FILTER_FLAG_LOG')] }, 'flags[0]'],
    ['an errno name', withRule({ errno: nul('EPERM') }), 'syscalls[0].errno'],
  ];
  for (const [what, profile, path] of cases) {
    it(`${what}: refused, as an object and as JSON text`, () => {
      const e = refusedAt(profile, path);
      expect(e.message).toMatch(/NUL|unknown/);
      refusedAt(JSON.stringify(profile), path);
    });
  }

  it('decide(): the query is read once; a getter that throws is an argument error with a code', () => {
    const c = compile('docker-default', opts);
    let reads = 0;
    const flipping = { get syscall() { return reads++ ? Object.create(null) : 'getpid'; } };
    expect(decide(c, flipping as never)).toEqual({ action: 'ALLOW' });
    const e = thrown(() => decide(c, { syscall: 'mkdir', get args(): number[] { throw new Error('x'); } }));
    expect(e.code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('decide(): a syscall name with a NUL is unknown, not the name before it', () => {
    const c = compile('docker-default', opts);
    expect(thrown(() => decide(c, { syscall: 'mkdir\u0000x' })).code).toBe(ErrorCode.UNKNOWN_SYSCALL);
  });
});

describe('bad input: nesting', () => {
  for (const kind of ['object', 'array'] as const) {
    it(`a ${kind} 5000 deep inside an unknown key: refused with its path, object or text`, () => {
      const profile = { defaultAction: 'SCMP_ACT_ALLOW', junk: nested(5000, kind) };
      const at = kind === 'object' ? /^junk(\.a)+$/ : /^junk(\[0\])+$/;
      const e = refusedAt(profile, at);
      expect(e.message).toContain(`deeper than ${MAX_DEPTH}`);
      refusedAt(`{"defaultAction":"SCMP_ACT_ALLOW","junk":${kind === 'object' ? '{"a":'.repeat(4999) + '{}' + '}'.repeat(4999) : '['.repeat(5000) + ']'.repeat(5000)}}`, at);
    });
  }

  it('the limit is the same for objects and text: 512 levels pass, 513 do not', () => {
    // The profile itself is level 1.
    const ok = { defaultAction: 'SCMP_ACT_ALLOW', junk: nested(MAX_DEPTH - 1, 'array') };
    expect(compile(ok, opts).warnings.some((w) => w.path === 'junk')).toBe(true);
    expect(compile(JSON.stringify(ok), opts).defaultAction).toBe('ALLOW');
    const deep = { defaultAction: 'SCMP_ACT_ALLOW', junk: nested(MAX_DEPTH, 'array') };
    refusedAt(deep, /^junk/);
    refusedAt(JSON.stringify(deep), /^junk/);
  });

  it('a cycle is refused with the path where it closes', () => {
    const rule: Record<string, unknown> = { names: ['mkdir'], action: 'SCMP_ACT_ERRNO' };
    rule.self = { back: rule };
    refusedAt({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [rule] }, 'syscalls[0].self.back');
  });

  it('a shared (acyclic) object is fine', () => {
    const includes = { caps: ['CAP_SYS_ADMIN'] };
    const p = { defaultAction: 'SCMP_ACT_ERRNO', syscalls: [
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes },
      { names: ['umount2'], action: 'SCMP_ACT_ALLOW', includes },
    ] };
    expect(compile(p, { ...opts, capabilities: ['CAP_SYS_ADMIN'] }).rules.map((r) => r.syscall)).toEqual(['mount', 'umount2']);
  });
});

describe('bad input: values that are not JSON data', () => {
  const bare = () => Object.create(null) as Record<string, unknown>;
  const cases: [string, () => unknown, string][] = [
    ['a null-prototype object as defaultAction', () => ({ defaultAction: bare() }), 'defaultAction'],
    ['a null-prototype object as an action', () => withRule({ action: bare() }), 'syscalls[0].action'],
    ['a null-prototype object as errnoRet', () => withRule({ errnoRet: bare() }), 'syscalls[0].errnoRet'],
    ['a null-prototype object as a value', () => withRule({ args: [{ index: 0, value: bare(), op: 'SCMP_CMP_EQ' }] }), 'syscalls[0].args[0].value'],
    ['a symbol', () => ({ defaultAction: Symbol('SCMP_ACT_ALLOW') }), 'defaultAction'],
    ['a function', () => withRule({ names: () => ['mkdir'] }), 'syscalls[0].names'],
    ['a bigint where a string is expected', () => withRule({ includes: { minKernel: 5n } }), 'syscalls[0].includes.minKernel'],
    ['a bigint errno that disagrees', () => withRule({ errnoRet: 1, errno: 2n }), 'syscalls[0].errno'],
    ['a getter that throws', () => {
      const p = withRule({});
      Object.defineProperty(p.syscalls[0], 'action', { enumerable: true, get() { throw new Error('boom'); } });
      return p;
    }, 'syscalls[0].action'],
    ['a Proxy whose keys throw', () => ({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [new Proxy({}, { ownKeys() { throw new Error('no'); } })] }), 'syscalls[0]'],
    ['a revoked Proxy', () => {
      const r = Proxy.revocable({}, {});
      r.revoke();
      return withRule({ includes: r.proxy });
    }, 'syscalls[0].includes'],
    ['a getter that throws a non-Error', () => ({ get defaultAction() { throw Symbol('x'); } }), 'defaultAction'],
  ];
  for (const [what, make, path] of cases) {
    it(`${what}: a profile problem at ${path}`, () => {
      refusedAt(make(), path);
    });
  }

  it('undefined values are absent, as null is (found by the fuzzer: they used to throw a bare TypeError)', () => {
    const p = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: undefined,
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86'] }],
      syscalls: [{ name: 'mkdir', names: undefined, action: 'SCMP_ACT_ERRNO', args: undefined }],
    };
    const c = compile(p, opts);
    expect(c.arches).toEqual(['x86_64', 'x86']);
    expect(decide(c, { syscall: 'mkdir' }).action).toBe('ERRNO');
  });

  it('a revoked Proxy as the whole profile: a profile problem, not a bare TypeError', () => {
    const r = Proxy.revocable({}, {});
    r.revoke();
    refusedAt(r.proxy, '');
  });

  it('bad options are TypeError/RangeError with a code; a throwing getter too', () => {
    const e1 = thrown(() => compile('docker-default', { get strict(): boolean { throw new Error('x'); } }));
    expect(e1).toBeInstanceOf(TypeError);
    expect(e1.code).toBe('ERR_INVALID_ARG_TYPE');
    const e2 = thrown(() => compile('docker-default', { optimize: 3 as 1 }));
    expect(e2).toBeInstanceOf(RangeError);
    expect(e2.code).toBe('ERR_OUT_OF_RANGE');
    const e3 = thrown(() => compile('docker-default', { capabilities: new Proxy([], { get() { throw new Error('x'); } }) }));
    expect(e3.code).toBe('ERR_INVALID_ARG_TYPE');
  });
});

describe('the compile cache: one read of the input', () => {
  it('a profile whose getters answer differently on each read cannot give an honest profile the wrong program', () => {
    clearCompileCache();
    const honest = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
    const loose = [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }];
    let reads = 0;
    const flipping = {
      defaultAction: 'SCMP_ACT_ALLOW',
      get syscalls() {
        return reads++ % 2 === 0 ? honest.syscalls : loose;
      },
    };
    const o = { capabilities: [], arch: 'amd64' };
    const f = compile(flipping, o);
    // Whatever it read, its program and its hash describe the same document.
    const fAgain = compile(JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: reads % 2 === 1 ? honest.syscalls : loose }), { ...o, cache: false });
    expect(f.hash).toBe(fAgain.hash);
    expect(f.bpf.equals(fAgain.bpf)).toBe(true);
    expect(reads).toBe(1);
    // The honest profile, compiled after it with the cache on, still denies mkdir.
    const h = compile(honest, o);
    expect(decide(h, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: 1 });
    expect(decide(h, { syscall: 'getpid' })).toEqual({ action: 'ALLOW' });
  });
});

describe('size: identical rules and profiles too large for the kernel', () => {
  it('identical rules are dropped before libseccomp: the same program as without them', () => {
    const base = [
      { names: ['mkdir', 'rmdir'], action: 'SCMP_ACT_ERRNO' },
      { names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: 0x5401, op: 'SCMP_CMP_EQ' }] },
      { names: ['personality'], action: 'SCMP_ACT_TRAP', args: [{ index: 0, value: 8, op: 'SCMP_CMP_NE' }] },
    ];
    const dups = [...base, base[1], { names: ['rmdir', 'mkdir'], action: 'SCMP_ACT_ERRNO' }, base[2], ...Array.from({ length: 50 }, () => base[0])];
    for (const o of [{}, { specialize: false }, { optimize: 1 as const }, { optimize: 2 as const }]) {
      // optimize is pinned: runc's default depends on the number of rules before deduplication.
      const pin = { ...opts, optimize: 2 as const, ...o };
      const a = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: base }, pin);
      const b = compile({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: dups }, pin);
      expect(b.bpf.equals(a.bpf), JSON.stringify(o)).toBe(true);
      expect(b.rules.map((r) => r.syscall)).toEqual(['mkdir', 'rmdir', 'ioctl', 'personality']);
    }
  });

  it('thousands of distinct argument comparisons: ERR_SECCOMP_PROFILE_TOO_LARGE before libseccomp', () => {
    const syscalls = Array.from({ length: 10_000 }, (_, i) => ({
      names: ['ioctl'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 1, value: i * 3, op: 'SCMP_CMP_EQ' }],
    }));
    const e = thrown(() => compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls }, opts));
    expect(e).toBeInstanceOf(SeccompError);
    expect(e.code).toBe(ErrorCode.PROFILE_TOO_LARGE);
    expect(e.message).toMatch(/at least \d+ BPF instructions.*4096/);
  });

  it('too large only once built (the estimate cannot see it): the same code from the exact check', () => {
    // Values that differ only in their high words: the estimate counts them once. (ioctl's
    // third argument is 64 bits wide to the kernel, so narrowArgs keeps the high words.)
    const syscalls = Array.from({ length: 2100 }, (_, i) => ({
      names: ['ioctl'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 2, value: (BigInt(i) << 32n) | 5n, op: 'SCMP_CMP_EQ' }],
    }));
    const e = thrown(() => compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls }, opts));
    expect(e.code).toBe(ErrorCode.PROFILE_TOO_LARGE);
    expect(e.message).toMatch(/needs \d+ BPF instructions/);
  });

  it('a syscall with more argument rules than the evaluator can follow: coded errors or the program as built, never a stack overflow', () => {
    const rules = (n: number) => ({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: Array.from({ length: n }, (_, i) => ({
        names: ['fcntl'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }, { index: 1, value: i % 7, op: 'SCMP_CMP_NE' }],
      })),
    });
    const docker = { ...opts, arch: 'amd64', narrowArgs: false, multiplexers: false };
    // narrowArgs cannot derive fcntl's code: it says so, and how to compile anyway.
    const e = thrown(() => compile(rules(700), { ...opts, arch: 'amd64' }));
    expect(e).toBeInstanceOf(SeccompError);
    expect(e.code).toBe(ErrorCode.UNSUPPORTED);
    expect(e.message).toMatch(/narrowArgs: false/);
    expect(thrown(() => compile(rules(700), docker)).code).toBe(ErrorCode.PROFILE_TOO_LARGE);
    // The specialiser cannot follow 500 rules either: it leaves the program as built.
    const built = compile(rules(500), docker);
    expect(built.bpf.length).toBe(compile(rules(500), { ...docker, specialize: false }).bpf.length);
  });

  it('the estimate never exceeds the real program (docker-default on several arches, argument-heavy profiles)', () => {
    const heavy = {
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        ...Array.from({ length: 300 }, (_, i) => ({
          names: ['ioctl', 'fcntl', 'read'],
          action: 'SCMP_ACT_ALLOW',
          args: [{ index: 0, value: i, op: 'SCMP_CMP_EQ' }, { index: 2, value: i * 7, op: i % 2 ? 'SCMP_CMP_GE' : 'SCMP_CMP_MASKED_EQ', valueTwo: 0 }],
        })),
        ...Array.from({ length: 200 }, (_, i) => ({ names: ['write'], action: 'SCMP_ACT_TRAP', args: [{ index: 1, value: i, op: 'SCMP_CMP_LT' }] })),
        { names: ['mprotect'], action: 'SCMP_ACT_LOG', args: [{ index: 2, value: 4, op: 'SCMP_CMP_MASKED_EQ', valueTwo: 4 }] },
      ],
    };
    const cases: [string, unknown, string][] = [
      ['docker-default', builtinProfile('docker-default'), 'amd64'],
      ['docker-default', builtinProfile('docker-default'), 'arm64'],
      ['docker-default', builtinProfile('docker-default'), 'x86'],
      ['heavy', heavy, 'amd64'],
    ];
    for (const [name, p, arch] of cases) {
      const c = compile(p as Record<string, unknown>, { ...opts, arch, enosys: false, specialize: false, newSyscalls: false, narrowArgs: false, multiplexers: false });
      const real = c.bpf.length / 8;
      const est = insnsLowerBound(c.rules);
      expect(est, `${name} on ${arch}: ${est} <= ${real}`).toBeLessThanOrEqual(real);
      expect(est).toBeGreaterThan(3);
    }
  });
});
