// Whether this test process already runs behind a seccomp filter (inside a container, or
// `seccomp run`, as CI's second pass does): read once from /proc/self/status. Tests count
// filters relative to what was there, and skip by name what cannot hold nested.
import { readFileSync } from 'node:fs';

function field(status: string, name: string): string | undefined {
  return status.match(new RegExp(`^${name}:\\s*(\\S+)`, 'm'))?.[1];
}

const status = readFileSync('/proc/self/status', 'utf8');

/** Filters (and no_new_privs) this process started with. */
export const outer = {
  filters: Number(field(status, 'Seccomp_filters') ?? (field(status, 'Seccomp') === '2' ? 1 : 0)),
  noNewPrivs: field(status, 'NoNewPrivs') === '1',
};

/** Seccomp: 2 — a filter is already in place. */
export const nested = field(status, 'Seccomp') === '2';

/** status() of a process that applied nothing itself. */
export const unfiltered = {
  mode: nested ? 'filter' : 'disabled',
  filters: outer.filters,
  noNewPrivs: outer.noNewPrivs,
  applied: [] as unknown[],
};
