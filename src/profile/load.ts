// Turns what the caller passed (object, JSON text, built-in name or file path) into a document.
import { readFileSync } from 'node:fs';
import { ErrorCode, SeccompError, argTypeError, errnoName } from '../errors.js';
import { BUILTIN_NAMES, builtinProfile } from '../profiles/index.js';
import { parseJsonExact } from './json.js';
import { snapshotDocument } from './snapshot.js';
import type { ProfileInput } from './types.js';

export interface LoadedProfile {
  /** The parsed document (null when unconfined). */
  doc: unknown;
  /** Built-in name or file path, when there is one. */
  name?: string;
  /** No filter at all: the `unconfined` built-in. */
  unconfined: boolean;
}

function builtinList(): string {
  const names = new Set(['unconfined', ...BUILTIN_NAMES]);
  return [...names].join(', ');
}

/**
 * Loads a profile: an object is used as is; a string starting with `{` is JSON text (parsed
 * exactly, see parseJsonExact); `unconfined` means no filter; another built-in name gives that
 * profile; anything else is a file path. A missing file is ERR_SECCOMP_PROFILE_NOT_FOUND.
 */
export function loadProfileDocument(input: ProfileInput): LoadedProfile {
  if (typeof input === 'string') {
    if (input.trimStart().startsWith('{')) return { doc: parseJsonExact(input), unconfined: false };
    if (input === 'unconfined') return { doc: null, name: 'unconfined', unconfined: true };
    if (input === '') throw argTypeError('profile must not be an empty string');
    const builtin = builtinProfile(input);
    if (builtin !== undefined) return { doc: builtin, name: input, unconfined: false };
    return { doc: readProfileFile(input), name: input, unconfined: false };
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
