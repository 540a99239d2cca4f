// One options validator for every entry point: an unknown key is a TypeError with
// ERR_SECCOMP_UNKNOWN_OPTION and the nearest known key; keys inherited from Object.prototype are
// no options; Node's own spawn/execFile/fork options still pass through.
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { forkSandboxed } from '../dist/fork.js';
import { compile } from '../dist/profile/compile.js';
import { execFile, fork, spawn } from '../dist/spawn.js';
import { fixtures, runFixture } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';
import { join } from 'node:path';

const node = process.execPath;
const unknownOption = (option: string, suggestion?: string) =>
  expect.objectContaining({
    name: 'TypeError',
    code: 'ERR_SECCOMP_UNKNOWN_OPTION',
    option,
    message: expect.stringContaining(suggestion ? `did you mean "${suggestion}"` : `unknown option "${option}"`),
  });

describe('unknown option keys', () => {
  it('compile(): specialise -> did you mean specialize, and the key is named', () => {
    const e = thrown(() => compile('docker-default', { specialise: false } as never));
    expect(e).toEqual(unknownOption('specialise', 'specialize'));
    expect(e.message).toContain('compile(): unknown option "specialise"');
    expect(thrown(() => compile('docker-default', { narowArgs: false } as never))).toEqual(unknownOption('narowArgs', 'narrowArgs'));
  });

  it('compile(): a compiled profile is returned as it is, but its options are still checked', () => {
    const c = compile('docker-default', { cache: 'memory' });
    expect(compile(c)).toBe(c);
    expect(thrown(() => compile(c, { kernal: '6.1' } as never))).toEqual(unknownOption('kernal', 'kernel'));
  });

  it('names inherited from Object.prototype are no options; an unrelated key gets no suggestion', () => {
    for (const key of ['toString', 'constructor', 'hasOwnProperty', 'valueOf']) {
      const e = thrown(() => compile('docker-default', JSON.parse(`{"${key}": 1}`)));
      expect(e, key).toEqual(unknownOption(key));
    }
    const e = thrown(() => compile('docker-default', { zzzzzzzzzzzz: 1 } as never));
    expect(e).toEqual(unknownOption('zzzzzzzzzzzz'));
    expect(e.message).not.toContain('did you mean');
    // Symbol keys are not option names; they are left alone.
    expect(compile('docker-default', { [Symbol('x')]: 1, cache: 'memory' } as never).unconfined).toBe(false);
  });

  it('options that are not an object: TypeError (arrays too)', () => {
    expect(thrown(() => compile('docker-default', [] as never))).toEqual(expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('spawn(), execFile(), fork() and forkSandboxed() refuse before starting anything', () => {
    expect(thrown(() => spawn(node, ['-e', '0'], { capabilites: [] } as never))).toEqual(unknownOption('capabilites', 'capabilities'));
    expect(thrown(() => spawn(node, { seccom: 'docker-default' } as never))).toEqual(unknownOption('seccom', 'seccomp'));
    expect(thrown(() => execFile(node, ['-e', '0'], { maxBufer: 10 } as never))).toEqual(unknownOption('maxBufer', 'maxBuffer'));
    expect(thrown(() => fork(join(fixtures, 'fork-child.mjs'), [], { execArg: [] } as never))).toEqual(unknownOption('execArg', 'execArgv'));
    expect(
      thrown(() => forkSandboxed(join(fixtures, 'fork-child.mjs'), { seccomp: 'docker-default', seccompStict: true } as never)),
    ).toEqual(unknownOption('seccompStict', 'seccompStrict'));
    // An option of another entry point is unknown here: spawn() has no maxBuffer, fork() no argv0.
    expect(thrown(() => spawn(node, ['-e', '0'], { maxBuffer: 1 } as never))).toEqual(unknownOption('maxBuffer'));
    expect(thrown(() => fork(join(fixtures, 'fork-child.mjs'), [], { argv0: 'x' } as never))).toEqual(unknownOption('argv0'));
  });

  it('sandbox(): a misspelt option throws in a child process and nothing is installed', () => {
    const r = runFixture('sandbox-options.mjs');
    expect(r.status, r.stderr).toBe(0);
    expect(r.json.error).toEqual(expect.objectContaining({ name: 'TypeError', code: 'ERR_SECCOMP_UNKNOWN_OPTION', suggestion: 'specialize' }));
    expect(r.json.error.message).toContain('sandbox(): unknown option "specialise"');
    expect(r.json.mode).toBe('disabled');
  });
});

describe("Node's own options", () => {
  it("every Node 20 spawn option passes through, and a misspelt one beside them does not", async () => {
    const ac = new AbortController();
    const nodeOptions = {
      cwd: '/', env: { ...process.env, X: '1' }, argv0: 'node', stdio: 'ignore' as const, detached: false,
      uid: process.getuid!(), gid: process.getgid!(), serialization: 'json' as const, shell: false,
      windowsVerbatimArguments: false, windowsHide: true, signal: ac.signal, timeout: 30_000, killSignal: 'SIGTERM' as const,
    };
    expect(thrown(() => spawn(node, ['-e', '0'], { ...nodeOptions, timout: 1 } as never))).toEqual(unknownOption('timout', 'timeout'));
    const child = spawn(node, ['-e', 'process.exit(process.env.X === "1" ? 0 : 3)'], { ...nodeOptions, seccomp: 'docker-default', isolation: 'available' });
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
    const out = await execFile(node, ['-e', 'process.stdout.write("ok")'], {
      cwd: '/', env: process.env, encoding: 'utf8', timeout: 30_000, maxBuffer: 1024, killSignal: 'SIGTERM', windowsHide: true,
      windowsVerbatimArguments: false, shell: false, signal: ac.signal, isolation: 'available',
    });
    expect(out.stdout).toBe('ok');
  });
});
