// User-space notification, in a child that supervises its own mkdir calls (they run on
// libuv pool threads while the main thread receives and answers).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { features } from '../dist/index.js';
import { runFixture } from './helpers/child.js';
import { scratchDir } from './helpers/scratch.js';

const work = scratchDir('seccomp-04-');
const canNotify = features().notify;

const NO_NOTIFY = 'this kernel/libseccomp has no user notification with TSYNC (API level < 6)';

describe('NOTIFY (features().notify)', () => {
  it('receives off the event loop, checks ids, and answers with an errno, a value, or continue', (ctx) => {
    ctx.skip(!canNotify, NO_NOTIFY);
    // libuv's io_uring would bypass seccomp for some fs calls; Node 20 leaves it off, and so do we.
    const r = runFixture('notify-mkdir.mjs', [work], { env: { ...process.env, UV_USE_IO_URING: '0' } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { fd, rounds } = r.json;
    expect(fd).toBeGreaterThan(2);
    const common = {
      settledEarly: false, // nothing to receive until the child calls mkdir
      arch: process.arch === 'x64' ? 'x86_64' : expect.any(String),
      idType: 'bigint',
      argCount: 6,
      validBefore: true, // pending until answered
      validAfter: false,
    };
    for (const round of rounds) {
      expect(round.ticksWhilePending).toBeGreaterThan(0); // the timer kept ticking
      expect(['mkdir', 'mkdirat']).toContain(round.syscall);
    }
    expect(rounds).toEqual([
      { ...common, name: 'refused', result: 'EACCES', exists: false, ticksWhilePending: expect.any(Number), syscall: expect.any(String) },
      // A value answers the call without running it: mkdir "succeeds", nothing is created.
      { ...common, name: 'faked', result: 'ok', exists: false, ticksWhilePending: expect.any(Number), syscall: expect.any(String) },
      { ...common, name: 'continued', result: 'ok', exists: true, ticksWhilePending: expect.any(Number), syscall: expect.any(String) },
    ]);
  });
});
