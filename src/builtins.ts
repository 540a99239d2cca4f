// Node's built-in modules, through require. An ES import of a built-in builds its whole namespace
// and so runs every lazy getter on it (node:fs loads its streams, node:child_process and node:os
// more): milliseconds that the startup paths (seccomp/register, seccomp run) would pay for two
// functions. require hands back the module object, whose getters run only when used.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export const fs = requireHere('node:fs') as typeof import('node:fs');
export const os = requireHere('node:os') as typeof import('node:os');
export const path = requireHere('node:path') as typeof import('node:path');
export const url = requireHere('node:url') as typeof import('node:url');

/** Loaded when first asked for (only spawning and worker checks need them). */
export const childProcess = (): typeof import('node:child_process') => requireHere('node:child_process') as typeof import('node:child_process');
export const workerThreads = (): typeof import('node:worker_threads') => requireHere('node:worker_threads') as typeof import('node:worker_threads');
export const net = (): typeof import('node:net') => requireHere('node:net') as typeof import('node:net');
