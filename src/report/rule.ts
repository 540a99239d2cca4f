// The one seam between reports and `explain`: a denial names the rule explain() names and the
// fix fixFor() gives, so `seccomp explain`, --report and onDenied never disagree. The rule is
// found per denial (cheap: no compiling); the fix may compile, so it is found only at the end.
import { createRequire } from 'node:module';
import type * as Explain from '../explain/explain.js';
import type { CompiledProfile } from '../profile/types.js';

// Loaded at the first denial, not at startup: explain brings the profile machinery (~50 modules),
// which a run that is never denied anything should not pay for (`seccomp run --report`).
let explainModule: typeof Explain | undefined;
function explainApi(): typeof Explain {
  explainModule ??= createRequire(import.meta.url)('../explain/explain.js') as typeof Explain;
  return explainModule;
}

export interface RuleInfo {
  /** explain()'s `rule`: `syscalls[12].names[0]`, `defaultAction`, `enosys`, ... */
  rule: string;
  /** fixFor()'s line: `--cap-add SYS_NICE`, `Linux 4.8 or later`, ... */
  fix?: string;
}

/** explain()'s rule for one call (`arch`: libseccomp name of the ABI, x32 apart from x86_64). */
export function ruleOf(compiled: CompiledProfile, nr: number, arch: string, args: readonly bigint[]): string {
  try {
    return explainApi().decidingRule(compiled, { syscall: nr, arch, args: [...args] }).rule;
  } catch {
    return 'unattributed'; // explain's own word for a decision it cannot place
  }
}

/** fixFor()'s answer for one call; undefined when there is none. Slow: compiles. */
export function fixOf(compiled: CompiledProfile, nr: number, arch: string, args: readonly bigint[]): string | undefined {
  try {
    return explainApi().fixFor(compiled, nr, [...args], { arch });
  } catch {
    return undefined;
  }
}

/** Both at once (tests, and callers off the hot path). */
export function ruleFor(compiled: CompiledProfile, nr: number, arch: string, args: readonly bigint[]): RuleInfo {
  const rule = ruleOf(compiled, nr, arch, args);
  const fix = fixOf(compiled, nr, arch, args);
  return fix === undefined ? { rule } : { rule, fix };
}
