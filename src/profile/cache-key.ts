// What identifies a compile: the options that change the program, the context, and the
// document's hash. Shared by compile() and the startup paths that look a profile up in the
// disk cache without loading the compiler, so that both derive the same keys.
import { createRequire } from 'node:module';
import { version } from '../library.js';
import { ErrorCode, SeccompError } from '../errors.js';
import type { CompileOptions, ProfileContext, UnknownSyscalls } from './types.js';

// node:crypto costs a startup several milliseconds: loaded when a hash is made (compile() only).
let crypto: typeof import('node:crypto') | undefined;

/** Bumped when the compiler's output for the same input changes; part of the hash. */
export const COMPILER = 'seccomp-compile/5';

/** The options besides the context that change what compile builds. */
export interface BuildOptions {
  unknownSyscalls: UnknownSyscalls;
  enosys: boolean;
  newSyscalls: boolean;
  optimize?: 1 | 2;
  specialize: boolean;
  narrowArgs: boolean;
  multiplexers: boolean;
}

/** compile()'s defaults applied to checked options. */
export function buildOptions(opts: CompileOptions): BuildOptions {
  return {
    // The deprecated strict: true means 'error', which is also the default.
    unknownSyscalls: opts.unknownSyscalls ?? 'error',
    enosys: opts.enosys !== false,
    newSyscalls: opts.newSyscalls !== false,
    specialize: opts.specialize !== false,
    narrowArgs: opts.narrowArgs !== false,
    multiplexers: opts.multiplexers !== false,
    ...(opts.optimize !== undefined ? { optimize: opts.optimize } : {}),
  };
}

export const optionsKey = (o: BuildOptions): string =>
  `unknownSyscalls=${o.unknownSyscalls}\0enosys=${o.enosys}\0newSyscalls=${o.newSyscalls}\0optimize=${o.optimize ?? 'runc'}\0specialize=${o.specialize}\0narrowArgs=${o.narrowArgs}\0multiplexers=${o.multiplexers}`;

export function contextKey(ctx: ProfileContext, o: BuildOptions): string {
  const caps = [...new Set(ctx.capabilities)].sort().join(',');
  return `${ctx.arch}\0${ctx.kernel.major}.${ctx.kernel.minor}\0${caps}\0${optionsKey(o)}`;
}

// Where canonical() is inside the value, as a chain of keys: the JSON path is only spelt out
// for an error, not built for each of a profile's 200k names.
interface Trail {
  up: Trail | undefined;
  key: string | number;
}

/** The trail for a child: only an object can be where an error is found. */
const into = (v: unknown, up: Trail | undefined, key: string | number): Trail | undefined =>
  v !== null && typeof v === 'object' ? { up, key } : up;

function trailPath(base: string, t: Trail | undefined): string {
  const keys: (string | number)[] = [];
  for (; t; t = t.up) keys.push(t.key);
  let path = base;
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i];
    path = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
  }
  return path;
}

// A canonical JSON text: sorted keys, integers (number or bigint) as plain digits.
export function canonical(value: unknown, path: string, stack: Set<object>): string {
  return canon(value, path, undefined, stack);
}

function canon(value: unknown, base: string, trail: Trail | undefined, stack: Set<object>): string {
  switch (typeof value) {
    case 'bigint': return value.toString();
    case 'number': return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'string': return JSON.stringify(value);
    case 'boolean': return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (stack.has(value)) {
        const path = trailPath(base, trail) || '(root)';
        throw new SeccompError(`${path}: the profile refers to itself`, {
          code: ErrorCode.PROFILE_INVALID,
          problems: [{ path, message: 'the profile refers to itself' }],
        });
      }
      stack.add(value);
      let out: string;
      if (Array.isArray(value)) {
        out = `[${value.map((v, i) => canon(v ?? null, base, into(v, trail, i), stack)).join(',')}]`;
      } else {
        const o = value as Record<string, unknown>;
        const parts: string[] = [];
        for (const k of Object.keys(o).sort()) {
          const v = o[k];
          if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
          parts.push(`${JSON.stringify(k)}:${canon(v, base, into(v, trail, k), stack)}`);
        }
        out = `{${parts.join(',')}}`;
      }
      stack.delete(value);
      return out;
    }
    default: return 'null';
  }
}

/** The document as the hash sees it: canonical JSON text, or `unconfined`. */
export function documentText(doc: unknown, unconfined: boolean): string {
  return unconfined ? 'unconfined' : canonical(doc, '', new Set());
}

/**
 * The document text of a loaded profile: a composed one's text covers its bases' content (it
 * holds their rules) and where each rule came from, which compile() reports.
 */
export function loadedText(l: { doc: unknown; unconfined: boolean; composition?: unknown }): string {
  const text = documentText(l.doc, l.unconfined);
  return l.composition === undefined ? text : `${text}\0composed ${canonical(l.composition, '', new Set())}`;
}

/** sha256 over (compiler, document, context, libseccomp version, options): CompiledProfile.hash. */
export function hashOf(doc: unknown, unconfined: boolean, ctx: ProfileContext, o: BuildOptions): string {
  return hashOfText(documentText(doc, unconfined), ctx, o);
}

/** hashOf() for a documentText(). */
export function hashOfText(text: string, ctx: ProfileContext, o: BuildOptions): string {
  const v = version();
  const context = {
    capabilities: [...new Set(ctx.capabilities)].sort(),
    arch: ctx.arch,
    kernel: `${ctx.kernel.major}.${ctx.kernel.minor}`,
  };
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256')
    .update(COMPILER)
    .update('\0')
    .update(text)
    .update('\0')
    .update(canonical(context, '', new Set()))
    .update(`\0libseccomp ${v.major}.${v.minor}.${v.micro}\0${optionsKey(o)}`)
    .digest('hex');
}
