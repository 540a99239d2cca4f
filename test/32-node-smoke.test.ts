// Node keeps working under docker-default: a child started with --import seccomp/register runs
// fs, net, dns, crypto, zlib, child_process, worker_threads and timers, and exits with its status.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, root, runNode } from './helpers/child.js';
import { scratchDir } from './helpers/scratch.js';

const dir = scratchDir('seccomp-smoke-');

describe('Node under docker-default', () => {
  it('does its everyday work and exits with the status it set', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, SECCOMP_PROFILE: 'docker-default' };
    delete env.SECCOMP_PROFILE_STRICT;
    delete env.NODE_OPTIONS;
    const r = runNode(['--import', 'seccomp/register', join(fixtures, 'node-smoke.mjs'), dir], { cwd: root, env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
    const out = r.json;
    expect(out.status).toMatchObject({ mode: 'filter', filters: 1, noNewPrivs: true });
    expect(out.status.applied[0].name).toBe('docker-default');
    expect(out.fsSync).toBe('syncb.txt');
    expect(out.fsCallback).toBe('callback');
    expect(out.fsPromises).toBe('promises:8');
    expect(out.net).toBe('pong');
    expect(out.dns).toBe('127.0.0.1');
    expect(out.crypto).toEqual({
      sha256: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      random: 16,
      uuid: 36,
      pbkdf2: expect.stringMatching(/^[0-9a-f]{32}$/),
      verify: true,
    });
    expect(out.zlib).toBe(true);
    expect(out.childExec).toBe('hello');
    expect(out.childNode).toBe(5);
    expect(out.worker).toBe(40);
    expect(out.timers).toBe(true);
  });
});
