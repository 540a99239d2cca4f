// seccomp/register's fast start (src/register-fast.ts): a full start of the plain case writes a
// start record (src/profile/start-record.ts) just before it changes the process, and the next
// start in the same conditions applies that record from the door, without the bundle. Each case
// runs a copy of the package (helpers/package-copy.ts), so that its cache is its own.
import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, readdirSync, readFileSync, renameSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures } from './helpers/child.js';
import { native } from '../dist/native.js';
import { packageCopy } from './helpers/package-copy.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-fast-');
const FAST = /^seccomp cache: start record start-[0-9a-f]{16}\.json$/m;
const WROTE = /^seccomp cache: wrote start-[0-9a-f]{16}\.json$/m;
// What no-exec does to the fixture, however it was applied: no program runs, the parent (this
// runner) cannot be signalled, one filter, no_new_privs.
const FILTERED = { exec: 'EPERM', parent: 'EPERM', seccomp: '2', noNewPrivs: '1' };

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
  return env;
}

interface Start {
  status: number | null;
  stderr: string;
  ran: boolean;
  json: Record<string, string> | undefined;
}

/** Starts register-fast-app.mjs behind the copy `pkg` (profile no-exec), `wrap` before node. */
function start(pkg: string, env: Record<string, string> = {}, opts: { wrap?: string[]; nodeArgs?: string[]; stderrFd?: number } = {}): Start {
  const dir = scratch();
  const marker = join(dir, 'marker');
  const argv = [...(opts.nodeArgs ?? []), '--import', join(pkg, 'dist', 'register.mjs'), join(fixtures, 'register-fast-app.mjs'), marker];
  const [cmd, ...args] = [...(opts.wrap ?? []), process.execPath, ...argv];
  const r = spawnSync(cmd, args, {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...cleanEnv(), SECCOMP_PROFILE: 'no-exec', SECCOMP_CACHE_DEBUG: '1', ...env },
    ...(opts.stderrFd !== undefined ? { stdio: ['ignore', 'pipe', opts.stderrFd] } : {}),
  });
  let json: Record<string, string> | undefined;
  try {
    json = JSON.parse(String(r.stdout).trim().split('\n').pop() ?? '') as Record<string, string>;
  } catch {
    json = undefined;
  }
  return { status: r.status, stderr: String(r.stderr), ran: existsSync(marker), json };
}

const cacheOf = (pkg: string): string => join(pkg, '.cache', 'seccomp');
const records = (pkg: string): string[] => (existsSync(cacheOf(pkg)) ? readdirSync(cacheOf(pkg)).filter((n) => /^start-/.test(n)) : []);

/** A copy whose start record is written (one full start), and that record's path. */
function warmed(): { pkg: string; record: string; first: Start } {
  const pkg = packageCopy(scratch());
  const first = start(pkg);
  expect(first.status, first.stderr).toBe(0);
  expect(first.stderr).toMatch(WROTE);
  expect(first.stderr).not.toMatch(FAST);
  const [name] = records(pkg);
  return { pkg, record: join(cacheOf(pkg), name), first };
}

describe('start records that must not be used', () => {
  it('a damaged record is refused, and the full start applies the profile', () => {
    const { pkg, record } = warmed();
    const bytes = readFileSync(record);
    bytes[bytes.length - 3] ^= 1;
    writeFileSync(record, bytes, { mode: 0o600 });
    const r = start(pkg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/refused start-[0-9a-f]{16}\.json: checksum mismatch/);
    expect(r.stderr).not.toMatch(FAST);
    expect(r.json).toMatchObject(FILTERED);
  });

  it('a record open to others, or reached through a link, is refused', () => {
    const { pkg, record } = warmed();
    chmodSync(record, 0o644);
    let r = start(pkg);
    expect(r.stderr).toMatch(/refused start-[0-9a-f]{16}\.json: mode 644/);
    expect(r.stderr).not.toMatch(FAST);
    expect(r.json).toMatchObject(FILTERED);
    // The full start above wrote a fresh record; replace it with a link to a copy of itself.
    const target = join(scratch(), 'elsewhere.json');
    renameSync(record, target);
    chmodSync(target, 0o600);
    symlinkSync(target, record);
    r = start(pkg);
    expect(r.stderr).toMatch(/refused start-[0-9a-f]{16}\.json: ELOOP/);
    expect(r.stderr).not.toMatch(FAST);
    expect(r.json).toMatchObject(FILTERED);
  });

  it('another profile, another setting or SECCOMP_CACHE=0 does not take the record', () => {
    const { pkg } = warmed();
    // no-network is another built-in: its own record, written by its own full start.
    let r = start(pkg, { SECCOMP_PROFILE: 'no-network' });
    expect(r.stderr).not.toMatch(FAST);
    expect(r.json).toMatchObject({ exec: 'status 0', parent: 'EPERM', seccomp: '2' });
    // Any SECCOMP_* setting besides the profile: the full start, which records nothing.
    r = start(pkg, { SECCOMP_ISOLATION: 'none' });
    expect(r.stderr).not.toMatch(FAST);
    expect(r.stderr).not.toMatch(WROTE);
    expect(r.json).toMatchObject({ exec: 'EPERM', parent: 'ok', seccomp: '2' });
    r = start(pkg, { SECCOMP_CACHE: '0' });
    expect(r.stderr).not.toMatch(FAST);
    expect(r.json).toMatchObject(FILTERED);
    expect(records(pkg)).toHaveLength(2); // no-exec's and no-network's
  });

  it.skipIf(process.geteuid?.() !== 0 || !existsSync('/usr/bin/setpriv'))(
    'a process with other capabilities does not take the record (they are in its key) [needs root and setpriv]',
    () => {
      const { pkg } = warmed();
      const r = start(pkg, {}, { wrap: ['/usr/bin/setpriv', '--bounding-set=-sys_module'] });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(FAST);
      expect(r.stderr).toMatch(WROTE);
      expect(records(pkg)).toHaveLength(2);
    },
  );
});

describe('start records are bounded', () => {
  it('keeps the newest 16, removes no file it did not write, and sweeps its stale temporaries', () => {
    const { pkg, record } = warmed();
    const dir = cacheOf(pkg);
    const old = new Date(Date.now() - 3600_000);
    for (let i = 0; i < 20; i++) {
      const f = join(dir, `start-${i.toString(16).padStart(16, 'f')}.json`);
      writeFileSync(f, 'x', { mode: 0o600 });
      utimesSync(f, old, old);
    }
    const tmp = join(dir, '.start-0123456789abcdef.json.1.2.3.tmp');
    writeFileSync(tmp, 'x', { mode: 0o600 });
    utimesSync(tmp, old, old);
    writeFileSync(join(dir, 'start-notes.txt'), 'mine', { mode: 0o600 });
    unlinkSync(record); // the next full start writes it again, and prunes
    const r = start(pkg);
    expect(r.stderr).toMatch(WROTE);
    expect(records(pkg).filter((n) => n.endsWith('.json'))).toHaveLength(16);
    expect(existsSync(record)).toBe(true);
    expect(readFileSync(join(dir, 'start-notes.txt'), 'utf8')).toBe('mine');
    // Temporary files are swept when a profile entry is written.
    const r2 = start(pkg, { SECCOMP_PROFILE: 'no-network' });
    expect(r2.status, r2.stderr).toBe(0);
    expect(existsSync(tmp)).toBe(false);
  });
});

describe('the fast start', () => {
  it('applies what the full start applied: same filter count, same denials, same isolation', () => {
    const { pkg, first } = warmed();
    const r = start(pkg);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(FAST);
    // The bundle did not run: no disk cache lookup, no code cache.
    expect(r.stderr).not.toMatch(/seccomp cache: (hit|miss) |code cache/);
    expect(r.json).toMatchObject(FILTERED);
    expect(r.json).toEqual(first.json);
  });

  it('still refuses to start a program whose preload ran before it', () => {
    const { pkg } = warmed();
    const early = join(scratch(), 'early.cjs');
    writeFileSync(early, "require('node:fs').writeFileSync(process.env.EARLY_MARK, 'ran unfiltered');\n");
    const mark = join(scratch(), 'early-ran');
    const r = start(pkg, { EARLY_MARK: mark }, { nodeArgs: ['--require', early] });
    expect(r.status).toBe(125);
    expect(r.ran).toBe(false);
    expect(r.stderr).toMatch(/--require .*early\.cjs \(from the command line\) runs before seccomp\/register/);
    expect(r.stderr).not.toMatch(FAST);
  });

  it('a worker given the register again finds the process covered: one filter', () => {
    const { pkg } = warmed();
    const app = join(scratch(), 'worker-app.mjs');
    writeFileSync(app, [
      "import { Worker } from 'node:worker_threads';",
      `const w = new Worker("require('node:worker_threads').parentPort.postMessage(require('node:fs').readFileSync('/proc/thread-self/status', 'utf8').match(/^Seccomp_filters:\\\\s*(\\\\d+)/m)[1])", { eval: true, execArgv: ['--require', ${JSON.stringify(join(pkg, 'dist', 'register.cjs'))}] });`,
      "w.on('message', (m) => { console.log(JSON.stringify({ worker: m })); });",
      "w.on('error', (e) => { console.log(JSON.stringify({ error: e.message })); });",
    ].join('\n'));
    const r = spawnSync(process.execPath, ['--import', join(pkg, 'dist', 'register.mjs'), app], {
      cwd: scratch(), encoding: 'utf8', timeout: 60_000, env: { ...cleanEnv(), SECCOMP_PROFILE: 'no-exec', SECCOMP_CACHE_DEBUG: '1' },
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(FAST);
    expect(JSON.parse(r.stdout.trim())).toEqual({ worker: '1' });
  });

  // stderr is the environment's: a full disk (/dev/full) or a full non-blocking pipe makes the
  // message's write throw, which must not keep the process from ending as a refusal ends it.
  it.skipIf(!existsSync('/dev/full'))('fails closed with status 125 when its message cannot be written [needs /dev/full]', () => {
    const { pkg, record } = warmed();
    const full = openSync('/dev/full', 'w');
    try {
      // A refusal before any change (an earlier preload), taken on the fast start's path.
      const early = join(scratch(), 'early.cjs');
      writeFileSync(early, '// runs before the register\n');
      let r = start(pkg, { SECCOMP_CACHE_DEBUG: '' }, { nodeArgs: ['--require', early], stderrFd: full });
      expect(r.ran).toBe(false);
      expect(r.status).toBe(125);
      // A failure after the first change (no_new_privs, the Landlock domain): the kernel refuses
      // the record's program (an invalid instruction, with a valid checksum).
      const text = readFileSync(record, 'latin1');
      const body = JSON.parse(text.slice(text.indexOf('\n', 16) + 1)) as Record<string, unknown>;
      body.bpf = Buffer.alloc(8, 0xff).toString('base64');
      const bytes = Buffer.from(JSON.stringify(body));
      writeFileSync(record, Buffer.concat([Buffer.from(`seccomp-start/1\n${native().checksum64(bytes)}\n`), bytes]), { mode: 0o600 });
      r = start(pkg);
      expect(r.status).toBe(125);
      expect(r.stderr).toMatch(FAST);
      expect(r.stderr).toMatch(/cannot apply "no-exec" \[ERR_SECCOMP_LOAD\]/);
      r = start(pkg, { SECCOMP_CACHE_DEBUG: '' }, { stderrFd: full });
      expect(r.ran).toBe(false);
      expect(r.status).toBe(125);
      // The door's own refusal (a build without its id cannot load the bundle).
      unlinkSync(join(pkg, 'dist', 'build-id'));
      r = start(pkg, { SECCOMP_CACHE_DEBUG: '' }, { stderrFd: full });
      expect(r.ran).toBe(false);
      expect(r.status).toBe(125);
    } finally {
      closeSync(full);
    }
  });
});
