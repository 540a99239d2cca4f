// The built-in `docker-default` against Docker's own default.json (moby/profiles seccomp v0.2.3):
// (a) rule by rule, after evaluating includes/excludes in every context that can differ;
// (b) decision by decision, through compile() and decide(), for every syscall number.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_NAMES, builtinProfile } from '../dist/profiles/index.js';
import { hasShared, root, sharedDir } from './helpers/child.js';
import { hasOracle, NO_SHARED } from './helpers/oracle.js';
import { compile } from '../dist/profile/compile.js';
import { decide } from '../dist/decide.js';
import { argOf, builtinDoc, type DocProfile, readDoc, ruleWhere } from './helpers/docker-doc.js';

const referencePath = join(sharedDir, 'reference', 'moby-default.json');
const hasReference = hasShared && existsSync(referencePath);
const readReference = (): DocProfile => readDoc(referencePath);

/** Docker's default capability set (moby's DefaultCapabilities). */
const DOCKER_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL',
  'CAP_AUDIT_WRITE',
];
/** Every capability Linux 6.x defines. */
const ALL_CAPS = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL', 'CAP_SETGID',
  'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE', 'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE', 'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE',
  'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];
/** Docker arch names (what includes/excludes.arches hold) and the libseccomp arch archMap keys on. */
const ARCHES: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', x86: 'SCMP_ARCH_X86', x32: 'SCMP_ARCH_X32', arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM', mips64: 'SCMP_ARCH_MIPS64', mips64n32: 'SCMP_ARCH_MIPS64N32',
  mipsel64: 'SCMP_ARCH_MIPSEL64', mipsel64n32: 'SCMP_ARCH_MIPSEL64N32', s390x: 'SCMP_ARCH_S390X',
  s390: 'SCMP_ARCH_S390', ppc64le: 'SCMP_ARCH_PPC64LE', riscv64: 'SCMP_ARCH_RISCV64',
  loong64: 'SCMP_ARCH_LOONGARCH64',
};
const KERNELS = ['4.7', '4.8', '5.7', '5.8', '6.1', '6.18'];

interface Context {
  arch: string;
  caps: string[];
  kernel: string;
}

const kernelAtLeast = (kernel: string, min: string): boolean => {
  const [a, b] = kernel.split('.').map(Number);
  const [c, d] = min.split('.').map(Number);
  return a > c || (a === c && b >= d);
};

/** moby's setupSeccomp, reduced to what decides: the arches and the set of effective rules. */
function effective(profile: DocProfile, ctx: Context) {
  const arches: string[] = [];
  for (const entry of profile.archMap ?? []) {
    if (entry.architecture === ARCHES[ctx.arch]) arches.push(entry.architecture, ...(entry.subArchitectures ?? []));
  }
  const rules = new Set<string>();
  for (const rule of profile.syscalls ?? []) {
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (inc.arches?.length && !inc.arches.includes(ctx.arch)) continue;
    if (inc.caps?.length && !inc.caps.every((c) => ctx.caps.includes(c))) continue;
    if (inc.minKernel && !kernelAtLeast(ctx.kernel, inc.minKernel)) continue;
    if (exc.arches?.length && exc.arches.includes(ctx.arch)) continue;
    if (exc.caps?.length && exc.caps.some((c) => ctx.caps.includes(c))) continue;
    if (exc.minKernel && kernelAtLeast(ctx.kernel, exc.minKernel)) continue;
    const errno = rule.action === 'SCMP_ACT_ERRNO' ? (rule.errnoRet ?? 1) : '';
    const args = (rule.args ?? [])
      .map((a) => `${a.index}:${a.op}:${BigInt(a.value ?? 0)}:${BigInt(a.valueTwo ?? 0)}`)
      .sort()
      .join('&');
    for (const name of rule.names ?? [rule.name]) rules.add(`${name} ${rule.action} ${errno} ${args}`);
  }
  return {
    defaultAction: profile.defaultAction,
    defaultErrnoRet: profile.defaultErrnoRet,
    architectures: profile.architectures,
    flags: profile.flags,
    arches,
    rules: [...rules].sort(),
  };
}

/** Every capability any include/exclude of either profile names. */
function mentionedCaps(...profiles: DocProfile[]): string[] {
  const caps = new Set<string>();
  for (const p of profiles) {
    for (const r of p.syscalls) for (const c of [...(r.includes?.caps ?? []), ...(r.excludes?.caps ?? [])]) caps.add(c);
  }
  return [...caps].sort();
}

function capSets(mentioned: string[]): Record<string, string[]> {
  const sets: Record<string, string[]> = { none: [], docker: DOCKER_CAPS, all: ALL_CAPS };
  for (const c of mentioned) {
    sets[c] = [c];
    sets[`docker+${c}`] = [...DOCKER_CAPS, c];
    sets[`all-${c}`] = ALL_CAPS.filter((x) => x !== c);
  }
  return sets;
}

describe('builtinProfile', () => {
  it('rejects a name that is not a string', () => {
    expect(() => builtinProfile(42 as unknown as string)).toThrow(TypeError);
  });

  it('has no object for unknown names, nor for unconfined (which means no filter)', () => {
    expect(builtinProfile('docker')).toBeUndefined();
    expect(builtinProfile('Docker-Default')).toBeUndefined();
    expect(builtinProfile('toString')).toBeUndefined();
    expect(builtinProfile('unconfined')).toBeUndefined();
    expect(BUILTIN_NAMES).toEqual(['docker-default', 'builtin', 'default', 'unconfined', 'node-worker', 'no-network', 'no-exec']);
    expect(builtinProfile('builtin')).toEqual(builtinProfile('docker-default'));
  });

  it('returns a fresh copy each time', () => {
    const a = builtinDoc();
    a.defaultAction = 'SCMP_ACT_ALLOW';
    a.syscalls[0].names.push('kexec_load');
    a.archMap[0].subArchitectures.length = 0;
    const b = builtinDoc();
    expect(b.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(b.syscalls[0].names).not.toContain('kexec_load');
    expect(b.archMap[0].subArchitectures).toEqual(['SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  });

  it('is a plain JSON-able Docker-format profile', () => {
    const p = builtinDoc();
    expect(JSON.parse(JSON.stringify(p))).toEqual(p);
    expect(p.defaultAction).toBe('SCMP_ACT_ERRNO');
    expect(p.defaultErrnoRet).toBe(1);
    for (const rule of p.syscalls) {
      expect(rule.names.length).toBeGreaterThan(0);
      expect(['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO']).toContain(rule.action);
    }
  });
});

describe('docker-default vs moby default.json: effective rules', () => {
  it('equals the reference in every arch x capability set x kernel context', (ctx) => {
    ctx.skip(!hasReference, NO_SHARED);
    const ref = readReference();
    const ours = builtinDoc();
    const mentioned = mentionedCaps(ref, ours);
    // Sanity of the enumeration itself: the gates we expect to exercise are there.
    expect(mentioned).toEqual(expect.arrayContaining(['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYSLOG', 'CAP_BPF']));
    let contexts = 0;
    const differences: string[] = [];
    for (const arch of Object.keys(ARCHES)) {
      for (const [capName, caps] of Object.entries(capSets(mentioned))) {
        for (const kernel of KERNELS) {
          const ctx = { arch, caps, kernel };
          const a = effective(ours, ctx);
          const b = effective(ref, ctx);
          contexts++;
          const where = `${arch} caps=${capName} kernel=${kernel}`;
          const { rules: ra, ...restA } = a;
          const { rules: rb, ...restB } = b;
          if (JSON.stringify(restA) !== JSON.stringify(restB)) differences.push(`${where}: ${JSON.stringify(restA)} vs ${JSON.stringify(restB)}`);
          const setB = new Set(rb);
          const setA = new Set(ra);
          for (const r of ra) if (!setB.has(r)) differences.push(`${where}: only ours: ${r}`);
          for (const r of rb) if (!setA.has(r)) differences.push(`${where}: only reference: ${r}`);
        }
      }
    }
    expect(differences.slice(0, 20)).toEqual([]);
    expect(contexts).toBeGreaterThan(1000);
  });

  it('the comparison notices a changed rule (the normaliser is not blind)', (ctx) => {
    ctx.skip(!hasReference, NO_SHARED);
    const ref = readReference();
    const docker = { arch: 'amd64', caps: DOCKER_CAPS, kernel: '6.18' };
    const admin = { arch: 'amd64', caps: [...DOCKER_CAPS, 'CAP_SYS_ADMIN'], kernel: '6.18' };
    const tweaks: Array<[Context, (p: DocProfile) => void]> = [
      [docker, (p) => p.syscalls[0].names.pop()],
      [docker, (p) => argOf(ruleWhere(p, (r) => r.names[0] === 'socket'), 0).value++],
      [docker, (p) => delete ruleWhere(p, (r) => r.names[0] === 'clone3').errnoRet],
      [admin, (p) => delete ruleWhere(p, (r) => r.excludes?.arches !== undefined).excludes?.caps],
      [{ ...docker, kernel: '4.7' }, (p) => delete ruleWhere(p, (r) => r.includes?.minKernel !== undefined).includes],
    ];
    for (const [ctx, tweak] of tweaks) {
      const base = effective(builtinDoc(), ctx).rules;
      expect(base).toEqual(effective(ref, ctx).rules);
      const p = builtinDoc();
      tweak(p);
      expect(effective(p, ctx).rules).not.toEqual(base);
    }
  });
});

// (b) Through the engine.

/** The argument cases of the oracle's specs.txt (`name:a0,a1,...`), plus more clone flag cases. */
function argumentCases(): Array<{ syscall: string; args: bigint[] }> {
  const specs = readFileSync(join(sharedDir, 'oracle', 'specs.txt'), 'utf8').split('\n');
  const cases: Array<{ syscall: string; args: bigint[] }> = [];
  for (const line of specs) {
    const [name, list] = line.trim().split(':');
    if (!list) continue;
    cases.push({ syscall: name, args: list.split(',').map((v) => BigInt(v)) });
  }
  for (let bit = 0; bit < 64; bit++) {
    cases.push({ syscall: 'clone', args: [1n << BigInt(bit), 0n] });
    cases.push({ syscall: 'clone', args: [0n, 1n << BigInt(bit)] });
    cases.push({ syscall: 'socket', args: [BigInt(bit)] });
    cases.push({ syscall: 'personality', args: [(1n << BigInt(bit)) | 8n] });
  }
  return cases;
}

describe('docker-default vs moby default.json: decide()', () => {
  const contexts: Record<string, { capabilities: string[]; kernel: string }> = {
    'no caps': { capabilities: [], kernel: '6.18' },
    'docker caps': { capabilities: DOCKER_CAPS, kernel: '6.18' },
    'docker caps, kernel 4.7': { capabilities: DOCKER_CAPS, kernel: '4.7' },
    'docker caps + SYS_ADMIN': { capabilities: [...DOCKER_CAPS, 'CAP_SYS_ADMIN'], kernel: '6.18' },
    'docker caps + SYS_PTRACE, kernel 4.7': { capabilities: [...DOCKER_CAPS, 'CAP_SYS_PTRACE'], kernel: '4.7' },
    'docker caps + SYS_NICE + SYSLOG + BPF': {
      capabilities: [...DOCKER_CAPS, 'CAP_SYS_NICE', 'CAP_SYSLOG', 'CAP_BPF'],
      kernel: '6.18',
    },
    'all caps': { capabilities: ALL_CAPS, kernel: '6.18' },
  };
  const X32 = 0x4000_0000;
  const X86_NUMBERS: Record<string, number> = { clone: 120, personality: 136, socket: 359 };

  // Docker's comparisons (narrowArgs and multiplexers off) and the default.
  const MODES: Record<string, object> = {
    'as Docker compares': { narrowArgs: false, multiplexers: false },
    default: {},
  };
  for (const [label, options] of Object.entries(contexts)) for (const [mode, modeOptions] of Object.entries(MODES)) {
    it(`decides every syscall as the reference: ${label}, ${mode}`, (ctx) => {
      ctx.skip(!hasReference, NO_SHARED);
      const opts = { ...options, ...modeOptions, arch: 'x86_64', cache: false };
      const ours = compile(builtinDoc(), opts);
      const ref = compile(readFileSync(referencePath, 'utf8'), opts);
      expect([...ours.arches].sort()).toEqual([...ref.arches].sort());
      expect([...ours.unknownSyscalls].sort()).toEqual([...ref.unknownSyscalls].sort());
      const differences: string[] = [];
      const check = (query: { syscall: string | number; args?: bigint[]; arch: string }) => {
        const a = decide(ours, query);
        const b = decide(ref, query);
        if (JSON.stringify(a) !== JSON.stringify(b)) {
          differences.push(`${JSON.stringify(query, (_k, v) => (typeof v === 'bigint' ? `0x${v.toString(16)}` : v))}: ours ${JSON.stringify(a)}, reference ${JSON.stringify(b)}`);
        }
      };
      const args6 = Array<bigint>(6).fill(0xffff_ffff_ffff_ffffn);
      // A 32-bit task's arguments are 32 bits wide.
      const args6of32 = Array<bigint>(6).fill(0xffff_ffffn);
      for (let nr = 0; nr <= 470; nr++) {
        check({ syscall: nr, args: args6, arch: 'x86_64' });
        check({ syscall: nr, args: [0n, 0n, 0n, 0n, 0n, 0n], arch: 'x86_64' });
        check({ syscall: nr, args: args6of32, arch: 'x86' });
        check({ syscall: nr + X32, args: args6, arch: 'x32' });
      }
      // x32's own entry points (rt_sigaction, ioctl, readv, ... with x32 structs).
      for (let nr = 512; nr <= 547; nr++) check({ syscall: nr + X32, args: args6, arch: 'x32' });
      for (const c of argumentCases()) {
        check({ ...c, arch: 'x86_64' });
        // By number on x86: libseccomp 2.5.4 maps the name socket to socketcall's pseudo-number there.
        if (c.args.every((v) => v <= 0xffff_ffffn)) check({ ...c, syscall: X86_NUMBERS[c.syscall], arch: 'x86' });
      }
      expect(differences.slice(0, 20)).toEqual([]);
    });
  }

  it('compiles by name to the same program, identical to the reference program', (ctx) => {
    ctx.skip(!hasReference, NO_SHARED);
    for (const capabilities of [[], DOCKER_CAPS, ALL_CAPS]) for (const modeOptions of Object.values(MODES)) {
      const opts = { capabilities, kernel: '6.18', arch: 'x86_64', cache: false, ...modeOptions };
      const byName = compile('docker-default', opts);
      const byObject = compile(builtinDoc(), opts);
      const ref = compile(readFileSync(referencePath, 'utf8'), opts);
      expect(byName.bpf.equals(byObject.bpf)).toBe(true);
      // libseccomp orders its output by syscall, not by rule order, so even the bytes agree.
      expect(byObject.bpf.equals(ref.bpf)).toBe(true);
    }
  });

  const oracleDir = join(sharedDir, 'reference', 'oracle');
  it('decides every oracle row as the reference, int arguments narrowed (default), x86_64 and x86', (ctx) => {
    ctx.skip(!hasReference || !hasOracle, NO_SHARED);
    const dir = oracleDir;
    const files = readdirSync(dir).filter((f) => f.startsWith('moby-default.') && f.endsWith('.tsv'));
    expect(files.length).toBeGreaterThan(0);
    const differences: string[] = [];
    let rows = 0;
    for (const file of files) {
      const lines = readFileSync(join(dir, file), 'utf8').split('\n');
      const caps = [...lines[0].matchAll(/--cap-add (\S+)/g)].map((m) => `CAP_${m[1]}`);
      const opts = { capabilities: caps, kernel: '6.18', arch: 'x86_64', cache: false };
      const ours = compile(builtinDoc(), opts);
      const ref = compile(readFileSync(referencePath, 'utf8'), opts);
      for (const line of lines.slice(1)) {
        if (!line.trim() || line.startsWith('#')) continue;
        const [name, nr, list] = line.split('\t');
        const args = list.split(',').map((v) => BigInt(v));
        rows++;
        const queries = [{ syscall: Number(nr), args, arch: 'x86_64' }];
        // socketcall(SYS_SOCKET) on x86 stands for the socket rows there.
        if (name === 'socket') queries.push({ syscall: 102, args: [1n], arch: 'x86' });
        for (const q of queries) {
          const a = decide(ours, q);
          const b = decide(ref, q);
          if (JSON.stringify(a) !== JSON.stringify(b)) differences.push(`${file} ${line}: ours ${JSON.stringify(a)}, reference ${JSON.stringify(b)}`);
        }
      }
    }
    expect(rows).toBeGreaterThan(1000);
    expect(differences).toEqual([]);
  });

  it('a one-rule change shows up in decide() (the comparison is not blind)', (ctx) => {
    ctx.skip(!hasReference, NO_SHARED);
    const opts = { capabilities: DOCKER_CAPS, kernel: '6.18', arch: 'x86_64', cache: false };
    const ref = compile(readFileSync(referencePath, 'utf8'), opts);
    const p = builtinDoc();
    p.syscalls[0].names = p.syscalls[0].names.filter((n) => n !== 'getrandom');
    argOf(ruleWhere(p, (r) => r.names[0] === 'socket' && r.args?.[0].op === 'SCMP_CMP_GT'), 0).value = 41;
    const changed = compile(p, opts);
    expect(decide(ref, { syscall: 'getrandom', arch: 'x86_64' })).toEqual({ action: 'ALLOW' });
    expect(decide(changed, { syscall: 'getrandom', arch: 'x86_64' })).toEqual({ action: 'ERRNO', errno: 1 });
    expect(decide(ref, { syscall: 'socket', args: [41n], arch: 'x86_64' })).toEqual({ action: 'ALLOW' });
    expect(decide(changed, { syscall: 'socket', args: [41n], arch: 'x86_64' })).toEqual({ action: 'ERRNO', errno: 1 });
  });
});
