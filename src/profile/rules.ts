// The rules step of compile(): a resolved profile's rules sorted by who numbers them. Rules
// libseccomp can number go to its program (with the host number), rules on the newest syscalls
// to compile's own block (numbered from our table on every arch of the filter), and names no one
// can number are skipped with a warning. Pure: numbers come from an injected resolver.
import { ErrorCode } from '../errors.js';
import { flattenConditions } from '../model/conditions.js';
import { newerSyscallNumber } from '../bpf/newer-syscalls.js';
import type { SyscallResolver } from '../model/resolver.js';
import { dedupeRules } from './estimate.js';
import type { ProfileWarning, ResolvedRule, UnknownSyscalls } from './types.js';

export interface SortedRules {
  /** Every rule the filter holds, in order; those from our table carry `numbers`. */
  rules: ResolvedRule[];
  /** The host's number of each rule without `numbers`, in the same order. */
  hostNumbers: number[];
  /** The rules served by compile's own block. */
  table: ResolvedRule[];
  /** Names of those rules, first seen first. */
  tableNames: string[];
  /** Names no one could number on the host (their rules are skipped). */
  unknown: string[];
}

export interface SortContext {
  /** libseccomp name of the host arch: names are resolved there, as runc does. */
  host: string;
  /** libseccomp name of the arch compiled for; our table must number a name there to take it. */
  target: string;
  /** The filter's arches, target first. */
  arches: readonly string[];
  resolver: SyscallResolver;
  newSyscalls: boolean;
  unknownSyscalls: UnknownSyscalls;
  /** Whether a name is a syscall on some arch (names that are not were dealt with by resolveProfile). */
  isSyscall: (name: string) => boolean;
  /** How the installed libseccomp calls itself in warnings (e.g. "libseccomp 2.5.4"). */
  library: string;
  /** The profile document, for the JSON path of a skipped name. */
  doc: unknown;
}

/**
 * The JSON path of `name` inside the rule at `source` (e.g. `syscalls[3].names[1]`), or
 * `source`. Each rule's names are indexed once (`index`), so that many unknown names in one
 * rule cost linear time.
 */
function namePath(doc: unknown, source: string, name: string, index: Map<string, Map<string, string>>): string {
  let paths = index.get(source);
  if (paths === undefined) {
    index.set(source, (paths = new Map()));
    let node: unknown = doc;
    for (const m of source.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) {
      if (node === null || typeof node !== 'object') break;
      const k = m[1] ?? m[2];
      node = Object.hasOwn(node, k) ? (node as Record<string, unknown>)[k] : undefined;
    }
    if (node !== null && typeof node === 'object') {
      const rule = node as { names?: unknown; name?: unknown };
      if (Array.isArray(rule.names)) {
        rule.names.forEach((n, i) => {
          if (typeof n === 'string' && !paths!.has(n)) paths!.set(n, `${source}.names[${i}]`);
        });
      }
      if (typeof rule.name === 'string' && !paths.has(rule.name)) paths.set(rule.name, `${source}.name`);
    }
  }
  return paths.get(name) ?? source;
}

/** Sorts `inputRules` (deduplicated first) by who numbers them; warnings are appended to `warnings`. */
export function sortRules(inputRules: readonly ResolvedRule[], s: SortContext, warnings: ProfileWarning[]): SortedRules {
  const unknown: string[] = [];
  const unknownSeen = new Set<string>();
  const namePaths = new Map<string, Map<string, string>>();
  const tableSeen = new Set<string>();
  const rules: ResolvedRule[] = [];
  const hostNumbers: number[] = [];
  const table: ResolvedRule[] = [];
  const tableNames: string[] = [];
  for (const rule of dedupeRules(inputRules as ResolvedRule[])) {
    const nr = s.resolver.number(rule.syscall, s.host);
    if (nr === undefined) {
      if (s.newSyscalls && newerSyscallNumber(rule.syscall, s.target) !== undefined) {
        // Validated as libseccomp would (filter.ts), since libseccomp never sees these.
        flattenConditions(rule.conditions);
        const numbers = s.arches.map((arch) => ({ arch, nr: newerSyscallNumber(rule.syscall, arch) as number }));
        const r: ResolvedRule = { ...rule, numbers };
        table.push(r);
        rules.push(r);
        if (!tableSeen.has(rule.syscall)) {
          tableSeen.add(rule.syscall);
          tableNames.push(rule.syscall);
        }
        continue;
      }
      if (!unknownSeen.has(rule.syscall)) {
        unknownSeen.add(rule.syscall);
        unknown.push(rule.syscall);
        if (s.unknownSyscalls !== 'ignore' && s.isSyscall(rule.syscall)) {
          const path = namePath(s.doc, rule.source, rule.syscall, namePaths);
          const message =
            `${s.library} has no number for the syscall "${rule.syscall}" on ${s.host} ` +
            '(a syscall of another arch, or newer than this libseccomp); its rule is skipped';
          warnings.push({ path, message, code: ErrorCode.UNKNOWN_SYSCALL });
        }
      }
      continue;
    }
    rules.push(rule);
    hostNumbers.push(nr);
  }
  return { rules, hostNumbers, table, tableNames, unknown };
}
