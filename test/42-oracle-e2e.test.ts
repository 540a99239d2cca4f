// Docker parity end to end: the oracle's static probe runs under `seccomp run` (dist/cli.js)
// with each table's profile (errnos shifted by 1000 by mark-profile.py) and capability flags,
// and every row of ../shared/reference/oracle/*.tsv must come out as podman + runc decided.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { root, sharedDir } from './helpers/child.js';
import { buildStatic } from './helpers/cc.js';
import { hasOracle, NO_SHARED, ORACLE_TABLES, readOracleTable } from './helpers/oracle.js';
import { narrowedExpectation } from './helpers/narrow.js';

const oracle = join(sharedDir, 'oracle');
const cli = join(root, 'dist', 'cli.js');

interface ProbeLine {
  name: string;
  ret: string;
  err: string;
  nr: string;
}

function parseProbe(out: string): ProbeLine[] {
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [name, ret, err, nr] = l.split('\t');
      return { name, ret, err, nr };
    });
}

/** gen-golden.sh's rule: TRAP, KILLED, E1xxx = seccomp's errno, ENOSYS the profile never wrote. */
function decide(p: ProbeLine, unconfined: ProbeLine | undefined): string {
  if (p.ret === 'TRAP') return 'trap';
  if (p.ret === 'KILLED') return 'kill';
  const m = /^E1(\d\d\d)$/.exec(p.err);
  if (m) return `errno:${Number(m[1])}`;
  if (p.err === 'ENOSYS' && unconfined?.err !== 'ENOSYS') return 'enosys';
  return 'allow';
}

// moby-default names syscalls 457-466, which libseccomp 2.5.4 (the oracle's) cannot name: runc left
// them out and its ENOSYS stub answered. compile() numbers them itself (newSyscalls, on by
// default), so the kernel runs them ("allow"), or the profile's default answers where the rule
// needs CAP_SYS_ADMIN (test/21 lists the same rows).
const NEWER_THAN_LIBSECCOMP_2_5_4: Record<string, 'allow' | 'admin'> = {
  statmount: 'allow',
  listmount: 'allow',
  lsm_get_self_attr: 'admin',
  lsm_set_self_attr: 'admin',
  lsm_list_modules: 'admin',
  mseal: 'allow',
  setxattrat: 'allow',
  getxattrat: 'allow',
  listxattrat: 'allow',
  removexattrat: 'allow',
};

describe('oracle end to end: probe under `seccomp run`', () => {
  let tmp = '';
  let probe = '';
  let specs = '';

  beforeAll(() => {
    if (!hasOracle) return;
    tmp = mkdtempSync(join(tmpdir(), 'seccomp-42-'));
    probe = buildStatic(join(oracle, 'probe.c'), join(tmp, 'probe'));
    specs = readFileSync(join(oracle, 'specs.txt'), 'utf8');
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  function runProbe(profile: string, capFlags: string[]): ProbeLine[] {
    const r = spawnSync(process.execPath, [cli, 'run', '--profile', profile, ...capFlags, '--', probe, '-k', '-v', '-'], {
      input: specs,
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 16 << 20,
    });
    if (r.status !== 0) throw new Error(`seccomp run exited ${r.status} (${r.signal}): ${r.stderr}`);
    expect(r.stdout).toMatch(/# end\s*$/);
    return parseProbe(r.stdout);
  }

  for (const file of ORACLE_TABLES) {
    it(`${file}: every row as the engine decided`, (ctx) => {
      ctx.skip(!hasOracle, NO_SHARED);
      const table = readOracleTable(file);
      const source = join(sharedDir, 'reference', table.profile);
      const marked = join(tmp, `${file}.marked.json`);
      const py = spawnSync('python3', [join(oracle, 'mark-profile.py'), source, marked], { encoding: 'utf8' });
      expect(py.status, py.stderr).toBe(0);

      const doc = JSON.parse(readFileSync(marked, 'utf8')) as { defaultAction: string; defaultErrnoRet?: number };
      // An `enosys` row comes from runc's stub over names libseccomp 2.5.4 could resolve; an engine
      // that resolves names itself may cover more, and then the default action answers instead.
      const byDefault = doc.defaultAction === 'SCMP_ACT_ERRNO' ? `errno:${(doc.defaultErrnoRet ?? 1001) - 1000}` : '';

      const got = runProbe(marked, table.capFlags);
      const base = runProbe('unconfined', table.capFlags);
      expect(got).toHaveLength(table.rows.length);
      const mismatches: string[] = [];
      const narrowed: string[] = [];
      table.rows.forEach((row, i) => {
        const p = got[i];
        if (p.name !== row.syscall || Number(p.nr) !== row.nr) {
          mismatches.push(`row ${i}: probe said ${p.name}/${p.nr}, table ${row.syscall}/${row.nr}`);
          return;
        }
        const d = decide(p, base[i]);
        const newer = table.profile.startsWith('moby') ? NEWER_THAN_LIBSECCOMP_2_5_4[row.syscall] : undefined;
        const admin = table.capFlags.join(' ').includes('--cap-add SYS_ADMIN');
        const resolved = newer === 'allow' || (newer === 'admin' && admin) ? 'allow' : byDefault;
        // compile's default narrowArgs: an int argument with high bits set is decided as the
        // kernel reads it, like the table's row without those bits (test/21 lists the rows).
        const twin = narrowedExpectation(table.rows, row);
        if (twin.twin) narrowed.push(`${row.syscall} 0x${row.args[0].toString(16)}`);
        const ok =
          d === twin.expected ||
          (row.decision === 'enosys' && d === byDefault) ||
          (row.decision === 'enosys' && newer !== undefined && d === resolved);
        if (!ok) mismatches.push(`${row.syscall} (${row.nr}) row ${i}: expected ${row.decision}, got ${d} (${p.ret} ${p.err})`);
      });
      expect(mismatches).toEqual([]);
      expect(narrowed.length).toBeGreaterThan(0);
    });
  }
});
