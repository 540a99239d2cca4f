// Denial reports, pure parts: the reporting and recording program transforms (checked against
// decide() on the original), the answers and kill signal, argument decoding, dedupe and the
// summary line. No filter is loaded here.
import { describe, expect, it } from 'vitest';
import { SECCOMP_RET } from '../dist/action.js';
import { decide } from '../dist/decide.js';
import { BPF, encode } from '../dist/bpf/program.js';
import { compile } from '../dist/profile/compile.js';
import { answerFor, killSignal, parseProcStatus } from '../dist/report/answer.js';
import { decodeArgs, pathArgs } from '../dist/report/decode.js';
import { DenialLog, jsonLine } from '../dist/report/model.js';
import { ruleFor } from '../dist/report/rule.js';
import { reportingLaunch } from '../dist/report/supervise.js';
import { explain, fixFor } from '../dist/explain/index.js';
import { recordingProgram, reportingProgram, rewriteReturns } from '../dist/report/transform.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { thrown } from './helpers/thrown.js';

const ctx = { capabilities: [] as string[], arch: 'amd64', kernel: '6.1' };
const ARCHES = ['x86_64', 'x86', 'x32'];
const withBpf = (c: CompiledProfile, bpf: Buffer): CompiledProfile => ({ ...c, bpf });

describe('report transforms: bad input', () => {
  it('refuses what is not a compiled profile, and unconfined', () => {
    expect(thrown(() => reportingProgram({} as CompiledProfile)).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => reportingProgram(compile('unconfined', ctx))).code).toBe('ERR_SECCOMP_UNSUPPORTED');
  });

  it('refuses a program that returns a computed value (ret A) instead of passing it through', () => {
    const prog = encode([{ code: BPF.LD | BPF.IMM, jt: 0, jf: 0, k: SECCOMP_RET.ERRNO | 1 }, { code: BPF.RET | BPF.A, jt: 0, jf: 0, k: 0 }]);
    const e = thrown(() => rewriteReturns(prog, (r) => r));
    expect(e.code).toBe('ERR_SECCOMP_UNSUPPORTED');
    expect(e.message).toContain('instruction 1');
  });

  it('refuses bad passthrough entries and invalid programs', () => {
    expect(thrown(() => recordingProgram({ passthrough: [{ arch: 'x86_64', nr: -1 }] })).message).toContain('passthrough[0]');
    expect(thrown(() => rewriteReturns(Buffer.alloc(7), (r) => r)).code).toBe('ERR_SECCOMP_LOAD');
  });

  it('a malformed /proc status gives SIGKILL, never SIGSYS', () => {
    expect(killSignal(undefined)).toBe(9);
    expect(killSignal({ SigBlk: 'zz', SigIgn: '0', SigCgt: '0' })).toBe(9);
    expect(killSignal({ SigBlk: '0', SigIgn: '0' })).toBe(9);
  });
});

describe('reportingProgram', () => {
  it('docker-default: every ERRNO becomes NOTIFY, ALLOW is untouched, on every ABI and number', () => {
    const c = compile('docker-default', ctx);
    const r = withBpf(c, reportingProgram(c));
    const seen = new Map<string, number>();
    for (const arch of ARCHES) {
      for (let nr = 0; nr < 1100; nr++) {
        const a = decide(c, { syscall: nr, arch });
        const b = decide(r, { syscall: nr, arch });
        const k = `${a.action}->${b.action}`;
        seen.set(k, (seen.get(k) ?? 0) + 1);
        // The supervisor's answer from the original decision is the errno the program would see.
        if (a.action === 'ERRNO') expect(answerFor(a).response).toEqual(a.errno === 0 ? { value: 0 } : { error: a.errno });
      }
    }
    expect([...seen.keys()].sort()).toEqual(['ALLOW->ALLOW', 'ERRNO->NOTIFY']);
  });

  it('argument rules keep their split: socket(AF_INET) allowed, socket(AF_ALG) notified', () => {
    const c = compile('docker-default', ctx);
    const r = withBpf(c, reportingProgram(c));
    expect(decide(r, { syscall: 'socket', args: [2, 1] }).action).toBe('ALLOW');
    expect(decide(r, { syscall: 'socket', args: [38, 5] }).action).toBe('NOTIFY');
    expect(decide(r, { syscall: 'clone', args: [0x11] }).action).toBe('ALLOW');
    expect(decide(r, { syscall: 'clone', args: [0x10000000] }).action).toBe('NOTIFY');
  });

  it('kills become NOTIFY, TRAP stays with the kernel, the profile\'s own NOTIFY stays', () => {
    const c = compile({
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/run/unused.sock',
      syscalls: [
        { names: ['mkdir'], action: 'SCMP_ACT_KILL_PROCESS' },
        { names: ['rmdir'], action: 'SCMP_ACT_KILL_THREAD' },
        { names: ['chmod'], action: 'SCMP_ACT_TRAP' },
        { names: ['chown'], action: 'SCMP_ACT_NOTIFY' },
        { names: ['link'], action: 'SCMP_ACT_LOG' },
      ],
    }, ctx);
    const r = withBpf(c, reportingProgram(c));
    const got = Object.fromEntries(['mkdir', 'rmdir', 'chmod', 'chown', 'link', 'read'].map((s) => [s, decide(r, { syscall: s }).action]));
    expect(got).toEqual({ mkdir: 'NOTIFY', rmdir: 'NOTIFY', chmod: 'TRAP', chown: 'NOTIFY', link: 'LOG', read: 'ALLOW' });
    expect(answerFor(decide(c, { syscall: 'mkdir' }))).toMatchObject({ denied: true, kill: 'process' });
    expect(answerFor(decide(c, { syscall: 'chown' }))).toMatchObject({ denied: false, delegate: true });
  });
});

describe('recordingProgram', () => {
  it('without a base every syscall notifies, but the passthrough ones on their arch', () => {
    const c = compile('docker-default', ctx);
    const r = withBpf(c, recordingProgram({ passthrough: [{ arch: 'x86_64', nr: 46 }, { arch: 'x86_64', nr: 3 }] }));
    expect(decide(r, { syscall: 'sendmsg' }).action).toBe('ALLOW');
    expect(decide(r, { syscall: 'close' }).action).toBe('ALLOW');
    expect(decide(r, { syscall: 'read' }).action).toBe('NOTIFY');
    expect(decide(r, { syscall: 3, arch: 'x86' }).action).toBe('NOTIFY'); // x86's 3 is read
    for (let nr = 0; nr < 600; nr++) if (nr !== 46 && nr !== 3) expect(decide(r, { syscall: nr }).action).toBe('NOTIFY');
  });

  it('with a base: what the base allows stays allowed, everything else notifies', () => {
    const c = compile('docker-default', ctx);
    const r = withBpf(c, recordingProgram({ base: c }));
    for (const arch of ARCHES) {
      for (let nr = 0; nr < 1100; nr++) {
        const want = decide(c, { syscall: nr, arch }).action === 'ALLOW' ? 'ALLOW' : 'NOTIFY';
        expect(decide(r, { syscall: nr, arch }).action).toBe(want);
      }
    }
  });
});

describe('answers', () => {
  it('ERRNO n is answered with n, ERRNO 0 with a return of 0', () => {
    expect(answerFor({ action: 'ERRNO', errno: 1 })).toEqual({ response: { error: 1 }, denied: true });
    expect(answerFor({ action: 'ERRNO', errno: 38 }).response).toEqual({ error: 38 });
    expect(answerFor({ action: 'ERRNO', errno: 0 }).response).toEqual({ value: 0 });
    expect(answerFor({ action: 'ALLOW' })).toEqual({ response: { continue: true }, denied: false });
  });

  it('SIGSYS when the process neither blocks, ignores nor catches it; else SIGKILL', () => {
    const st = parseProcStatus('Name:\tx\nTgid:\t42\nThreads:\t1\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000001000\nSigCgt:\t0000000180000000\n');
    expect(st).toEqual({ Tgid: 42, Threads: 1, SigBlk: '0000000000000000', SigIgn: '0000000000001000', SigCgt: '0000000180000000' });
    expect(killSignal(st)).toBe(31);
    expect(killSignal({ ...st, SigCgt: '0000000040000000' })).toBe(9); // SIGSYS (31) is bit 30
    expect(killSignal({ ...st, SigBlk: '0000000040000000' })).toBe(9);
    // Another thread could install a handler between our read and the signal: SIGKILL.
    expect(killSignal({ ...st, Threads: 2 })).toBe(9);
    expect(killSignal({ SigBlk: '0', SigIgn: '0', SigCgt: '0' })).toBe(9);
  });
});

describe('argument decoding', () => {
  it('paths, socket families and types, clone and open flags; unknown bits stay in hex', () => {
    expect(pathArgs('openat')).toEqual([1]);
    expect(pathArgs('renameat2')).toEqual([1, 3]);
    expect(pathArgs('read')).toEqual([]);
    expect(decodeArgs('socket', [2n, 0o2000001n, 0n])).toEqual({ 0: 'AF_INET', 1: 'SOCK_STREAM|SOCK_CLOEXEC' });
    expect(decodeArgs('socket', [38n, 5n])).toEqual({ 0: 'AF_ALG', 1: 'SOCK_SEQPACKET' });
    expect(decodeArgs('clone', [0x10000011n])).toEqual({ 0: 'CLONE_NEWUSER|SIGCHLD' });
    expect(decodeArgs('unshare', [0x10020000n])).toEqual({ 0: 'CLONE_NEWNS|CLONE_NEWUSER' });
    expect(decodeArgs('openat', [0xffffff9cn, 0x7ff0n, 0o2000101n], new Map([[1, '/tmp/x']]))).toEqual({ 1: '"/tmp/x"', 2: 'O_WRONLY|O_CREAT|O_CLOEXEC' });
    expect(decodeArgs('mkdir', [0x1234n])).toEqual({ 0: '0x1234' });
    expect(decodeArgs('personality', [0xffffffffn])).toEqual({ 0: 'QUERY' });
    expect(decodeArgs('unshare', [0x10000000n | (1n << 40n)])).toEqual({ 0: 'CLONE_NEWUSER|0x10000000000' });
  });
});

describe('DenialLog', () => {
  const eperm = { action: 'ERRNO' as const, errno: 1 };
  const ev = (pid: number, nr: number, args: bigint[], extra = {}) => ({ pid, arch: 'x86_64', nr, args, decision: eperm, rule: 'defaultAction', time: 0, ...extra });

  it('keeps one denial per (pid, syscall, arguments) and counts every call', () => {
    const log = new DenialLog();
    expect(log.add(ev(10, 239, [0n]))?.syscall).toBe('get_mempolicy');
    expect(log.add(ev(10, 239, [0n]))).toBeUndefined();
    expect(log.add(ev(11, 239, [0n]))?.pid).toBe(11);
    expect(log.add(ev(10, 239, [1n]))).toBeDefined();
    expect(log.denials).toHaveLength(3);
    expect(log.summary()).toBe('seccomp: 1 syscall denied: get_mempolicy ×4 (EPERM, defaultAction)');
  });

  it('paths, not pointers, tell calls apart', () => {
    const log = new DenialLog();
    const mk = (p: string) => ev(10, 83, [0x1000n, 0o755n], { paths: new Map([[0, p]]) });
    expect(log.add(mk('/a'))).toBeDefined();
    expect(log.add(mk('/b'))).toBeDefined();
    expect(log.add(mk('/a'))).toBeUndefined();
    expect(log.denials.map((d) => d.decoded[0])).toEqual(['"/a"', '"/b"']);
  });

  it('the summary names each syscall with errno, rule and fix; JSON lines carry the stable fields', () => {
    const log = new DenialLog();
    for (let i = 0; i < 3; i++) log.add(ev(10, 239, [], { fix: '--cap-add SYS_NICE' }));
    const d = log.add({ pid: 12, exe: '/bin/mkdir', arch: 'x86_64', nr: 83, args: [0x10n], decision: eperm, rule: 'syscalls[0]', time: Date.UTC(2026, 0, 2) });
    expect(log.summary()).toBe(
      'seccomp: 2 syscalls denied: get_mempolicy ×3 (EPERM, defaultAction; allowed with --cap-add SYS_NICE), mkdir ×1 (EPERM, syscalls[0])',
    );
    expect(JSON.parse(jsonLine(d!))).toEqual({
      time: '2026-01-02T00:00:00.000Z', pid: 12, exe: '/bin/mkdir', syscall: 'mkdir', nr: 83, arch: 'x86_64',
      args: ['0x10', '0x0', '0x0', '0x0', '0x0', '0x0'], decoded: { 0: '0x10' }, action: 'ERRNO', errno: 1, errnoName: 'EPERM', rule: 'syscalls[0]',
    });
    expect(new DenialLog().summary()).toBe('');
  });

  it('names syscalls libseccomp 2.5.4 does not know from our table', () => {
    const log = new DenialLog();
    expect(log.add(ev(1, 462, []))?.syscall).toBe('mseal');
    expect(log.add(ev(1, 0x4000_0000, [], { arch: 'x32' }))?.syscall).toBe('read');
  });
});

describe('rule and fix: the same as explain()', () => {
  // The supervisor's handler, fed notifications by hand (no filter is loaded): each denial it logs
  // must name explain()'s rule, and the log's fix must be fixFor()'s.
  const fake = (nr: number, args: bigint[], arch = 'x86_64') => ({
    id: 1n, pid: process.pid, nr, syscall: undefined, arch, args, instructionPointer: 0n,
    readString: () => undefined, isValid: () => false,
  });
  const cases: [string, CompiledProfile, number, bigint[], string?][] = [
    ['get_mempolicy under docker-default', compile('docker-default', ctx), 239, []],
    ['mkdir under deny-mkdir', compile(new URL('./fixtures/deny-mkdir.json', import.meta.url).pathname, ctx), 83, [0x1000n, 0o755n]],
    ['clone(CLONE_NEWUSER) under docker-default', compile('docker-default', ctx), 56, [0x10000011n]],
    ['ptrace under docker-default on 4.7', compile('docker-default', { ...ctx, kernel: '4.7' }), 101, [16n, 1n]],
    ['x32 get_mempolicy', compile('docker-default', ctx), 0x4000_0000 | 239, [], 'x32'],
    ['a number past the table (ENOSYS)', compile('docker-default', ctx), 600, []],
  ];
  for (const [what, c, nr, args, abi] of cases) {
    it(what, async () => {
      const r = reportingLaunch(c, () => {});
      const answer = r.onSyscall(fake(nr, args) as never);
      await new Promise((resolve) => setImmediate(resolve));
      const e = explain(c, { syscall: nr, arch: abi ?? 'x86_64', args });
      expect(answer).toEqual(e.errno === 0 ? { value: 0 } : { errno: e.errno });
      const [d] = r.log.complete();
      expect(d.rule).toBe(e.rule);
      expect(d.fix).toBe(fixFor(c, nr, args, { arch: abi ?? 'x86_64' }));
      expect(d.fix).toBe(e.allowIf[0].fix);
      const fix = e.allowIf[0].fix;
      const phrase = /^(remove|no rule)/.test(fix) ? `to allow it: ${fix}` : `allowed with ${fix}`;
      expect(r.log.summary()).toContain(`(${e.errnoName}, ${e.rule}; ${phrase})`);
      expect(ruleFor(c, nr, abi ?? 'x86_64', args)).toEqual({ rule: e.rule, fix: e.allowIf[0].fix });
    });
  }
});

describe('DenialLog: fixes found lazily', () => {
  it('the finder is asked once per group, only when the summary or complete() needs it', () => {
    const asked: string[] = [];
    const log = new DenialLog((q) => {
      asked.push(`${q.nr} ${q.rule}`);
      return q.nr === 239 ? '--cap-add SYS_NICE' : undefined;
    });
    const eperm = { action: 'ERRNO' as const, errno: 1 };
    for (const pid of [1, 2, 3]) log.add({ pid, arch: 'x86_64', nr: 239, args: [], decision: eperm, rule: 'defaultAction' });
    log.add({ pid: 1, arch: 'x86_64', nr: 83, args: [], decision: eperm, rule: 'syscalls[0]' });
    expect(asked).toEqual([]);
    expect(log.denials[0]).not.toHaveProperty('fix');
    expect(log.complete().map((d) => d.fix)).toEqual(['--cap-add SYS_NICE', '--cap-add SYS_NICE', '--cap-add SYS_NICE', undefined]);
    expect(log.summary()).toContain('get_mempolicy ×3 (EPERM, defaultAction; allowed with --cap-add SYS_NICE)');
    expect(asked).toEqual(['239 defaultAction', '83 syscalls[0]']);
  });
});
