// Runs a fixture script in a child process (filters are only ever loaded there) and
// collects what it saw.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const fixtures = join(root, 'test', 'fixtures');

export interface ChildResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The last line of stdout parsed as JSON, when it is JSON. */
  json?: any;
}

export function runNode(args: string[], options: SpawnSyncOptions = {}): ChildResult {
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000, ...options });
  const stdout = String(r.stdout ?? '');
  let json: unknown;
  const last = stdout.trim().split('\n').pop();
  if (last) {
    try {
      json = JSON.parse(last);
    } catch {
      json = undefined;
    }
  }
  return { status: r.status, signal: r.signal, stdout, stderr: String(r.stderr ?? ''), json };
}

/** Runs test/fixtures/<name> with node. */
export function runFixture(name: string, args: string[] = [], options: SpawnSyncOptions = {}): ChildResult {
  return runNode([join(fixtures, name), ...args], options);
}

/** ../shared next to the checkout, when present (reference profiles and oracle tables). */
export const sharedDir = join(root, '..', 'shared');
export const hasShared = existsSync(join(sharedDir, 'reference'));
