// lint(): hazards in a Docker/OCI seccomp profile, found on the profile and on the program
// it compiles to, each with a stable code, a severity, a JSON path and a one-line fix.
import { DOCKER_DEFAULT_CAPABILITIES } from '../capabilities.js';
import { argRangeError, argTypeError, ErrorCode } from '../errors.js';
import { compile } from '../profile/compile.js';
import { loadProfileDocument } from '../profile/load.js';
import { originPath, relocateError, relocateWarnings } from '../profile/compose.js';
import type { CompiledProfile, CompileOptions, ProfileInput, ProfileWarning } from '../profile/types.js';
import { checkDebug } from './checks/debug.js';
import { checkEnosysFallbacks } from './checks/enosys-fallback.js';
import { checkFamilies } from './checks/family.js';
import { checkIntArgs } from './checks/int-args.js';
import { checkIoUring } from './checks/io-uring.js';
import { checkKubernetes } from './checks/kubernetes.js';
import { checkNames } from './checks/names.js';
import { checkNeverEffective } from './checks/never-effective.js';
import { checkShadowed } from './checks/shadowed.js';
import { checkStartupProbes } from './checks/startup-probe.js';
import { factsOf, type Facts } from './facts.js';
import { LINT_TARGETS, type Finding, type LintOptions, type LintTarget, type Severity } from './types.js';

export { LINT_TARGETS, type Finding, type LintOptions, type LintTarget, type Severity };

/** Every check, in the order its findings are listed within a severity. */
const CHECKS: readonly ((f: Facts) => Finding[])[] = [
  checkNames,
  checkFamilies,
  checkIoUring,
  checkEnosysFallbacks,
  checkStartupProbes,
  checkKubernetes,
  checkIntArgs,
  checkNeverEffective,
  checkShadowed,
  checkDebug,
];

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

function checkOptions(options: unknown): LintOptions & { target: LintTarget } {
  if (options === undefined) return { target: 'docker' };
  if (options === null || typeof options !== 'object') {
    throw argTypeError(`options must be an object, got ${options === null ? 'null' : typeof options}`);
  }
  const { capabilities, arch, kernel, target = 'docker' } = options as LintOptions;
  if (typeof target !== 'string' || !LINT_TARGETS.includes(target)) {
    throw argRangeError(`options.target must be one of ${LINT_TARGETS.join(', ')}, got ${JSON.stringify(target)}`);
  }
  return { capabilities, arch, kernel, target };
}

/** Compile's warnings that no check already covers (a misspelt key, an arch mismatch, ...). */
function leftoverWarnings(warnings: readonly ProfileWarning[], findings: readonly Finding[]): Finding[] {
  // Every path a finding lies at or under (syscalls, syscalls[0], syscalls[0].names, ...).
  const covered = new Set<string>();
  for (const { path } of findings) {
    for (let i = 1; i <= path.length; i++) if (i === path.length || path[i] === '.' || path[i] === '[') covered.add(path.slice(0, i));
  }
  // UNKNOWN_SYSCALL: a name this libseccomp cannot number, a fact about the library, not the profile.
  return warnings
    .filter((w) => w.code !== ErrorCode.UNKNOWN_SYSCALL && !covered.has(w.path))
    .map((w) => ({ code: 'compile-warning', severity: 'warning' as const, path: w.path, message: w.message, fix: 'see the message' }));
}

/**
 * The findings for a profile (object, JSON text, file path or built-in name) in a context:
 * capabilities (default Docker's 14), arch and kernel, as compile() takes them, and the target
 * it is meant for (`docker`, `kubernetes` or `sandbox`, see LintTarget). Errors first, then
 * warnings, then notes. A profile that does not compile (ERR_SECCOMP_PROFILE_INVALID, ...) is
 * thrown as compile() throws it, except names that are no syscall: those are findings.
 */
export function lint(profile: ProfileInput, options?: LintOptions): Finding[] {
  const o = checkOptions(options);
  const loaded = loadProfileDocument(profile);
  if (loaded.unconfined) {
    return [{
      code: 'unconfined',
      severity: 'warning',
      path: '',
      message: 'no filter at all: every syscall is allowed',
      fix: 'use docker-default, or a profile of your own',
    }];
  }
  const sandbox = o.target === 'sandbox';
  // The composed document (bases merged, groups expanded): findings are located in it, then
  // given back as written (originPath).
  const where = (path: string): string => originPath(loaded.composition, path);
  const compileOptions: CompileOptions = {
    capabilities: o.capabilities ?? [...DOCKER_DEFAULT_CAPABILITIES],
    ...(o.arch !== undefined ? { arch: o.arch } : {}),
    ...(o.kernel !== undefined ? { kernel: o.kernel } : {}),
    unknownSyscalls: 'warn',
    // runc compares every argument on 64 bits and leaves socketcall/ipc to libseccomp.
    narrowArgs: sandbox,
    multiplexers: sandbox,
    cache: 'memory',
  };
  let compiled: CompiledProfile;
  try {
    compiled = compile(loaded.doc as Record<string, unknown>, compileOptions);
  } catch (err) {
    throw relocateError(err, loaded.composition);
  }
  const facts = factsOf(compiled, loaded.doc as Record<string, unknown>, o.target);
  // An own rule with the default action in a profile that extends a base takes the base's rule
  // for its names away: it does change something.
  const own = (path: string): boolean => {
    const m = /^syscalls\[(\d+)\]/.exec(path);
    return m !== null && loaded.composition?.rules[Number(m[1])]?.origin === 'own';
  };
  const findings = CHECKS.flatMap((check) => check(facts))
    .filter((f) => !(f.code === 'rule-never-effective' && loaded.composition && own(f.path)))
    .map((f) => ({ ...f, path: where(f.path) }));
  const warnings = [...relocateWarnings([...compiled.warnings], loaded.composition), ...(loaded.warnings ?? [])];
  findings.push(...leftoverWarnings(warnings, findings));
  // A stable sort: by severity, each check's findings in profile order.
  return findings.map((f, i) => [f, i] as const).sort((a, b) => RANK[a[0].severity] - RANK[b[0].severity] || a[1] - b[1]).map(([f]) => f);
}
