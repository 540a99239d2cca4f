// The users an escape test runs as: root (this process) and, when we are root and the checkout is
// readable by uid 65534, nobody. Tests for nobody skip with a named reason otherwise.
import { spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { fixtures, root } from './child.js';

export interface TestUser {
  name: string;
  /** spawn options that run a child as this user (libuv drops supplementary groups with them). */
  options: { uid?: number; gid?: number };
  /** Why this user cannot be tested here; undefined when it can. */
  skip?: string;
}

function nobodySkip(): string | undefined {
  if (process.getuid?.() !== 0) return 'needs root to switch to uid 65534';
  const probe = `require('fs').accessSync(${JSON.stringify(fixtures)}, 5); require(${JSON.stringify(`${root}/package.json`)})`;
  const r = spawnSync(process.execPath, ['-e', probe], { uid: 65534, gid: 65534, encoding: 'utf8' });
  return r.status === 0 ? undefined : `the checkout ${root} is not readable by uid 65534`;
}

const nobody = nobodySkip();
export const users: TestUser[] = [
  { name: 'root', options: {} },
  { name: 'nobody', options: { uid: 65534, gid: 65534 }, ...(nobody ? { skip: nobody } : {}) },
];
if (process.getuid?.() !== 0) users[0].name = `uid ${process.getuid?.()}`;

/** Lets any user write in a scratch directory (it is removed after the test). */
export function openToAll(dir: string): string {
  chmodSync(dir, 0o777);
  return dir;
}
