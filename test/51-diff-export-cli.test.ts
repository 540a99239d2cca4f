// seccomp diff / merge / export: usage errors first (exit 125), then behaviour in-process
// through runCommand with collected output, and one spawned smoke run per command.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandIO } from '../dist/cli/command.js';
import { DOCKER_DEFAULT_CAPABILITIES } from '../dist/capabilities.js';
import { runCommand } from '../dist/cli/dispatch.js';
import { COMMANDS } from '../dist/cli/registry.js';
import { diff } from '../dist/diff/diff.js';
import { compile } from '../dist/profile/compile.js';
import { seccomp } from './helpers/cli.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-51-');

function file(name: string, profile: unknown): string {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(profile));
  return f;
}
const allow = file('allow.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
const vsock = file('vsock.json', {
  defaultAction: 'SCMP_ACT_ALLOW',
  syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] }],
});
const denyMkdir = file('deny-mkdir.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] });

async function run(name: string, argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: process.env, cwd: tmp };
  const status = await runCommand(await COMMANDS[name].load(), argv, io);
  return { status, stdout, stderr };
}
const ctx = ['--arch', 'amd64', '--kernel', '6.1'];

describe('diff/merge/export CLI: bad input', () => {
  it('exits 125 with a message for wrong command lines and bad profiles', async () => {
    for (const [name, argv, msg] of [
      ['diff', [allow], /two profiles/],
      ['diff', [allow, join(tmp, 'missing.json')], /missing\.json/],
      ['diff', [allow, allow, '--filter-arch', 'vax'], /unknown architecture/],
      ['merge', [allow, vsock], /--union and --intersect/],
      ['merge', ['--union', '--intersect', allow], /--union and --intersect/],
      ['merge', ['--union'], /at least one/],
      ['export', [], /--format is required/],
      ['export', ['--format', 'xml'], /must be one of/],
      ['export', ['--format', 'bpf'], /-o FILE/],
      ['export', ['--format', 'spo', '--name', 'Bad_Name'], /Kubernetes object name/],
      ['export', ['--format', 'docker', 'stray'], /unexpected argument/],
    ] as [string, string[], RegExp][]) {
      const r = await run(name, argv);
      expect(r.status, `${name} ${argv.join(' ')}`).toBe(125);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe('');
    }
  });

  it('exits 1 when the inputs cannot be merged or exported in that format', async () => {
    const m = await run('merge', ['--union', ...ctx, 'docker-default', file('v2.json', { ...JSON.parse(readFileSync(vsock, 'utf8')), defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }] }] })]);
    expect(m.status).toBe(1);
    expect(m.stderr).toContain('ERR_SECCOMP_MERGE');
    const e = await run('export', ['--format', 'spo', '--profile', file('enosys.json', { defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38 })]);
    expect(e.status).toBe(1);
    expect(e.stderr).toContain('ERR_SECCOMP_EXPORT');
  });
});

describe('seccomp diff', () => {
  it('exits 0 for profiles that decide alike, 1 with one line per difference otherwise', async () => {
    const same = await run('diff', [...ctx, 'docker-default', 'default']);
    expect(same).toMatchObject({ status: 0, stdout: 'no differences (x86_64, x86, x32)\n' });
    const d = await run('diff', [...ctx, vsock, allow]);
    expect(d.status).toBe(1);
    expect(d.stdout).toBe('x86_64:\n  socket: arg0 = 40 (AF_VSOCK): vsock.json returns EPERM, allow.json allows\n');
  });

  it('--json gives the differences with 64-bit values as strings', async () => {
    const d = await run('diff', [...ctx, '--json', denyMkdir, vsock]);
    expect(d.status).toBe(1);
    const j = JSON.parse(d.stdout);
    expect(j.same).toBe(false);
    expect(j.differences.map((x: { syscall: string }) => x.syscall)).toEqual(['socket', 'mkdir']);
    expect(j.differences[0].args[0]).toEqual({ args: [{ index: 0, value: '40' }], a: { action: 'ALLOW' }, b: { action: 'ERRNO', errno: 1 } });
  });
});

describe('seccomp merge and export', () => {
  it('merge -o writes a profile that decides as the union of its inputs', async () => {
    const out = join(tmp, 'merged.json');
    const r = await run('merge', ['--intersect', ...ctx, vsock, denyMkdir, '-o', 'merged.json']);
    expect(r).toMatchObject({ status: 0, stdout: '' });
    const opts = { arch: 'amd64', kernel: '6.1' };
    const merged = compile(out, opts);
    expect(diff(merged, compile(file('both.json', {
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 },
        { names: ['socket'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 0, value: 40, op: 'SCMP_CMP_EQ' }] },
      ],
    }), opts)).same).toBe(true);
  });

  it('export writes each format to stdout or -o, the same bytes twice', async () => {
    const a = await run('export', [...ctx, '--format', 'docker']);
    const b = await run('export', [...ctx, '--format', 'docker']);
    expect(a.status).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(a.stdout).defaultAction).toBe('SCMP_ACT_ERRNO');
    const spo = await run('export', [...ctx, '--format', 'spo', '--name', 'web', '--namespace', 'prod']);
    expect(spo.stdout).toMatch(/^apiVersion: security-profiles-operator\.x-k8s\.io\/v1beta1\nkind: SeccompProfile\nmetadata:\n {2}name: web\n {2}namespace: prod\n/);
    const bpf = await run('export', [...ctx, '--format', 'bpf', '-o', 'p.bpf']);
    expect(bpf.status).toBe(0);
    expect(readFileSync(join(tmp, 'p.bpf')).equals(Buffer.from(compile('docker-default', { arch: 'amd64', kernel: '6.1', capabilities: [...DOCKER_DEFAULT_CAPABILITIES] }).bpf))).toBe(true);
    const pfc = await run('export', [...ctx, '--format', 'pfc', '--profile', denyMkdir]);
    expect(pfc.stdout).toContain('  83 mkdir: ERRNO(EPERM)');
  });
});

describe('spawned smoke runs (dist/cli.js)', () => {
  it('seccomp diff', () => {
    const r = seccomp(['diff', ...ctx, denyMkdir, allow]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('x86_64:\n  mkdir: deny-mkdir.json returns EPERM, allow.json allows\n');
  });
  it('seccomp merge', () => {
    const r = seccomp(['merge', '--union', ...ctx, denyMkdir, allow]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] });
  });
  it('seccomp export', () => {
    const r = seccomp(['export', ...ctx, '--format', 'oci', '--profile', denyMkdir]);
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] });
  });
});
