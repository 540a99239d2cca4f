// Loads the package's built modules (dist/) one by one, so that a part another engineer has
// not finished yet makes only its rows "not available" instead of stopping the bench.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { dist } from './paths.js';

async function load(rel, names) {
  const file = join(dist, rel);
  if (!existsSync(file)) return { error: `dist/${rel} does not exist` };
  try {
    const mod = await import(pathToFileURL(file).href);
    const missing = names.filter((n) => typeof mod[n] !== 'function');
    if (missing.length) return { error: `dist/${rel} does not export ${missing.join(', ')}` };
    return { mod };
  } catch (e) {
    return { error: `dist/${rel} failed to load: ${e.message}` };
  }
}

/** { name: { mod } | { error } } for every part the bench uses. */
export async function loadPackage() {
  return {
    library: await load('library.js', ['version']),
    filter: await load('filter.js', ['Filter']),
    action: await load('action.js', ['decodeAction']),
    compile: await load('profile/compile.js', ['compile']),
    profiles: await load('profiles/index.js', ['builtinProfile']),
    spawn: await load('spawn.js', ['spawn', 'fork']),
    sandbox: await load('sandbox.js', ['sandbox']),
  };
}

/** The module, or throws an Error whose message says why it is not available. */
export function need(pkg, name) {
  const p = pkg[name];
  if (!p?.mod) throw new NotAvailable(p?.error ?? `${name} not loaded`);
  return p.mod;
}

export class NotAvailable extends Error {}
