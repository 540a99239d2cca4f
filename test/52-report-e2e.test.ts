// Denial reports end to end: spawn({ onDenied }) and `seccomp run --report[=FILE]` on real
// commands. Denials from several processes of one tree are each reported once, with paths,
// exe and rule; the commands see exactly the original answers (errno, kill); the oracle's probe
// gets the same results with reporting on.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from '../dist/index.js';
import type { Denial } from '../dist/report/model.js';
import { buildStatic } from './helpers/cc.js';
import { fixtures, root, sharedDir } from './helpers/child.js';
import { hasOracle, NO_SHARED, ORACLE_TABLES, readOracleTable, referenceDir } from './helpers/oracle.js';
import { thrown } from './helpers/thrown.js';

const tmp = mkdtempSync(join(tmpdir(), 'seccomp-52-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const cli = join(root, 'dist', 'cli.js');
const denyMkdir = join(fixtures, 'deny-mkdir.json');

function profileFile(name: string, doc: unknown): string {
  const f = join(tmp, name);
  writeFileSync(f, JSON.stringify(doc));
  return f;
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  denials: Denial[];
  events: Denial[];
}

function runReported(cmd: string, args: string[], seccomp: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const denials: Denial[] = [];
    const events: Denial[] = [];
    const child = spawn(cmd, args, { seccomp, isolation: 'available', stdio: ['ignore', 'pipe', 'pipe'], onDenied: (d) => denials.push(d) });
    child.on('seccomp-denied', (d: Denial) => events.push(d));
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c));
    child.on('error', reject);
    child.on('close', (code, signal) => setImmediate(() => resolve({ code, signal, stderr, denials, events })));
  });
}

describe('denial reports: bad input', () => {
  it('onDenied must be a function or true', () => {
    expect(thrown(() => spawn('/bin/true', [], { onDenied: 42 as never })).message).toContain('onDenied');
  });

  it('a profile that denies sendmsg cannot be reported (the launcher needs it): refused with a code', () => {
    const p = profileFile('no-sendmsg.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['sendmsg'], action: 'SCMP_ACT_ERRNO' }] });
    expect(thrown(() => spawn('/bin/true', [], { seccomp: p, onDenied: true })).code).toBe('ERR_SECCOMP_UNSUPPORTED');
  });

  it('seccomp run --report= without a file is a usage error (125)', () => {
    const r = spawnSync(process.execPath, [cli, 'run', '--report=', '--', '/bin/true'], { encoding: 'utf8' });
    expect(r.status).toBe(125);
    expect(r.stderr).toContain('--report=FILE');
  });
});

describe('spawn({ onDenied })', () => {
  it('reports each denial once per (pid, syscall, path), from children and a grandchild; the commands see EPERM', async () => {
    const d = join(tmp, 'tree');
    const r = await runReported('/bin/sh', ['-c', `mkdir ${d}-a; mkdir ${d}-a; sh -c 'mkdir ${d}-b; true'; exit 0`], denyMkdir);
    expect(r.code).toBe(0);
    expect(r.stderr.match(/Operation not permitted/g)).toHaveLength(3);
    expect(existsSync(`${d}-a`) || existsSync(`${d}-b`)).toBe(false);
    expect(r.denials).toHaveLength(3); // three mkdir processes
    expect(new Set(r.denials.map((x) => x.pid)).size).toBe(3);
    expect(r.denials.map((x) => x.decoded[0])).toEqual([`"${d}-a"`, `"${d}-a"`, `"${d}-b"`]);
    for (const x of r.denials) {
      expect(x).toMatchObject({ syscall: 'mkdir', action: 'ERRNO', errno: 1, errnoName: 'EPERM', rule: 'syscalls[0].names[0]', arch: 'x86_64' });
      expect(x.exe).toMatch(/\/mkdir$/);
    }
    expect(r.events).toEqual(r.denials);
  });

  it('the errno is the profile\'s own (EACCES), and a process repeating a call is reported once', async () => {
    const p = profileFile('eacces.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] });
    const d = join(tmp, 'eacces');
    const r = await runReported('/bin/mkdir', ['-p', `${d}/x`, `${d}/x`], p);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Permission denied');
    expect(r.denials.length).toBeGreaterThanOrEqual(1);
    expect(r.denials[0]).toMatchObject({ errno: 13, errnoName: 'EACCES' });
    const keys = r.denials.map((x) => `${x.pid} ${x.syscall} ${x.args.join()}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('KILL_PROCESS: reported, then the process dies of SIGSYS as under the kernel\'s kill', async () => {
    const p = profileFile('kill.json', { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }] });
    const r = await runReported('/bin/mkdir', [join(tmp, 'killed')], p);
    expect(r.signal).toBe('SIGSYS');
    expect(r.denials).toHaveLength(1);
    expect(r.denials[0]).toMatchObject({ action: 'KILL_PROCESS' });
    expect(r.denials[0]).not.toHaveProperty('errno');
    expect(existsSync(join(tmp, 'killed'))).toBe(false);
  });
});

describe('seccomp run --report', () => {
  it('prints one summary line on stderr, with the fix', () => {
    const r = spawnSync(process.execPath, [cli, 'run', '--report', '--isolation', 'available', '--', '/bin/sh', '-c', 'unshare --user true; unshare --user true; exit 0'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stderr).toContain('seccomp: 1 syscall denied: unshare ×2 (EPERM, defaultAction; allowed with --cap-add SYS_ADMIN)');
  });

  it('--report=FILE writes JSON lines and no summary', () => {
    const file = join(tmp, 'report.jsonl');
    const r = spawnSync(process.execPath, [cli, 'run', `--report=${file}`, '--profile', denyMkdir, '--isolation', 'available', '--', '/bin/mkdir', join(tmp, 'm')], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).not.toContain('syscalls denied');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ syscall: 'mkdir', action: 'ERRNO', errno: 1, decoded: { 0: JSON.stringify(join(tmp, 'm')) } });
    // The rule and fix are `seccomp explain`'s, word for word.
    const ex = spawnSync(process.execPath, [cli, 'explain', '--profile', denyMkdir, '--json', 'mkdir'], { encoding: 'utf8' });
    expect(ex.status, ex.stderr).toBe(0);
    const e = JSON.parse(ex.stdout);
    expect(lines[0]).toMatchObject({ rule: e.rule, fix: e.allowIf[0].fix });
    expect(e.rule).toBe('syscalls[0].names[0]');
  });
});

// The oracle's probe under each table's profile and capabilities: every probe line the same with
// and without --report (test/42 checks the plain run against the table, row for row).
const oracle = join(sharedDir, 'oracle');
describe('oracle probe with --report', () => {
  let probe = '';
  let specs = '';
  beforeAll(() => {
    if (!hasOracle) return;
    probe = buildStatic(join(oracle, 'probe.c'), join(tmp, 'probe'));
    specs = readFileSync(join(oracle, 'specs.txt'), 'utf8');
  });

  for (const file of ORACLE_TABLES) {
    it(`${file}: the probe sees the same results, row for row`, (ctx) => {
      ctx.skip(!hasOracle, NO_SHARED);
      const table = readOracleTable(file);
      const marked = join(tmp, `${file}.marked.json`);
      expect(spawnSync('python3', [join(oracle, 'mark-profile.py'), join(referenceDir, table.profile), marked]).status).toBe(0);
      const runProbe = (extra: string[]) => {
        const r = spawnSync(process.execPath, [cli, 'run', '--quiet', ...extra, '--profile', marked, ...table.capFlags, '--', probe, '-k', '-v', '-'], {
          input: specs, encoding: 'utf8', timeout: 120_000, maxBuffer: 16 << 20,
        });
        expect(r.status, r.stderr).toBe(0);
        // name, result class (OK / errno name / KILLED / TRAP), syscall number
        return r.stdout.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => {
          const [name, ret, err, nr] = l.split('\t');
          return `${name}\t${ret === 'KILLED' || ret === 'TRAP' ? ret : err}\t${nr}`;
        });
      };
      const jsonl = join(tmp, `${file}.jsonl`);
      const plain = runProbe([]);
      const reported = runProbe([`--report=${jsonl}`]);
      expect(plain).toHaveLength(table.rows.length);
      expect(reported).toEqual(plain);
      const denials = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(denials.length).toBeGreaterThan(10);
      expect(denials.every((x) => x.action === 'ERRNO' || x.action.startsWith('KILL'))).toBe(true);
    }, 120_000);
  }
});
