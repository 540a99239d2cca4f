// The profile's own rules, read from its document for explain: names with their JSON paths,
// action, argument conditions and includes/excludes, so that explain can say which rule decided
// and which rule would allow a syscall in another context. The document has been validated by
// compile() already; whatever does not read cleanly here is left out (explain then says less,
// never something wrong: every suggestion is checked with decide()).
import type { ActionName } from '../action.js';
import { errnoNumber } from '../errors.js';
import type { Op } from '../filter.js';
import { dockerArchName } from '../profile/context.js';
import { PROFILE_ACTIONS, PROFILE_OPS } from '../profile/resolve.js';
import type { KernelVersion } from '../profile/types.js';

export interface RuleArg {
  index: number;
  op: Op;
  value: bigint;
  valueTwo: bigint;
}

export interface RuleFilter {
  caps: string[];
  /** Docker arch names. */
  arches: string[];
  minKernel?: KernelVersion;
}

export interface ProfileRule {
  /** `syscalls[28]` (or `linux.seccomp.syscalls[28]` in an OCI config). */
  path: string;
  /** Name -> its JSON path (`syscalls[28].names[3]`). */
  names: Map<string, string>;
  action: ActionName;
  errno?: number;
  args: RuleArg[];
  includes?: RuleFilter;
  excludes?: RuleFilter;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function u64(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return v >= 0n ? v : undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  return undefined;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function filterOf(v: unknown): RuleFilter | undefined {
  if (!isObject(v)) return undefined;
  const arches = strings(v.arches).map((a) => dockerArchName(a) ?? a);
  let minKernel: KernelVersion | undefined;
  const m = typeof v.minKernel === 'string' ? /^(\d+)\.(\d+)$/.exec(v.minKernel) : null;
  if (m) minKernel = { major: Number(m[1]), minor: Number(m[2]) };
  return { caps: strings(v.caps), arches, ...(minKernel ? { minKernel } : {}) };
}

function argOf(v: unknown): RuleArg | undefined {
  if (!isObject(v)) return undefined;
  const index = u64(v.index);
  const value = u64(v.value);
  const valueTwo = v.valueTwo === undefined || v.valueTwo === null ? 0n : u64(v.valueTwo);
  const op = typeof v.op === 'string' && Object.hasOwn(PROFILE_OPS, v.op) ? PROFILE_OPS[v.op] : undefined;
  if (index === undefined || index > 5n || value === undefined || valueTwo === undefined || op === undefined) return undefined;
  return { index: Number(index), op, value, valueTwo };
}

/** The seccomp object of a document: itself, or `linux.seccomp` of an OCI config. */
function seccompOf(doc: unknown): { obj: Record<string, unknown>; base: string } | undefined {
  if (!isObject(doc)) return undefined;
  if (!Object.hasOwn(doc, 'syscalls') && isObject(doc.linux) && isObject(doc.linux.seccomp)) {
    return { obj: doc.linux.seccomp, base: 'linux.seccomp.' };
  }
  return { obj: doc, base: '' };
}

/** Every rule of the document that reads cleanly, in profile order. */
export function profileRules(doc: unknown): ProfileRule[] {
  const at = seccompOf(doc);
  const list = at?.obj.syscalls;
  if (!at || !Array.isArray(list)) return [];
  const out: ProfileRule[] = [];
  list.forEach((r, i) => {
    if (!isObject(r)) return;
    const path = `${at.base}syscalls[${i}]`;
    const action = typeof r.action === 'string' && Object.hasOwn(PROFILE_ACTIONS, r.action) ? PROFILE_ACTIONS[r.action] : undefined;
    if (action === undefined) return;
    const names = new Map<string, string>();
    if (typeof r.name === 'string') names.set(r.name, `${path}.name`);
    if (Array.isArray(r.names)) {
      r.names.forEach((n, j) => {
        if (typeof n === 'string' && !names.has(n)) names.set(n, `${path}.names[${j}]`);
      });
    }
    const args: RuleArg[] = [];
    if (Array.isArray(r.args)) {
      for (const a of r.args) {
        const parsed = argOf(a);
        if (!parsed) return; // a condition we cannot read: the rule is left out
        args.push(parsed);
      }
    }
    // errnoRet, or Podman's errno (a number or a name such as "EPERM").
    const errnoValue = u64(r.errnoRet) ?? (typeof r.errno === 'string' ? BigInt(errnoNumber(r.errno) ?? 1) : u64(r.errno));
    const errno = action === 'ERRNO' || action === 'TRACE' ? Number(errnoValue ?? 1n) : undefined;
    const includes = filterOf(r.includes);
    const excludes = filterOf(r.excludes);
    out.push({
      path,
      names,
      action,
      ...(errno !== undefined ? { errno } : {}),
      args,
      ...(includes ? { includes } : {}),
      ...(excludes ? { excludes } : {}),
    });
  });
  return out;
}
