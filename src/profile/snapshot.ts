// A profile given as an object is read exactly once, into plain data, before anything else
// looks at it: hashing, validation and building then all see the same document, whatever
// getters or Proxies the caller's object holds (a getter that answered differently on each read
// could otherwise have one program cached under another profile's hash).
import { SeccompError } from '../errors.js';
import { MAX_DEPTH } from './json.js';
import { invalid, join } from './problems.js';

export { MAX_DEPTH };
/** Values (array slots and object keys, at every level) one document may hold. */
export const MAX_VALUES = 1 << 24;

interface Frame {
  src: object;
  dst: unknown[] | Record<string, unknown>;
  /** Own enumerable keys of an object; undefined for an array (indexes 0..len-1). */
  keys: string[] | undefined;
  len: number;
  i: number;
  parent: Frame | undefined;
  /** This frame's key in its parent. */
  key: string | number;
  depth: number;
}

function pathOf(f: Frame | undefined, key?: string | number): string {
  const keys: (string | number)[] = key === undefined ? [] : [key];
  for (let p = f; p?.parent !== undefined; p = p.parent) keys.push(p.key);
  let path = '';
  for (let i = keys.length - 1; i >= 0; i--) path = join(path, keys[i]);
  return path;
}

function fail(path: string, message: string): never {
  throw invalid([{ path, message }]);
}

function reason(e: unknown): string {
  try {
    return e instanceof Error ? `${e.name}: ${e.message}` : typeof e === 'symbol' ? 'a symbol' : String(e);
  } catch {
    return 'an unprintable value';
  }
}

/**
 * Opens one object or array into a frame: reads its length or own enumerable string keys
 * (once), and counts them against MAX_VALUES.
 */
function open(src: object, parent: Frame | undefined, key: string | number, depth: number, budget: { n: number }): Frame {
  const here = (): string => (parent === undefined ? '' : pathOf(parent, key));
  if (depth > MAX_DEPTH) fail(here(), `nesting deeper than ${MAX_DEPTH}`);
  let isArray: boolean;
  let keys: string[] | undefined;
  let len: number;
  try {
    isArray = Array.isArray(src);
    if (isArray) {
      len = (src as unknown[]).length;
      keys = undefined;
    } else {
      keys = Object.keys(src);
      len = keys.length;
    }
  } catch (e) {
    if (e instanceof SeccompError) throw e;
    return fail(here(), `cannot be read (${reason(e)})`);
  }
  if (!Number.isSafeInteger(len) || len < 0) fail(here(), 'an array with an invalid length');
  budget.n += len;
  if (budget.n > MAX_VALUES) fail(here(), `the document holds more than ${MAX_VALUES} values`);
  // Null prototype: no key a profile names can reach Object.prototype, and "__proto__" is a key.
  const dst = isArray ? new Array<unknown>(len) : (Object.create(null) as Record<string, unknown>);
  return { src, dst, keys, len, i: 0, parent, key, depth };
}

/**
 * Plain data for a profile object: own enumerable string keys only (null-prototype objects),
 * arrays by index, primitives as they are. Each property is read once. Cycles, nesting deeper
 * than 512, more than 2^24 values, symbols, functions, and properties that throw when read are
 * ERR_SECCOMP_PROFILE_INVALID naming the JSON path. No recursion: any depth is safe to walk.
 */
export function snapshotDocument(input: object): Record<string, unknown> | unknown[] {
  const budget = { n: 0 };
  const root = open(input, undefined, '', 1, budget);
  const onPath = new Set<object>([input]);
  const stack: Frame[] = [root];
  while (stack.length > 0) {
    const f = stack[stack.length - 1];
    if (f.i >= f.len) {
      stack.pop();
      onPath.delete(f.src);
      continue;
    }
    const key = f.keys === undefined ? f.i : f.keys[f.i];
    f.i++;
    let v: unknown;
    try {
      v = (f.src as Record<string | number, unknown>)[key];
    } catch (e) {
      if (e instanceof SeccompError) throw e;
      fail(pathOf(f, key), `cannot be read (${reason(e)})`);
    }
    switch (typeof v) {
      case 'string':
      case 'number':
      case 'bigint':
      case 'boolean':
      case 'undefined':
        (f.dst as Record<string | number, unknown>)[key] = v;
        continue;
      case 'symbol':
      case 'function':
        fail(pathOf(f, key), `must be JSON data, got a ${typeof v}`);
    }
    if (v === null) {
      (f.dst as Record<string | number, unknown>)[key] = null;
      continue;
    }
    const obj = v as object;
    if (onPath.has(obj)) fail(pathOf(f, key), 'the profile refers to itself (a cycle)');
    const child = open(obj, f, key, f.depth + 1, budget);
    (f.dst as Record<string | number, unknown>)[key] = child.dst;
    onPath.add(obj);
    stack.push(child);
  }
  return root.dst;
}
