// A profile named by a string (built-in name, JSON text or file path) looked up in the disk
// cache without loading the compiler: what `seccomp/register` and `seccomp run` do first.
// compile() derives the same keys (keyFor), so what one writes the other finds.
import { BUILTIN_NAMES } from '../profiles/names.js';
import { buildOptions, loadedText, type BuildOptions } from './cache-key.js';
import { resolveContext } from './context.js';
import { diskCacheEnabled, entryKey, readEntry, type Expected } from './disk-cache.js';
import { createRequire } from 'node:module';
import type { LoadedProfile } from './load.js';
import type { CompiledProfile, CompileOptions, ProfileContext } from './types.js';

/**
 * Built-in names and JSON text determine the document in this build: keyed by the text itself.
 * Not JSON text that may name a base (`base`, `baseProfileName`, or a \u escape that could spell
 * one): a base file's content is not in the text, so such text is keyed by its composed document.
 */
export function isTextSpec(spec: unknown): spec is string {
  if (typeof spec !== 'string') return false;
  if (BUILTIN_NAMES.includes(spec)) return true;
  return spec.trimStart().startsWith('{') && !/base|\\u/i.test(spec);
}

/** The disk key and what its entry must say, for a text spec. */
export function textKey(spec: string, context: ProfileContext, o: BuildOptions): { key: string; expected: Expected } {
  const name = spec.trimStart().startsWith('{') ? undefined : spec;
  return { key: entryKey('text', spec, name, context, o), expected: { name, context } };
}

/** The disk key and what its entry must say, for a loaded document (its documentText()). */
export function docKey(text: string, name: string | undefined, context: ProfileContext, o: BuildOptions): { key: string; expected: Expected } {
  return { key: entryKey('doc', text, name, context, o), expected: { name, context } };
}

/**
 * compile(spec, options)'s result when the disk cache has it, else undefined (also when the
 * spec cannot be loaded: compile() then reports why). `options` must be checked already.
 */
export function fromDiskCache(spec: string, options: CompileOptions): CompiledProfile | undefined {
  if (!diskCacheEnabled(options.cache)) return undefined;
  const context = resolveContext(options);
  const o = buildOptions(options);
  if (isTextSpec(spec)) {
    const { key, expected } = textKey(spec, context, o);
    return readEntry(key, expected);
  }
  // A file: its document (canonical text) is the key. The loader (and the built-in profiles it brings) is
  // loaded only here; this runs from dist/, where require reaches ES modules (Node >= 20.19).
  let loaded: LoadedProfile;
  try {
    const { loadProfileDocument } = createRequire(import.meta.url)('./load.js') as typeof import('./load.js');
    loaded = loadProfileDocument(spec);
  } catch {
    return undefined;
  }
  const { key, expected } = docKey(loadedText(loaded), loaded.name, context, o);
  return readEntry(key, expected);
}
