// Extending a base: `baseProfileName` in a Docker profile and the API form
// { base, allow, deny, errno } compose ONE profile in which the own rules replace the base's for
// the names they list, in any order and with any action; each rule keeps its origin. Without a
// base, rules that can never take effect are warned about.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../dist/decide.js';
import { ErrorCode } from '../dist/errors.js';
import { clearCompileCache, compile } from '../dist/profile/compile.js';
import { originPath } from '../dist/profile/compose.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { runCommand } from '../dist/cli/dispatch.js';
import { COMMANDS } from '../dist/cli/registry.js';
import type { Command, CommandIO } from '../dist/cli/command.js';
import { compileFromOptions, PROFILE_OPTIONS } from '../dist/cli/profile-options.js';
import { scratchDirs } from './helpers/scratch.js';
import { thrown } from './helpers/thrown.js';

const ctx = { arch: 'amd64', kernel: '6.18', capabilities: [] as string[], cache: false as const };
const scratch = scratchDirs('seccomp-compose-');
const EPERM = 1;
const EACCES = 13;
const ENOSYS = 38;

function writeJson(dir: string, name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, JSON.stringify(doc));
  return p;
}

const allowRule = (names: string[]) => ({ names, action: 'SCMP_ACT_ALLOW' });
const errnoRule = (names: string[], errnoRet: number) => ({ names, action: 'SCMP_ACT_ERRNO', errnoRet });

describe('composition: bad input', () => {
  it('an unknown base is ERR_SECCOMP_PROFILE_NOT_FOUND naming the field', () => {
    const e = thrown(() => compile({ baseProfileName: 'no-such-base', syscalls: [] }, ctx));
    expect(e.code).toBe(ErrorCode.PROFILE_NOT_FOUND);
    expect(e.message).toMatch(/^baseProfileName: .*no-such-base/);
    const api = thrown(() => compile({ base: 'no-such-base', deny: ['mkdir'] }, ctx));
    expect(api.code).toBe(ErrorCode.PROFILE_NOT_FOUND);
    expect(api.message).toMatch(/^base: /);
  });

  it('bases that form a cycle, or nest too deep, are ERR_SECCOMP_PROFILE_BASE at baseProfileName', () => {
    const dir = scratch();
    writeJson(dir, 'a.json', { baseProfileName: 'b.json', syscalls: [] });
    writeJson(dir, 'b.json', { baseProfileName: './a.json', syscalls: [] });
    const cycle = thrown(() => compile(join(dir, 'a.json'), ctx));
    expect(cycle.code).toBe(ErrorCode.PROFILE_BASE);
    expect(cycle.problems?.[0].path).toBe('baseProfileName');
    expect(cycle.message).toMatch(/cycle .*a\.json -> .*b\.json -> .*a\.json/);
    // Itself.
    writeJson(dir, 'self.json', { baseProfileName: 'self.json' });
    expect(thrown(() => compile(join(dir, 'self.json'), ctx)).code).toBe(ErrorCode.PROFILE_BASE);
    // A chain of 10 distinct files.
    for (let i = 0; i < 10; i++) writeJson(dir, `d${i}.json`, { baseProfileName: i === 9 ? 'docker-default' : `d${i + 1}.json` });
    const deep = thrown(() => compile(join(dir, 'd0.json'), ctx));
    expect(deep.code).toBe(ErrorCode.PROFILE_BASE);
    expect(deep.message).toMatch(/nest more than 8/);
    // unconfined has nothing to extend.
    expect(thrown(() => compile({ base: 'unconfined', deny: ['mkdir'] }, ctx)).code).toBe(ErrorCode.PROFILE_BASE);
  });

  it('wrong types are ERR_SECCOMP_PROFILE_INVALID with their JSON path', () => {
    const cases: [unknown, string][] = [
      [{ baseProfileName: 42 }, 'baseProfileName'],
      [{ baseProfileName: '' }, 'baseProfileName'],
      [{ baseProfileName: 'docker-default', syscalls: {} }, 'syscalls'],
      [{ baseProfileName: 'docker-default', syscalls: ['mkdir'] }, 'syscalls[0]'],
      [{ base: 'docker-default', allow: 'ptrace' }, 'allow'],
      [{ base: 'docker-default', deny: ['mkdir', 7] }, 'deny[1]'],
      [{ base: 'docker-default', deny: [''] }, 'deny[0]'],
      [{ base: 'docker-default', errno: ['ENOSYS'] }, 'errno'],
      [{ base: 'docker-default', errno: { io_uring_setup: 'ENOTANERRNO' } }, 'errno.io_uring_setup'],
      [{ base: 'docker-default', errno: { io_uring_setup: 0 } }, 'errno.io_uring_setup'],
      [{ base: 'docker-default', errno: { io_uring_setup: 5000 } }, 'errno.io_uring_setup'],
      [{ base: 'docker-default', deny: ['@no-such-group'] }, 'deny[0]'],
      [{ base: 'docker-default', deny: ['mkdir'], defaultAction: 'SCMP_ACT_ALLOW' }, 'defaultAction'],
      [{ base: 'docker-default', allow: ['mkdir'], deny: ['mkdir'] }, 'deny[0]'],
      [{ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid', '@nope'], action: 'SCMP_ACT_ERRNO' }] }, 'syscalls[0].names[1]'],
    ];
    for (const [doc, path] of cases) {
      const e = thrown(() => compile(doc as Record<string, unknown>, ctx));
      expect(e.code, JSON.stringify(doc)).toBe(ErrorCode.PROFILE_INVALID);
      expect(e.problems?.map((p: { path: string }) => p.path), JSON.stringify(doc)).toContain(path);
    }
  });

  it('a problem in an own rule is reported where it was written, not in the composed document', () => {
    const e = thrown(() => compile({ baseProfileName: 'docker-default', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOPE' }] }, ctx));
    expect(e.code).toBe(ErrorCode.PROFILE_INVALID);
    expect(e.problems?.[0].path).toBe('syscalls[0].action');
    const typo = thrown(() => compile({ base: 'docker-default', deny: ['mkdri'] }, ctx));
    expect(typo.problems?.[0].path).toBe('deny[0]');
    expect(typo.message).toContain('did you mean "mkdir"');
  });
});

describe('composition: overrides win in every order', () => {
  // The own rule first or last among the own rules, ALLOW over the base's ERRNO and ERRNO over
  // the base's ALLOW: the override decides each time.
  const base = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    syscalls: [allowRule(['getpid', 'connect', 'read']), errnoRule(['ptrace'], EACCES)],
  };
  const filler = allowRule(['write']);
  const orders: [string, (r: object) => object[]][] = [
    ['first', (r) => [r, filler]],
    ['last', (r) => [filler, r]],
  ];

  for (const [where, place] of orders) {
    it(`ERRNO over the base's ALLOW, own rule ${where}`, () => {
      const dir = scratch();
      writeJson(dir, 'base.json', base);
      const p = writeJson(dir, 'p.json', { baseProfileName: 'base.json', syscalls: place(errnoRule(['connect'], EACCES)) });
      const c = compile(p, ctx);
      expect(decide(c, { syscall: 'connect' })).toEqual({ action: 'ERRNO', errno: EACCES });
      expect(decide(c, { syscall: 'getpid' })).toEqual({ action: 'ALLOW' });
      expect(decide(c, { syscall: 'write' })).toEqual({ action: 'ALLOW' });
    });

    it(`ALLOW over the base's ERRNO, own rule ${where}`, () => {
      const dir = scratch();
      writeJson(dir, 'base.json', base);
      const p = writeJson(dir, 'p.json', { baseProfileName: 'base.json', syscalls: place(allowRule(['ptrace'])) });
      const c = compile(p, ctx);
      expect(decide(c, { syscall: 'ptrace' })).toEqual({ action: 'ALLOW' });
    });
  }

  it('the issue\'s example: ERRNO on socket and connect over docker-default, first or last, takes effect', () => {
    for (const at of ['first', 'last']) {
      const own = errnoRule(['socket', 'connect'], EACCES);
      const c = compile({ baseProfileName: 'docker-default', syscalls: at === 'first' ? [own, filler] : [filler, own] }, ctx);
      expect(decide(c, { syscall: 'connect' })).toEqual({ action: 'ERRNO', errno: EACCES });
      expect(decide(c, { syscall: 'socket', args: [2] })).toEqual({ action: 'ERRNO', errno: EACCES });
      expect(decide(c, { syscall: 'socket', args: [1] })).toEqual({ action: 'ERRNO', errno: EACCES });
    }
    // Plain pushing onto docker-default, as before: connect stays allowed, now with a warning.
    const pushed = builtinProfile('docker-default') as { syscalls: object[] };
    pushed.syscalls.push({ names: ['socket', 'connect'], action: 'SCMP_ACT_ERRNO' });
    const c = compile(pushed as Record<string, unknown>, ctx);
    expect(decide(c, { syscall: 'connect' })).toEqual({ action: 'ALLOW' });
    expect(c.warnings.filter((w) => /never takes effect/.test(w.message)).map((w) => w.path)).toEqual([`syscalls[${pushed.syscalls.length - 1}]`, `syscalls[${pushed.syscalls.length - 1}]`]);
  });

  it('the API form: allow, deny and errno over docker-default, and every own rule\'s origin', () => {
    const c = compile({ base: 'docker-default', allow: ['ptrace'], deny: ['mkdir', 'mkdirat'], errno: { io_uring_setup: 'ENOSYS' } }, ctx);
    expect(decide(c, { syscall: 'ptrace' })).toEqual({ action: 'ALLOW' });
    expect(decide(c, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(decide(c, { syscall: 'mkdirat' })).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(decide(c, { syscall: 'io_uring_setup' })).toEqual({ action: 'ERRNO', errno: ENOSYS });
    expect(decide(c, { syscall: 'getpid' })).toEqual({ action: 'ALLOW' });
    expect(c.composition?.bases).toEqual(['docker-default']);
    expect(c.composition?.rules.filter((r) => r.origin === 'own').map((r) => r.path)).toEqual(['allow[0]', 'deny[0]', 'deny[1]', 'errno.io_uring_setup']);
    // Each resolved rule maps to its origin: ptrace's ALLOW is own (allow[0]), read's is docker-default's.
    const src = (name: string) => originPath(c.composition, c.rules.find((r) => r.syscall === name)!.source);
    expect(src('ptrace')).toBe('allow[0]');
    expect(src('read')).toBe('base docker-default: syscalls[0]');
    // Without a base the API form extends docker-default.
    const d = compile({ deny: ['getpid'] }, ctx);
    expect(decide(d, { syscall: 'getpid' })).toEqual({ action: 'ERRNO', errno: EPERM });
    expect(d.composition?.bases).toEqual(['docker-default']);
  });

  it('a name given directly beats the same name in a group, in either list', () => {
    const c = compile({ base: 'docker-default', deny: ['@network'], allow: ['socketpair'] }, ctx);
    expect(decide(c, { syscall: 'socketpair' })).toEqual({ action: 'ALLOW' });
    expect(decide(c, { syscall: 'connect' })).toEqual({ action: 'ERRNO', errno: EPERM });
    const d = compile({ base: 'docker-default', allow: ['@process'], deny: ['execve'] }, ctx);
    expect(decide(d, { syscall: 'execve' })).toEqual({ action: 'ERRNO', errno: EPERM });
  });

  it('bases nest: the own rules of each level win over the levels below, origins name the file', () => {
    const dir = scratch();
    writeJson(dir, 'mid.json', { baseProfileName: 'docker-default', syscalls: [errnoRule(['getpid'], EACCES)] });
    const top = writeJson(dir, 'top.json', { baseProfileName: 'mid.json', syscalls: [errnoRule(['gettid'], ENOSYS)] });
    const c = compile(top, ctx);
    expect(decide(c, { syscall: 'getpid' })).toEqual({ action: 'ERRNO', errno: EACCES });
    expect(decide(c, { syscall: 'gettid' })).toEqual({ action: 'ERRNO', errno: ENOSYS });
    expect(c.composition?.bases).toEqual([join(dir, 'mid.json'), 'docker-default']);
    const src = (name: string) => originPath(c.composition, c.rules.find((r) => r.syscall === name)!.source);
    expect(src('getpid')).toBe(`base ${join(dir, 'mid.json')}: syscalls[0]`);
    expect(src('gettid')).toBe(`own ${top}: syscalls[0]`);
  });

  it('own top-level fields replace the base\'s', () => {
    const c = compile({ baseProfileName: 'docker-default', defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: EACCES, syscalls: [] }, ctx);
    expect(c.defaultAction).toBe('ERRNO');
    expect(c.defaultData).toBe(EACCES);
    expect(decide(c, { syscall: 'reboot' })).toEqual({ action: 'ERRNO', errno: EACCES });
  });
});

describe('composition: the cache covers the composed profile', () => {
  it('a changed base file gives another program, for the same profile text', () => {
    const dir = scratch();
    const base = join(dir, 'base.json');
    writeFileSync(base, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [errnoRule(['mkdir'], EACCES)] }));
    const text = JSON.stringify({ baseProfileName: base, syscalls: [] });
    const opts = { ...ctx, cache: 'memory' as const };
    clearCompileCache();
    const a = compile(text, opts);
    expect(decide(a, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: EACCES });
    writeFileSync(base, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [errnoRule(['mkdir'], ENOSYS)] }));
    const b = compile(text, opts);
    expect(b.hash).not.toBe(a.hash);
    expect(decide(b, { syscall: 'mkdir' })).toEqual({ action: 'ERRNO', errno: ENOSYS });
  });
});

describe('rules that never take effect, without a base', () => {
  it('warns about a rule equal to the default that another rule contradicts, and about a rule shadowed by an earlier one', () => {
    const c = compile({
      defaultAction: 'SCMP_ACT_ERRNO',
      syscalls: [allowRule(['getpid', 'gettid']), errnoRule(['getpid'], EPERM), errnoRule(['gettid'], EACCES), errnoRule(['reboot'], EPERM)],
    }, ctx);
    const lines = c.warnings.map((w) => `${w.path}: ${w.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/^syscalls\[1\]: never takes effect for "getpid": its action .* is the default action.*syscalls\[0\]/),
      expect.stringMatching(/^syscalls\[2\]: never takes effect for "gettid": syscalls\[0\] .*earlier without conditions/),
    ]);
    // A lone rule equal to the default (reboot) is harmless: no warning. A base silences both kinds.
    const based = compile({ baseProfileName: 'docker-default', syscalls: [errnoRule(['getpid'], EPERM)] }, ctx);
    expect(based.warnings.filter((w) => /never takes effect/.test(w.message))).toEqual([]);
  });

  it('lists the first 1000 such names and counts the rest, each found against the right earlier rule', () => {
    // 1500 rules for getpid after syscalls[0] (LOG): each ALLOW one shadowed by it, each ERRNO
    // one (the default) contradicted by it; the last LOG rule for gettid is shadowed by the
    // ALLOW one in syscalls[1], which syscalls[0] shadows in turn.
    const logRule = (names: string[]) => ({ names, action: 'SCMP_ACT_LOG' });
    const rules: object[] = [logRule(['getpid', 'gettid']), allowRule(['gettid'])];
    for (let i = 0; i < 1500; i++) rules.push(i % 2 ? allowRule(['getpid']) : errnoRule(['getpid'], EPERM));
    rules.push(logRule(['gettid']));
    const c = compile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: rules }, ctx);
    const never = c.warnings.filter((w) => /never takes? effect/.test(w.message));
    expect(never).toHaveLength(1001);
    expect(never[0]).toEqual({ path: 'syscalls[1]', message: expect.stringMatching(/"gettid": syscalls\[0\] \(SCMP_ACT_LOG\) names it earlier/) });
    expect(never[1]).toEqual({ path: 'syscalls[2]', message: expect.stringMatching(/"getpid": its action .* is the default action.* syscalls\[0\] \(SCMP_ACT_LOG\) decides/) });
    expect(never[2]).toEqual({ path: 'syscalls[3]', message: expect.stringMatching(/"getpid": syscalls\[0\] \(SCMP_ACT_LOG\) names it earlier/) });
    // 1502 names never take effect: getpid in syscalls[2..1501], gettid in syscalls[1] and in the last rule.
    expect(never[1000]).toEqual({ path: 'syscalls', message: '502 more syscall names in rules that never take effect for them (the first 1000 are listed)' });
  });
});

describe('CLI: --allow, --deny, --errno on top of --profile', () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    const x: CommandIO = { stdout: (t) => void out.push(t), stderr: (t) => void err.push(t), env: {}, cwd: process.cwd() };
    return { x, out, err };
  };
  const probe: Command = {
    name: 'probe', summary: 'test', synopsis: '', description: '', options: PROFILE_OPTIONS,
    async run(args, cio) {
      const c = await compileFromOptions(args, cio);
      for (const s of ['ptrace', 'mkdir', 'getpid', 'io_uring_setup', 'connect']) cio.stdout(`${s} ${JSON.stringify(decide(c, { syscall: s }))}\n`);
      return 0;
    },
  };

  it('compiles the profile with the overrides', async () => {
    const { x, out, err } = io();
    const status = await runCommand(probe, ['--cap-drop', 'ALL', '--allow', 'ptrace', '--deny', 'mkdir,getpid', '--errno', 'io_uring_setup=ENOSYS', '--errno', '@network=13'], x);
    expect(status, err.join('')).toBe(0);
    expect(out.join('')).toBe([
      'ptrace {"action":"ALLOW"}',
      'mkdir {"action":"ERRNO","errno":1}',
      'getpid {"action":"ERRNO","errno":1}',
      'io_uring_setup {"action":"ERRNO","errno":38}',
      'connect {"action":"ERRNO","errno":13}',
      '',
    ].join('\n'));
  });

  it('bad overrides are usage errors or profile failures with the place named', async () => {
    const a = io();
    expect(await runCommand(probe, ['--errno', 'mkdir'], a.x)).toBe(125);
    expect(a.err.join('')).toMatch(/--errno "mkdir": expected NAME=ERRNO/);
    const b = io();
    expect(await runCommand(probe, ['--deny', 'mkdir,,getpid'], b.x)).toBe(125);
    const c = io();
    expect(await runCommand(probe, ['--deny', 'mkdri'], c.x)).toBe(1);
    expect(c.err.join('')).toMatch(/deny\[0\].*did you mean "mkdir"/);
  });

  it('seccomp groups lists the groups, and a group\'s syscalls with their numbers per arch', async () => {
    const cmd = await COMMANDS.groups.load();
    const a = io();
    expect(await runCommand(cmd, [], a.x)).toBe(0);
    expect(a.out.join('')).toMatch(/^@file-write +create/m);
    expect(a.out.join('').match(/^@/gm)).toHaveLength(13);
    const b = io();
    expect(await runCommand(cmd, ['@network', '--arch', 'x86'], b.x)).toBe(0);
    expect(b.out.join('')).toMatch(/^socketcall +102$/m);
    expect(b.out.join('')).toMatch(/^socket +via socketcall$/m);
    const c = io();
    expect(await runCommand(cmd, ['@nope'], c.x)).toBe(125);
  });
});
