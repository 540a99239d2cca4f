// Runs the built `seccomp` command (dist/cli.js) and writes profile files for it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from './child.js';

export const cli = join(root, 'dist', 'cli.js');

export function seccomp(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', input, timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Writes `profile` as JSON to dir/name and returns the path. */
export function profileFile(dir: string, name: string, profile: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
