// The low-level API over libseccomp, in this process: nothing here loads a filter
// (that happens only in children, tests 03 and 04).
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Action,
  ATTRIBUTES,
  apiLevel,
  decodeAction,
  features,
  Filter,
  notificationIdValid,
  receiveNotification,
  resolveSyscall,
  respondNotification,
  SeccompError,
  setApiLevel,
  syscallName,
  version,
} from '../dist/index.js';
import { thrown } from './helpers/thrown.js';

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const x86_64 = process.arch === 'x64';
const v = version();
const has26 = v.major > 2 || v.minor >= 6;

const open: Filter[] = [];
function filter(def: number = Action.ALLOW): Filter {
  const f = new Filter(def);
  open.push(f);
  return f;
}
afterEach(() => {
  for (const f of open.splice(0)) f.release();
});


describe('bad input is refused in TypeScript', () => {
  it('Action values: errno 0..4095, trace 0..65535, integers only', () => {
    expect(Action.ERRNO(4095)).toBe(0x0005_0fff);
    expect(() => Action.ERRNO(4096)).toThrow(RangeError);
    expect(() => Action.ERRNO(-1)).toThrow(RangeError);
    expect(() => Action.ERRNO(1.5)).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => Action.ERRNO('1')).toThrow(TypeError);
    expect(() => Action.TRACE(65536)).toThrow(RangeError);
  });

  it('an action number that is not a seccomp action, or errno >= 4096, is refused', () => {
    // @ts-expect-error: the wrong type on purpose
    expect(() => new Filter('ALLOW')).toThrow(TypeError);
    expect(() => new Filter(-1)).toThrow(TypeError);
    expect(() => new Filter(0x1234_5678)).toThrow(RangeError);
    expect(() => new Filter(0x0005_1000)).toThrow(/errno must be < 4096/);
    expect(() => new Filter(Action.ALLOW | 5)).toThrow(/takes no data/);
    const f = filter();
    expect(() => f.addRule(0x0005_1000, 'read')).toThrow(RangeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.addRule(undefined, 'read')).toThrow(TypeError);
  });

  it('syscall must be a known name or a 32-bit integer', () => {
    const f = filter();
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.addRule(Action.ERRNO(1), {})).toThrow(TypeError);
    expect(() => f.addRule(Action.ERRNO(1), 1.5)).toThrow(TypeError);
    expect(() => f.addRule(Action.ERRNO(1), 2 ** 31)).toThrow(RangeError);
    expect(() => f.addRule(Action.ERRNO(1), '')).toThrow(TypeError);
    expect(() => resolveSyscall('read\0write')).toThrow(TypeError);
    expect(() => syscallName(1.5)).toThrow(TypeError);
  });

  it('an unknown syscall name is ERR_SECCOMP_UNKNOWN_SYSCALL', () => {
    const e = thrown(() => filter().addRule(Action.ERRNO(1), 'no_such_syscall'));
    expect(e).toBeInstanceOf(SeccompError);
    expect(e).toMatchObject({ code: 'ERR_SECCOMP_UNKNOWN_SYSCALL', syscall: 'no_such_syscall' });
    expect(thrown(() => resolveSyscall('no_such_syscall')).code).toBe('ERR_SECCOMP_UNKNOWN_SYSCALL');
  });

  it('an unknown arch is ERR_SECCOMP_UNKNOWN_ARCH; a non-string arch a TypeError', () => {
    const f = filter();
    expect(thrown(() => f.addArch('vax'))).toMatchObject({ name: 'SeccompError', code: 'ERR_SECCOMP_UNKNOWN_ARCH' });
    expect(thrown(() => resolveSyscall('read', 'vax')).code).toBe('ERR_SECCOMP_UNKNOWN_ARCH');
    expect(thrown(() => syscallName(0, 'vax')).code).toBe('ERR_SECCOMP_UNKNOWN_ARCH');
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.hasArch(62)).toThrow(TypeError);
  });

  it('conditions: shape, arg 0..5, op names, at most 6', () => {
    const f = filter();
    // Deliberately not Conditions: what a JavaScript caller could pass.
    const add = (c: unknown) => () => f.addRule(Action.ERRNO(1), 'read', c as never);
    expect(add({ arg: 0, op: 'EQ', value: 1 })).toThrow(TypeError);
    expect(add([null])).toThrow(TypeError);
    expect(add([{ arg: 6, op: 'EQ', value: 1 }])).toThrow(RangeError);
    expect(add([{ arg: '0', op: 'EQ', value: 1 }])).toThrow(TypeError);
    expect(add([{ arg: 0, op: 'EQUAL', value: 1 }])).toThrow(TypeError);
    expect(add([{ arg: 0, op: 'toString', value: 1 }])).toThrow(TypeError);
    expect(add(Array.from({ length: 7 }, () => ({ arg: 0, op: 'EQ', value: 1 })))).toThrow(RangeError);
  });

  it('values: unsigned 64-bit bigint or safe-integer number; an unsafe number is a RangeError', () => {
    const f = filter();
    const add = (value: unknown, valueTwo?: unknown) => () =>
      f.addRule(Action.ERRNO(1), 'read', [{ arg: 0, op: 'MASKED_EQ', value, valueTwo } as never]);
    expect(add(2 ** 53)).toThrow(RangeError);
    expect(add(2 ** 53)).toThrow(/safe integer/);
    expect(add(1, 2 ** 64)).toThrow(RangeError);
    expect(add(-1)).toThrow(RangeError);
    expect(add(-1n)).toThrow(RangeError);
    expect(add(2n ** 64n)).toThrow(RangeError);
    expect(add('5')).toThrow(TypeError);
    expect(add(0.5)).toThrow(RangeError);
    expect(add(U64_MAX, U64_MAX)).not.toThrow();
    expect(add(Number.MAX_SAFE_INTEGER, 0)).not.toThrow();
  });

  it('priority, attributes, API level and merge arguments are checked', () => {
    const f = filter();
    expect(() => f.setSyscallPriority('read', 256)).toThrow(RangeError);
    expect(() => f.setSyscallPriority('read', -1)).toThrow(RangeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.getAttribute('bogus')).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.getAttribute('constructor')).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.setAttribute('log', 'yes')).toThrow(TypeError);
    expect(() => f.setAttribute('badArchAction', 0x1234_5678)).toThrow(RangeError);
    expect(() => setApiLevel(0)).toThrow(RangeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => setApiLevel('6')).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => f.merge({})).toThrow(TypeError);
    expect(() => f.merge(f)).toThrow(TypeError);
  });

  it('notify arguments are checked before any call', async () => {
    expect(() => respondNotification(-1, 1n, { error: 1 })).toThrow(RangeError);
    expect(() => respondNotification(3, -1n, { error: 1 })).toThrow(RangeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => respondNotification(3, 1n, null)).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => respondNotification(3, 1n, {})).toThrow(TypeError);
    expect(() => respondNotification(3, 1n, { error: 0 })).toThrow(RangeError);
    expect(() => respondNotification(3, 1n, { error: 4096 })).toThrow(RangeError);
    expect(() => respondNotification(3, 1n, { value: 2 ** 60 })).toThrow(RangeError);
    // @ts-expect-error: the wrong type on purpose
    expect(() => notificationIdValid(3, 'x')).toThrow(TypeError);
    // @ts-expect-error: the wrong type on purpose
    await expect(receiveNotification('3')).rejects.toThrow(TypeError);
    await expect(receiveNotification(3, { timeoutMs: -1 })).rejects.toThrow(RangeError);
  });

  it('argument checks come before the released check (no call reaches C++)', () => {
    const f = new Filter(Action.ALLOW);
    f.release();
    expect(() => f.addRule(0x0005_1000, 'read')).toThrow(RangeError);
    expect(() => f.addRule(Action.ERRNO(1), 'read', [{ arg: 9, op: 'EQ', value: 0 }])).toThrow(RangeError);
    expect(() => f.setSyscallPriority('read', 300)).toThrow(RangeError);
  });
});

describe('libseccomp failures are SeccompErrors named after the errno', () => {
  it('a rule whose action is the default action: EACCES from seccomp_rule_add_array, naming the syscall', () => {
    const e = thrown(() => filter().addRule(Action.ALLOW, 'read'));
    expect(e).toBeInstanceOf(SeccompError);
    expect(e).toMatchObject({ code: 'EACCES', errno: 13, func: 'seccomp_rule_add_array', syscall: 'read' });
    expect(e.message).toContain('seccomp_rule_add_array');
  });

  it('a conflicting rule: EEXIST', () => {
    const f = filter();
    f.addRule(Action.ERRNO(1), 'read', [{ arg: 0, op: 'EQ', value: 7 }]);
    const e = thrown(() => f.addRule(Action.ERRNO(2), 'read', [{ arg: 0, op: 'EQ', value: 7 }]));
    expect(e).toMatchObject({ code: 'EEXIST', errno: 17, func: 'seccomp_rule_add_array', syscall: 'read' });
  });

  it('adding an arch twice or removing an absent one: EEXIST from seccomp_arch_*', () => {
    const f = filter();
    expect(thrown(() => f.addArch(Filter.nativeArch()))).toMatchObject({ code: 'EEXIST', func: 'seccomp_arch_add' });
    expect(thrown(() => f.removeArch('x32'))).toMatchObject({ code: 'EEXIST', func: 'seccomp_arch_remove' });
  });

  it('the default action attribute is read-only: EACCES from seccomp_attr_set', () => {
    expect(thrown(() => filter().setAttribute('defaultAction', Action.KILL))).toMatchObject({
      code: 'EACCES',
      errno: 13,
      func: 'seccomp_attr_set',
    });
  });

  it('an API level the library does not know: EINVAL from seccomp_api_set', () => {
    expect(thrown(() => setApiLevel(255))).toMatchObject({ code: 'EINVAL', errno: 22, func: 'seccomp_api_set' });
  });

  it('the notification fd of a filter that was never loaded is an error', () => {
    const e = thrown(() => filter().notifyFd());
    expect(e).toBeInstanceOf(SeccompError);
    expect(e.func).toBe('seccomp_notify_fd');
    expect(typeof e.errno).toBe('number');
  });

  it('receiving on a descriptor that is not a listener rejects with a SeccompError', async () => {
    await expect(receiveNotification(0x7fff_fff0, { timeoutMs: 0 })).rejects.toMatchObject({ code: 'EBADF' });
  });
});

describe('arches', () => {
  it('the native arch is in a new filter; others can be added and removed', () => {
    const f = filter();
    if (x86_64) expect(Filter.nativeArch()).toBe('x86_64');
    expect(f.hasArch(Filter.nativeArch())).toBe(true);
    expect(f.hasArch('native')).toBe(true);
    const other = x86_64 ? 'x86' : 'x86_64';
    expect(f.hasArch(other)).toBe(false);
    f.addArch(other);
    expect(f.hasArch(other)).toBe(true);
    expect(f.exportPfc()).toContain(`filter for arch ${other} `);
    f.removeArch(other);
    expect(f.hasArch(other)).toBe(false);
  });
});

describe('attributes', () => {
  it('reads every attribute this libseccomp has; new filters have TSYNC and SYSRAWRC on', () => {
    const f = filter(Action.ERRNO(38));
    const got = Object.fromEntries(ATTRIBUTES.filter((a) => a !== 'waitKill').map((a) => [a, f.getAttribute(a)]));
    expect(got).toMatchObject({ defaultAction: Action.ERRNO(38), tsync: 1, sysRawRc: 1, noNewPrivs: 1 });
  });

  it('sets and reads back attributes', () => {
    const f = filter();
    f.setAttribute('badArchAction', Action.ERRNO(5)).setAttribute('log', true).setAttribute('optimize', 2);
    f.setAttribute('noNewPrivs', false).setAttribute('apiTskip', 1);
    expect(f.getAttribute('badArchAction')).toBe(Action.ERRNO(5));
    expect(f.getAttribute('log')).toBe(1);
    expect(f.getAttribute('optimize')).toBe(2);
    expect(f.getAttribute('noNewPrivs')).toBe(0);
    expect(f.getAttribute('apiTskip')).toBe(1);
    expect(f.exportPfc()).toContain('action ERRNO(5);');
  });

  it('waitKill needs libseccomp 2.6.0: ERR_SECCOMP_UNSUPPORTED naming that version', (t) => {
    t.skip(has26, `this libseccomp (${v.major}.${v.minor}.${v.micro}) has waitKill`);
    const f = filter();
    for (const call of [() => f.getAttribute('waitKill'), () => f.setAttribute('waitKill', 1)]) {
      const e = thrown(call);
      expect(e).toBeInstanceOf(SeccompError);
      expect(e.code).toBe('ERR_SECCOMP_UNSUPPORTED');
      expect(e.message).toContain('2.6.0');
      expect(e.message).toContain(`${v.major}.${v.minor}.${v.micro}`);
    }
  });

  it('waitKill can be set on libseccomp 2.6 and later', (t) => {
    t.skip(!has26, `needs libseccomp 2.6.0; this is ${v.major}.${v.minor}.${v.micro}`);
    expect(filter().setAttribute('waitKill', 1).getAttribute('waitKill')).toBe(1);
  });
});

describe('syscall names and numbers', () => {
  it('resolves per arch and back', (t) => {
    t.skip(!x86_64, "needs x86_64: the expected numbers are x86_64's");
    expect(resolveSyscall('read')).toBe(0);
    expect(resolveSyscall('read', 'x86_64')).toBe(0);
    expect(resolveSyscall('read', 'x86')).toBe(3);
    expect(resolveSyscall('mkdirat')).toBe(258);
    expect(syscallName(0)).toBe('read');
    expect(syscallName(3, 'x86')).toBe('read');
    expect(syscallName(99_999)).toBeUndefined();
  });

  it("keeps libseccomp's negative pseudo-syscall numbers (socketcall on x86_64)", (t) => {
    t.skip(!x86_64, "needs x86_64: the expected numbers are x86_64's");
    const nr = resolveSyscall('socketcall');
    expect(nr).toBeLessThan(0);
    expect(syscallName(nr)).toBe('socketcall');
    expect(resolveSyscall('socketcall', 'x86')).toBe(102);
    // libseccomp accepts a rule on it (it applies to arches that have the syscall).
    expect(() => filter().addRule(Action.ERRNO(1), nr)).not.toThrow();
  });
});

describe('library information', () => {
  it('version, API level and features', () => {
    expect(v.major).toBe(2);
    expect(v.minor).toBeGreaterThanOrEqual(5);
    expect(Number.isInteger(v.micro)).toBe(true);
    const level = apiLevel();
    expect(level).toBeGreaterThanOrEqual(1);
    setApiLevel(level); // setting the current level is harmless
    expect(apiLevel()).toBe(level);
    const f = features();
    expect(f.libseccomp).toEqual(v);
    expect(f.apiLevel).toBe(level);
    const avail = readFileSync('/proc/sys/kernel/seccomp/actions_avail', 'utf8').trim().split(/\s+/);
    expect(f.actionsAvail).toEqual(avail);
    expect(Object.keys(f.optional).sort()).toEqual([
      'seccomp_export_bpf_mem', 'seccomp_precompute', 'seccomp_transaction_commit',
      'seccomp_transaction_reject', 'seccomp_transaction_start',
    ]);
    if (!has26) expect(Object.values(f.optional)).toEqual([false, false, false, false, false]);
    expect(f.notify).toBe(avail.includes('user_notif') && level >= 6 && f.flags.NEW_LISTENER && f.flags.TSYNC_ESRCH);
    expect(f.tsync).toBe(f.flags.TSYNC);
  });

  it('Action values are the kernel SECCOMP_RET_* encodings and decode back', () => {
    expect(Action.KILL).toBe(Action.KILL_THREAD);
    expect(Action.KILL_PROCESS).toBe(0x8000_0000);
    expect(decodeAction(Action.ERRNO(13))).toEqual({ action: 'ERRNO', data: 13 });
    expect(decodeAction(Action.TRACE(7))).toEqual({ action: 'TRACE', data: 7 });
    expect(decodeAction(Action.NOTIFY)).toEqual({ action: 'NOTIFY' });
  });
});

describe('rules, export and lifetime', () => {
  it('the PFC text lists the rules, their conditions and the full 64-bit values', () => {
    const f = filter();
    f.addRule(Action.ERRNO(1), 'mkdirat', [{ arg: 2, op: 'MASKED_EQ', value: 0o700, valueTwo: 0o500 }]);
    f.addRule(Action.ERRNO(13), 'read', [{ arg: 0, op: 'EQ', value: U64_MAX }]);
    f.addRuleExact(Action.KILL_PROCESS, 'ptrace');
    f.setSyscallPriority('read', 255);
    const pfc = f.exportPfc();
    expect(pfc).toContain('filter for syscall "mkdirat"');
    expect(pfc).toMatch(/\$a2\.lo32 & 0x000001c0 == 320/); // mask 0o700, expected 0o500
    expect(pfc).toContain('action ERRNO(1);');
    expect(pfc).toMatch(/\$a0\.hi32 == 4294967295\)\n\s+if \(\$a0\.lo32 == 4294967295\)/);
    expect(pfc).toContain('action ERRNO(13);');
    expect(pfc).toContain('filter for syscall "ptrace"');
    expect(pfc).toContain('action KILL_PROCESS;');
    expect(pfc).not.toContain('"write"');
  });

  it('exportBpf: 8 bytes per instruction, deterministic, and it changes with the rules', () => {
    const a = filter().addRule(Action.ERRNO(1), 'mkdirat');
    const b = filter().addRule(Action.ERRNO(1), 'mkdirat');
    const bpf = a.exportBpf();
    expect(bpf.length).toBeGreaterThan(0);
    expect(bpf.length % 8).toBe(0);
    expect(b.exportBpf().equals(bpf)).toBe(true);
    b.addRule(Action.ERRNO(2), 'openat');
    expect(b.exportBpf().length % 8).toBe(0);
    expect(b.exportBpf().equals(bpf)).toBe(false);
  });

  it('reset clears the rules and sets a new default action, keeping TSYNC on', () => {
    const f = filter();
    f.addRule(Action.ERRNO(1), 'mkdirat');
    f.reset(Action.ERRNO(38));
    expect(f.exportPfc()).not.toContain('mkdirat');
    expect(f.getAttribute('defaultAction')).toBe(Action.ERRNO(38));
    expect(f.getAttribute('tsync')).toBe(1);
    expect(() => f.reset(0x0005_2000)).toThrow(RangeError);
  });

  it('merge moves the other filter (other arches) into this one and releases it', () => {
    const other = x86_64 ? 'x86' : 'x86_64';
    const a = filter().addRule(Action.ERRNO(1), 'mkdirat');
    const b = filter();
    b.removeArch(Filter.nativeArch());
    b.addArch(other);
    b.addRule(Action.ERRNO(2), 'mkdir');
    a.merge(b);
    expect(b.released).toBe(true);
    expect(a.hasArch(other)).toBe(true);
    const pfc = a.exportPfc();
    expect(pfc).toContain(`filter for arch ${other} `);
    expect(pfc).toContain('action ERRNO(2);');
    // Filters that share an arch cannot merge; the source stays usable.
    const c = filter();
    expect(thrown(() => a.merge(c))).toMatchObject({ code: 'EEXIST', func: 'seccomp_merge' });
    expect(c.released).toBe(false);
    expect(c.hasArch(Filter.nativeArch())).toBe(true);
  });

  it('release() twice is harmless; Symbol.dispose releases; use after release is ERR_SECCOMP_RELEASED', () => {
    const f = new Filter(Action.ALLOW);
    f.release();
    f.release();
    expect(f.released).toBe(true);
    for (const use of [
      () => f.addRule(Action.ERRNO(1), 'read'),
      () => f.exportBpf(),
      () => f.exportPfc(),
      () => f.getAttribute('tsync'),
      () => f.hasArch('native'),
      () => f.reset(Action.ALLOW),
    ]) {
      expect(thrown(use)).toMatchObject({ name: 'SeccompError', code: 'ERR_SECCOMP_RELEASED' });
    }
    const g = new Filter(Action.ALLOW);
    g[Symbol.dispose]();
    expect(g.released).toBe(true);
    expect(thrown(() => g.exportPfc()).code).toBe('ERR_SECCOMP_RELEASED');
  });

  it('precompute() reports whether this libseccomp can build the program ahead of load', () => {
    expect(filter().precompute()).toBe(has26);
  });
});
