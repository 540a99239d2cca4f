// lint(): one minimal profile per finding, next to a near-identical one that must not raise it;
// Docker's default gives exactly the findings the README documents.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, decide, lint, type Finding, type LintOptions } from '../dist/index.js';
import { sharedDir } from './helpers/child.js';
import { NO_SHARED } from './helpers/oracle.js';
import { skipAllIf } from './helpers/skip.js';
import { thrown } from './helpers/thrown.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-23-');

type Profile = Record<string, unknown>;
const ERRNO = 'SCMP_ACT_ERRNO';
const ALLOW = 'SCMP_ACT_ALLOW';

/** An allowlist: default EPERM, `allow` allowed, then `more` rules. */
function allowlist(allow: string[], more: Profile[] = []): Profile {
  return { defaultAction: ERRNO, defaultErrnoRet: 1, syscalls: [{ names: allow, action: ALLOW }, ...more] };
}

function found(profile: Profile | string, code: string, options?: LintOptions): Finding[] {
  return lint(profile, options).filter((f) => f.code === code);
}

describe('lint: bad input', () => {
  it('refuses an invalid profile as compile does, every problem with its path', () => {
    const err = thrown(() =>
      lint({ defaultAction: 'SCMP_ACT_NOPE', syscalls: [{ names: ['read'], action: ALLOW, args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }] }),
    );
    expect(err.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(err.problems?.map((p) => p.path)).toEqual(['defaultAction', 'syscalls[0].args[0].index']);
  });

  it('refuses bad arguments and options with a code', () => {
    expect(() => lint(42 as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => lint('docker-default', 'x' as never)).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
    expect(() => lint('docker-default', { target: 'k8s' as never })).toThrow(expect.objectContaining({ code: 'ERR_OUT_OF_RANGE' }));
    expect(() => lint('docker-default', { arch: 'vax' })).toThrow(expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_ARCH' }));
    expect(() => lint('docker-default', { capabilities: ['CAP_NOPE'] })).toThrow(expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_CAPABILITY' }));
    expect(() => lint(join(tmp, 'missing.json'))).toThrow(expect.objectContaining({ code: 'ERR_SECCOMP_PROFILE_NOT_FOUND' }));
  });

  it('reads a file, JSON text and an OCI config, with paths into the seccomp object', () => {
    const p = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: ERRNO }] };
    const file = join(tmp, 'deny-mkdir.json');
    writeFileSync(file, JSON.stringify(p));
    for (const input of [file, JSON.stringify(p)]) {
      expect(found(input, 'deny-family-partial').map((f) => f.path)).toEqual(['syscalls[0].names[0]']);
    }
    const oci = { ociVersion: '1.0.2', linux: { seccomp: p } };
    expect(found(oci, 'deny-family-partial').map((f) => f.path)).toEqual(['linux.seccomp.syscalls[0].names[0]']);
  });
});

describe('lint: one check at a time', () => {
  it('unknown-syscall: a name no arch has, with the nearest real one as the fix', () => {
    const [f, ...rest] = found(allowlist(['read', 'mkdri']), 'unknown-syscall');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: 'syscalls[0].names[1]', fix: 'did you mean "mkdir"?' });
    // Another arch's syscall is no typo.
    expect(found(allowlist(['read', 'mkdir', 'arm_fadvise64_64']), 'unknown-syscall')).toEqual([]);
  });

  it('deny-family-partial: mkdir denied while mkdirat stays allowed', () => {
    const deny = (names: string[]): Profile => ({ defaultAction: ALLOW, syscalls: [{ names, action: ERRNO }] });
    const [f, ...rest] = found(deny(['mkdir']), 'deny-family-partial');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: 'syscalls[0].names[0]' });
    expect(f.message).toContain('mkdirat');
    expect(found(deny(['mkdir', 'mkdirat']), 'deny-family-partial')).toEqual([]);
    // Merely leaving mkdir out of an allowlist that allows mkdirat restricts nothing.
    expect(found(allowlist(['mkdirat']), 'deny-family-partial')).toEqual([]);
  });

  it('deny-family-partial: clone argument rules with clone3 allowed', () => {
    const cloneRule = { names: ['clone'], action: ALLOW, args: [{ index: 0, value: 0x7e02_0000, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }] };
    const open = found(allowlist(['clone3'], [cloneRule]), 'deny-family-partial');
    expect(open.map((f) => [f.severity, f.path])).toEqual([['error', 'syscalls[1].names[0]']]);
    expect(open[0].message).toContain('clone3');
    const closed = allowlist(['read'], [cloneRule, { names: ['clone3'], action: ERRNO, errnoRet: 38 }]);
    expect(found(closed, 'deny-family-partial')).toEqual([]);
  });

  it('deny-family-partial: socket restricted while socketcall is allowed on i386 (a warning; the sandbox target closes it)', () => {
    const p: Profile = {
      defaultAction: ERRNO,
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
      syscalls: [
        { names: ['socketcall'], action: ALLOW },
        { names: ['socket'], action: ALLOW, args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] },
      ],
    };
    const f = found(p, 'deny-family-partial', { arch: 'amd64' });
    expect(f.map((x) => [x.severity, x.path])).toEqual([['warning', 'syscalls[1].names[0]']]);
    expect(f[0].message).toContain('socketcall(SYS_SOCKET) (x86) is allowed');
    // This package's multiplexer block gives socketcall(SYS_SOCKET) socket's strictest answer.
    expect(found(p, 'deny-family-partial', { arch: 'amd64', target: 'sandbox' })).toEqual([]);
    // Without the i386 ABI in the filter there is no socketcall to go around by.
    expect(found({ ...p, architectures: ['SCMP_ARCH_X86_64'] }, 'deny-family-partial', { arch: 'amd64' })).toEqual([]);
  });

  it('io-uring-bypass: io_uring allowed while operations it performs are denied', () => {
    const base = ['read', 'write', 'openat', 'close'];
    const [f, ...rest] = found(allowlist([...base, 'io_uring_setup', 'io_uring_enter']), 'io-uring-bypass');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: 'syscalls[0].names[4]' });
    expect(f.message).toMatch(/while openat2, .* are denied/);
    expect(found(allowlist([...base, 'io_uring_enter']), 'io-uring-bypass')).toEqual([]);
    // Nothing denied: nothing to bypass.
    expect(found({ defaultAction: ALLOW }, 'io-uring-bypass')).toEqual([]);
  });

  it('eperm-for-newer-syscall: clone3 under a newer profile gets EPERM instead of ENOSYS', () => {
    // mseal (462) is newer than clone3 (435): the ENOSYS stub stops above 462, clone3 gets the default.
    const p = allowlist(['clone', 'mseal']);
    expect(decide(compile(p), { syscall: 'clone3' })).toEqual({ action: 'ERRNO', errno: 1 });
    const [f, ...rest] = found(p, 'eperm-for-newer-syscall');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: 'defaultAction' });
    expect(f.message).toContain('clone3');
    expect(found(allowlist(['clone', 'mseal'], [{ names: ['clone3'], action: ERRNO, errnoRet: 38 }]), 'eperm-for-newer-syscall')).toEqual([]);
    // Older than the profile's newest syscall but without an allowed fallback: libc has nothing to retry.
    expect(found(allowlist(['read', 'mseal']), 'eperm-for-newer-syscall')).toEqual([]);
  });

  it('kill-on-startup-probe: KILL for rseq, which glibc probes at startup', () => {
    const kill = (name: string): Profile => ({ defaultAction: ALLOW, syscalls: [{ names: [name], action: 'SCMP_ACT_KILL_PROCESS' }] });
    const [f, ...rest] = found(kill('rseq'), 'kill-on-startup-probe');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'error', path: 'syscalls[0].names[0]' });
    expect(found(kill('mkdir'), 'kill-on-startup-probe')).toEqual([]);
    // A KILL default reaches the probes too.
    expect(found({ defaultAction: 'SCMP_ACT_KILL', syscalls: [{ names: ['read'], action: ALLOW }] }, 'kill-on-startup-probe').length).toBeGreaterThan(0);
  });

  it('int-arg-64bit: an int argument compared with a value the kernel never sees', () => {
    const withValue = (value: string): string =>
      `{"defaultAction":"${ERRNO}","syscalls":[{"names":["socket"],"action":"${ALLOW}","args":[{"index":0,"value":${value},"op":"SCMP_CMP_EQ"}]}]}`;
    const [f, ...rest] = found(withValue('4294967298'), 'int-arg-64bit');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'warning', path: 'syscalls[0].args[0].value' });
    expect(f.fix).toContain('2 (0x2)');
    expect(found(withValue('2'), 'int-arg-64bit')).toEqual([]);
    // -1 written as its 64-bit sign extension is the same int.
    expect(found(withValue('18446744073709551615'), 'int-arg-64bit')).toEqual([]);
    // A long argument may be 64 bits wide.
    const mmap = `{"defaultAction":"${ERRNO}","syscalls":[{"names":["mmap"],"action":"${ALLOW}","args":[{"index":1,"value":4294967298,"op":"SCMP_CMP_LT"}]}]}`;
    expect(found(mmap, 'int-arg-64bit')).toEqual([]);
  });

  it('rule-never-effective: a rule with the default action and errno', () => {
    const p = (errnoRet: number) => allowlist(['read'], [{ names: ['mkdir'], action: ERRNO, errnoRet }]);
    expect(found(p(1), 'rule-never-effective').map((f) => [f.severity, f.path])).toEqual([['warning', 'syscalls[1].action']]);
    expect(found(p(13), 'rule-never-effective')).toEqual([]);
  });

  it('rule-shadowed: an unconditional rule decides every call, whichever comes first', () => {
    const uncond = { names: ['mkdir'], action: ALLOW };
    const cond = { names: ['mkdir'], action: ERRNO, errnoRet: 13, args: [{ index: 1, value: 0, op: 'SCMP_CMP_EQ' }] };
    const after = allowlist(['read'], [uncond, cond]);
    // The conditional rule never answers: mode 0 is allowed too.
    expect(decide(compile(after), { syscall: 'mkdir', args: [0, 0] })).toEqual({ action: 'ALLOW' });
    expect(found(after, 'rule-shadowed').map((f) => f.path)).toEqual(['syscalls[2].names[0]']);
    expect(found(allowlist(['read'], [cond, uncond]), 'rule-shadowed').map((f) => f.path)).toEqual(['syscalls[1].names[0]']);
    expect(found(allowlist(['read'], [cond, { ...cond, args: [{ index: 1, value: 1, op: 'SCMP_CMP_EQ' }] }]), 'rule-shadowed')).toEqual([]);
    // Grants under different capabilities are each needed in some context.
    const gated = allowlist(['read'], [{ ...uncond, includes: { caps: ['CAP_SYSLOG'] } }, { ...cond, includes: { caps: ['CAP_SYS_ADMIN'] } }]);
    expect(found(gated, 'rule-shadowed', { capabilities: ['CAP_SYSLOG', 'CAP_SYS_ADMIN'] })).toEqual([]);
  });

  it('rule-shadowed: a repeated identical rule', () => {
    const rule = { names: ['personality'], action: ALLOW, args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] };
    expect(found(allowlist(['read'], [rule, rule]), 'rule-shadowed').map((f) => f.path)).toEqual(['syscalls[2].names[0]']);
    expect(found(allowlist(['read'], [rule, { ...rule, args: [{ index: 0, value: 0, op: 'SCMP_CMP_EQ' }] }]), 'rule-shadowed')).toEqual([]);
  });

  it('debug-allowed: ptrace allowed without the capability', () => {
    const [f, ...rest] = found(allowlist(['read', 'ptrace']), 'debug-allowed');
    expect(rest).toEqual([]);
    expect(f).toMatchObject({ severity: 'warning', path: 'syscalls[0].names[1]' });
    expect(found(allowlist(['read', 'getpid']), 'debug-allowed')).toEqual([]);
    const gated = allowlist(['read'], [{ names: ['ptrace'], action: ALLOW, includes: { caps: ['CAP_SYS_PTRACE'] } }]);
    expect(found(gated, 'debug-allowed')).toEqual([]);
  });

  it('notify-for-kubernetes: SCMP_ACT_NOTIFY and listenerPath where no agent listens', () => {
    const p = { ...allowlist(['read'], [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }]), listenerPath: '/run/agent.sock' };
    expect(found(p, 'notify-for-kubernetes', { target: 'kubernetes' }).map((f) => [f.severity, f.path])).toEqual([
      ['error', 'listenerPath'],
      ['error', 'syscalls[1].action'],
    ]);
    expect(found(p, 'notify-for-kubernetes')).toEqual([]);
    expect(found(allowlist(['read', 'mkdir']), 'notify-for-kubernetes', { target: 'kubernetes' })).toEqual([]);
  });

  it('compile-warning: what compile warns about and no check covers (a misspelt key)', () => {
    const p = { ...allowlist(['read']), architecture: ['SCMP_ARCH_X86_64'] };
    const f = found(p, 'compile-warning');
    expect(f.map((x) => [x.severity, x.path])).toEqual([['warning', 'architecture']]);
    expect(found(allowlist(['read']), 'compile-warning')).toEqual([]);
  });

  it('a profile extending a base, with a group: findings located as written', () => {
    const own = { baseProfileName: 'docker-default', syscalls: [{ names: ['mkdir'], action: ERRNO }] };
    const all = lint(own, { arch: 'amd64' });
    const fam = all.filter((f) => f.code === 'deny-family-partial' && f.message.startsWith('mkdir '));
    expect(fam.map((f) => [f.severity, f.path])).toEqual([['error', 'syscalls[0]']]);
    // Denying what the base allows is the rule's whole effect, though its action is the default.
    expect(all.filter((f) => f.code === 'rule-never-effective')).toEqual([]);
    expect(all.find((f) => f.code === 'debug-allowed')?.path).toBe('base docker-default: syscalls[1]');
    // A group lists every spelling: denying @file-write leaves no mkdir/mkdirat gap.
    const grouped = lint({ defaultAction: ALLOW, syscalls: [{ names: ['@file-write'], action: ERRNO }] });
    expect(grouped.filter((f) => f.code === 'deny-family-partial' && /^(mkdir|unlink|rename)/.test(f.message))).toEqual([]);
    expect(grouped.filter((f) => f.code === 'unknown-syscall')).toEqual([]);
  });

  it('unconfined: no filter is a finding of its own', () => {
    expect(lint('unconfined').map((f) => [f.code, f.severity])).toEqual([['unconfined', 'warning']]);
  });

  it('lists errors before warnings', () => {
    const all = lint({ defaultAction: ALLOW, syscalls: [{ names: ['ptrace'], action: ERRNO, errnoRet: 1 }, { names: ['mkdir'], action: ERRNO }] });
    const ranks = all.map((f) => ['error', 'warning', 'info'].indexOf(f.severity));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(all.some((f) => f.severity === 'error') && all.some((f) => f.severity === 'warning')).toBe(true);
  });
});

/** What README "### lint" documents for Docker's default on amd64 with Docker's capabilities. */
const DOCKER_DEFAULT_FINDINGS = [
  ['deny-family-partial', 'warning'],
  ['debug-allowed', 'warning'],
];

describe('lint: Docker\'s default profile', () => {
  it('docker-default gives exactly the documented findings', () => {
    const all = lint('docker-default', { arch: 'amd64' });
    expect(all.map((f) => [f.code, f.severity])).toEqual(DOCKER_DEFAULT_FINDINGS);
    expect(all[0].message).toContain('socketcall(SYS_SOCKET) (x86) is allowed');
    expect(all[1].message).toMatch(/^ptrace, process_vm_readv, process_vm_writev are allowed/);
    expect(lint('docker-default', { arch: 'amd64', target: 'kubernetes' })).toEqual(all);
    expect(lint('docker-default', { arch: 'amd64', target: 'sandbox' }).map((f) => f.code)).toEqual(['debug-allowed']);
  });

  it('docker-default on arm64 and with every capability: still only the debug note', () => {
    expect(lint('docker-default', { arch: 'arm64' }).map((f) => f.code)).toEqual(['debug-allowed']);
    const caps = ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYSLOG', 'CAP_BPF', 'CAP_PERFMON', 'CAP_DAC_READ_SEARCH'];
    expect(lint('docker-default', { arch: 'amd64', capabilities: caps }).map((f) => f.code)).toEqual(['deny-family-partial', 'debug-allowed']);
  });
});

const reference = join(sharedDir, 'reference');
const hasReference = existsSync(join(reference, 'moby-default.json'));

describe('lint: the real Docker and Podman profiles', () => {
  skipAllIf(!hasReference, NO_SHARED);
  it('moby default.json and Podman\'s containers-common give the same findings as docker-default', () => {
    for (const file of ['moby-default.json', 'containers-common-seccomp.json']) {
      expect(lint(join(reference, file), { arch: 'amd64' }).map((f) => [f.code, f.severity]), file).toEqual(DOCKER_DEFAULT_FINDINGS);
    }
  });

  it('Docker 20.10.24\'s default: io_uring open, fchmodat2 EPERM on x32 (both fixed in later Docker)', () => {
    const all = lint(join(reference, 'docker-20.10.24-default.json'), { arch: 'amd64' });
    expect(all.map((f) => [f.code, f.severity])).toEqual([
      ['io-uring-bypass', 'error'],
      ['eperm-for-newer-syscall', 'error'],
      ['debug-allowed', 'warning'],
    ]);
    expect(all[1].message).toMatch(/^fchmodat2 fails with errno 1 on x32/);
  });
});
