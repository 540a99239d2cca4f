// The capability rule (README "Capabilities"): children get Docker's default set (or the one
// asked for) within what this process can give, sandbox() drops to its set on every thread, and
// the profile is always evaluated against the set the filtered code holds.
import type { ChildProcess } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, execFile, fork, forkSandboxed, spawn } from '../dist/index.js';
import { fixtures, root, runFixture } from './helpers/child.js';
import { seccomp } from './helpers/cli.js';
import { users } from './helpers/users.js';
import { NOT_ROOT, skipAllIf } from './helpers/skip.js';

const isRoot = process.getuid?.() === 0;
const DOCKER_MASK = '00000000a80425fb';
const nobody = users.find((u) => u.name === 'nobody')!;
const asNobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const capEff = async (options: object) =>
  /CapEff:\s*(\w+)/.exec((await execFile('grep', ['CapEff', '/proc/self/status'], options)).stdout)?.[1];

describe('capabilities: bad input', () => {
  it('an unknown capability is ERR_SECCOMP_UNKNOWN_CAPABILITY everywhere, naming the index', () => {
    const unknown = expect.objectContaining({ code: 'ERR_SECCOMP_UNKNOWN_CAPABILITY', message: expect.stringContaining('capabilities[1]') });
    expect(() => spawn('true', [], { capabilities: ['CAP_CHOWN', 'CAP_NOPE'] })).toThrow(unknown);
    expect(() => fork(join(fixtures, 'caps-child.mjs'), [], { capabilities: ['CAP_CHOWN', 'CAP_NOPE'] })).toThrow(unknown);
    expect(() => forkSandboxed(join(fixtures, 'caps-child.mjs'), { seccomp: 'docker-default', capabilities: ['CAP_CHOWN', 'CAP_NOPE'] })).toThrow(unknown);
    expect(() => compile('docker-default', { capabilities: ['CAP_CHOWN', 'CAP_NOPE'] })).toThrow(unknown);
  });

  it('a compiled profile whose set the child cannot get is ERR_SECCOMP_CAPABILITIES', (t) => {
    t.skip(!isRoot, NOT_ROOT);
    // A child started as another user loses every capability: CAP_CHOWN cannot be given to it.
    const compiled = compile('docker-default', { capabilities: ['CAP_CHOWN'] });
    expect(() => spawn('true', [], { seccomp: compiled, uid: 65534, gid: 65534 })).toThrow(
      expect.objectContaining({ code: 'ERR_SECCOMP_CAPABILITIES', message: expect.stringContaining('CAP_CHOWN') }),
    );
    expect(() => spawn('true', [], { seccomp: compiled, capabilities: ['CAP_KILL'] })).toThrow(
      expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }),
    );
  });

  it('a bad SECCOMP_CAPABILITIES stops the register hook before the program runs', () => {
    const r = spawnSync(process.execPath, ['--import', 'seccomp/register', '-e', 'console.log("ran")'], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SECCOMP_PROFILE: 'docker-default', SECCOMP_CAPABILITIES: 'chown,nope' },
    });
    expect(r.status).toBe(125);
    expect(r.stdout).not.toContain('ran');
    expect(r.stderr).toContain('ERR_SECCOMP_UNKNOWN_CAPABILITY');
  });
});

describe('capabilities: children of a root process', () => {
  skipAllIf(!isRoot, NOT_ROOT);
  it("docker-default means Docker's: the child holds Docker's 14 capabilities and cannot unshare", async () => {
    await expect(execFile('unshare', ['--user', 'true'], { seccomp: 'docker-default' })).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('Operation not permitted'),
    });
    expect(await capEff({ seccomp: 'docker-default' })).toBe(DOCKER_MASK);
    expect(await capEff({})).toBe(DOCKER_MASK);
    // unconfined changes the filter, not the capabilities (as with docker run).
    expect(await capEff({ seccomp: 'unconfined' })).toBe(DOCKER_MASK);
  });

  it('capabilities: [] leaves spawn, execFile, fork and forkSandboxed children with none', async () => {
    const sh = await collect(spawn('grep', ['CapEff', '/proc/self/status'], { capabilities: [] }));
    expect(sh.stdout).toMatch(/CapEff:\s*0{16}/);
    expect(await capEff({ capabilities: [] })).toBe('0000000000000000');
    const module = join(fixtures, 'caps-child.mjs');
    const forked = await collect(fork(module, [], { capabilities: [], silent: true }));
    expect(JSON.parse(forked.stdout)).toMatchObject({ eff: '0000000000000000', prm: '0000000000000000' });
    const sandboxed = await collect(forkSandboxed(module, { seccomp: 'docker-default', capabilities: [], silent: true }));
    expect(JSON.parse(sandboxed.stdout)).toMatchObject({ eff: '0000000000000000', bnd: '0000000000000000' });
  });

  it('a compiled profile brings its set: the child holds exactly context.capabilities; names need no CAP_', async () => {
    expect(await capEff({ seccomp: compile('docker-default', { capabilities: ['CAP_KILL'] }) })).toBe('0000000000000020');
    expect(await capEff({ seccomp: compile('docker-default', { capabilities: ['sys_nice', 'Chown'] }) })).toBe('0000000000800001');
    expect(await capEff({ capabilities: ['sys_nice', 'Chown'] })).toBe('0000000000800001');
    await expect(execFile('unshare', ['--user', 'true'], { capabilities: ['sys_admin'] })).resolves.toBeDefined();
  });

  it('--profile builtin and default are the built-in default profile, in the CLI and the API', async () => {
    for (const name of ['builtin', 'default']) {
      const r = seccomp(['run', '--profile', name, '--', 'sh', '-c', 'grep -E "^(CapEff|Seccomp):" /proc/self/status; unshare --user true']);
      expect(r.stderr).toContain('Operation not permitted');
      expect(r.stdout).toMatch(new RegExp(`CapEff:\\s*${DOCKER_MASK}`));
      expect(r.stdout).toMatch(/Seccomp:\s*2/);
      expect(compile(name, { capabilities: [] }).hash).toBe(compile('docker-default', { capabilities: [] }).hash);
      await expect(execFile('unshare', ['--user', 'true'], { seccomp: name })).rejects.toMatchObject({ code: 1 });
    }
  });
});

describe('capabilities: sandbox() and the register hook', () => {
  skipAllIf(!isRoot, NOT_ROOT);
  it('sandbox({ capabilities }) drops the others on every thread: main, worker, libuv pool', () => {
    const r = runFixture('caps-probe.mjs', ['sandbox', JSON.stringify(['SYS_NICE'])]);
    expect(r.stderr).toBe('');
    expect(r.json.applied).toEqual(['CAP_SYS_NICE']);
    expect(r.json).toMatchObject({ main: '0000000000800000', worker: '0000000000800000', pool: '0000000000800000' });
    expect(r.json.threads.length).toBeGreaterThan(4);
    for (const t of r.json.threads) expect(t).toEqual({ prm: '0000000000800000', bnd: '0000000000800000', amb: '0000000000000000' });
    expect(r.json.unshare).not.toBe(0); // evaluated without CAP_SYS_ADMIN
  });

  it('SECCOMP_CAPABILITIES gives the register hook the same option', () => {
    const r = spawnSync(
      process.execPath,
      ['--import', 'seccomp/register', '-e', 'console.log(/CapEff:\\s*(\\w+)/.exec(require("fs").readFileSync("/proc/self/status","utf8"))[1])'],
      { cwd: root, encoding: 'utf8', env: { ...process.env, SECCOMP_PROFILE: 'docker-default', SECCOMP_CAPABILITIES: 'chown, CAP_KILL' } },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('0000000000000021');
  });
});

describe('capabilities: a process without any', () => {
  it(
    'evaluates against what it can use (none), not its bounding set',
    (t) => {
      t.skip(nobody.skip !== undefined, nobody.skip);
      const r = spawnSync(asNobody[0], [...asNobody.slice(1), process.execPath, join(fixtures, 'caps-probe.mjs'), 'unprivileged'], {
        encoding: 'utf8',
      });
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      expect(out.bounding).not.toBe('0000000000000000');
      expect(out.context).toEqual([]);
      expect(out.applied).toEqual([]);
      expect(out.spawnUnshare).not.toBe(0);
      // unshare --user needs no capability: only the filter can deny it here.
      if (out.unshareBefore === 0) expect(out.unshareAfter).not.toBe(0);
    },
  );
});
