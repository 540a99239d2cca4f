// The Docker-format profile document as the tests read and change it (moby's types.Seccomp, the
// fields the tests touch): the built-in profiles are plain objects of this shape.
import { readFileSync } from 'node:fs';
import { builtinProfile } from '../../dist/profiles/index.js';

export interface DocArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: string;
}

export interface DocFilter {
  arches?: string[];
  caps?: string[];
  minKernel?: string;
}

export interface DocRule {
  names: string[];
  /** Docker's old single-name spelling. */
  name?: string;
  action: string;
  errnoRet?: number;
  args?: DocArg[];
  includes?: DocFilter;
  excludes?: DocFilter;
}

// A type, not an interface: it is then a Record<string, unknown> that compile() takes.
export type DocProfile = {
  defaultAction: string;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap: { architecture: string; subArchitectures: string[] }[];
  flags?: string[];
  syscalls: DocRule[];
};

/** A fresh copy of built-in profile `name`; a missing one is a setup error, not a finding. */
export function builtinDoc(name = 'docker-default'): DocProfile {
  const p = builtinProfile(name);
  if (!p || !Array.isArray(p.syscalls)) throw new Error(`no built-in profile document ${name}`);
  return p as unknown as DocProfile;
}

/** A profile document from a JSON file (plain JSON.parse: the numbers the tests use are small). */
export function readDoc(file: string): DocProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as DocProfile;
}

/** The first rule matching `test`; none is a setup error. */
export function ruleWhere(p: DocProfile, test: (r: DocRule) => boolean): DocRule {
  const r = p.syscalls.find(test);
  if (!r) throw new Error('no rule matches');
  return r;
}

/** Argument `i` of `rule`; none is a setup error. */
export function argOf(rule: DocRule, i: number): DocArg {
  const a = rule.args?.[i];
  if (!a) throw new Error(`rule ${rule.names[0]} has no args[${i}]`);
  return a;
}
