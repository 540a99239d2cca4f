// Loads the addon (a prebuild when present, else build/) and reports whether this
// platform can use it. Nothing here touches libseccomp until first use.
import { fs, path, url } from './builtins.js';
const { dirname, join } = path;
const { fileURLToPath } = url;
import { ErrorCode, SeccompError, unsupported } from './errors.js';
import type { Bytes } from './node-shapes.js';

export const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

export interface NativeNotification {
  id: bigint;
  pid: number;
  flags: number;
  syscall: number;
  arch: number;
  instructionPointer: bigint;
  args: bigint[];
}

export interface NativeFilter {
  reset(def: number): void;
  release(): void;
  released(): boolean;
  merge(other: NativeFilter): void;
  archAdd(token: number): void;
  archRemove(token: number): void;
  archExist(token: number): boolean;
  attrGet(attr: number): number;
  attrSet(attr: number, value: number): void;
  ruleAdd(action: number, nr: number, flat: (number | bigint)[], exact: boolean, name: string): void;
  priority(nr: number, prio: number): void;
  load(): void;
  exportBpf(): Bytes;
  exportPfc(): string;
  notifyFd(): number;
  precompute(): boolean;
}

export interface Binding {
  setErrorClass(ctor: typeof SeccompError): void;
  libraryInfo(): {
    major: number;
    minor: number;
    micro: number;
    api: number;
    optional: Record<string, boolean>;
  };
  apiSet(level: number): void;
  archNative(): number;
  archResolve(name: string): number;
  resolveSyscall(name: string, arch: number): number;
  syscallName(nr: number, arch: number): string | null;
  Filter: new (def: number) => NativeFilter;
  installFilter(bpf: Bytes, flags: number): number;
  /**
   * The same install in a throw-away clone(CLONE_VM|CLONE_VFORK) child; throws what the kernel
   * would. false: no trial was possible (a filter already on denies clone or prctl).
   */
  trialInstall(bpf: Bytes, flags: number): boolean;
  /** Process-wide (all threads and workers), one per successful installFilter. */
  recordApplied(text: string): void;
  appliedRecords(): string[];
  /** FNV-1a 64 of the bytes, as 16 hex digits (the disk cache's damage check). */
  checksum64(bytes: Bytes): string;
  /** seccomp/register's process-wide cache: profile spec -> compiled hash. */
  rememberHash(key: string, hash: string): void;
  rememberedHash(key: string): string | undefined;
  probeFilterFlags(flags: number): boolean;
  probeAction(action: number): boolean;
  setNoNewPrivs(): void;
  getNoNewPrivs(): boolean;
  memfdFromBuffer(buf: Bytes): number;
  /** "dev:ino" of an open descriptor. */
  memfdIdentity(fd: number): string;
  /** fd is still that sealed memfd, of that length. */
  memfdIsOurs(fd: number, identity: string, length: number): boolean;
  pipeCloexec(): [number, number];
  landlockAbi(): number;
  registerLock(take: boolean): void;
  treeGuard(pid: number, prefix: boolean): Bytes;
  isolateThreads(scoped: number, fs: number, setNoNewPrivs: boolean): {
    threads: number;
    covered: number;
    uncovered: { tid: number; name: string; reason: string }[];
  };
  /** Every thread drops the capabilities outside `keep` (bounding set where it may). */
  dropCapabilities(keep: bigint): {
    threads: number;
    covered: number;
    uncovered: { tid: number; name: string; reason: string }[];
  };
  notifyReceive(fd: number, timeoutMs: number): Promise<NativeNotification | null>;
  notifyRespond(fd: number, id: bigint, val: bigint, error: number, flags: number): void;
  notifyIdValid(fd: number, id: bigint): boolean;
  // The supervisor (native/supervisor.cc): the listener's hand-off from the launcher, its watch
  // on the event loop, answers and id checks by raw ioctl (an errno back, not thrown), reads of
  // the target's memory, and pidfds.
  socketpairCloexec(): [number, number];
  receiveListener(fd: number): number;
  ListenerWatch: new (fd: number, cb: (n: NativeNotification | null, errno?: number) => void) => { close(): void };
  notifySend(fd: number, id: bigint, val: bigint, error: number, flags: number): number;
  notifyIdAlive(fd: number, id: bigint): boolean;
  readTargetString(pid: number, addr: bigint, max: number): Bytes | number;
  pidfdOpen(pid: number): number;
  pidfdSendSignal(pidfd: number, sig: number): number;
  // The launch without exec'ing the launcher (native/spawn_direct.cc, src/launch/direct.ts).
  /** { pid, pidfd } once the command is exec'd (or the launcher's steps failed: record in the ERR pipe), -errno, or { unstarted: -errno } (no child made). */
  spawnDirect(
    launcherArgs: string[],
    envPairs: string[],
    fds: number[],
    cwd: string | null,
    detached: boolean,
  ): { pid: number; pidfd: number } | { unstarted: number } | number;
  directSpawnSupported(): boolean;
  killPid(pid: number, sig: number): number;
  reapPid(pid: number): void;
  /** close(2) for a descriptor the addon made; throws as fs.closeSync does. */
  closeFd(fd: number): void;
  ExitWatch: new (pidfd: number, pid: number, cb: (code: number, signal: number) => void) => {
    close(): void;
    ref(): void;
    unref(): void;
    hasRef(): boolean;
  };
  [name: string]: unknown;
}

let binding: Binding | undefined;
let bindingPath: string | undefined;
let loadError: Error | undefined;

/** True on Linux when the addon and the libseccomp runtime library both load. */
export function isSupported(): boolean {
  if (process.platform !== 'linux') return false;
  try {
    native().libraryInfo();
    return true;
  } catch {
    return false;
  }
}

// Where the addon is, in node-gyp-build's order (this machine's build first, then the prebuild for
// this arch), found with a few stats: node-gyp-build's own search costs a startup milliseconds.
// Unlike node-gyp-build, no environment variable (SECCOMP_PREBUILD, PREBUILDS_ONLY) can point
// elsewhere: the environment must not choose native code for a process about to be sandboxed.
const ADDON_FILES = [
  'build/Release/seccomp.node',
  'build/Debug/seccomp.node',
  `prebuilds/${process.platform}-${process.arch}/seccomp.node`,
  `prebuilds/${process.platform}-${process.arch}/node.napi.node`,
];

function findAddon(): string {
  for (const f of ADDON_FILES) {
    const p = join(packageRoot, f);
    if (fs.statSync(p, { throwIfNoEntry: false })?.isFile()) return p;
  }
  throw new Error(`no build of the addon in ${packageRoot} (looked for ${ADDON_FILES.join(', ')})`);
}

/** The loaded addon; throws ERR_SECCOMP_UNSUPPORTED off Linux or when it was not built. */
export function native(): Binding {
  if (binding) return binding;
  if (process.platform !== 'linux') {
    throw unsupported(`seccomp is a Linux kernel feature; this platform is ${process.platform}`);
  }
  if (loadError) throw loadError;
  try {
    bindingPath = findAddon();
    // process.dlopen itself: require() of a .node file costs a start a millisecond or two more
    // (its loader machinery). Each copy of this module (the register's door and bundle, dist/)
    // gets its own exports object; the state that matters lives in the library, once.
    const m = { exports: {} as Binding };
    process.dlopen(m, bindingPath);
    const b = m.exports;
    b.setErrorClass(SeccompError);
    binding = b;
    return b;
  } catch (err) {
    loadError = unsupported(
      `the seccomp addon could not be loaded (${(err as Error).message}); run \`npm rebuild seccomp\``,
      { cause: err },
    );
    throw loadError;
  }
}

/** The loaded addon's file. */
export function addonFile(): string {
  native();
  return bindingPath as string;
}

/** The directory holding the loaded addon (the launcher sits beside it). */
export function addonDir(): string {
  native();
  return dirname(bindingPath as string);
}

/** Throws ERR_SECCOMP_LIBRARY_MISSING now rather than at the first filter operation. */
export function requireLibrary(): void {
  native().libraryInfo();
}

export { ErrorCode };
