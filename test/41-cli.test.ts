// The `seccomp` CLI: `seccomp run` exit codes, messages and signals. In-process (main() with a
// collecting IO) unless the test needs the CLI as a process: stdin/stdout passthrough and
// signals sent to it (the spawned smoke tests of dist/cli.js).
import { spawn as nodeSpawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, profileFile as writeProfile, seccomp, seccompIn } from './helpers/cli.js';
import { NOT_ROOT } from './helpers/skip.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-41-');

const profileFile = (name: string, profile: unknown) => writeProfile(tmp, name, profile);

describe('seccomp run: bad input', () => {
  it('exits 125 with the JSON path for a bad profile, without starting the command', async () => {
    const file = profileFile('bad.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }, { names: ['mkdir'], action: 'SCMP_ACT_NOPE' }],
    });
    const marker = join(tmp, 'bad-profile-ran');
    const r = await seccompIn(['run', '--profile', file, '--', 'touch', marker]);
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('syscalls[1].action');
    expect(existsSync(marker)).toBe(false);
  });

  it('exits 125 for a profile file that does not exist, an unknown option or capability', async () => {
    const marker = join(tmp, 'runner-error-ran');
    for (const args of [
      ['--profile', join(tmp, 'missing.json')],
      ['--no-such-option'],
      ['--cap-add', 'NOT_A_CAP'],
    ]) {
      const r = await seccompIn(['run', ...args, '--', 'touch', marker]);
      expect(r.status, args.join(' ')).toBe(125);
      expect(r.stderr).toMatch(/^seccomp: /);
    }
    expect(existsSync(marker)).toBe(false);
    expect((await seccompIn(['run'])).status).toBe(125);
    expect((await seccompIn(['no-such-subcommand'])).status).toBe(125);
  });

  it('exits 127 for a command that is not found and 126 for one that is not executable', async () => {
    const r = await seccompIn(['run', '--', 'no-such-command-seccomp']);
    expect(r.status).toBe(127);
    expect(r.stderr).toContain('ENOENT');
    const file = profileFile('not-executable', {});
    expect((await seccompIn(['run', '--', file])).status).toBe(126);
  });
});

describe('seccomp run: behaviour', () => {
  it('passes the exit status and stdio through (spawned)', () => {
    const r = seccomp(['run', '--', 'sh', '-c', 'read line; echo "got $line"; echo oops >&2; exit 42'], 'input\n');
    expect(r.status).toBe(42);
    expect(r.stdout).toBe('got input\n');
    expect(r.stderr).toBe('oops\n');
  });

  it('exits 128+31 and names SIGSYS and the KILL action when the profile kills the command', async () => {
    const file = profileFile('kill-mkdir.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }],
    });
    const dir = join(tmp, 'killed');
    const r = await seccompIn(['run', '--profile', file, '--', 'mkdir', dir]);
    expect(r.status).toBe(128 + 31);
    expect(r.stderr).toContain('SIGSYS');
    expect(r.stderr).toContain('KILL');
    expect(existsSync(dir)).toBe(false);
  });

  // The command writes what it sees to a file: run in-process, the child shares our stdout.
  let n = 0;
  async function statusLines(args: string[], pattern: string): Promise<{ status: number | null; stdout: string }> {
    const out = join(tmp, `status-${n++}`);
    const r = await seccompIn(['run', ...args, '--', 'sh', '-c', `grep -E '${pattern}' /proc/self/status > ${out}`]);
    return { status: r.status, stdout: existsSync(out) ? readFileSync(out, 'utf8') : '' };
  }

  it('runs docker-default by default with Docker\'s capabilities; --profile unconfined has no filter', async () => {
    const d = await statusLines([], '^(Seccomp|CapEff):');
    expect(d.status).toBe(0);
    expect(d.stdout).toMatch(/Seccomp:\s+2/);
    if (process.getuid?.() === 0) expect(d.stdout).toMatch(/CapEff:\s+00000000a80425fb/);
    const u = await statusLines(['--profile', 'unconfined'], '^(Seccomp|CapEff):');
    expect(u.status).toBe(0);
    expect(u.stdout).toMatch(/Seccomp:\s+0/);
  });

  it('applies --cap-drop ALL / --cap-add like docker run', async (t) => {
    t.skip(process.getuid?.() !== 0, NOT_ROOT);
    expect((await statusLines(['--cap-drop', 'ALL'], '^CapEff:')).stdout).toMatch(/CapEff:\s+0{16}/);
    expect((await statusLines(['--cap-drop', 'ALL', '--cap-add', 'KILL'], '^CapEff:')).stdout).toMatch(
      /CapEff:\s+0000000000000020/,
    );
    expect((await statusLines(['--cap-drop', 'CHOWN'], '^CapEff:')).stdout).toMatch(/CapEff:\s+00000000a80425fa/);
  });

  it('forwards SIGTERM to the command (spawned)', async () => {
    const child = nodeSpawn(
      process.execPath,
      [cli, 'run', '--', 'sh', '-c', 'trap "exit 9" TERM; echo ready; while :; do sleep 0.05; done'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.includes('ready') && resolve()));
    child.kill('SIGTERM');
    const [code] = await new Promise<[number | null, string | null]>((r) => child.on('close', (c, s) => r([c, s])));
    expect(code).toBe(9);
  });

  it('reports a death by signal as 128+N with the signal named', async () => {
    const r = await seccompIn(['run', '--', 'sh', '-c', 'kill -TERM $$']);
    expect(r.status).toBe(128 + 15);
    expect(r.stderr).toContain('SIGTERM');
  });

  it('prints help and version', async () => {
    const h = await seccompIn(['--help']);
    expect(h.status).toBe(0);
    expect(h.stdout).toContain('seccomp run');
    expect((await seccompIn(['run', '--help'])).stdout).toContain('--cap-drop');
    const v = await seccompIn(['--version']);
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
