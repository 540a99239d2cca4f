// The oracle tables of ../shared/reference/oracle (what podman + runc decided) read one way for
// every test, and the named skip a test reports when ../shared is absent.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hasShared, sharedDir } from './child.js';

export const referenceDir = join(sharedDir, 'reference');
export const oracleDir = join(referenceDir, 'oracle');
export const hasOracle = hasShared && existsSync(oracleDir);

/** The tables the tests expect; listed here so that without ../shared each test still shows, skipped. */
export const ORACLE_TABLES = [
  'containers-common.docker-caps.tsv',
  'moby-default.docker-caps+SYS_ADMIN.tsv',
  'moby-default.docker-caps+SYS_NICE.tsv',
  'moby-default.docker-caps.tsv',
  'moby-default.no-caps.tsv',
] as const;

/** The reference profiles the tests read (listed, so that each test shows even without ../shared). */
export const REFERENCE_PROFILES = ['containers-common-seccomp.json', 'docker-20.10.24-default.json', 'moby-default.json'] as const;

export const NO_SHARED = 'needs ../shared/reference (Docker/Podman profiles and oracle tables), absent next to this checkout';

export interface OracleRow {
  /** 1-based line in the file. */
  line: number;
  syscall: string;
  nr: number;
  args: bigint[];
  /** allow, errno:N, enosys, kill, trap. */
  decision: string;
}

export interface OracleTable {
  /** The profile file under reference/. */
  profile: string;
  /** The podman flags, e.g. ['--cap-drop', 'ALL', '--cap-add', 'SYS_ADMIN']. */
  capFlags: string[];
  /** The capability set those flags give (`CAP_*`). */
  capabilities: string[];
  rows: OracleRow[];
}

/** Header `# profile=X engine=... caps=--cap-drop ALL --cap-add A ...`, then `syscall nr args decision`. */
export function parseOracleTable(text: string, file: string): OracleTable {
  const lines = text.split('\n');
  const header = /^# profile=(\S+) .*?caps=(.*)$/.exec(lines[0]);
  if (!header) throw new Error(`${file}: no profile/caps header`);
  const capFlags = header[2].trim().split(/\s+/).filter(Boolean);
  if (capFlags[0] !== '--cap-drop' || capFlags[1] !== 'ALL') throw new Error(`${file}: caps are not given from --cap-drop ALL`);
  let capabilities: string[] = [];
  for (let i = 0; i < capFlags.length; i += 2) {
    const cap = capFlags[i + 1] === 'ALL' ? 'ALL' : `CAP_${capFlags[i + 1]}`;
    if (capFlags[i] === '--cap-drop') capabilities = cap === 'ALL' ? [] : capabilities.filter((c) => c !== cap);
    else if (capFlags[i] === '--cap-add') capabilities.push(cap);
    else throw new Error(`${file}: unexpected "${capFlags[i]}" in the caps header`);
  }
  const rows: OracleRow[] = [];
  lines.forEach((l, i) => {
    if (!l.trim() || l.startsWith('#')) return;
    const [syscall, nr, args, decision] = l.split('\t');
    const values = args.split(',').map((v) => BigInt(v));
    if (values.length > 6 || values.some((v) => v < 0n || v >= 1n << 64n)) throw new Error(`${file}:${i + 1}: bad args`);
    rows.push({ line: i + 1, syscall, nr: Number(nr), args: values, decision });
  });
  return { profile: header[1], capFlags, capabilities, rows };
}

export function readOracleTable(file: string): OracleTable {
  return parseOracleTable(readFileSync(join(oracleDir, file), 'utf8'), file);
}
