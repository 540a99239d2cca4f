// sandbox() and status() on the running process. Every filter goes on in a child process
// (test/fixtures/sandbox-*.mjs); this process only reads what the child reports.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';
import { nested, outer, unfiltered } from './helpers/nested.js';
import { users } from './helpers/users.js';
import { NOT_ROOT } from './helpers/skip.js';

const scratch = scratchDirs('seccomp-sandbox-');

// Running a child as another user, and holding CAP_SYS_ADMIN, both need root.
const isRoot = process.getuid?.() === 0;

// Nested (a filter already in place): counts are relative to it; no_new_privs is already set.
const NNP_SET = 'nested: no_new_privs is already set by the outer sandbox and cannot be cleared';

describe('sandbox(): bad input changes nothing', () => {
  it('throws for a bad profile or bad options and leaves the process unfiltered, without no_new_privs', () => {
    const r = runFixture('sandbox-bad.mjs');
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.badAction.code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    expect(out.badAction.problems.map((p: { path: string }) => p.path)).toContain('syscalls[0].action');
    expect(out.unknownBuiltin.code).toBe('ERR_SECCOMP_PROFILE_NOT_FOUND');
    expect(out.strictUnknownSyscall.code).toMatch(/^ERR_SECCOMP_(UNKNOWN_SYSCALL|PROFILE_INVALID)$/);
    expect(out.badOptions.name).toBe('TypeError');
    expect(out.badNoNewPrivs.name).toBe('TypeError');
    expect(out.notify.code).toBe('ERR_SECCOMP_UNSUPPORTED');
    expect(out.foreignArch.code).toBe('ERR_SECCOMP_ARCH_MISMATCH');
    expect(out.status).toEqual(unfiltered);
  });

  it('refuses noNewPrivs: false without CAP_SYS_ADMIN, before changing anything', (t) => {
    t.skip(!isRoot, NOT_ROOT);
    const dir = scratch();
    const r = runFixture('sandbox-nnp.mjs', [dir], { uid: 65534, gid: 65534 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error.code).toBe('EACCES');
    expect(r.json.mkdir).not.toBe('EPERM'); // no filter: mkdir fails only on permissions (EACCES)
    expect(r.json.status).toEqual(unfiltered);
  });

  it('throws ERR_SECCOMP_TSYNC when a thread has its own filter, and applies nothing', () => {
    const r = runFixture('sandbox-tsync.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error.code).toBe('ERR_SECCOMP_TSYNC');
    expect(r.json.status).toEqual(unfiltered);
  });
});

describe('sandbox(): every thread, every way in', () => {
  it('denies mkdir with EPERM on the main thread, the libuv pool, Workers before and after, and children', () => {
    const dir = scratch();
    const r = runFixture('sandbox-threads.mjs', [dir]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.sync).toBe('EPERM');
    expect(out.callback).toBe('EPERM');
    expect(out.promises).toBe('EPERM');
    expect(out.workerBefore).toBe('EPERM');
    expect(out.workerAfter).toBe('EPERM');
    expect(out.child).not.toBe('ok');
    // The pool and the first Worker existed before the filter went on; all threads are in filter mode.
    expect(out.threadsBefore).toBeGreaterThan(6);
    expect(out.threadModes.length).toBeGreaterThanOrEqual(out.threadsBefore);
    expect(new Set(out.threadModes)).toEqual(new Set(['2']));
    expect(out.status).toMatchObject({ mode: 'filter', filters: outer.filters + 1, noNewPrivs: true });
    expect(out.status.applied).toHaveLength(1);
    expect(out.status.applied[0].hash).toBe(out.applied.hash);
    expect(out.applied.filterFlags & 1).toBe(1); // TSYNC
    expect(readdirSync(dir)).toEqual([]);
  });

  it('kills the whole process with SIGSYS when the default is KILL_PROCESS', () => {
    const dir = scratch();
    const r = runFixture('sandbox-kill.mjs', [dir]);
    expect(r.stdout).toContain('sandboxed');
    expect(r.stdout).not.toContain('survived');
    expect(r.signal).toBe('SIGSYS');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('noNewPrivs: false is honoured with CAP_SYS_ADMIN', (t) => {
    t.skip(!isRoot, NOT_ROOT);
    t.skip(nested, NNP_SET);
    const dir = scratch();
    const r = runFixture('sandbox-nnp.mjs', [dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error).toBeUndefined();
    expect(r.json.mkdir).toBe('EPERM');
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: 1, noNewPrivs: false });
  });
});

describe('sandbox(): stacking', () => {
  it('adds a filter per call; a later, looser profile cannot undo an earlier denial', () => {
    const dir = scratch();
    const r = runFixture('sandbox-stack.mjs', [dir]);
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.unconfined).toMatchObject({ unconfined: true, instructions: 0 });
    expect(out.afterUnconfined).toEqual(unfiltered);
    expect(out.mkdir).toBe('EPERM');
    expect(out.rmdir).toBe('EACCES');
    expect(out.status).toMatchObject({ mode: 'filter', filters: outer.filters + 3, noNewPrivs: true });
    const hashes = out.status.applied.map((a: { hash: string }) => a.hash);
    expect(hashes).toHaveLength(3);
    expect(new Set(hashes).size).toBe(3);
    expect(readdirSync(dir)).toEqual(['existing']);
  });

  it('stops at the kernel total-size cap with a clear error and keeps what was applied', () => {
    const r = runFixture('sandbox-cap.mjs');
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.error).toMatchObject({ code: 'ERR_SECCOMP_LOAD', errno: 12 });
    expect(out.error.message).toContain('32768');
    // Each filter costs at least its own length plus 4 against 32768 instructions.
    expect(out.applied).toBeGreaterThan(1);
    expect(out.applied * (out.instructions + 4)).toBeLessThanOrEqual(32768 + 4);
    expect(out.status.filters).toBe(outer.filters + out.applied);
    expect(out.status.applied).toHaveLength(out.applied);
    expect(out.stillWorks).toBe(64);
  });

  it('still stacks a filter when one already on denies clone (no trial child can be made)', () => {
    const dir = scratch();
    const r = runFixture('sandbox-no-clone.mjs', [dir]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error).toBeUndefined();
    expect(r.json.mkdir).toBe('EACCES');
    expect(r.json.status).toMatchObject({ mode: 'filter', filters: outer.filters + 2 });
    expect(readdirSync(dir)).toEqual([]);
  });

  // no_new_privs starts off only where filters can go on without it: with CAP_SYS_ADMIN (root).
  const nobody = users[1];
  const refused = (asNobody: boolean) => {
    const r = runFixture('sandbox-nnp-refused.mjs', asNobody ? ['nobody'] : []);
    expect(r.status, r.stderr).toBe(0);
    const out = r.json;
    expect(out.stacked).toBeGreaterThan(1);
    for (const who of asNobody ? [out.self, out.child] : [out.self]) {
      expect(who.error).toMatchObject({ code: 'ERR_SECCOMP_LOAD', errno: 12 });
      expect(who.error.message).toContain('32768');
      expect(who).toMatchObject({ nnpBefore: false, nnpAfter: false, filtersBefore: out.stacked, filtersAfter: out.stacked });
    }
  };
  it('a refused filter leaves no_new_privs off, as root', (t) => {
    t.skip(!isRoot, NOT_ROOT);
    t.skip(nested, NNP_SET);
    refused(false);
  });
  it('a refused filter leaves no_new_privs off as nobody too (inheriting the filters)', (t) => {
    t.skip(!isRoot, NOT_ROOT);
    t.skip(nested, NNP_SET);
    t.skip(nobody.skip !== undefined, nobody.skip);
    refused(true);
  });
});
