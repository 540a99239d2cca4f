// Profile validation: every bad input is one ERR_SECCOMP_PROFILE_INVALID naming the JSON path of
// each problem, in the message and in `problems`. Unknown keys are warnings.
import { describe, expect, it } from 'vitest';
import { SeccompError, type ProfileProblem } from '../dist/errors.js';
import { parseJsonExact } from '../dist/profile/json.js';
import { resolveProfile } from '../dist/profile/resolve.js';
import type { ProfileContext } from '../dist/profile/types.js';

const ctx: ProfileContext = { capabilities: [], arch: 'amd64', kernel: { major: 6, minor: 1 } };

/** A valid rule to build bad ones from. */
const rule = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  names: ['getpid'],
  action: 'SCMP_ACT_ALLOW',
  ...extra,
});
const profile = (extra: Record<string, unknown> = {}, rules: unknown[] = [rule()]): Record<string, unknown> => ({
  defaultAction: 'SCMP_ACT_ERRNO',
  syscalls: rules,
  ...extra,
});

function problems(doc: unknown): { error: SeccompError; problems: ProfileProblem[] } {
  try {
    resolveProfile(doc, ctx);
  } catch (e) {
    expect(e).toBeInstanceOf(SeccompError);
    const error = e as SeccompError;
    expect(error.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(Array.isArray(error.problems)).toBe(true);
    return { error, problems: error.problems as ProfileProblem[] };
  }
  throw new Error('the profile was accepted');
}

/** Asserts that `doc` is rejected with a problem at `path` whose message matches `re`. */
function expectProblem(doc: unknown, path: string, re: RegExp): void {
  const { error, problems: list } = problems(doc);
  const hit = list.find((p) => p.path === path);
  expect(hit, `no problem at ${path}; got ${JSON.stringify(list)}`).toBeDefined();
  expect(hit!.message).toMatch(re);
  expect(error.message).toContain(`${path}: `);
}

describe('profile validation: errors', () => {
  it('a profile that is not an object', () => {
    for (const doc of [null, [], 'x', 42]) expectProblem(doc, '', /must be a JSON object/);
  });

  it('unknown defaultAction', () => {
    expectProblem(profile({ defaultAction: 'SCMP_ACT_DENY' }), 'defaultAction', /unknown action "SCMP_ACT_DENY"/);
  });

  it('unknown rule action (names are case-sensitive, as in Docker)', () => {
    expectProblem(profile({}, [rule({ action: 'scmp_act_allow' })]), 'syscalls[0].action', /unknown action/);
  });

  it('missing rule action', () => {
    expectProblem(profile({}, [{ names: ['getpid'] }]), 'syscalls[0].action', /missing action/);
  });

  it('unknown operator', () => {
    const doc = profile({}, [rule({ args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQUAL' }] })]);
    expectProblem(doc, 'syscalls[0].args[0].op', /unknown operator "SCMP_CMP_EQUAL"/);
  });

  it('unknown architecture in architectures', () => {
    expectProblem(profile({ architectures: ['SCMP_ARCH_X86_64', 'x86_64'] }), 'architectures[1]', /unknown architecture "x86_64".*did you mean SCMP_ARCH_X86_64/);
  });

  it('unknown architecture in archMap', () => {
    const doc = profile({ archMap: [{ architecture: 'SCMP_ARCH_AMD64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_I386'] }] });
    const { problems: list } = problems(doc);
    expect(list.map((p) => p.path)).toEqual(['archMap[0].architecture', 'archMap[0].subArchitectures[1]']);
  });

  it('unknown arch in includes/excludes.arches, and a libseccomp name that Docker would never match', () => {
    expectProblem(profile({}, [rule({ includes: { arches: ['amd65'] } })]), 'syscalls[0].includes.arches[0]', /unknown arch "amd65"/);
    expectProblem(profile({}, [rule({ excludes: { arches: ['x86_64'] } })]), 'syscalls[0].excludes.arches[0]', /never matches.*"amd64"/);
  });

  it('unknown flag', () => {
    expectProblem(profile({ flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_NEW_LISTENER'] }), 'flags[1]', /unknown flag/);
  });

  it('index above 5', () => {
    expectProblem(profile({}, [rule({ args: [{ index: 6, value: 0, op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].index', /index 6 is out of range/);
  });

  it('negative number', () => {
    expectProblem(profile({}, [rule({ args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].value', /must not be negative/);
    expectProblem(profile({}, [rule({ args: [{ index: -1, value: 0, op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].index', /must not be negative/);
  });

  it('fractional number', () => {
    expectProblem(parseJsonExact('{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1.5,"op":"SCMP_CMP_EQ"}]}]}'), 'syscalls[0].args[0].value', /must be an integer, got 1.5/);
    expectProblem(profile({ defaultErrnoRet: 1e300 }), 'defaultErrnoRet', /not exact|out of range/);
  });

  it('non-integer types for numbers', () => {
    expectProblem(profile({}, [rule({ args: [{ index: 0, value: '0x10', op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].value', /must be an integer, got a string/);
    expectProblem(profile({}, [rule({ args: [{ index: true, value: 1, op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].index', /must be an integer, got a boolean/);
  });

  it('out-of-range numbers: above 2^64-1, or unsafe JS numbers that are not exact', () => {
    const text = '{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":18446744073709551616,"op":"SCMP_CMP_EQ"}]}]}';
    expectProblem(parseJsonExact(text), 'syscalls[0].args[0].value', /out of range/);
    expectProblem(profile({}, [rule({ args: [{ index: 0, value: 2 ** 60, op: 'SCMP_CMP_EQ' }] })]), 'syscalls[0].args[0].value', /not exact.*bigint/);
    expectProblem(profile({}, [rule({ args: [{ index: 0, value: 1n, valueTwo: -1n, op: 'SCMP_CMP_MASKED_EQ' }] })]), 'syscalls[0].args[0].valueTwo', /negative/);
  });

  it('errno of 4096 or more', () => {
    expectProblem(profile({}, [rule({ action: 'SCMP_ACT_ERRNO', errnoRet: 4096 })]), 'syscalls[0].errnoRet', /below 4096/);
    expectProblem(profile({ defaultErrnoRet: 5000 }), 'defaultErrnoRet', /below 4096/);
    expectProblem(profile({}, [rule({ action: 'SCMP_ACT_TRACE', errnoRet: 65536 })]), 'syscalls[0].errnoRet', /at most 65535/);
  });

  it('errnoRet on an action other than ERRNO or TRACE', () => {
    expectProblem(profile({}, [rule({ errnoRet: 1 })]), 'syscalls[0].errnoRet', /only for SCMP_ACT_ERRNO and SCMP_ACT_TRACE.*SCMP_ACT_ALLOW/);
    expectProblem(profile({ defaultAction: 'SCMP_ACT_KILL', defaultErrnoRet: 1 }), 'defaultErrnoRet', /only for SCMP_ACT_ERRNO/);
  });

  it('Podman errno names: unknown name, or disagreeing with errnoRet', () => {
    expectProblem(profile({}, [rule({ action: 'SCMP_ACT_ERRNO', errno: 'EPERMS' })]), 'syscalls[0].errno', /unknown errno name "EPERMS"/);
    expectProblem(profile({ defaultErrnoRet: 38, defaultErrno: 'EPERM' }), 'defaultErrno', /disagrees with defaultErrnoRet 38/);
    expectProblem(profile({}, [rule({ errno: 'EPERM' })]), 'syscalls[0].errno', /only for SCMP_ACT_ERRNO/);
  });

  it('name together with names', () => {
    expectProblem(profile({}, [rule({ name: 'getppid' })]), 'syscalls[0].name', /"name" and "names" are both given/);
  });

  it('architectures together with archMap', () => {
    const doc = profile({ architectures: ['SCMP_ARCH_X86'], archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }] });
    expectProblem(doc, 'archMap', /"architectures" and "archMap" are both given/);
  });

  it.each([
    ['4', /expected "<kernel>.<major>"/],
    ['4.8.1', /expected "<kernel>.<major>"/],
    ['256.1', /each 0-255/],
    ['4.256', /each 0-255/],
    ['+4.8', /expected/],
    ['a.b', /expected/],
    ['0.0', /cannot be 0.0/],
  ])('bad minKernel %j (Docker\'s rule)', (mk, re) => {
    expectProblem(profile({}, [rule({ includes: { minKernel: mk } })]), 'syscalls[0].includes.minKernel', re);
  });

  it('minKernel that is not a string', () => {
    expectProblem(profile({}, [rule({ excludes: { minKernel: 4.8 } })]), 'syscalls[0].excludes.minKernel', /must be a string/);
  });

  it('a rule with no names', () => {
    for (const r of [{ action: 'SCMP_ACT_ALLOW' }, rule({ names: [] }), rule({ names: null }), { name: '', action: 'SCMP_ACT_ALLOW' }]) {
      expectProblem(profile({}, [r]), 'syscalls[0]', /names no syscall/);
    }
  });

  it('an empty syscall name', () => {
    expectProblem(profile({}, [rule({ names: ['getpid', ''] })]), 'syscalls[0].names[1]', /empty syscall name/);
  });

  it('a null rule', () => {
    expectProblem(profile({}, [rule(), null]), 'syscalls[1]', /must be an object, got null/);
  });

  it('a null or non-object condition', () => {
    expectProblem(profile({}, [rule({ args: [null] })]), 'syscalls[0].args[0]', /must be an object, got null/);
  });

  it('a condition without index, value or op', () => {
    const { problems: list } = problems(profile({}, [rule({ args: [{}] })]));
    expect(list.map((p) => p.path)).toEqual(['syscalls[0].args[0].index', 'syscalls[0].args[0].value', 'syscalls[0].args[0].op']);
  });

  it('missing defaultAction when there are rules', () => {
    expectProblem({ syscalls: [rule()] }, 'defaultAction', /missing defaultAction \(required when there are syscalls rules\)/);
    expectProblem({ defaultAction: '', syscalls: [rule()] }, 'defaultAction', /missing defaultAction/);
  });

  it('no defaultAction and no rules: Docker would load no filter, we ask for "unconfined"', () => {
    expectProblem({}, 'defaultAction', /unconfined/);
  });

  it('NOTIFY with no listenerPath to receive it', () => {
    expectProblem(profile({}, [rule({ action: 'SCMP_ACT_NOTIFY' })]), 'syscalls[0].action', /needs a listenerPath/);
    expectProblem(profile({ listenerPath: '' }, [rule({ action: 'SCMP_ACT_NOTIFY' })]), 'syscalls[0].action', /needs a listenerPath/);
  });

  it('NOTIFY as the default action, or for write (runc refuses both)', () => {
    expectProblem(profile({ defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/run/l.sock' }), 'defaultAction', /cannot be the default action/);
    const doc = profile({ listenerPath: '/run/l.sock' }, [rule({ names: ['read', 'write'], action: 'SCMP_ACT_NOTIFY' })]);
    expectProblem(doc, 'syscalls[0].names[1]', /cannot be used for write/);
  });

  it('capabilities in includes/excludes must be exact CAP_* names', () => {
    expectProblem(profile({}, [rule({ includes: { caps: ['CAP_SYS_ADMN'] } })]), 'syscalls[0].includes.caps[0]', /unknown capability/);
    expectProblem(profile({}, [rule({ excludes: { caps: ['sys_admin'] } })]), 'syscalls[0].excludes.caps[0]', /never matches.*"CAP_SYS_ADMIN"/);
  });

  it.each([
    [{ syscalls: {} }, 'syscalls', /must be an array, got an object/],
    [profile({}, [rule({ names: 'getpid' })]), 'syscalls[0].names', /must be an array, got a string/],
    [profile({}, [rule({ names: ['getpid', 7] })]), 'syscalls[0].names[1]', /must be a string, got a number/],
    [profile({}, [rule({ action: 1 })]), 'syscalls[0].action', /must be a string, got a number/],
    [profile({}, [rule({ args: { index: 0 } })]), 'syscalls[0].args', /must be an array, got an object/],
    [profile({}, [rule({ comment: 5 })]), 'syscalls[0].comment', /must be a string/],
    [profile({}, [rule({ includes: [] })]), 'syscalls[0].includes', /must be an object, got an array/],
    [profile({}, [rule({ excludes: { caps: 'CAP_SYS_ADMIN' } })]), 'syscalls[0].excludes.caps', /must be an array/],
    [profile({}, [rule({ includes: { arches: [1] } })]), 'syscalls[0].includes.arches[0]', /must be a string/],
    [profile({ flags: 'SECCOMP_FILTER_FLAG_LOG' }), 'flags', /must be an array/],
    [profile({ listenerPath: 1 }), 'listenerPath', /must be a string/],
    [profile({ listenerMetadata: {} }), 'listenerMetadata', /must be a string/],
    [profile({ architectures: 'SCMP_ARCH_X86' }), 'architectures', /must be an array/],
    [profile({ archMap: [null] }), 'archMap[0]', /must be an object, got null/],
    [profile({ archMap: [{ subArchitectures: [] }] }), 'archMap[0].architecture', /missing architecture/],
    [profile({ defaultErrnoRet: '1' }), 'defaultErrnoRet', /must be an integer, got a string/],
    [profile({ defaultAction: ['SCMP_ACT_ERRNO'] }), 'defaultAction', /must be a string, got an array/],
  ])('wrong type %#', (doc, path, re) => {
    expectProblem(doc, path as string, re as RegExp);
  });

  it('a key given in two spellings (Docker reads keys case-insensitively)', () => {
    expectProblem(profile({ DefaultAction: 'SCMP_ACT_ALLOW' }), 'DefaultAction', /both "DefaultAction" and "defaultAction"/);
  });

  it('an OCI config without linux.seccomp', () => {
    expectProblem({ ociVersion: '1.0.2', linux: {} }, 'linux.seccomp', /no linux.seccomp/);
  });

  it('paths inside an OCI config start at linux.seccomp', () => {
    const doc = { ociVersion: '1.0.2', process: {}, linux: { seccomp: profile({}, [rule({ action: 'SCMP_ACT_NOPE' })]) } };
    expectProblem(doc, 'linux.seccomp.syscalls[0].action', /unknown action/);
  });

  it('all problems are listed, not just the first', () => {
    const doc = {
      defaultAction: 'SCMP_ACT_BLOCK',
      architectures: ['SCMP_ARCH_X86_64'],
      archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: [] }],
      flags: ['SECCOMP_FILTER_FLAG_BOGUS'],
      syscalls: [
        { names: ['read'], action: 'SCMP_ACT_ALLOW', args: [{ index: 9, value: 0, op: 'SCMP_CMP_EQ' }] },
        null,
        { name: 'write', names: ['write'], action: 'SCMP_ACT_ERRNO', errnoRet: 4096 },
        { names: ['open'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '0.0' }, args: [{ index: 0, value: 1, op: 'SCMP_CMP_XX' }] },
      ],
    };
    const { error, problems: list } = problems(doc);
    const paths = [
      'defaultAction',
      'archMap',
      'flags[0]',
      'syscalls[0].args[0].index',
      'syscalls[1]',
      'syscalls[2].name',
      'syscalls[2].errnoRet',
      'syscalls[3].args[0].op',
      'syscalls[3].includes.minKernel',
    ];
    expect(list.map((p) => p.path)).toEqual(paths);
    expect(error.message).toMatch(/9 problems/);
    for (const p of paths) expect(error.message).toContain(`${p}: `);
  });
});

describe('profile validation: warnings', () => {
  it('unknown keys are warnings with their path, and do not stop the profile', () => {
    const r = resolveProfile(profile({ comment: 'top', extra: 1 }, [rule({ note: 'x', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ', why: '' }] })]), ctx);
    expect(r.warnings.map((w) => w.path)).toEqual(['comment', 'extra', 'syscalls[0].note', 'syscalls[0].args[0].why']);
    expect(r.warnings[3].message).toMatch(/unknown key "why" ignored/);
    expect(r.rules).toHaveLength(1);
  });

  it('a key in another case is read as Docker reads it, with a warning', () => {
    const r = resolveProfile({ DefaultAction: 'SCMP_ACT_ERRNO', Syscalls: [{ Names: ['getpid'], ACTION: 'SCMP_ACT_ALLOW' }] }, ctx);
    expect(r.defaultAction).toBe('ERRNO');
    expect(r.rules.map((x) => [x.syscall, x.action])).toEqual([['getpid', 'ALLOW']]);
    expect(r.warnings.map((w) => w.path)).toEqual(['DefaultAction', 'Syscalls', 'Syscalls[0].Names', 'Syscalls[0].ACTION']);
  });

  it('valueTwo on an operator that ignores it, and a MASKED_EQ that can never match', () => {
    const r = resolveProfile(profile({}, [rule({ args: [{ index: 0, value: 1, valueTwo: 2, op: 'SCMP_CMP_EQ' }] }), rule({ args: [{ index: 1, value: 0xf0, valueTwo: 0x0f, op: 'SCMP_CMP_MASKED_EQ' }] })]), ctx);
    expect(r.warnings).toEqual([
      { path: 'syscalls[0].args[0].valueTwo', message: expect.stringMatching(/only used by SCMP_CMP_MASKED_EQ/) },
      { path: 'syscalls[1].args[0]', message: expect.stringMatching(/never matches/) },
    ]);
  });

  it('an empty minKernel is 0.0 to Docker: always satisfied, with a warning', () => {
    const r = resolveProfile(profile({}, [rule({ excludes: { minKernel: '' } }), rule({ names: ['getppid'], includes: { minKernel: '' } })]), ctx);
    expect(r.rules.map((x) => x.syscall)).toEqual(['getppid']);
    expect(r.warnings.map((w) => w.path)).toEqual(['syscalls[0].excludes.minKernel', 'syscalls[1].includes.minKernel']);
  });
});
