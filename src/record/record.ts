// record(): runs a command under a filter that sends its syscalls (all, or those a base does
// not allow) to the supervisor in this process, which lets them run and notes them; then
// writes the least-privilege profile (profile.ts) for what was seen.
import { nativeArch } from '../arch.js';
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { decide, type Decision } from '../decide.js';
import { ErrorCode, SeccompError, argTypeError } from '../errors.js';
import { features, FilterFlag, resolveSyscall } from '../library.js';
import { childCapabilitySet } from '../capabilities.js';
import { spawn } from '../launch/forms.js';
import type { IsolationMode } from '../isolation.js';
import type { NodeSpawnOptions } from '../node-shapes.js';
import { compile } from '../profile/compile.js';
import type { CompiledProfile } from '../profile/types.js';
import type { SyscallHandler } from '../supervisor/supervise.js';
import { recordingProgram } from '../report/transform.js';
import {
  emptyRecording, mergeRecordings, observe, recordAnswer, recordedProfile, recordingFromProfile, widenFromBase,
} from './profile.js';

export interface RecordOptions {
  /** Record only what this profile (built-in name or file) does not allow; the result extends it. */
  base?: string;
  /** A profile written by record() before: the result is the union with it. */
  append?: Record<string, unknown>;
  /** Capabilities the command holds (and the base is evaluated for); default Docker's. */
  capabilities?: readonly string[];
  /**
   * The kernel the base is evaluated for ("4.7"); default this one's. For a profile meant for an
   * older kernel, where the base's minKernel rules (ptrace before 4.8) do not yet allow.
   */
  kernel?: string;
  isolation?: IsolationMode;
  stdio?: NodeSpawnOptions['stdio'];
  cwd?: string;
  env?: NodeSpawnOptions['env'];
}

export interface RecordResult {
  /** The Docker-format profile. */
  profile: Record<string, unknown>;
  /** The command's exit status, or null when a signal ended it. */
  code: number | null;
  /** The signal's name (SIGSYS, ...). */
  signal: string | null;
  /** Notifications answered while recording. */
  notifications: number;
  /** What the command wrote to stdout/stderr where options.stdio made them pipes. */
  stdout?: string;
  stderr?: string;
}

// The launcher hands the listener over with sendmsg under the filter: that one call must be
// allowed unseen. A command's own sendmsg on the native arch is then not seen either, so the
// profile allows sendmsg whenever there is no base (replay would need it to be seen otherwise).
const HANDOFF = 'sendmsg';

/**
 * Runs `command` and resolves with the profile of what it did. Needs user notification with
 * "continue" (Linux 5.5+, libseccomp API 6): ERR_SECCOMP_UNSUPPORTED elsewhere.
 */
export function record(command: string, args: readonly string[] = [], options: RecordOptions = {}): Promise<RecordResult> {
  if (typeof command !== 'string' || command === '') throw argTypeError('command must be a non-empty string');
  if (!Array.isArray(args) || args.some((a) => typeof a !== 'string')) throw argTypeError('args must be an array of strings');
  if (options === null || typeof options !== 'object') throw argTypeError('options must be an object');
  if (options.base !== undefined && (typeof options.base !== 'string' || options.base === '')) throw argTypeError('options.base must be a profile name or file');
  if (options.kernel !== undefined && options.base === undefined) throw argTypeError('options.kernel needs options.base (it is the context the base is evaluated in)');
  if (!features().notify) {
    throw new SeccompError('recording needs seccomp user notification with continue (Linux 5.5+, libseccomp 2.5+)', { code: ErrorCode.UNSUPPORTED });
  }
  // Checked before the run: a profile --append cannot merge fails now, not after it.
  const previous = options.append === undefined ? undefined : recordingFromProfile(options.append);
  if (previous && (previous.base ?? undefined) !== options.base) {
    throw new SeccompError(`--append: the profile extends ${previous.base ?? 'no base'}, this run ${options.base ?? 'no base'}`, {
      code: ErrorCode.PROFILE_INVALID,
      problems: [{ path: 'baseProfileName', message: 'differs from --base' }],
    });
  }
  const caps = childCapabilitySet(options.capabilities);
  const arch = nativeArch();
  const context = { capabilities: [...caps], ...(options.kernel !== undefined ? { kernel: options.kernel } : {}) };
  const base = options.base === undefined ? undefined : compile(options.base, context);
  // A shell for the launch: the run's capability context, the recording program, a listener.
  const shell = compile({ defaultAction: 'SCMP_ACT_ALLOW' }, { capabilities: [...caps] });
  const launch: CompiledProfile = {
    ...shell,
    bpf: recordingProgram({ ...(base ? { base } : {}), passthrough: [{ arch, nr: resolveSyscall(HANDOFF, arch) }] }),
    filterFlags: (shell.filterFlags | FilterFlag.NEW_LISTENER) >>> 0,
    defaultAction: 'NOTIFY',
  };
  const rec = emptyRecording();
  let notifications = 0;
  const onSyscall: SyscallHandler = (n) => {
    notifications++;
    if (typeof n.arch !== 'string') return 'continue';
    const abi = n.arch === 'x86_64' && (n.nr & X32_SYSCALL_BIT) !== 0 ? 'x32' : n.arch;
    const d: Decision | undefined = base ? decide(base, { syscall: n.nr, arch: n.arch, args: [...n.args] }) : undefined;
    const a = recordAnswer(d);
    if (a.record) observe(rec, abi, n.nr, n.args);
    return 'error' in a.response ? { errno: a.response.error } : 'continue';
  };
  return new Promise((resolve, reject) => {
    const child = spawn(command, [...args], {
      seccomp: launch,
      onSyscall,
      stdio: options.stdio ?? 'inherit',
      ...(options.isolation !== undefined ? { isolation: options.isolation } : {}),
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
      ...(options.env !== undefined ? { env: options.env } : {}),
    });
    child.on('error', (err) => {
      child.seccompSupervisor?.close(); // nothing more to record: never leave the listener open
      reject(err);
    });
    // Pipes are read here (a full pipe would stop the command), and their text returned.
    const out: Record<'stdout' | 'stderr', Buffer[] | undefined> = { stdout: undefined, stderr: undefined };
    for (const k of ['stdout', 'stderr'] as const) {
      const s = child[k];
      if (s) {
        const chunks: Buffer[] = (out[k] = []);
        s.on('data', (c: Buffer) => chunks.push(c));
      }
    }
    const text = (k: 'stdout' | 'stderr') => (out[k] ? { [k]: Buffer.concat(out[k] as Buffer[]).toString('utf8') } : {});
    // The profile is made once the supervisor has ended, i.e. once the whole tree has exited
    // (a descendant that outlives the command is still recorded), never while one still runs.
    const treeDone: Promise<unknown> = child.seccompSupervisor?.closed ?? Promise.resolve();
    child.on('close', (code: number | null, signal: string | null) => {
      void treeDone.then(() => finish(code, signal));
    });
    const finish = (code: number | null, signal: string | null) => {
      try {
        if (!base) rec.names.add(HANDOFF);
        else if (decide(base, { syscall: HANDOFF }).action !== 'ALLOW') rec.names.add(HANDOFF);
        if (base) widenFromBase(rec, (syscall, a) => decide(base, { syscall, args: a }).action === 'ALLOW');
        if (previous) mergeRecordings(rec, previous.recording);
        const profile = recordedProfile(rec, { nativeArch: arch, ...(options.base !== undefined ? { base: options.base } : {}) });
        resolve({ profile, code, signal, notifications, ...text('stdout'), ...text('stderr') });
      } catch (e) {
        reject(e);
      }
    };
  });
}
