// Presets for sandboxed workers: docker-default plus denials, written as profiles that extend it
// ("baseProfileName"), so that their own rules replace docker-default's for the names they list.
// Each also answers io_uring with ENOSYS: its operations (open, socket, connect) happen out of the
// filter's sight, and libuv's probe for it then falls back quietly instead of failing.

const EPERM = 1;
const ENOSYS = 38;
const AF_UNIX = 1;

/** clone(2) flags that create namespaces. */
const CLONE_NAMESPACE_FLAGS = 0x0002_0000 | 0x0200_0000 | 0x0400_0000 | 0x0800_0000 | 0x1000_0000 | 0x2000_0000 | 0x4000_0000;

const IO_URING_ENOSYS = {
  names: ['@io-uring'],
  action: 'SCMP_ACT_ERRNO',
  errnoRet: ENOSYS,
  comment: 'io_uring works out of the filter\'s sight; ENOSYS makes libuv fall back to epoll',
};

const NO_EXEC = {
  names: ['@exec'],
  action: 'SCMP_ACT_ERRNO',
  errnoRet: EPERM,
  comment: 'no program may be run in place of this one',
};

function noExec(): Record<string, unknown> {
  return { baseProfileName: 'docker-default', syscalls: [NO_EXEC, IO_URING_ENOSYS] };
}

function nodeWorker(): Record<string, unknown> {
  return {
    baseProfileName: 'docker-default',
    syscalls: [
      NO_EXEC,
      { names: ['@debug', '@namespaces'], action: 'SCMP_ACT_ERRNO', errnoRet: EPERM, comment: 'no tracing of other processes, no namespaces' },
      // Threads need clone: allowed without namespace flags whatever the capabilities (docker-default
      // allows every flag with CAP_SYS_ADMIN). s390 passes the flags in the second argument.
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        excludes: { arches: ['s390', 's390x'] },
      },
      {
        names: ['clone'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 1, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
        includes: { arches: ['s390', 's390x'] },
      },
      // clone3's flags are in memory, out of the filter's reach: ENOSYS sends libc back to clone.
      { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
      IO_URING_ENOSYS,
    ],
  };
}

function noNetwork(): Record<string, unknown> {
  return {
    baseProfileName: 'docker-default',
    syscalls: [
      {
        names: ['socket'],
        action: 'SCMP_ACT_ALLOW',
        args: [{ index: 0, value: AF_UNIX, op: 'SCMP_CMP_EQ' }],
        comment: 'AF_UNIX sockets only; every other family (netlink included) fails with EPERM',
      },
      {
        names: ['socketcall'],
        action: 'SCMP_ACT_ERRNO',
        errnoRet: EPERM,
        comment: 'x86\'s multiplexer hides socket\'s family from the filter: 32-bit code must use the direct syscalls',
      },
      IO_URING_ENOSYS,
    ],
  };
}

const fresh = (build: () => Record<string, unknown>) => (): Record<string, unknown> => structuredClone(build());

/** Preset builders by name: each returns a fresh profile object (nothing shared between calls). */
export const PRESETS: Readonly<Record<string, () => Record<string, unknown>>> = {
  'node-worker': fresh(nodeWorker),
  'no-network': fresh(noNetwork),
  'no-exec': fresh(noExec),
};
