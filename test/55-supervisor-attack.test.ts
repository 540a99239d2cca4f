// Red-team checks of the notify supervisor: a hostile child (or a careless handler) must not
// make this process crash, leak or answer twice. Filters are installed only in the children.
import { type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NO_NOTIFY, skipAllIf } from './helpers/skip.js';
import { nativeArch } from '../dist/arch.js';
import { FilterFlag, features, resolveSyscall } from '../dist/library.js';
import { compile } from '../dist/profile/compile.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { recordingProgram } from '../dist/report/transform.js';
import { spawn } from '../dist/spawn.js';
import { namesCached, type SyscallNotification } from '../dist/supervisor/supervise.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccomp-55-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const canNotify = features().notify;

const notifying = (names: string[]) => ({
  defaultAction: 'SCMP_ACT_ALLOW',
  listenerPath: '/run/unused.sock',
  syscalls: [{ names, action: 'SCMP_ACT_NOTIFY' }],
});

function finished(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('supervisor attack: answers from odd handlers', () => {
  skipAllIf(!canNotify, NO_NOTIFY);
  it('a thenable whose then() throws is answered EPERM, without an uncaught exception', async () => {
    const uncaught: unknown[] = [];
    const onUncaught = (e: unknown) => uncaught.push(e);
    process.on('uncaughtException', onUncaught);
    try {
      const onSyscall = () => ({ then() { throw new Error('then bug'); } });
      const child = spawn('/bin/sh', ['-c', `mkdir ${tmp}/then-throws 2>/dev/null; echo $?`], {
        seccomp: notifying(['mkdir', 'mkdirat']), onSyscall, stdio: ['ignore', 'pipe', 'ignore'],
      });
      const r = await finished(child);
      expect(r.stdout).toBe('1\n');
      expect(existsSync(`${tmp}/then-throws`)).toBe(false);
      expect(uncaught).toEqual([]);
      expect(child.seccompSupervisor!.stats).toEqual({ received: 1, answered: 1, defaulted: 1 });
    } finally {
      process.off('uncaughtException', onUncaught);
    }
  }, 20_000);

  it('a thenable that settles twice is answered once (its first answer)', async () => {
    const onSyscall = () => ({
      then(ok: (v: unknown) => void, fail: (e: unknown) => void) {
        ok({ errno: 13 });
        ok('continue');
        fail(new Error('late'));
      },
    });
    const child = spawn('/bin/sh', ['-c', `mkdir ${tmp}/twice 2>/dev/null; echo $?`], {
      seccomp: notifying(['mkdir', 'mkdirat']), onSyscall, stdio: ['ignore', 'pipe', 'ignore'],
    });
    const r = await finished(child);
    expect(r.stdout).toBe('1\n');
    expect(existsSync(`${tmp}/twice`)).toBe(false);
    expect(child.seccompSupervisor!.stats).toEqual({ received: 1, answered: 1, defaulted: 0 });
  });
});

describe('supervisor attack: memory a child can make this process keep', () => {
  skipAllIf(!canNotify, NO_NOTIFY);
  it('syscall numbers with no name do not grow the name cache (a child can make 2^32 of them)', async () => {
    // Every syscall but the hand-off notifies (the recording program); perl calls 300 numbers no x86_64 syscall has
    // (the gap 335..423 and x32-bit numbers), each once; the handler reads n.syscall.
    const before = namesCached();
    let unnamed = 0;
    const onSyscall = (n: SyscallNotification) => {
      if (n.syscall === undefined) unnamed++;
      return 'continue';
    };
    const script = 'for my $n (336..400, 0x40000300..0x400003ea) { syscall($n) } print "done\\n"';
    const shell = compile({ defaultAction: 'SCMP_ACT_ALLOW' });
    const arch = nativeArch();
    const everything: CompiledProfile = {
      ...shell,
      bpf: recordingProgram({ passthrough: [{ arch, nr: resolveSyscall('sendmsg', arch) }] }),
      filterFlags: (shell.filterFlags | FilterFlag.NEW_LISTENER) >>> 0,
      defaultAction: 'NOTIFY',
    };
    const child = spawn('perl', ['-e', script], { seccomp: everything, onSyscall, stdio: ['ignore', 'pipe', 'inherit'] });
    const r = await finished(child);
    expect(r.stdout).toBe('done\n');
    expect(unnamed).toBeGreaterThanOrEqual(60);
    expect(namesCached() - before).toBeLessThan(200); // the named syscalls perl made, at most
  });
});

describe('supervisor attack: the listener needs the ptrace guard', () => {
  // Without Landlock's ptrace scope a child of this uid can open /proc/PPID/fd/N or use
  // pidfd_getfd on the listener and answer its own notifications (denials included).
  it("refuses a supervised child with isolation 'none' (ERR_SECCOMP_ISOLATION), starting nothing", (t) => {
    t.skip(!canNotify, NO_NOTIFY);
    const marker = join(tmp, 'started-without-guard');
    let err: unknown;
    try {
      spawn('/bin/sh', ['-c', `: > ${marker}`], {
        seccomp: notifying(['mkdir']),
        isolation: 'none',
        onSyscall: () => 'continue',
      });
    } catch (e) {
      err = e;
    }
    expect((err as { code?: string })?.code).toBe('ERR_SECCOMP_ISOLATION');
    expect((err as Error).message).toMatch(/ptrace guard/);
    expect(existsSync(marker)).toBe(false);
  });
});
