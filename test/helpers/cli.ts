// The one way tests run the `seccomp` command: in-process through dist/cli/main.js with a
// collecting CommandIO (milliseconds; for everything that needs no real CLI process), or
// spawned as the built bin (dist/cli.js) for smoke tests, stdin, signals and startup.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandIO } from '../../dist/cli/command.js';
import { root } from './child.js';

export const cli = join(root, 'dist', 'cli.js');

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface SpawnedOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeout?: number;
  maxBuffer?: number;
}

/** `seccomp ARGS...` as a process (dist/cli.js); `input` (or options.input) is its stdin. */
export function seccomp(args: string[], input?: string | SpawnedOptions): CliResult {
  const o = typeof input === 'string' ? { input } : (input ?? {});
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, ...o });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** A CommandIO that keeps what is written (and gives the process's env and cwd unless told). */
export function collectingIO(over: Partial<Pick<CommandIO, 'env' | 'cwd'>> = {}): CommandIO & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    env: over.env ?? process.env,
    cwd: over.cwd ?? process.cwd(),
  };
  return io;
}

/** `seccomp ARGS...` in this process: main()'s status and what it wrote. A child it runs inherits our stdio. */
export async function seccompIn(args: string[], over: Partial<Pick<CommandIO, 'env' | 'cwd'>> = {}): Promise<CliResult> {
  // Loaded on first use: files that only spawn the bin never load the CLI modules in this process.
  const { main } = await import('../../dist/cli/main.js');
  const io = collectingIO(over);
  const status = await main(args, io);
  return { status, signal: null, stdout: io.out, stderr: io.err };
}

/** Writes `profile` as JSON to dir/name and returns the path. */
export function profileFile(dir: string, name: string, profile: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(profile));
  return file;
}
