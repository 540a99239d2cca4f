// explain(): decide()'s answer, the rule that made it, the verified ways to allow a denial, and
// the kernel's own checks. Pure: nothing is loaded, sysctls come from a fake reader.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../dist/profile/compile.js';
import { decide } from '../dist/decide.js';
import { explain, fixFor } from '../dist/explain/index.js';
import { KERNEL_CHECK_SYSCALLS } from '../dist/explain/kernel-checks.js';
import { root } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';
import { builtinDoc } from './helpers/docker-doc.js';

/** Docker's default capability set (moby's DefaultCapabilities). */
const DOCKER_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];
const CLONE_NEWUSER = 0x1000_0000;
const CLONE_NEWNET = 0x4000_0000;
const SIGCHLD = 17;
const denyMkdirPath = join(root, 'test', 'fixtures', 'deny-mkdir.json');

const dockerDefault = (extra: string[] = [], kernel = '6.1', arch = 'amd64') =>
  compile('docker-default', { capabilities: [...DOCKER_CAPS, ...extra], kernel, arch, cache: 'memory' });
const sysctl = (values: Record<string, string>) => (path: string) => values[path];
const docRules = builtinDoc().syscalls;

/** The builtin document's entry at a `syscalls[i].names[j]` path. */
function atPath(path: string): { rule: (typeof docRules)[number]; name: string } {
  const m = /^syscalls\[(\d+)\]\.names\[(\d+)\]$/.exec(path);
  expect(m, path).not.toBeNull();
  const rule = docRules[Number(m![1])];
  return { rule, name: rule.names[Number(m![2])] };
}

describe('explain: bad input', () => {
  const p = dockerDefault();
  it('an unknown syscall is ERR_SECCOMP_UNKNOWN_SYSCALL', () => {
    expect(thrown(() => explain(p, { syscall: 'mkdri' })).code).toBe('ERR_SECCOMP_UNKNOWN_SYSCALL');
    expect(thrown(() => explain(p, { syscall: 'arch_prctl', arch: 'arm64' })).code).toBe('ERR_SECCOMP_UNKNOWN_SYSCALL');
  });
  it('bad arguments are ERR_OUT_OF_RANGE / ERR_INVALID_ARG_TYPE', () => {
    expect(thrown(() => explain(p, { syscall: 'read', args: [0, 0, 0, 0, 0, 0, 0] })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => explain(p, { syscall: 'read', args: [-1] })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => explain(p, { syscall: 'read', args: [1n << 64n] })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => explain(p, { syscall: 'read', args: ['1' as never] })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => explain(p, { syscall: '' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => explain(p, null as never)).code).toBe('ERR_INVALID_ARG_TYPE');
  });
  it('a bad arch is ERR_SECCOMP_UNKNOWN_ARCH', () => {
    expect(thrown(() => explain(p, { syscall: 'read', arch: 'vax' })).code).toBe('ERR_SECCOMP_UNKNOWN_ARCH');
  });
  it('something that is no compiled profile, and bad options, are ERR_INVALID_ARG_TYPE', () => {
    expect(thrown(() => explain({} as never, { syscall: 'read' })).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => explain(p, { syscall: 'read' }, 3 as never)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => explain(p, { syscall: 'read' }, { readSysctl: 'x' as never })).code).toBe('ERR_INVALID_ARG_TYPE');
  });
});

describe('explain under docker-default', () => {
  it('get_mempolicy without CAP_SYS_NICE: the default action denies it, --cap-add SYS_NICE allows it', () => {
    const e = explain(dockerDefault(), { syscall: 'get_mempolicy' });
    expect(e).toMatchObject({ syscall: 'get_mempolicy', action: 'ERRNO', errno: 1, errnoName: 'EPERM', rule: 'defaultAction', decidedBy: 'defaultAction' });
    expect(e.allowIf[0]).toMatchObject({ kind: 'capability', fix: '--cap-add SYS_NICE', capabilities: ['CAP_SYS_NICE'] });
    const { rule, name } = atPath(e.allowIf[0].rule!);
    expect(name).toBe('get_mempolicy');
    expect(rule.includes?.caps).toEqual(['CAP_SYS_NICE']);
    expect(fixFor(dockerDefault(), 'get_mempolicy')).toBe('--cap-add SYS_NICE');
  });

  it('get_mempolicy with CAP_SYS_NICE: allowed by the CAP_SYS_NICE rule, named with its names index', () => {
    const e = explain(dockerDefault(['CAP_SYS_NICE']), { syscall: 'get_mempolicy' });
    expect(e).toMatchObject({ action: 'ALLOW', decidedBy: 'rule', allowIf: [] });
    expect(e.errno).toBeUndefined();
    const { rule, name } = atPath(e.rule);
    expect(name).toBe('get_mempolicy');
    expect(rule.includes?.caps).toEqual(['CAP_SYS_NICE']);
    expect(fixFor(dockerDefault(['CAP_SYS_NICE']), 'get_mempolicy')).toBeUndefined();
  });

  it('ptrace before 4.8: denied, allowed by --cap-add SYS_PTRACE or Linux 4.8; on 4.8 allowed by the minKernel rule', () => {
    const old = explain(dockerDefault([], '4.7'), { syscall: 'ptrace' });
    expect(old).toMatchObject({ action: 'ERRNO', errno: 1, rule: 'defaultAction' });
    expect(old.allowIf.map((a) => [a.kind, a.fix])).toEqual([
      ['capability', '--cap-add SYS_PTRACE'],
      ['kernel', 'Linux 4.8 or later'],
    ]);
    expect(old.allowIf[1].minKernel).toBe('4.8');
    const now = explain(dockerDefault([], '4.8'), { syscall: 'ptrace' }, { readSysctl: sysctl({ '/proc/sys/kernel/yama/ptrace_scope': '1' }) });
    expect(now).toMatchObject({ action: 'ALLOW', decidedBy: 'rule', allowIf: [] });
    expect(atPath(now.rule).rule.includes?.minKernel).toBe('4.8');
    // Allowed by seccomp: what else to check, Yama's setting read, and our own isolation.
    const yama = now.kernelChecks.find((k) => k.sysctl === '/proc/sys/kernel/yama/ptrace_scope');
    expect(yama).toMatchObject({ value: '1', source: 'kernel' });
    expect(now.kernelChecks.some((k) => k.source === 'isolation' && /Landlock/.test(k.check))).toBe(true);
    expect(now.kernelChecks.some((k) => /CAP_SYS_PTRACE/.test(k.check))).toBe(true);
  });

  it('unshare: denied without CAP_SYS_ADMIN; the kernel checks follow the namespace flags', () => {
    const read = sysctl({ '/proc/sys/user/max_user_namespaces': '0' });
    const user = explain(dockerDefault(), { syscall: 'unshare', args: [CLONE_NEWUSER] }, { readSysctl: read });
    expect(user).toMatchObject({ action: 'ERRNO', errno: 1, rule: 'defaultAction' });
    expect(user.allowIf[0]).toMatchObject({ kind: 'capability', fix: '--cap-add SYS_ADMIN' });
    expect(user.kernelChecks.find((k) => k.sysctl === '/proc/sys/user/max_user_namespaces')?.value).toBe('0');
    expect(user.kernelChecks.some((k) => /other than a user namespace need CAP_SYS_ADMIN/.test(k.check))).toBe(false);
    const net = explain(dockerDefault(), { syscall: 'unshare', args: [CLONE_NEWNET] }, { readSysctl: read });
    expect(net.kernelChecks.map((k) => k.sysctl)).toEqual([undefined]);
    expect(net.kernelChecks[0].check).toMatch(/CAP_SYS_ADMIN/);
    expect(explain(dockerDefault(['CAP_SYS_ADMIN']), { syscall: 'unshare', args: [CLONE_NEWUSER] }).action).toBe('ALLOW');
  });

  it('clone with CLONE_NEWUSER: --cap-add SYS_ADMIN, or clone without CLONE_NEWUSER (checked with decide)', () => {
    const p = dockerDefault();
    const e = explain(p, { syscall: 'clone', args: [CLONE_NEWUSER | SIGCHLD] });
    expect(e).toMatchObject({ action: 'ERRNO', errno: 1, rule: 'defaultAction' });
    expect(e.allowIf.map((a) => a.kind)).toEqual(['capability', 'args']);
    expect(e.allowIf[0].fix).toBe('--cap-add SYS_ADMIN');
    const args = e.allowIf[1];
    expect(args.fix).toBe('clone without CLONE_NEWUSER');
    expect(args.conditions).toEqual(['arg0 & 0x7e020000 == 0x0']);
    expect(args.args![0]).toBe('0x11');
    expect(decide(p, { syscall: 'clone', args: args.args!.map(BigInt) }).action).toBe('ALLOW');
    expect(fixFor(p, 'clone', [CLONE_NEWUSER | SIGCHLD])).toBe('--cap-add SYS_ADMIN');
    // A plain fork is allowed by the flags-clear rule.
    const fork = explain(p, { syscall: 'clone', args: [SIGCHLD] });
    expect(fork.action).toBe('ALLOW');
    expect(atPath(fork.rule).rule.action).toBe('SCMP_ACT_ALLOW');
    expect(atPath(fork.rule).name).toBe('clone');
  });

  it('personality: a value outside the list is denied; each allowed value is offered, named', () => {
    const p = dockerDefault();
    const e = explain(p, { syscall: 'personality', args: [0x40_0000] });
    expect(e).toMatchObject({ action: 'ERRNO', errno: 1, rule: 'defaultAction' });
    expect(e.allowIf.every((a) => a.kind === 'args')).toBe(true);
    expect(e.allowIf.map((a) => a.args![0])).toEqual(['0x0', '0x8', '0x20000', '0x20008', '0xffffffff']);
    expect(e.allowIf[1].fix).toBe('personality with arg0 == 0x8 (PER_LINUX32)');
    const ok = explain(p, { syscall: 'personality', args: [8] });
    expect(ok.action).toBe('ALLOW');
    expect(ok.kernelChecks[0].check).toMatch(/no permission check/);
  });

  it('a syscall no rule names: "no rule allows it" with the rule to add', () => {
    const e = explain(dockerDefault(), { syscall: 'kexec_load' });
    expect(e.allowIf).toEqual([{ kind: 'none', fix: 'no rule allows it: add { "names": ["kexec_load"], "action": "SCMP_ACT_ALLOW" }' }]);
  });

  it('another arch: arch_prctl is allowed only on amd64 and x32', () => {
    const e = explain(dockerDefault([], '6.1', 'x86'), { syscall: 'arch_prctl' });
    expect(e.action).toBe('ERRNO');
    expect(e.allowIf[0]).toMatchObject({ kind: 'arch', arches: ['amd64', 'x32'], fix: 'on amd64 or x32' });
  });

  it('the ENOSYS fallback, compile\'s newer-syscalls block and argument narrowing are named', () => {
    const p = dockerDefault();
    const last = p.lastSyscalls.find((l) => l.arch === 'x86_64')!.nr;
    expect(explain(p, { syscall: last + 1 })).toMatchObject({ action: "ERRNO", errno: 38, rule: "enosys", decidedBy: "enosys" });
    expect(explain(p, { syscall: 1000 })).toMatchObject({ action: "ERRNO", errno: 38, rule: "enosys", syscall: null });
    for (const name of p.tableSyscalls) {
      const e = explain(p, { syscall: name });
      expect(e.decidedBy, name).toBe('newerSyscalls');
      expect(atPath(e.rule).name).toBe(name);
    }
    // socket(AF_VSOCK | 1 << 32): the kernel reads AF_VSOCK; Docker's 64-bit compare would allow it.
    const vsock = explain(p, { syscall: 'socket', args: [(1n << 32n) | 40n] });
    expect(vsock).toMatchObject({ action: 'ERRNO', rule: 'defaultAction', decidedBy: 'narrowing' });
  });

  it('agrees with decide() for every syscall number of x86_64, and names a rule that gives its answer', () => {
    for (const caps of [[], ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE']]) {
      const p = dockerDefault(caps);
      const max = p.lastSyscalls.find((l) => l.arch === 'x86_64')!.nr + 8;
      for (let nr = 0; nr <= max; nr++) {
        const d = decide(p, { syscall: nr });
        const e = explain(p, { syscall: nr });
        expect([e.action, e.errno], `nr ${nr}`).toEqual([d.action, d.errno]);
        expect(e.decidedBy, `nr ${nr}`).not.toBe('unattributed');
        if (e.rule.startsWith('syscalls[')) {
          const { rule, name } = atPath(e.rule);
          expect(name).toBe(e.syscall);
          expect(rule.action).toBe(d.action === 'ERRNO' ? 'SCMP_ACT_ERRNO' : `SCMP_ACT_${d.action}`);
        }
        if (d.action !== 'ALLOW') expect(e.allowIf.length, `nr ${nr}`).toBeGreaterThan(0);
      }
    }
  });
});

describe('explain with other profiles', () => {
  it('mkdir under a deny-mkdir profile: the rule by names index, and the advice to remove it', () => {
    const p = compile(denyMkdirPath, { cache: 'memory' });
    const e = explain(p, { syscall: 'mkdir' });
    expect(e).toMatchObject({ action: 'ERRNO', errno: 1, rule: 'syscalls[0].names[0]', decidedBy: 'rule' });
    expect(e.allowIf).toEqual([{ kind: 'remove', rule: 'syscalls[0].names[0]', fix: 'remove "mkdir" from syscalls[0] (the default action (ALLOW) then allows it)' }]);
    expect(explain(p, { syscall: 'mkdirat' }).rule).toBe('syscalls[0].names[1]');
    expect(explain(p, { syscall: 'rmdir' })).toMatchObject({ action: 'ALLOW', rule: 'defaultAction' });
  });

  it('a profile compiled from an object is attributed by rule, and by names index when it is passed along', () => {
    const doc = JSON.parse(readFileSync(denyMkdirPath, 'utf8'));
    const p = compile(doc, { cache: 'memory' });
    expect(explain(p, { syscall: 'mkdirat' }).rule).toBe('syscalls[0]');
    expect(explain(p, { syscall: 'mkdirat' }, { profile: doc }).rule).toBe('syscalls[0].names[1]');
  });

  it('unconfined allows everything, and says so', () => {
    expect(explain(compile('unconfined'), { syscall: 'kexec_load' })).toMatchObject({ action: 'ALLOW', rule: 'unconfined', allowIf: [] });
  });

  it('the kernel-checks table covers the syscalls that commonly fail for reasons besides seccomp', () => {
    for (const name of [
      'ptrace', 'mount', 'umount2', 'pivot_root', 'get_mempolicy', 'set_mempolicy', 'mbind', 'move_pages', 'migrate_pages',
      'unshare', 'clone', 'perf_event_open', 'bpf', 'kexec_load', 'reboot', 'setuid', 'setresgid', 'chown', 'mknod',
      'init_module', 'settimeofday', 'clock_settime', 'sethostname', 'socket', 'bind', 'keyctl', 'add_key',
      'personality', 'iopl', 'ioperm', 'process_vm_readv', 'process_vm_writev', 'kcmp', 'pidfd_getfd',
    ]) {
      expect(KERNEL_CHECK_SYSCALLS, name).toContain(name);
    }
  });
});
