// Recording, pure parts: observed syscalls -> a Docker-format profile our compile() accepts and
// that allows exactly what was seen; append (round trip and union); a base and its widening.
import { describe, expect, it } from 'vitest';
import { decide } from '../dist/decide.js';
import { compile } from '../dist/profile/compile.js';
import {
  CLONE_NS_MASK, emptyRecording, mergeRecordings, observe, recordAnswer, recordedProfile, recordingFromProfile, widenFromBase,
} from '../dist/record/profile.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { thrown } from './helpers/thrown.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.1' };
const X32 = 0x4000_0000;

function run(list: [string, number, bigint[]?][]) {
  const rec = emptyRecording();
  for (const [arch, nr, args] of list) observe(rec, arch, nr, args ?? []);
  return rec;
}

// read, write, openat, exit_group, socket(AF_UNIX), clone(SIGCHLD), personality(0xffffffff)
const SAMPLE: [string, number, bigint[]?][] = [
  ['x86_64', 0], ['x86_64', 1], ['x86_64', 257], ['x86_64', 231], ['x86_64', 41, [1n, 1n]],
  ['x86_64', 56, [0x1200011n]], ['x86_64', 135, [0xffffffffn]], ['x86_64', 0],
];

describe('record: bad input', () => {
  it('an unknown arch is refused', () => {
    expect(thrown(() => observe(emptyRecording(), 'vax', 1, [])).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => recordedProfile(emptyRecording(), { nativeArch: 'vax' })).code).toBe('ERR_INVALID_ARG_TYPE');
  });

  it('--append refuses a profile it did not write, naming the place', () => {
    const e = thrown(() => recordingFromProfile(builtinProfile('docker-default')));
    expect(e.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(e.problems?.[0].path).toMatch(/^syscalls\[\d+\]|^architectures|^defaultAction/);
    expect(thrown(() => recordingFromProfile(null)).code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(thrown(() => recordingFromProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 1, op: 'SCMP_CMP_GT' }] }] })).problems?.[0].path)
      .toBe('syscalls[0].args');
    expect(thrown(() => recordingFromProfile({ defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_VAX'], syscalls: [] })).problems?.[0].path)
      .toBe('architectures[0]');
  });
});

describe('recordedProfile', () => {
  const profile = recordedProfile(run(SAMPLE), { nativeArch: 'x86_64' });

  it('is Docker-format, errno by default, names sorted, the native arch and its compat ABIs as in Docker', () => {
    expect(profile).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] });
    expect(recordedProfile(run([['aarch64', 63]]), { nativeArch: 'aarch64' }).architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(recordedProfile(run([['riscv64', 63]]), { nativeArch: 'riscv64' }).architectures).toEqual(['SCMP_ARCH_RISCV64']);
    expect((profile.syscalls as { names: string[] }[])[0]).toEqual({ names: ['exit_group', 'openat', 'read', 'write'], action: 'SCMP_ACT_ALLOW' });
    expect(profile).not.toHaveProperty('baseProfileName');
  });

  it('compiles, allows what was seen and denies the rest (decide)', () => {
    const c = compile(profile, ctx);
    const d = (syscall: string, args: number[] = [], arch?: string) => decide(c, { syscall, args, ...(arch ? { arch } : {}) });
    for (const s of ['read', 'write', 'openat', 'exit_group']) expect(d(s).action).toBe('ALLOW');
    for (const s of ['mkdir', 'ptrace', 'execve']) expect(d(s)).toEqual({ action: 'ERRNO', errno: 1 });
    // Above the highest number the profile names, runc's stub answers ENOSYS (Docker's semantics).
    expect(d('unshare')).toEqual({ action: 'ERRNO', errno: 38 });
    expect(d('socket', [1, 1]).action).toBe('ALLOW');
    expect(d('socket', [2, 1]).action).toBe('ERRNO');
    expect(d('clone', [0x1200011]).action).toBe('ALLOW');
    expect(d('clone', [0x11]).action).toBe('ALLOW');
    expect(d('clone', [0x10000011]).action).toBe('ERRNO'); // CLONE_NEWUSER never seen
    expect(d('personality', [0xffffffff]).action).toBe('ALLOW');
    expect(d('personality', [0x8]).action).toBe('ERRNO');
  });

  it('x86 and x32 calls the run never made get the default EPERM, not the bad-arch kill', () => {
    const c = compile(profile, ctx);
    for (const arch of ['x86', 'x32']) {
      for (const s of ['mkdir', 'setuid', 'kill', 'chdir']) expect(decide(c, { syscall: s, arch })).toEqual({ action: 'ERRNO', errno: 1 });
      // A name the run used is allowed on every listed ABI (rules are by name, as in Docker).
      expect(decide(c, { syscall: 'read', arch }).action).toBe('ALLOW');
    }
  });

  it('other ABIs seen are listed, namespace bits seen are allowed, clone3 gets ENOSYS with clone as fallback', () => {
    const rec = run([['x86_64', 0], ['x86', 3], ['x32', X32 | 1], ['x86_64', 56, [0x10000011n]], ['x86_64', 435]]);
    const p = recordedProfile(rec, { nativeArch: 'x86_64' });
    expect(p.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    const c = compile(p, ctx);
    expect(decide(c, { syscall: 'read', arch: 'x86' }).action).toBe('ALLOW');
    expect(decide(c, { syscall: 'clone', args: [0x10000011] }).action).toBe('ALLOW');
    expect(decide(c, { syscall: 'clone', args: [0x20000011] }).action).toBe('ERRNO');
    expect(decide(c, { syscall: 'clone3' })).toEqual({ action: 'ERRNO', errno: 38 });
    // clone3 alone still yields a clone rule (without namespaces) for libc's fallback.
    const only3 = compile(recordedProfile(run([['x86_64', 435]]), { nativeArch: 'x86_64' }), ctx);
    expect(decide(only3, { syscall: 'clone', args: [0x11] }).action).toBe('ALLOW');
    expect(decide(only3, { syscall: 'clone', args: [CLONE_NS_MASK] }).action).toBe('ERRNO');
  });
});

describe('append', () => {
  it('a recorded profile reads back to the same recording', () => {
    const rec = run([...SAMPLE, ['x86', 3], ['x86_64', 435], ['x86_64', 41, [10n]]]);
    const p = recordedProfile(rec, { nativeArch: 'x86_64' });
    const back = recordingFromProfile(JSON.parse(JSON.stringify(p)));
    expect(recordedProfile(back.recording, { nativeArch: 'x86_64' })).toEqual(p);
  });

  it('two runs merge into their union', () => {
    const a = recordingFromProfile(recordedProfile(run([['x86_64', 0], ['x86_64', 41, [1n]]]), { nativeArch: 'x86_64' })).recording;
    const b = run([['x86_64', 83], ['x86_64', 41, [2n]], ['x86_64', 56, [0x11n]]]);
    const c = compile(recordedProfile(mergeRecordings(a, b), { nativeArch: 'x86_64' }), ctx);
    for (const s of ['read', 'mkdir']) expect(decide(c, { syscall: s }).action).toBe('ALLOW');
    for (const fam of [1, 2]) expect(decide(c, { syscall: 'socket', args: [fam] }).action).toBe('ALLOW');
    expect(decide(c, { syscall: 'socket', args: [10] }).action).toBe('ERRNO');
    expect(decide(c, { syscall: 'clone', args: [0x11] }).action).toBe('ALLOW');
  });
});

describe('with a base', () => {
  it('names the base, keeps its architectures, and reads back with it', () => {
    const p = recordedProfile(run([['x86_64', 101]]), { nativeArch: 'x86_64', base: 'docker-default' });
    expect(p).toMatchObject({ baseProfileName: 'docker-default', syscalls: [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW' }] });
    expect(p).not.toHaveProperty('architectures');
    expect(recordingFromProfile(p).base).toBe('docker-default');
  });

  it('widening keeps what the base allowed for argument-checked names', () => {
    const base = compile('docker-default', ctx);
    const allows = (syscall: string, args: bigint[]) => decide(base, { syscall, args }).action === 'ALLOW';
    const rec = widenFromBase(run([['x86_64', 41, [40n]], ['x86_64', 56, [0x10000011n]]]), allows); // AF_VSOCK, CLONE_NEWUSER
    expect([...rec.socketFamilies]).toEqual(expect.arrayContaining([1, 2, 10, 16, 40]));
    expect(rec.socketFamilies.has(38)).toBe(false); // AF_ALG: the base denies it, the run never used it
    expect(rec.cloneNamespaces).toBe(0x10000000);
  });

  it('the base\'s ENOSYS is kept and not recorded; everything else continues and is recorded', () => {
    expect(recordAnswer({ action: 'ERRNO', errno: 38 })).toEqual({ record: false, response: { error: 38 } });
    expect(recordAnswer({ action: 'ERRNO', errno: 1 })).toEqual({ record: true, response: { continue: true } });
    expect(recordAnswer()).toEqual({ record: true, response: { continue: true } });
  });
});
