// The notify supervisor's public face (see supervise.ts for the API and its caveats).
export {
  DEFAULT_ERRNO,
  supervise,
  type Supervisor,
  type SupervisorEnd,
  type SupervisorOptions,
  type SyscallAnswer,
  type SyscallHandler,
  type SyscallNotification,
} from './supervise.js';
