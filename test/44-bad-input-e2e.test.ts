// Hostile profiles through the two front doors that start programs: `seccomp run` and
// `node --import seccomp/register`. Each is refused with exit status 125 and the JSON path,
// and the program never starts (its marker file is not created).
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seccomp } from './helpers/cli.js';
import { fixtures, root, runNode } from './helpers/child.js';
import { scratchDirs } from './helpers/scratch.js';

const scratch = scratchDirs('seccomp-44-');

// JSON text, written as is: the NUL is the JSON escape \u0000, the nesting is past the limit.
const BAD: [string, string, RegExp][] = [
  ['an inherited name as defaultAction', '{"defaultAction":"toString"}', /defaultAction: unknown action "toString"/],
  [
    'a NUL inside a syscall name',
    '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir\\u0000x"],"action":"SCMP_ACT_ERRNO"}]}',
    /syscalls\[0\]\.names\[0\]: must not contain a NUL/,
  ],
  [
    'nesting 5000 deep in an unknown key',
    `{"defaultAction":"SCMP_ACT_ALLOW","junk":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    /junk(\[0\])+.*nesting deeper than 512/,
  ],
];

function write(dir: string, text: string): string {
  const file = join(dir, 'profile.json');
  writeFileSync(file, text);
  return file;
}

const cleanEnv = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('SECCOMP_') || k === 'NODE_OPTIONS') delete env[k];
  return env;
};

describe('seccomp run: a hostile profile is refused before the command starts', () => {
  for (const [what, text, message] of BAD) {
    it(what, () => {
      const dir = scratch();
      const marker = join(dir, 'ran');
      const r = seccomp(['run', '--profile', write(dir, text), '--', 'touch', marker]);
      expect(r.status, r.stderr).toBe(125);
      expect(r.stderr).toContain('ERR_SECCOMP_PROFILE_INVALID');
      expect(r.stderr).toMatch(message);
      expect(existsSync(marker)).toBe(false);
    });
  }
});

describe('seccomp: names on Object.prototype are not subcommands', () => {
  for (const name of ['constructor', 'toString', '__proto__']) {
    it(name, () => {
      const r = seccomp([name, '--', 'true']);
      expect(r.status, r.stderr).toBe(125);
      expect(r.stderr).toContain(`unknown command "${name}"`);
    });
  }
});

describe('node --import seccomp/register: a hostile SECCOMP_PROFILE is refused before the app starts', () => {
  for (const [what, text, message] of BAD) {
    for (const as of ['file', 'JSON text'] as const) {
      it(`${what} (${as})`, () => {
        const dir = scratch();
        const app = scratch();
        const marker = join(app, 'marker');
        const profile = as === 'file' ? write(dir, text) : text;
        const r = runNode(['--import', 'seccomp/register', join(fixtures, 'register-app.mjs'), marker, join(app, 'made')], {
          cwd: root,
          env: { ...cleanEnv(), SECCOMP_PROFILE: profile },
        });
        expect(r.status, r.stderr).toBe(125);
        expect(r.stderr).toContain('ERR_SECCOMP_PROFILE_INVALID');
        expect(r.stderr).toMatch(message);
        expect(existsSync(marker)).toBe(false);
        expect(readdirSync(app)).toEqual([]);
      });
    }
  }
});
