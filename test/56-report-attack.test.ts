// Denial reports and recording under a hostile child (the red-team findings): bounded memory and
// output in the log, kills that the child cannot survive, record() waiting for the whole tree,
// and --report=FILE written only at the end, never through a symlink.
import { describe, expect, it } from 'vitest';
import { DenialLog, MAX_DENIALS, MAX_SUMMARY_CHARS, UNNAMED } from '../src/report/model.js';

describe('DenialLog: a child choosing syscall numbers', () => {
  const eperm = { action: 'ERRNO' as const, errno: 38 };
  it('folds numbers without a name into one group and bounds the summary line', () => {
    const log = new DenialLog();
    const n = MAX_DENIALS + 2_000;
    for (let i = 0; i < n; i++) log.add({ pid: 7, arch: 'x86_64', nr: 100_000 + i, args: [], decision: eperm, rule: 'defaultAction', time: 0 });
    // Named syscalls: many distinct groups, so the line needs cutting.
    for (let nr = 0; nr < 300; nr++) log.add({ pid: 7, arch: 'x86_64', nr, args: [], decision: eperm, rule: 'defaultAction', time: 0 });
    expect(log.denials.length).toBe(MAX_DENIALS);
    expect(log.dropped).toBe(n + 300 - MAX_DENIALS);
    const s = log.summary();
    expect(s).toContain(`${UNNAMED} ×${n} (ENOSYS, defaultAction)`);
    expect(s).not.toContain('syscall_100000');
    expect(s).toMatch(/, and \d+ more; \d+ more denials not kept$/);
    expect(s.length).toBeLessThan(MAX_SUMMARY_CHARS + 100);
  });
});
