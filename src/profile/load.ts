// Turns what the caller passed (object, JSON text, built-in name or file path) into a document.
import { readFileSync, realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ErrorCode, SeccompError, argTypeError, errnoName } from '../errors.js';
import { BUILTIN_NAMES, builtinProfile } from '../profiles/index.js';
import { parseJsonExact } from './json.js';
import { snapshotDocument } from './snapshot.js';
import { compose, type Composition, type RawProfile } from './compose.js';
import type { ProfileInput, ProfileWarning } from './types.js';

export interface LoadedProfile {
  /** The parsed document (null when unconfined). */
  doc: unknown;
  /** Built-in name or file path, when there is one. */
  name?: string;
  /** No filter at all: the `unconfined` built-in. */
  unconfined: boolean;
  /** Set when the profile extends a base: where each rule of `doc` was written. */
  composition?: Composition;
  /** Found while composing (rules that can never take effect). */
  warnings?: ProfileWarning[];
}

function builtinList(): string {
  const names = new Set(['unconfined', ...BUILTIN_NAMES]);
  return [...names].join(', ');
}

/**
 * Loads a profile and composes it (compose.ts): a base it extends is read and merged, syscall
 * groups are expanded; see loadRawDocument for what the input may be.
 */
export function loadProfileDocument(input: ProfileInput): LoadedProfile {
  const raw = loadRawDocument(input);
  const c = compose(raw, (spec, dir) => loadRawDocument(spec, dir, true));
  return {
    doc: c.doc,
    ...(raw.name !== undefined ? { name: raw.name } : {}),
    unconfined: raw.unconfined,
    ...(c.composition ? { composition: c.composition } : {}),
    ...(c.warnings.length ? { warnings: c.warnings } : {}),
  };
}

/**
 * Loads a profile: an object is used as is; a string starting with `{` is JSON text (parsed
 * exactly, see parseJsonExact); `unconfined` means no filter; another built-in name gives that
 * profile; anything else is a file path. A missing file is ERR_SECCOMP_PROFILE_NOT_FOUND.
 */
export function loadRawDocument(input: ProfileInput, dir?: string, asBase = false): RawProfile {
  if (typeof input === 'string') {
    if (input.trimStart().startsWith('{') && !asBase) return { doc: parseJsonExact(input), unconfined: false };
    if (input === 'unconfined') return { doc: null, name: 'unconfined', unconfined: true };
    if (input === '') throw argTypeError('profile must not be an empty string');
    const builtin = builtinProfile(input);
    if (builtin !== undefined) return { doc: builtin, name: input, unconfined: false };
    // A base's relative path is taken from the directory of the profile that names it.
    const path = dir === undefined ? input : resolve(dir, input);
    const doc = readProfileFile(path);
    let real = resolve(path);
    try {
      real = realpathSync(path);
    } catch {
      // read just now; a race leaves the plain path, still good for cycle detection
    }
    return { doc, name: dir === undefined ? input : path, unconfined: false, dir: dirname(real), realPath: real };
  }
  if (input === null || typeof input !== 'object') {
    throw argTypeError(
      `profile must be an object, JSON text, a built-in name or a file path, got ${input === null ? 'null' : typeof input}`,
    );
  }
  // Read once, into plain data: what is hashed, validated and built is this copy.
  const doc = snapshotDocument(input);
  if (Array.isArray(doc)) {
    throw argTypeError('profile must be an object, JSON text, a built-in name or a file path, got an array');
  }
  return { doc, unconfined: false };
}

function readProfileFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') {
      throw new SeccompError(
        `seccomp profile not found: ${JSON.stringify(path)} is neither a file nor a built-in profile (built-ins: ${builtinList()})`,
        { code: ErrorCode.PROFILE_NOT_FOUND, path },
      );
    }
    const errno = typeof err.errno === 'number' ? Math.abs(err.errno) : undefined;
    throw new SeccompError(`cannot read seccomp profile ${JSON.stringify(path)}: ${err.message}`, {
      code: err.code ?? (errno ? errnoName(errno) : 'ERR_SECCOMP'),
      errno,
      path,
    });
  }
  try {
    return parseJsonExact(text);
  } catch (e) {
    if (e instanceof SeccompError) e.message = `${path}: ${e.message}`;
    throw e;
  }
}
