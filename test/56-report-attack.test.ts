// Denial reports and recording under a hostile child (the red-team findings): bounded memory and
// output in the log, kills that the child cannot survive, record() waiting for the whole tree,
// and --report=FILE written only at the end, never through a symlink.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { features } from '../dist/library.js';
import { compile } from '../dist/profile/compile.js';
import { reportingLaunch } from '../dist/report/supervise.js';
import { DenialLog, MAX_DENIALS, MAX_SUMMARY_CHARS, UNNAMED, type Denial } from '../dist/report/model.js';
import { spawn } from '../dist/spawn.js';
import { emptyRecording, observe } from '../dist/record/profile.js';
import { record } from '../dist/record/record.js';
import { buildStatic } from './helpers/cc.js';
import { thrown } from './helpers/thrown.js';
import { startReport } from '../dist/report/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccomp-56-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

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

describe.skipIf(!features().notify)('report mode: a KILL the child cannot survive', () => {
  const bin = buildStatic(fileURLToPath(new URL('./fixtures/kill-survivor.c', import.meta.url)), join(tmp, 'kill-survivor'), ['-pthread']);
  const profile = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getcwd'], action: 'SCMP_ACT_KILL_PROCESS' }] };
  const run = (mode: string) => new Promise<{ signal: string | null; stdout: string; denials: Denial[] }>((resolve, reject) => {
    const denials: Denial[] = [];
    const child = spawn(bin, [mode], { seccomp: profile, isolation: 'available', stdio: ['ignore', 'pipe', 'inherit'], onDenied: (d) => denials.push(d) });
    let stdout = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.on('error', reject);
    child.on('close', (_code, signal) => setImmediate(() => resolve({ signal, stdout, denials })));
  });

  it('a thread toggling a SIGSYS handler: the process dies by SIGKILL every time, getcwd never returns', async () => {
    for (let i = 0; i < 12; i++) {
      const r = await run('toggle');
      expect(r.stdout).toBe('');
      expect(r.signal).toBe('SIGKILL');
      expect(r.denials.map((d) => d.action)).toEqual(['KILL_PROCESS']);
    }
  }, 60_000);

  it('a kill is never answered (an answer would let a surviving process go on)', async () => {
    // A notification by hand, not valid any more: nothing is signalled, nothing may be answered.
    const r = reportingLaunch(compile(profile, { capabilities: [] }), () => {});
    const fake = { id: 1n, pid: process.pid, nr: 79, syscall: 'getcwd', arch: 'x86_64', args: [0n, 0n, 0n, 0n, 0n, 0n], instructionPointer: 0n, readString: () => undefined, isValid: () => false };
    const answer = r.onSyscall(fake as never) as Promise<unknown>;
    expect(typeof answer?.then).toBe('function');
    let settled = false;
    answer.then(() => (settled = true), () => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    expect(r.log.denials.map((d) => d.action)).toEqual(['KILL_PROCESS']);
  });
});

describe('record(): the whole tree, and names only', () => {
  it('numbers without a name are not recorded as names (they stay denied by the default)', () => {
    const rec = emptyRecording();
    observe(rec, 'x86_64', 100_000, []);
    observe(rec, 'x86_64', 83, []);
    expect([...rec.names]).toEqual(['mkdir']);
  });

  it.skipIf(!features().notify)('a descendant that outlives the command is still recorded', async () => {
    const dir = join(tmp, 'late');
    // sh exits at once; its background child makes a directory half a second later.
    const r = await record('/bin/sh', ['-c', `(sleep 0.5; mkdir ${dir}) &`], { stdio: 'ignore', isolation: 'available' });
    expect(existsSync(dir)).toBe(true);
    const allowed = (r.profile.syscalls as { names: string[]; action: string; args?: unknown }[])
      .filter((x) => x.action === 'SCMP_ACT_ALLOW' && !x.args).flatMap((x) => x.names);
    expect(allowed).toContain('mkdir');
  });
});

describe('--report=FILE: written once, at the end, never through a symlink', () => {
  const denyMkdir = fileURLToPath(new URL('./fixtures/deny-mkdir.json', import.meta.url));
  const compiled = () => compile(denyMkdir, { capabilities: [] });
  const dirOf = (name: string) => {
    const d = join(tmp, name);
    mkdirSync(d);
    return d;
  };

  it('refuses a symlink before the run and leaves its target alone', () => {
    const d = dirOf('link');
    writeFileSync(join(d, 'target'), 'precious\n');
    symlinkSync(join(d, 'target'), join(d, 'report.jsonl'));
    expect(thrown(() => startReport(compiled(), join(d, 'report.jsonl'), () => {})).message).toContain('symbolic link');
    expect(readFileSync(join(d, 'target'), 'utf8')).toBe('precious\n');
  });

  it('refuses a FILE that is not a regular file', () => {
    expect(thrown(() => startReport(compiled(), tmp, () => {})).message).toContain('not a regular file');
  });

  it('a launch that failed leaves FILE as it was; a finished run replaces it whole (0600, no temp file left)', async () => {
    const d = dirOf('replace');
    const file = join(d, 'report.jsonl');
    writeFileSync(file, 'old\n');
    const failed = startReport(compiled(), file, () => {})!;
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    await failed.finish(false);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
    const ok = startReport(compiled(), file, () => {})!;
    await ok.finish(true);
    expect(readFileSync(file, 'utf8')).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(d)).toEqual(['report.jsonl']);
  });

  it('seccomp run --report=FILE with a command that cannot start: exit 127, FILE untouched', () => {
    const d = dirOf('cli');
    const file = join(d, 'report.jsonl');
    writeFileSync(file, 'old\n');
    const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
    const r = spawnSync(process.execPath, [cli, 'run', `--report=${file}`, '--profile', denyMkdir, '--isolation', 'available', '--', join(d, 'no-such-command')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(127);
    expect(readFileSync(file, 'utf8')).toBe('old\n');
  });
});
