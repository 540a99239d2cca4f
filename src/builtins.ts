// Node's built-in modules, through require. An ES import of a built-in builds its whole namespace
// and so runs every lazy getter on it (node:fs loads its streams, node:child_process and node:os
// more): milliseconds that the startup paths (seccomp/register, seccomp run) would pay for two
// functions. require hands back the module object, whose getters run only when used.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const fs = requireHere('node:fs') as typeof import('node:fs');
export const path = requireHere('node:path') as typeof import('node:path');
export const url = requireHere('node:url') as typeof import('node:url');

// A built-in loaded when first asked for, then kept (require() itself costs each call tens of
// microseconds: spawn() asks on every spawn).
function lazy<T>(id: string): () => T {
  let mod: T | undefined;
  return () => (mod ??= requireHere(id) as T);
}

/** Loaded when first asked for (node:os costs a start about a millisecond; the register's fast start does without it). */
export const os = lazy<typeof import('node:os')>('node:os');
/** Loaded when first asked for (only spawning and worker checks need them). */
export const childProcess = lazy<typeof import('node:child_process')>('node:child_process');
export const workerThreads = lazy<typeof import('node:worker_threads')>('node:worker_threads');
export const net = lazy<typeof import('node:net')>('node:net');

/**
 * A /proc file's text, read as latin1 into one small buffer. readFileSync cannot size such a file
 * (stat says 0) and allocates 64 KiB for it, fresh memory whose first touch costs a startup
 * about a millisecond per read on some virtual machines. Throws as readFileSync would.
 */
export function readProc(file: string): string {
  const fd = fs.openSync(file, 'r');
  try {
    let buf = Buffer.allocUnsafe(4000); // below the pool's limit: no fresh allocation
    let len = 0;
    for (;;) {
      if (len === buf.length) {
        const bigger = Buffer.allocUnsafe(buf.length * 4);
        buf.copy(bigger, 0, 0, len);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, len, buf.length - len, null);
      if (n === 0) break;
      len += n;
    }
    return buf.toString('latin1', 0, len);
  } finally {
    fs.closeSync(fd);
  }
}
