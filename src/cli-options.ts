// Option handling shared by the CLI's subcommands: capabilities derived the way docker run
// derives them, and profile errors printed with their JSON paths.
import { readFileSync } from 'node:fs';
import { SeccompError } from './errors.js';
import { CAPABILITIES } from './profile/context.js';
import { DOCKER_DEFAULT_CAPABILITIES, normalizeCapabilities } from './spawn.js';

/** The capabilities the way docker run derives them from its defaults and the flags. */
export function effectiveCapabilities(capAdd: string[], capDrop: string[]): string[] {
  const isAll = (c: string) => c.toUpperCase() === 'ALL';
  let lastCap = CAPABILITIES.length - 1;
  try {
    lastCap = Math.min(lastCap, Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'utf8').trim()));
  } catch {
    // keep the table's size
  }
  const all = CAPABILITIES.slice(0, lastCap + 1);
  const adds = normalizeCapabilities(capAdd.filter((c) => !isAll(c)), '--cap-add');
  const drops = normalizeCapabilities(capDrop.filter((c) => !isAll(c)), '--cap-drop');
  let caps: string[];
  if (capAdd.some(isAll)) caps = all.filter((c) => !drops.includes(c));
  else if (capDrop.some(isAll)) caps = adds;
  else caps = [...DOCKER_DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return normalizeCapabilities(caps);
}

export function profileError(err: unknown): string {
  if (!(err instanceof SeccompError)) return `cannot use the profile: ${(err as Error)?.message ?? err}`;
  const lines = [`profile error (${err.code}): ${err.message}`];
  // Each problem with its JSON path, unless the message already lists it.
  for (const p of err.problems ?? []) {
    const line = `${p.path}: ${p.message}`;
    if (!err.message.includes(line)) lines.push(`  ${line}`);
  }
  return lines.join('\n');
}
