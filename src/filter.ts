// Filter: the low-level API, one libseccomp filter context. Arguments are checked here,
// before the call crosses into C++.
import { checkAction } from './action.js';
import { archName, archToken } from './arch.js';
import { ErrorCode, SeccompError, unsupported, argTypeError } from './errors.js';
import { resolveSyscall, version, versionAtLeast } from './library.js';
import { native, type NativeFilter } from './native.js';
import { flattenConditions, type Condition } from './model/conditions.js';
import { toInt } from './values.js';
import type { Bytes, DisposableShape } from './node-shapes.js';

export { flattenConditions, type Condition, type Op } from './model/conditions.js';

/** Filter attributes: [libseccomp enum value, version that added it]. */
const ATTRS = {
  defaultAction: [1, '2.0.0'],
  badArchAction: [2, '2.0.0'],
  noNewPrivs: [3, '2.0.0'],
  tsync: [4, '2.2.0'],
  apiTskip: [5, '2.3.0'],
  log: [6, '2.4.0'],
  ssb: [7, '2.4.0'],
  optimize: [8, '2.5.0'],
  sysRawRc: [9, '2.5.0'],
  waitKill: [10, '2.6.0'],
} as const;

export type Attribute = keyof typeof ATTRS;
export const ATTRIBUTES = Object.keys(ATTRS) as Attribute[];

function attr(name: Attribute): number {
  const a = typeof name === 'string' && Object.hasOwn(ATTRS, name) ? ATTRS[name as Attribute] : undefined;
  if (!a) throw argTypeError(`unknown attribute "${String(name)}" (one of ${ATTRIBUTES.join(', ')})`);
  const [maj, min, mic] = a[1].split('.').map(Number);
  if (!versionAtLeast(maj, min, mic)) {
    const v = version();
    throw unsupported(
      `attribute ${name} needs libseccomp ${a[1]} or later; this system has ${v.major}.${v.minor}.${v.micro}`,
    );
  }
  return a[0];
}

function syscallNumber(syscall: string | number): { nr: number; name: string } {
  if (typeof syscall === 'number') {
    toInt(syscall, 'syscall', -0x8000_0000, 0x7fff_ffff);
    return { nr: syscall, name: String(syscall) };
  }
  if (typeof syscall !== 'string') throw argTypeError(`syscall must be a name or a number, got ${typeof syscall}`);
  return { nr: resolveSyscall(syscall), name: syscall };
}

/**
 * The native object's own GC finalizer releases the libseccomp context of a Filter that
 * was never released; release() (or `using`) frees it at once.
 */
export class Filter {
  #h: NativeFilter;

  /** A new filter whose default action is `defaultAction`. TSYNC is on: a load covers every thread. */
  constructor(defaultAction: number) {
    this.#h = new (native().Filter)(checkAction(defaultAction, 'defaultAction'));
    this.#h.attrSet(ATTRS.tsync[0], 1);
    this.#h.attrSet(ATTRS.sysRawRc[0], 1);
  }

  /** The native arch's libseccomp name, e.g. `x86_64`. */
  static nativeArch(): string {
    const t = native().archNative();
    return archName(t) ?? `0x${t.toString(16)}`;
  }

  get released(): boolean {
    return this.#h.released();
  }

  reset(defaultAction: number): this {
    this.#h.reset(checkAction(defaultAction, 'defaultAction'));
    this.#h.attrSet(ATTRS.tsync[0], 1);
    this.#h.attrSet(ATTRS.sysRawRc[0], 1);
    return this;
  }

  /** Moves `other`'s rules into this filter; `other` is released. Both must have the same attributes. */
  merge(other: Filter): this {
    if (!(other instanceof Filter) || other === this) throw argTypeError('merge needs another Filter');
    this.#h.merge(other.#h);
    return this;
  }

  /** Frees the libseccomp context. Idempotent. */
  release(): void {
    this.#h.release();
  }

  addArch(arch: string): this {
    this.#h.archAdd(archToken(arch));
    return this;
  }

  removeArch(arch: string): this {
    this.#h.archRemove(archToken(arch));
    return this;
  }

  hasArch(arch: string): boolean {
    return this.#h.archExist(archToken(arch));
  }

  getAttribute(name: Attribute): number {
    return this.#h.attrGet(attr(name));
  }

  setAttribute(name: Attribute, value: number | boolean): this {
    const v = typeof value === 'boolean' ? Number(value) : toInt(value, `attribute ${name}`, 0, 0xffff_ffff);
    if (name === 'badArchAction' || name === 'defaultAction') checkAction(v, name);
    this.#h.attrSet(attr(name), v);
    return this;
  }

  /** Adds a rule; libseccomp may rewrite it for the filter's arches (e.g. socketcall on x86). */
  addRule(action: number, syscall: string | number, conditions?: readonly Condition[]): this {
    const a = checkAction(action);
    const flat = flattenConditions(conditions);
    const { nr, name } = syscallNumber(syscall);
    this.#h.ruleAdd(a, nr, flat, false, name);
    return this;
  }

  /** Adds a rule exactly as given, or fails (no per-arch rewriting). */
  addRuleExact(action: number, syscall: string | number, conditions?: readonly Condition[]): this {
    const a = checkAction(action);
    const flat = flattenConditions(conditions);
    const { nr, name } = syscallNumber(syscall);
    this.#h.ruleAdd(a, nr, flat, true, name);
    return this;
  }

  /** A hint (0..255) that puts this syscall earlier in the generated filter. */
  setSyscallPriority(syscall: string | number, priority: number): this {
    const p = toInt(priority, 'priority', 0, 255);
    this.#h.priority(syscallNumber(syscall).nr, p);
    return this;
  }

  /** Loads the filter into the kernel for this process (every thread: TSYNC). Cannot be undone. */
  load(): void {
    this.#h.load();
  }

  /** The BPF program (struct sock_filter[]), 8 bytes per instruction. */
  exportBpf(): Bytes {
    return this.#h.exportBpf();
  }

  /** libseccomp's pseudo filter code, a readable listing of the rules. */
  exportPfc(): string {
    return this.#h.exportPfc();
  }

  /** After load() of a filter with NOTIFY rules: the listener fd. */
  notifyFd(): number {
    const fd = this.#h.notifyFd();
    if (fd < 0) throw new SeccompError('the filter has no notification fd (load a filter with NOTIFY rules first)', {
      code: ErrorCode.UNSUPPORTED,
    });
    return fd;
  }

  /** Builds the BPF now (libseccomp >= 2.6); returns false where the library cannot. */
  precompute(): boolean {
    return this.#h.precompute();
  }
}

// `using f = new Filter(...)` releases it. Declared through DisposableShape so the public
// declaration compiles where the consumer's lib has no Symbol.dispose.
export interface Filter extends DisposableShape {}
if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(Filter.prototype, Symbol.dispose, {
    value: function dispose(this: Filter) {
      this.release();
    },
    writable: true,
    configurable: true,
  });
}
