// exportProfile(): a compiled profile in the form another tool takes. docker/oci: the flat
// profile as JSON; spo: a Security Profiles Operator SeccompProfile resource; bpf: the program
// itself (struct sock_filter[], host byte order) for `bwrap --seccomp FD` and other loaders;
// pfc: a readable listing of what the program decides, derived from the program.
import { ErrorCode, SeccompError, argRangeError, argTypeError } from '../errors.js';
import type { Bytes } from '../node-shapes.js';
import type { CompiledProfile } from '../profile/types.js';
import { flatten } from './flatten.js';
import { jsonText } from './json-text.js';
import { listing } from './listing.js';
import { spoYaml, type SpoOptions } from './spo.js';

export const EXPORT_FORMATS = ['docker', 'oci', 'spo', 'bpf', 'pfc'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportOptions extends SpoOptions {}

/** The profile in `format`: text for every format but `bpf`, whose program is bytes. */
export function exportProfile(compiled: CompiledProfile, format: ExportFormat, options: ExportOptions = {}): string | Bytes {
  if (!(EXPORT_FORMATS as readonly string[]).includes(format as string)) {
    throw argRangeError(`format must be one of ${EXPORT_FORMATS.join(', ')}; got ${String(format)}`);
  }
  if (options === null || typeof options !== 'object') throw argTypeError('options must be an object');
  switch (format) {
    case 'docker':
    case 'oci':
      // Flattened, the two formats coincide: Docker's own fields (archMap, includes/excludes,
      // comment) are resolved away and runtime-spec LinuxSeccomp is what remains.
      return jsonText(flatten(compiled));
    case 'spo':
      return spoYaml(flatten(compiled), { name: options.name ?? defaultName(compiled), namespace: options.namespace });
    case 'pfc':
      return listing(compiled);
    case 'bpf':
      flatten(compiled); // checks the argument
      if (compiled.unconfined) {
        throw new SeccompError('the unconfined profile has no program to export', { code: ErrorCode.EXPORT });
      }
      return Buffer.from(compiled.bpf);
  }
}

/** A Kubernetes object name from the profile's name or file name. */
export function defaultName(compiled: CompiledProfile): string {
  const base = (compiled.name ?? 'seccomp-profile').split('/').pop()!.replace(/\.json$/i, '');
  const name = base.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return name === '' ? 'seccomp-profile' : name.slice(0, 253);
}
