// What the spawn path keeps per process (the capability state it reads on every spawn) follows
// the process: after process.setuid() a child gets what the process can now give.
import { describe, expect, it } from 'vitest';
import { runFixture } from './helpers/child.js';
import { users } from './helpers/users.js';

const nobody = users[1];

describe('spawn: kept capability state', () => {
  it('is read again after process.setuid()', (t) => {
    t.skip(nobody.skip !== undefined, nobody.skip);
    const r = runFixture('caps-after-setuid.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.before).not.toBe('CapEff:\t0000000000000000'); // Docker's set, as root
    expect(r.json.after).toBe('CapEff:\t0000000000000000');
  });
});
