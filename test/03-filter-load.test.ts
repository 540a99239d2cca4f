// Filters loaded in child processes (test/fixtures/*.mjs), checked by what the child saw.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.js';
import { scratchDir } from './helpers/scratch.js';

const work = scratchDir('seccomp-03-');

function json(r: ReturnType<typeof runFixture>): any {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.json;
}

describe('a loaded filter, in a child', () => {
  it('ERRNO(1) on mkdir/mkdirat: fs.mkdirSync fails with EPERM and nothing is created', () => {
    const dir = join(work, 'errno-load');
    expect(json(runFixture('errno-mkdir.mjs', ['load', dir]))).toEqual({ code: 'EPERM', exists: false });
  });

  it('the exported BPF installed with installFilter() has the same effect as load()', () => {
    const dir = join(work, 'errno-bpf');
    expect(json(runFixture('errno-mkdir.mjs', ['bpf', dir]))).toEqual({ code: 'EPERM', exists: false });
  });

  it('without a filter the same mkdir succeeds (control)', () => {
    const dir = join(work, 'control');
    expect(json(runFixture('errno-mkdir.mjs', ['none', dir]))).toEqual({ code: null, exists: true });
  });

  it('EQ on a full 64-bit value matches that value only', () => {
    const value = '0x123456789abcdef0';
    const probes = [value, '0x9abcdef0', '0x123456799abcdef0', '0x123456789abcdef1', '0x023456789abcdef0', '0'];
    const out = json(runFixture('arg-compare.mjs', ['EQ', value, '-', ...probes]));
    expect(out).toEqual({
      [value]: 'EXDEV',
      '0x9abcdef0': 'read', // same low 32 bits
      '0x123456799abcdef0': 'read', // high half differs by one
      '0x123456789abcdef1': 'read',
      '0x023456789abcdef0': 'read',
      '0': 'read',
    });
  });

  // Were the two swapped, (arg & expected) == mask could never hold and nothing would be refused.
  it('MASKED_EQ takes value as the mask and valueTwo as the expected value', () => {
    const mask = '0xffff0000000000ff';
    const expected = '0x1234000000000042';
    const probes = ['0x1234567890abcd42', expected, '0x1235000000000042', '0x1234000000000043', '0x7fff0000000000ff'];
    const out = json(runFixture('arg-compare.mjs', ['MASKED_EQ', mask, expected, ...probes]));
    expect(out).toEqual({
      '0x1234567890abcd42': 'EXDEV', // bits outside the mask are ignored
      [expected]: 'EXDEV',
      '0x1235000000000042': 'read',
      '0x1234000000000043': 'read',
      '0x7fff0000000000ff': 'read',
    });
  });

  it('KILL_PROCESS kills the child with SIGSYS', () => {
    // cwd: a scratch directory, in case the machine writes a core file for SIGSYS.
    const r = runFixture('kill-process.mjs', [join(work, 'killed')], { cwd: work });
    expect(r.signal).toBe('SIGSYS');
    expect(r.stdout).toContain('loaded');
    expect(r.stdout).not.toContain('survived');
  });

  it('load() covers worker threads that already run (TSYNC)', () => {
    const dir = join(work, 'worker');
    expect(json(runFixture('load-covers-workers.mjs', [dir]))).toEqual({
      workerError: 'ERR_SECCOMP_UNKNOWN_SYSCALL',
      mainError: 'ERR_SECCOMP_UNKNOWN_SYSCALL',
      code: 'EPERM',
      exists: false,
    });
  });
});
