// Built-in profiles, by name. `unconfined` has no profile object: it means "load no filter", and
// the loader handles it before asking here.
import { dockerDefaultProfile } from './docker-default.js';
import { argTypeError } from '../errors.js';
import { PRESETS } from './presets.js';

export { BUILTIN_NAMES } from './names.js';

const builders: Readonly<Record<string, () => Record<string, unknown>>> = {
  'docker-default': dockerDefaultProfile,
  builtin: dockerDefaultProfile,
  default: dockerDefaultProfile,
  ...PRESETS,
};

/** A fresh copy of a built-in profile object; undefined for `unconfined` and for unknown names. */
export function builtinProfile(name: string): Record<string, unknown> | undefined {
  if (typeof name !== 'string') throw argTypeError(`profile name must be a string, got ${typeof name}`);
  return Object.hasOwn(builders, name) ? builders[name]() : undefined;
}

export { dockerDefaultProfile };
