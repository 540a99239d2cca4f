// The launcher's protocol, seen from Node: argv layout, the extra descriptors, stage names and
// the STAGE\tERRNO\tMSG error record. Mirrors native/launcher_protocol.h value for value
// (test/40-launch-protocol.test.ts parses the header and compares); pure, no I/O.

/** argv positions of the launcher's arguments (argv[0] is the launcher itself). */
export const LaunchArg = {
  BPF_FD: 1,
  ERR_FD: 2,
  FLAGS: 3,
  CAPS: 4,
  ISOLATE: 5,
  LISTEN_FD: 6,
  FILE: 7,
  ARGV0: 8,
} as const;
export const LAUNCH_MIN_ARGC = 9;

/** The descriptors the parent adds after the caller's stdio, in this order. */
export const ExtraFd = { BPF: 0, ERR: 1, LISTEN: 2 } as const;
export const EXTRA_FDS = 3;

/** The byte that travels with the listener fd. */
export const LISTENER_BYTE = 76;
/** The launcher's exit status after it wrote an error record. */
export const EXIT_FAILURE = 127;
export const FIELD_SEP = 9;
export const RECORD_END = 10;
export const STAGE_MAX = 32;

/** Where a launch failed, in the order the launcher works. */
export const Stage = {
  USAGE: 'usage',
  BPF: 'bpf',
  EXEC: 'exec',
  CAPS: 'caps',
  NNP: 'nnp',
  ISOLATION: 'isolation',
  SECCOMP: 'seccomp',
  LISTENER: 'listener',
  EXECVE: 'execve',
} as const;
export type StageName = (typeof Stage)[keyof typeof Stage];

/** What the launcher is told, before it is turned into argv. */
export interface LaunchRequest {
  /** stdio index of the program's memfd; undefined: no filter. */
  bpfIndex: number | undefined;
  errIndex: number;
  /** SECCOMP_FILTER_FLAG_* bits. */
  flags: number;
  /** Capability mask to keep; undefined: leave them. */
  caps: bigint | undefined;
  /** launcherIsolateArg()'s "SCOPED:FS:GUARD", or '-'. */
  isolate: string;
  /** stdio index of the listener hand-off socket; undefined: no listener. */
  listenIndex: number | undefined;
  file: string;
  /** argv0 first. */
  argv: readonly string[];
}

/** The launcher's arguments (after its own argv[0]) for a request. */
export function launcherArgs(r: LaunchRequest): string[] {
  const fd = (i: number | undefined) => (i === undefined ? '-' : String(i));
  const out: string[] = [];
  out[LaunchArg.BPF_FD - 1] = fd(r.bpfIndex);
  out[LaunchArg.ERR_FD - 1] = String(r.errIndex);
  out[LaunchArg.FLAGS - 1] = String(r.flags >>> 0);
  out[LaunchArg.CAPS - 1] = r.caps === undefined ? '-' : r.caps.toString(16);
  out[LaunchArg.ISOLATE - 1] = r.isolate;
  out[LaunchArg.LISTEN_FD - 1] = fd(r.listenIndex);
  out[LaunchArg.FILE - 1] = r.file;
  out.push(...r.argv);
  return out;
}

export interface LaunchRecord {
  stage: string;
  errno: number;
  message: string;
}

/** Parses an error record; text that is no record gives stage `exec`, errno 0 (as before). */
export function parseRecord(text: string): LaunchRecord {
  const line = text.endsWith(String.fromCharCode(RECORD_END)) ? text.slice(0, -1) : text;
  const sep = String.fromCharCode(FIELD_SEP);
  const [stage = Stage.EXEC, errText = '0', ...rest] = line.split(sep);
  return { stage: stage || Stage.EXEC, errno: Number(errText) || 0, message: rest.join(sep) };
}

/** The record the launcher would write (tests and tools; the launcher has its own in C). */
export function formatRecord(r: LaunchRecord): string {
  const sep = String.fromCharCode(FIELD_SEP);
  return `${r.stage.slice(0, STAGE_MAX)}${sep}${Math.abs(r.errno)}${sep}${r.message.replace(/\n/g, ' ')}${String.fromCharCode(RECORD_END)}`;
}
