export { Action, decodeAction, type ActionName, type DecodedAction } from './action.js';
export { ARCH_NAMES } from './arch.js';
export { ErrorCode, SeccompError, type ProfileProblem } from './errors.js';
export { Filter, ATTRIBUTES, type Attribute, type Condition, type Op } from './filter.js';
export {
  apiLevel,
  features,
  FilterFlag,
  resolveSyscall,
  setApiLevel,
  syscallName,
  version,
  type Features,
  type Version,
} from './library.js';
export { isSupported } from './native.js';
export {
  notificationIdValid,
  receiveNotification,
  respondNotification,
  type Notification,
  type NotificationResponse,
} from './notify.js';
export {
  sandbox,
  status,
  MAX_INSNS_PER_PATH,
  type SandboxOptions,
  type AppliedProfile,
  type SandboxStatus,
  type SeccompMode,
} from './sandbox.js';
export { landlockAbi, ISOLATION_MODES, type Isolation, type IsolationMode } from './isolation.js';
export { forkSandboxed, type ForkSandboxedOptions } from './fork.js';
export { BUILTIN_NAMES, builtinProfile } from './profiles/index.js';
export { resolveContext, CAPABILITIES } from './profile/context.js';
export { parseJsonExact } from './profile/json.js';
export type {
  CompileOptions,
  CompiledProfile,
  KernelVersion,
  ProfileContext,
  ProfileInput,
  ProfileWarning,
  ResolvedProfile,
  ResolvedRule,
  UnknownSyscalls,
} from './profile/types.js';
export {
  spawn,
  execFile,
  fork,
  DOCKER_DEFAULT_CAPABILITIES,
  type SpawnOptions,
  type ForkOptions,
  type ExecFileOptions,
  type ExecFileResult,
  type SandboxedChild,
} from './launch/forms.js';
export { compile, clearCompileCache } from './profile/compile.js';
export { decide, type DecideQuery, type Decision } from './decide.js';
export { NEWER_SYSCALLS, newerSyscallNumber } from './bpf/newer-syscalls.js';
export { lint, LINT_TARGETS, type Finding, type LintOptions, type LintTarget, type Severity } from './lint/index.js';
export { diff, type DiffOptions, type ProfileDiff, type SyscallDifference, type ArgDifference } from './diff/diff.js';
export { merge, type MergeMode } from './diff/merge.js';
export { exportProfile, EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './export/formats.js';
export { explain, fixFor, type Explanation, type ExplainOptions, type ExplainQuery, type AllowIf, type AllowIfKind, type DecidedBy, type KernelCheck } from './explain/index.js';
export { SYSCALL_GROUPS, groupSyscalls, type SyscallGroup } from './profile/groups.js';
export { originPath, type Composition, type RuleOrigin } from './profile/compose.js';
export { reportingProgram, recordingProgram, rewriteReturns, type Passthrough } from './report/transform.js';
export { DenialLog, jsonLine, type Denial, type DenialEvent } from './report/model.js';
export { recordedProfile, recordingFromProfile, emptyRecording, observe as observeSyscall, mergeRecordings, type Recording } from './record/profile.js';
export { supervise, DEFAULT_ERRNO, type Supervisor, type SupervisorEnd, type SupervisorOptions, type SyscallAnswer, type SyscallHandler, type SyscallNotification } from './supervisor/index.js';
export { record, type RecordOptions, type RecordResult } from './record/record.js';
