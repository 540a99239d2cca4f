// diff() and merge(): bad input first; then identical profiles, one changed rule, argument-
// dependent differences (socket families), Docker's two defaults from ../shared/reference, and
// merges checked with diff against each input in the direction that must hold.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff, type ProfileDiff } from '../dist/diff/diff.js';
import { formatDiff } from '../dist/diff/format.js';
import { merge, permissiveness } from '../dist/diff/merge.js';
import { jsonText } from '../dist/export/json-text.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { compile } from '../dist/profile/compile.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { hasShared, sharedDir } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';

const ctx = { capabilities: ['CAP_CHOWN', 'CAP_SETUID'], arch: 'amd64', kernel: '6.1', cache: false as const };
const c = (p: unknown, extra = {}) => compile(p as Record<string, unknown>, { ...ctx, ...extra });
const allowAll = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] };
const denyMkdir = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
const ref = (name: string) => join(sharedDir, 'reference', name);

describe('diff/merge: bad input', () => {
  it('refuses what is not a compiled profile, unknown arches and bad merge modes, with codes', () => {
    const a = c(allowAll);
    expect(thrown(() => diff(null as unknown as CompiledProfile, a)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => diff(a, { unconfined: 'no' } as unknown as CompiledProfile)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => diff(a, { ...a, bpf: Buffer.alloc(3) })).code).toMatch(/ERR_OUT_OF_RANGE|ERR_SECCOMP_LOAD/);
    expect(thrown(() => diff(a, a, { arches: ['vax'] })).code).toBe('ERR_SECCOMP_UNKNOWN_ARCH');
    expect(thrown(() => diff(a, a, { arches: 'x86_64' as unknown as string[] })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => merge([], 'union')).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => merge([a], 'both' as 'union')).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => merge([a, compile(allowAll, { ...ctx, arch: 'arm64' })], 'union')).code).toBe('ERR_SECCOMP_MERGE');
  });
});

describe('diff', () => {
  it('finds no difference between a profile and itself, nor between two spellings of the same rules', () => {
    const d = diff(c('docker-default'), c('docker-default'));
    expect(d).toMatchObject({ same: true, exact: true, differences: [] });
    expect(d.arches).toEqual(['x86_64', 'x86', 'x32']);
    const reordered = { ...denyMkdir, syscalls: [{ ...denyMkdir.syscalls[0], names: ['mkdirat', 'mkdir'] }] };
    expect(diff(c(denyMkdir), c(reordered)).same).toBe(true);
    expect(formatDiff(d)).toMatch(/^no differences/);
  });

  it('reports exactly the one syscall whose rule changed, on each arch', () => {
    const base = builtinProfile('docker-default')!;
    const changed = structuredClone(base) as { syscalls: { names: string[] }[] };
    const at = changed.syscalls.findIndex((s) => s.names.includes('mkdirat'));
    changed.syscalls[at].names = changed.syscalls[at].names.filter((n) => n !== 'mkdirat');
    const d = diff(c(base), c(changed));
    expect(d.same).toBe(false);
    expect(d.differences.map((x) => [x.arch, x.syscall])).toEqual([['x86_64', 'mkdirat'], ['x86', 'mkdirat'], ['x32', 'mkdirat']]);
    expect(d.differences[0]).toMatchObject({ nr: 258, a: [{ action: 'ALLOW' }], b: [{ action: 'ERRNO', errno: 1 }] });
    expect(diff(c(base), c(changed), { arches: ['amd64'] }).differences).toHaveLength(1);
  });

  it('summarises argument-dependent differences: socket families, single values and ranges', () => {
    const vsock = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] }] };
    const d = diff(c(vsock), c(allowAll));
    expect(d.differences).toHaveLength(1);
    expect(d.differences[0]).toMatchObject({
      syscall: 'socket',
      args: [{ args: [{ index: 0, value: 40n }], a: { action: 'ERRNO', errno: 1 }, b: { action: 'ALLOW' } }],
    });
    expect(d.differences[0].a).toHaveLength(2);
    expect(formatDiff(d)).toContain('socket: arg0 = 40 (AF_VSOCK): A returns EPERM, B allows');

    const from38 = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_KILL_PROCESS', args: [{ index: 0, value: 38, op: 'SCMP_CMP_GE' }] }] };
    const r = diff(c(vsock), c(from38));
    expect(r.differences[0].args).toEqual([
      { args: [{ index: 0, value: 38n, upTo: 39n }], a: { action: 'ALLOW' }, b: { action: 'KILL_PROCESS' } },
      { args: [{ index: 0, value: 40n }], a: { action: 'ERRNO', errno: 1 }, b: { action: 'KILL_PROCESS' } },
      { args: [{ index: 0, value: 41n, upTo: 0xffffffffn }], a: { action: 'ALLOW' }, b: { action: 'KILL_PROCESS' } },
    ]);
  });

  it('moby default v0.2.3 vs Docker 20.10.24: AF_ALG/AF_VSOCK, io_uring, pkeys, the newest syscalls', (t) => {
    t.skip(!hasShared, NO_SHARED);
    const opts = { unknownSyscalls: 'ignore' };
    const d = diff(c(ref('moby-default.json'), opts), c(ref('docker-20.10.24-default.json'), opts), { arches: ['x86_64'] });
    const by = new Map(d.differences.map((x) => [x.syscall, x]));
    expect(by.get('socket')?.args?.map((g) => [g.args[0].value, g.a.action, g.b.action])).toEqual([
      [38n, 'ERRNO', 'ALLOW'],
      [40n, 'ERRNO', 'ALLOW'],
    ]);
    expect(by.get('io_uring_setup')).toMatchObject({ a: [{ action: 'ERRNO', errno: 1 }], b: [{ action: 'ALLOW' }] });
    expect(by.get('pkey_alloc')).toMatchObject({ a: [{ action: 'ALLOW' }], b: [{ action: 'ERRNO', errno: 1 }] });
    // Newer than 20.10.24's profile: its ENOSYS stub answers; v0.2.3 allows them.
    expect(by.get('mseal')).toMatchObject({ a: [{ action: 'ALLOW' }], b: [{ action: 'ERRNO', errno: 38 }] });
    expect(by.has('read')).toBe(false);
  });
});

/** Differences where `m` is stricter (union) or more permissive (intersect) than the input. */
function wrongWay(d: ProfileDiff, mode: 'union' | 'intersect') {
  return d.differences.filter((x) => {
    const pairs = x.args ? x.args.map((g) => [g.a, g.b]) : [[x.a[0], x.b[0]]];
    return pairs.some(([m, y]) => (mode === 'union' ? permissiveness(m) < permissiveness(y) : permissiveness(m) > permissiveness(y)));
  });
}

describe('merge', () => {
  // One arch: a profile names syscalls, not (arch, number), and the ENOSYS stub starts at a
  // different syscall on each arch, so a merge can need per-arch rules it cannot write.
  const architectures = ['SCMP_ARCH_X86_64'];
  const persona = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures, syscalls: [{ names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] }, { names: ['getppid'], action: 'SCMP_ACT_ALLOW' }] };
  const vsock = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures, syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] }, { names: ['getpid', 'mkdir'], action: 'SCMP_ACT_ALLOW' }] };
  const strict = { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures, syscalls: [{ names: ['getpid', 'getppid'], action: 'SCMP_ACT_ALLOW' }, { names: ['mkdir'], action: 'SCMP_ACT_KILL_PROCESS' }] };

  for (const mode of ['union', 'intersect'] as const) {
    it(`${mode}: the result is ${mode === 'union' ? 'at least as permissive' : 'at least as strict'} as every input, and equal to one of them per syscall`, () => {
      const inputs = [c(persona), c(vsock), c(strict)];
      const m = c(JSON.parse(jsonText(merge(inputs, mode))));
      for (const input of inputs) {
        const d = diff(m, input);
        expect(d.differences.length).toBeGreaterThan(0);
        expect(wrongWay(d, mode)).toEqual([]);
      }
      const at = (p: CompiledProfile, syscall: string, args: number[] = []) => decideOf(p, syscall, args);
      expect(at(m, 'mkdir')).toBe(mode === 'union' ? 'ALLOW' : 'KILL_PROCESS');
      expect(at(m, 'getppid')).toBe(mode === 'union' ? 'ALLOW' : 'ERRNO');
      expect(at(m, 'socket', [40])).toBe('ERRNO');
      expect(at(m, 'socket', [2])).toBe(mode === 'union' ? 'ALLOW' : 'ERRNO');
      expect(at(m, 'personality', [8])).toBe(mode === 'union' ? 'ALLOW' : 'ERRNO');
      expect(at(m, 'personality', [9])).toBe('ERRNO');
    });
  }

  it('refuses (ERR_SECCOMP_MERGE) an argument rule the inputs answer differently on two arches', () => {
    expect(thrown(() => merge([c('docker-default'), c(vsock)], 'union')).code).toBe('ERR_SECCOMP_MERGE');
  });

  it('union with the unconfined profile allows everything; a merge of one profile decides as it does', () => {
    const u = c(JSON.parse(jsonText(merge([c('docker-default'), compile('unconfined', ctx)], 'union'))));
    expect(diff(u, compile('unconfined', ctx)).same).toBe(true);
    const one = c(JSON.parse(jsonText(merge([c('docker-default')], 'intersect'))));
    expect(diff(one, c('docker-default')).same).toBe(true);
  });
});

import { decide } from '../dist/decide.js';
import { NO_SHARED } from './helpers/oracle.js';
function decideOf(p: CompiledProfile, syscall: string, args: number[]): string {
  return decide(p, { syscall, args, arch: 'x86_64' }).action;
}
