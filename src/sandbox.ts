// sandbox(): the running process behind a profile (apply.ts does the work).
import { applyProfile, type AppliedProfile, type SandboxOptions } from './apply.js';
import { compile } from './profile/compile.js';
import type { CompiledProfile, ProfileInput } from './profile/types.js';

export {
  status,
  MAX_INSNS_PER_PATH,
  type AppliedProfile,
  type ProcessIsolation,
  type SandboxOptions,
  type SandboxStatus,
  type SeccompMode,
} from './apply.js';

/**
 * Applies a profile (anything `compile` accepts) to every thread of this process: the main
 * thread, V8's and libuv's threads and all worker_threads, present and future. A filter cannot
 * be removed; calling again stacks another one (for each syscall, the strictest answer wins).
 * A bad profile throws before anything about the process changes.
 */
export function sandbox(profile: ProfileInput | CompiledProfile, options?: SandboxOptions): AppliedProfile {
  return applyProfile(profile, options, compile);
}
