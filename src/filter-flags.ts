// SECCOMP_FILTER_FLAG_* (linux/seccomp.h). A module of its own so that the register's fast
// start (install.ts) does not load library.ts and what it imports.
export const FilterFlag = {
  TSYNC: 1,
  LOG: 2,
  SPEC_ALLOW: 4,
  NEW_LISTENER: 8,
  TSYNC_ESRCH: 16,
  WAIT_KILLABLE_RECV: 32,
} as const;
