// The engine against what real podman + runc + libseccomp 2.5.4 decided on Linux 6.18 x86_64
// (../shared/reference/oracle/*.tsv): every row of every table, for the table's own profile and,
// for the moby-default tables, for our built-in docker-default too.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../dist/profiles/index.js';
import { compile } from '../dist/profile/compile.js';
import { decide } from '../dist/decide.js';
import type { CompiledProfile } from '../dist/profile/types.js';
import { sharedDir } from './helpers/child.js';
import { hasOracle, NO_SHARED, ORACLE_TABLES, type OracleRow, type OracleTable, parseOracleTable, readOracleTable } from './helpers/oracle.js';
import { narrowedExpectation } from './helpers/narrow.js';

type Table = OracleTable;
type Row = OracleRow;
const parseTable = parseOracleTable;

/** decide()'s answer in the tables' notation. */
function notation(d: { action: string; errno?: number }): string {
  switch (d.action) {
    case 'ALLOW': return 'allow';
    case 'ERRNO': return d.errno === 38 ? 'errno:38|enosys' : `errno:${d.errno}`;
    case 'TRAP': return 'trap';
    case 'KILL_THREAD':
    case 'KILL_PROCESS': return 'kill';
    default: return d.action.toLowerCase();
  }
}

const matches = (expected: string, got: string) => got.split('|').includes(expected);

// Rows where the table cannot be what a filter decides, each with the reason and what the filter
// must decide instead. They are listed, not guessed: a row outside this list must match exactly.
type Override = (table: Table) => string;
const ORACLE_LIMITS: Record<string, Override> = {
  // Linux 6.16+ runs uprobe (x86_64 336) without consulting seccomp at all; the filter itself
  // gives the profile's default (moby: EPERM; containers-common: ENOSYS).
  uprobe: (t) => (t.profile.startsWith('moby') ? 'errno:1' : 'errno:38'),
  // Linux 6.18 has no listns (470): the kernel's ENOSYS and runc's ENOSYS stub (470 is above every
  // syscall the profile names) look the same, so the table says "allow".
  listns: () => 'enosys',
};

// moby-default names syscalls 457-466, which libseccomp 2.5.4 (the oracle's) cannot name, so runc
// left them out and its ENOSYS stub answered. An engine that resolves those names itself follows
// the profile instead (below); one that does not must give ENOSYS like runc.
const admin = (t: Table) => t.capabilities.includes('CAP_SYS_ADMIN');
const NEWER_THAN_LIBSECCOMP_2_5_4: Record<string, (t: Table) => string> = {
  statmount: () => 'allow',
  listmount: () => 'allow',
  lsm_get_self_attr: (t) => (admin(t) ? 'allow' : 'errno:1'),
  lsm_set_self_attr: (t) => (admin(t) ? 'allow' : 'errno:1'),
  lsm_list_modules: (t) => (admin(t) ? 'allow' : 'errno:1'),
  mseal: () => 'allow',
  setxattrat: () => 'allow',
  getxattrat: () => 'allow',
  listxattrat: () => 'allow',
  removexattrat: () => 'allow',
};

function expectation(table: Table, row: Row, newNames: boolean): { expected: string; why?: string } {
  const limit = ORACLE_LIMITS[row.syscall];
  if (limit) return { expected: limit(table), why: 'oracle limit' };
  const newer = NEWER_THAN_LIBSECCOMP_2_5_4[row.syscall];
  if (newer && table.profile.startsWith('moby') && row.decision === 'enosys' && newNames) {
    return { expected: newer(table), why: 'resolved beyond libseccomp 2.5.4' };
  }
  return { expected: row.decision };
}

describe('oracle table parsing', () => {
  it('rejects a table without a caps header', () => {
    expect(() => parseTable('read\t0\t0\tallow\n', 'x.tsv')).toThrow(/header/);
    expect(() => parseTable('# profile=p.json engine=e caps=--cap-add X\n', 'x.tsv')).toThrow(/--cap-drop ALL/);
  });

  it('reads caps and rows', () => {
    const t = parseTable(
      '# profile=p.json engine=e caps=--cap-drop ALL --cap-add SYS_ADMIN --cap-add KILL\n#syscall\tnr\targs\tdecision\n' +
        'socket\t41\t0x28,0x1,0\terrno:1\n',
      'x.tsv',
    );
    expect(t.capabilities).toEqual(['CAP_SYS_ADMIN', 'CAP_KILL']);
    expect(t.rows).toEqual([{ line: 3, syscall: 'socket', nr: 41, args: [40n, 1n, 0n], decision: 'errno:1' }]);
  });
});

describe('oracle tables are present and complete', () => {
  it('has the five tables, each with a row per probe spec', (ctx) => {
    ctx.skip(!hasOracle, NO_SHARED);
    const tables = readdirSync(join(sharedDir, 'reference', 'oracle')).filter((f) => f.endsWith('.tsv')).sort();
    expect(tables).toEqual([...ORACLE_TABLES]);
    for (const f of tables) {
      const t = readOracleTable(f);
      expect(t.rows.length).toBeGreaterThan(380);
      expect(existsSync(join(sharedDir, 'reference', t.profile))).toBe(true);
    }
  });
});

describe('engine decisions match the oracle', () => {
  // Listed from ORACLE_TABLES (not the directory), so that without ../shared every test still
  // shows, as a named skip.
  const subjects: Array<{ label: string; file: string; profile: () => string | Record<string, unknown> }> = [];
  for (const file of ORACLE_TABLES) {
    subjects.push({ label: `the table's profile (${file})`, file, profile: () => join(sharedDir, 'reference', readOracleTable(file).profile) });
    if (file.startsWith('moby-default.')) {
      subjects.push({ label: `built-in docker-default (${file})`, file, profile: () => builtinProfile('docker-default')! });
    }
  }

  /** Every row whose decision differs, and the names of the rows the lists above overrode. */
  function compare(table: Table, file: string, compiled: CompiledProfile, narrow = false) {
    // Whether this engine names mseal & co. itself (libseccomp 2.5.4 cannot).
    const newNames = table.profile.startsWith('moby') && !compiled.unknownSyscalls.includes('mseal');
    const mismatches: string[] = [];
    const overridden: string[] = [];
    const narrowed: string[] = [];
    for (const row of table.rows) {
      const got = notation(decide(compiled, { syscall: row.nr, args: row.args, arch: 'x86_64' }));
      let { expected, why } = expectation(table, row, newNames);
      if (why) overridden.push(row.syscall);
      if (narrow && !why) {
        const n = narrowedExpectation(table.rows, row);
        if (n.twin) narrowed.push(`${row.syscall} 0x${row.args[0].toString(16)}`);
        expected = n.expected;
      }
      if (!matches(expected, got)) {
        const args = row.args.map((v) => `0x${v.toString(16)}`).join(',');
        mismatches.push(`${file}:${row.line} ${row.syscall}(${row.nr}) [${args}]: expected ${expected}, got ${got}`);
      }
    }
    return { mismatches, overridden, newNames, narrowed };
  }

  const load = (file: string) => readOracleTable(file);

  for (const { label, file, profile } of subjects) {
    it(`${label}, arguments compared as Docker does`, (ctx) => {
      ctx.skip(!hasOracle, NO_SHARED);
      const table = load(file);
      const compiled = compile(profile(), {
        capabilities: table.capabilities,
        arch: 'x86_64',
        kernel: '6.18',
        cache: false,
        narrowArgs: false,
        multiplexers: false,
      });
      const { mismatches, overridden, newNames } = compare(table, file, compiled);
      expect(mismatches).toEqual([]);
      const newer = Object.keys(NEWER_THAN_LIBSECCOMP_2_5_4).filter(() => newNames);
      expect(overridden.sort()).toEqual(['listns', 'uprobe', ...newer].sort());
    });

    // The default: int arguments on their low 32 bits. Rows differ from the table exactly where
    // an int argument has high bits set and the kernel's reading of it is decided otherwise.
    it(`${label}, int arguments as the kernel reads them (default)`, (ctx) => {
      ctx.skip(!hasOracle, NO_SHARED);
      const table = load(file);
      const compiled = compile(profile(), { capabilities: table.capabilities, arch: 'x86_64', kernel: '6.18', cache: false });
      const { mismatches, narrowed } = compare(table, file, compiled, true);
      expect(mismatches).toEqual([]);
      // containers-common blocks AF_VSOCK but not AF_ALG (0x26).
      const expected = table.profile.startsWith('moby')
        ? ['personality 0xffffffffffffffff', 'socket 0x100000026', 'socket 0x100000028']
        : ['personality 0xffffffffffffffff', 'socket 0x100000028'];
      expect(narrowed.sort()).toEqual(expected);
    });
  }

  it('notices a wrong decision (the comparison is not blind)', (ctx) => {
    ctx.skip(!hasOracle, NO_SHARED);
    // moby-default without CAP_SYS_ADMIN checked against the +SYS_ADMIN table.
    const file = 'moby-default.docker-caps+SYS_ADMIN.tsv';
    const table = load(file);
    const compiled = compile(join(sharedDir, 'reference', 'moby-default.json'), {
      capabilities: table.capabilities.filter((c) => c !== 'CAP_SYS_ADMIN'),
      arch: 'x86_64',
      kernel: '6.18',
      cache: false,
    });
    const { mismatches } = compare(table, file, compiled);
    const names = mismatches.map((m) => m.split(' ')[1].replace(/\(.*/, ''));
    expect(names).toEqual(expect.arrayContaining(['mount', 'unshare', 'setns', 'clone', 'clone3', 'sethostname']));
    expect(mismatches.find((m) => m.includes(' clone3('))).toMatch(/expected allow, got errno:38/);
  });
});
