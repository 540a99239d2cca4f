// exportProfile(): bad input first; then each format. docker: decides identically to its source
// (diff over every syscall and argument boundary of both programs) for docker-default under
// several capability sets and kernels, byte-stable and a fixed point; spo: parses as YAML with
// the fields the operator's CRD requires; bpf: a child installs it and mkdir is refused; pfc: the
// listing shows argument-dependent answers.
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diff } from '../dist/diff/diff.js';
import { exportProfile } from '../dist/export/formats.js';
import { compile } from '../dist/profile/compile.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { hasShared, runFixture, sharedDir } from './helpers/child.js';
import { thrown } from './helpers/thrown.js';
import { NO_SHARED } from './helpers/oracle.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-25-');

const ctx = { capabilities: ['CAP_CHOWN', 'CAP_SETUID'], arch: 'amd64', kernel: '6.1', cache: false as const };
const text = (c: CompiledProfile, f: 'docker' | 'oci' | 'spo' | 'pfc', o = {}) => exportProfile(c, f, o) as string;
const DOCKER_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];
const hasBwrap = spawnSync('bwrap', ['--version'], { encoding: 'utf8' }).status === 0;
const hasYaml = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' }).status === 0;

describe('export: bad input', () => {
  it('refuses what is not a compiled profile, unknown formats, bad names and what a format cannot hold', () => {
    const c = compile('docker-default', ctx);
    expect(thrown(() => exportProfile(null as unknown as CompiledProfile, 'docker')).code).toBe('ERR_INVALID_ARG_TYPE');
    expect(thrown(() => exportProfile(c, 'yaml' as 'docker')).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => exportProfile(c, 'spo', { name: 'Not_A_Name' })).code).toBe('ERR_OUT_OF_RANGE');
    expect(thrown(() => exportProfile(c, 'spo', { name: 'ok', namespace: 'a.b' })).code).toBe('ERR_OUT_OF_RANGE');
    // The CRD has no defaultErrnoRet: only EPERM survives as the default errno.
    const enosys = compile({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 38, syscalls: [] }, ctx);
    const e = thrown(() => exportProfile(enosys, 'spo', { name: 'x' }));
    expect(e.code).toBe('ERR_SECCOMP_EXPORT');
    expect(e.message).toContain('only EPERM');
    expect(thrown(() => exportProfile(compile('unconfined', ctx), 'bpf')).code).toBe('ERR_SECCOMP_EXPORT');
  });
});

describe('export --format docker/oci', () => {
  const cases: [string, string[] | undefined, string][] = [
    ['no capabilities', [], '6.1'],
    ["Docker's default capabilities", DOCKER_CAPS, '6.1'],
    ['CAP_SYS_ADMIN', [...DOCKER_CAPS, 'CAP_SYS_ADMIN'], '5.4'],
    ['every capability, kernel 4.14', undefined, '4.14'],
  ];
  for (const [label, capabilities, kernel] of cases) {
    it(`docker-default with ${label}: the export decides exactly as its source`, () => {
      const opts = { ...ctx, kernel, ...(capabilities ? { capabilities } : {}) };
      const src = compile('docker-default', opts);
      const out = text(src, 'docker');
      const back = compile(JSON.parse(out), opts);
      const d = diff(src, back);
      expect(d.exact).toBe(true);
      expect(d.differences).toEqual([]);
      expect(out).not.toMatch(/includes|excludes|archMap/);
    });
  }

  it('is byte-stable (same input, same bytes) and a fixed point (exporting the export gives it back)', () => {
    const a = text(compile('docker-default', ctx), 'docker');
    const b = text(compile('docker-default', { ...ctx, cache: false }), 'docker');
    expect(a).toBe(b);
    expect(text(compile(JSON.parse(a), ctx), 'docker')).toBe(a);
    expect(text(compile('docker-default', ctx), 'oci')).toBe(a);
  });

  it('writes 64-bit argument values exactly and keeps errno/flags/rules with argument checks', () => {
    const p = `{"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1, "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "syscalls": [
        {"names": ["getpid", "brk"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["ioctl"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 2, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]},
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}`;
    const src = compile(p, ctx);
    const out = text(src, 'docker');
    expect(out).toContain('"value": 18446744073709551615');
    const json = JSON.parse(out);
    expect(json).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1, flags: ['SECCOMP_FILTER_FLAG_LOG'] });
    expect(json.syscalls).toContainEqual({ names: ['brk', 'getpid'], action: 'SCMP_ACT_ALLOW' });
    expect(json.syscalls).toContainEqual({ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 });
    expect(diff(src, compile(out, ctx)).same).toBe(true);
  });

  it('round-trips the reference profiles too', (t) => {
    t.skip(!hasShared, NO_SHARED);
    for (const f of ['moby-default.json', 'docker-20.10.24-default.json', 'containers-common-seccomp.json']) {
      const opts = { ...ctx, unknownSyscalls: 'ignore' as const };
      const src = compile(join(sharedDir, 'reference', f), opts);
      expect(diff(src, compile(JSON.parse(text(src, 'docker')), opts)).same, f).toBe(true);
    }
  });
});

describe('export --format spo', () => {
  it('is a SeccompProfile resource with the CRD fields, the same rules as the docker form, and a Pod snippet', (t) => {
    t.skip(!hasYaml, 'needs python3-yaml to parse the exported YAML');
    const c = compile('docker-default', ctx);
    const yaml = text(c, 'spo', { name: 'web-default', namespace: 'prod' });
    const r = spawnSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: yaml, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      apiVersion: 'security-profiles-operator.x-k8s.io/v1beta1',
      kind: 'SeccompProfile',
      metadata: { name: 'web-default', namespace: 'prod' },
      spec: { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    });
    expect(doc.spec.defaultErrnoRet).toBeUndefined();
    const docker = JSON.parse(text(c, 'docker'));
    // errnoRet is a string in the CRD; everything else as in the docker form.
    const asDocker = doc.spec.syscalls.map((s: { errnoRet?: string }) => ({ ...s, ...(s.errnoRet ? { errnoRet: Number(s.errnoRet) } : {}) }));
    expect(asDocker).toEqual(docker.syscalls);
    expect(doc.spec.syscalls.find((s: { errnoRet?: unknown }) => s.errnoRet !== undefined)?.errnoRet).toBeTypeOf('string');
    expect(yaml).toContain('#       localhostProfile: operator/prod/web-default.json');
    expect(text(c, 'spo').split('\n')[3]).toBe('  name: docker-default');
  });
});

describe('export --format bpf and pfc', () => {
  it('bpf is the compiled program; installed raw in a child, it refuses mkdir', () => {
    const deny = join(tmp, 'deny-mkdir.json');
    writeFileSync(deny, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const c = compile(deny, { ...ctx, arch: undefined });
    const bpf = exportProfile(c, 'bpf') as Buffer;
    expect(Buffer.compare(bpf, Buffer.from(c.bpf))).toBe(0);
    const file = join(tmp, 'deny-mkdir.bpf');
    writeFileSync(file, bpf);
    const r = runFixture('export-bpf-install.mjs', [file, tmp]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.json).toEqual({ pid: true, mkdir: 'EPERM' });
    expect(existsSync(join(tmp, 'made-under-exported-filter'))).toBe(false);
  });

  it('bpf given to bwrap --seccomp denies mkdir in a real run, and only mkdir', (t) => {
    t.skip(!hasBwrap, 'needs bubblewrap (bwrap) to load the exported filter');
    const deny = join(tmp, 'bwrap-deny.json');
    writeFileSync(deny, JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] }));
    const file = join(tmp, 'bwrap-deny.bpf');
    writeFileSync(file, exportProfile(compile(deny, { ...ctx, arch: undefined }), 'bpf') as Buffer);
    const script = 'mkdir /tmp/denied; echo mkdir=$?; touch /tmp/file; echo touch=$?';
    const r = spawnSync('sh', ['-c', `exec bwrap --ro-bind / / --tmpfs /tmp --seccomp 3 -- sh -c '${script}' 3<"$0"`, file], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toContain('Operation not permitted');
    expect(r.stdout).toBe('mkdir=1\ntouch=0\n');
  });

  it('pfc lists every syscall per arch, with the argument runs of socket', () => {
    const out = text(compile('docker-default', ctx), 'pfc');
    expect(out).toMatch(/^arch x86_64$/m);
    expect(out).toMatch(/^arch x32$/m);
    expect(out).toContain('  83 mkdir: ALLOW');
    expect(out).toContain('  41 socket: depends on arguments\n      arg0 0..37: ALLOW\n      arg0 38 (AF_ALG): ERRNO(EPERM)');
    expect(out).toMatch(/^ {2}\d+\.\.\d+ \(no syscall\): ERRNO\(ENOSYS\)$/m);
  });
});
