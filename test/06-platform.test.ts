// The package where it cannot work: another platform, and a Linux without libseccomp.so.2.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtures, runFixture } from './helpers/child.js';

describe('on a platform other than Linux', () => {
  it('imports, isSupported() is false, and filter operations throw ERR_SECCOMP_UNSUPPORTED', () => {
    const r = runFixture('platform-darwin.mjs');
    expect(r.stderr).toBe('');
    expect(r.json).toEqual({
      isSupported: false,
      actionAllow: 0x7fff_0000,
      newFilter: 'SeccompError:ERR_SECCOMP_UNSUPPORTED',
      version: 'SeccompError:ERR_SECCOMP_UNSUPPORTED',
      features: 'SeccompError:ERR_SECCOMP_UNSUPPORTED',
      resolveSyscall: 'SeccompError:ERR_SECCOMP_UNSUPPORTED',
      nativeArch: 'SeccompError:ERR_SECCOMP_UNSUPPORTED',
    });
  });
});

// The library file the addon maps, hidden in a private mount namespace (unshare -m) by
// bind-mounting /dev/null over it, so dlopen("libseccomp.so.2") fails for that child only.
const probe = runFixture('library-probe.mjs');
const library: string | null = probe.json?.library ?? null;
const canUnshare =
  library !== null && spawnSync('unshare', ['-m', '--propagation', 'private', 'true']).status === 0;

describe('with libseccomp.so.2 present', () => {
  it('the probe loads it and works', () => {
    expect(probe.json).toMatchObject({ isSupported: true, newFilter: 'ok', version: 'ok' });
    expect(library).toMatch(/libseccomp\.so/);
  });
});

const NO_UNSHARE = 'cannot make a private mount namespace here (unshare -m needs CAP_SYS_ADMIN)';

describe('without libseccomp.so.2 (hidden by a private bind mount)', () => {
  it('the first use throws ERR_SECCOMP_LIBRARY_MISSING naming the package for each distribution', (ctx) => {
    ctx.skip(!canUnshare, NO_UNSHARE);
    const script = `mount --bind /dev/null "$1" && exec "$2" "$3"`;
    const r = spawnSync(
      'unshare',
      ['-m', '--propagation', 'private', 'sh', '-c', script, 'sh', library as string, process.execPath, join(fixtures, 'library-probe.mjs')],
      { encoding: 'utf8' },
    );
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop() as string);
    expect(out.isSupported).toBe(false);
    expect(out.library).toBeNull();
    for (const use of [out.newFilter, out.version]) {
      expect(use.seccompError).toBe(true);
      expect(use.code).toBe('ERR_SECCOMP_LIBRARY_MISSING');
      expect(use.message).toContain('libseccomp2 on Debian/Ubuntu');
      expect(use.message).toContain('libseccomp on Fedora');
      expect(use.message).toContain('libseccomp on Alpine');
    }
  });
});
