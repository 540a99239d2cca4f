// Denial reports: one record per (pid, syscall, arguments), counts per syscall, the summary line
// the CLI prints and the JSON lines it writes. Pure: the supervisor supplies the facts it reads
// from /proc and the target's memory.
import type { ActionName } from '../action.js';
import { newerSyscallNumber, NEWER_SYSCALLS } from '../bpf/newer-syscalls.js';
import type { Decision } from '../decide.js';
import { errnoName } from '../errors.js';
import { syscallName } from '../library.js';
import { decodeArgs } from './decode.js';

/** One denied syscall as the supervisor saw it. */
export interface DenialEvent {
  /** When it happened (ms since the epoch); default: now. */
  time?: number;
  pid: number;
  /** /proc/PID/exe, when it could be read. */
  exe?: string;
  /** libseccomp arch name. */
  arch: string;
  nr: number;
  args: readonly bigint[];
  /** Path arguments read from the target's memory, by index. */
  paths?: ReadonlyMap<number, string>;
  /** What the original filter decided. */
  decision: Decision;
  /** JSON path of the rule, or defaultAction. */
  rule: string;
  /** What would allow it (`--cap-add SYS_NICE`). */
  fix?: string;
}

/** A reported denial, with stable field names (the JSON lines of `--report=FILE`). */
export interface Denial {
  time: string;
  pid: number;
  exe?: string;
  syscall: string;
  nr: number;
  arch: string;
  /** The six raw arguments in hex. */
  args: string[];
  /** Arguments the decoder table knows, by index: paths, flag names, socket families. */
  decoded: Record<string, string>;
  action: ActionName;
  errno?: number;
  /** EPERM for errno 1. */
  errnoName?: string;
  rule: string;
  fix?: string;
}

/** The syscall's name on `arch` (libseccomp's, or our table of newer ones), else `syscall_NR`. */
export function nameOfSyscall(nr: number, arch: string): string {
  let name: string | undefined;
  try {
    name = syscallName(nr, arch);
  } catch {
    name = undefined;
  }
  if (name !== undefined) return name;
  for (const n of Object.keys(NEWER_SYSCALLS)) if (newerSyscallNumber(n, arch) === nr) return n;
  return `syscall_${nr}`;
}

/** Most distinct denials kept; later new ones are only counted (memory stays bounded). */
export const MAX_DENIALS = 10_000;

/** Longest summary line before the rest of the groups is counted as "and N more". */
export const MAX_SUMMARY_CHARS = 2_000;

/** The one group, in the summary, of all numbers without a name (their count is the child's choice). */
export const UNNAMED = 'syscalls without a name';

/** Finds what would allow a denial (may be slow: it may compile); asked lazily, once per group. */
export type FixFinder = (q: { arch: string; nr: number; args: readonly bigint[]; rule: string }) => string | undefined;

interface Group {
  /** The first event's facts, for the fix finder. */
  first: { arch: string; nr: number; args: readonly bigint[] };
  fixAsked?: boolean;
  syscall: string;
  action: ActionName;
  errno?: number;
  rule: string;
  fix?: string;
  count: number;
}

export class DenialLog {
  readonly #seen = new Set<string>();
  readonly #denials: Denial[] = [];
  readonly #groups = new Map<string, Group>();
  #dropped = 0;
  readonly #fixFinder?: FixFinder;
  readonly #groupOf = new WeakMap<Denial, Group>();

  /** `fixFinder`: fills in `fix` where events came without one, when summary() or complete() asks. */
  constructor(fixFinder?: FixFinder) {
    this.#fixFinder = fixFinder;
  }

  /** Records an event; returns the denial when it is the first for its (pid, syscall, arguments). */
  add(ev: DenialEvent): Denial | undefined {
    const syscall = nameOfSyscall(ev.nr, ev.arch);
    const decoded = decodeArgs(syscall, ev.args, ev.paths);
    const raw = Array.from({ length: 6 }, (_, i) => `0x${(ev.args[i] ?? 0n).toString(16)}`);
    // Decoded paths replace their pointers: the same buffer may hold another path next time.
    const keyArgs = raw.map((a, i) => (ev.paths?.has(i) ? JSON.stringify(ev.paths.get(i)) : a));
    const d = ev.decision;
    // Numbers without a name share one group: a child choosing numbers must not grow the groups.
    const gname = syscall === `syscall_${ev.nr}` ? UNNAMED : syscall;
    const gkey = `${gname}\0${d.action}\0${d.errno ?? ''}\0${ev.rule}`;
    let g = this.#groups.get(gkey);
    if (g) g.count++;
    else {
      g = { first: { arch: ev.arch, nr: ev.nr, args: ev.args }, syscall: gname, action: d.action, ...(d.errno !== undefined ? { errno: d.errno } : {}), rule: ev.rule, ...(ev.fix ? { fix: ev.fix } : {}), count: 1 };
      this.#groups.set(gkey, g);
    }
    const key = `${ev.pid}\0${ev.arch}\0${ev.nr}\0${keyArgs.join(',')}`;
    if (this.#seen.has(key)) return undefined;
    if (this.#denials.length >= MAX_DENIALS) {
      this.#dropped++;
      return undefined;
    }
    this.#seen.add(key);
    const denial: Denial = {
      time: new Date(ev.time ?? Date.now()).toISOString(),
      pid: ev.pid,
      ...(ev.exe !== undefined ? { exe: ev.exe } : {}),
      syscall,
      nr: ev.nr,
      arch: ev.arch,
      args: raw,
      decoded,
      action: d.action,
      ...(d.errno !== undefined ? { errno: d.errno, errnoName: errnoName(d.errno) } : {}),
      rule: ev.rule,
      ...(ev.fix ? { fix: ev.fix } : {}),
    };
    this.#denials.push(denial);
    this.#groupOf.set(denial, g);
    return denial;
  }

  /** Distinct denials in the order first seen. */
  get denials(): readonly Denial[] {
    return this.#denials;
  }

  #fixOf(g: Group): string | undefined {
    if (g.fix === undefined && !g.fixAsked && this.#fixFinder) {
      g.fixAsked = true;
      const f = this.#fixFinder({ ...g.first, rule: g.rule });
      if (f) g.fix = f;
    }
    return g.fix;
  }

  /** The distinct denials, each with the fix of its group where one is known (asks the finder). */
  complete(): Denial[] {
    return this.#denials.map((d) => {
      const g = this.#groupOf.get(d);
      const fix = d.fix ?? (g ? this.#fixOf(g) : undefined);
      return fix === undefined ? d : { ...d, fix };
    });
  }

  /** Distinct denials not kept because MAX_DENIALS was reached. */
  get dropped(): number {
    return this.#dropped;
  }

  /**
   * `seccomp: 2 syscalls denied: get_mempolicy ×3 (EPERM, defaultAction; allowed with --cap-add
   * SYS_NICE), mkdir ×1 (EPERM, syscalls[3])`, or '' when nothing was denied.
   */
  summary(): string {
    if (this.#groups.size === 0) return '';
    const groups = [...this.#groups.values()];
    const names = new Set(groups.map((g) => g.syscall)).size;
    const head = `seccomp: ${names} syscall${names === 1 ? '' : 's'} denied: `;
    let line = head;
    let shown = 0;
    for (const g of groups) {
      this.#fixOf(g);
      const what = g.action === 'ERRNO' ? errnoName(g.errno ?? 0) : g.action;
      const part = `${g.syscall} ×${g.count} (${what}, ${g.rule}${g.fix ? `; ${fixPhrase(g.fix)}` : ''})`;
      // Bounded: the first part always, then parts while the line stays short.
      if (shown > 0 && line.length + part.length + 2 > MAX_SUMMARY_CHARS) break;
      line += `${shown > 0 ? ', ' : ''}${part}`;
      shown++;
    }
    if (shown < groups.length) line += `, and ${groups.length - shown} more`;
    if (this.#dropped > 0) line += `; ${this.#dropped} more denial${this.#dropped === 1 ? '' : 's'} not kept`;
    return line;
  }
}

/** One JSON line (with its newline) for a denial. */
export function jsonLine(d: Denial): string {
  return `${JSON.stringify(d)}\n`;
}

/** A fix in the summary: "allowed with --cap-add SYS_NICE", or the instruction itself ("remove ..."). */
export function fixPhrase(fix: string): string {
  return /^(remove|no rule)/.test(fix) ? `to allow it: ${fix}` : `allowed with ${fix}`;
}
