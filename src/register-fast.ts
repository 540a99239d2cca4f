// seccomp/register's fast start, run by the door before anything else: when a start record
// (profile/start-record.ts) matches this start, it is applied here, and the bundle (register.js
// with the profile code and the disk cache's checks) is never loaded. Anything that does not
// match, or looks unusual, is left to the full start. The checks that cannot be recorded are
// made here as there: the preload check, and this process not filtered by this package yet.
import { errorDetail } from './cli/format.js';
import { type SeccompError } from './errors.js';
import { install } from './install.js';
import { landlockAbi, planIsolation } from './isolation.js';
import { native } from './native.js';
import { diskCacheOff, packageCacheDir, usableDir } from './profile/cache-files.js';
import { plainStart, readStartRecord, startKey } from './profile/start-record.js';
import { fail, isMainThread, refuseEarlierPreloads, threadStatus } from './register-checks.js';

/** true: the profile is applied; false: the full start must run. Ends the process on a failure. */
export function fastStart(dist: string): boolean {
  const env = process.env;
  if (!plainStart(env) || diskCacheOff()) return false;
  const status = threadStatus();
  if (!isMainThread(status)) return false;
  const dir = usableDir(false, packageCacheDir());
  if (dir === undefined) return false;
  refuseEarlierPreloads();
  const spec = env.SECCOMP_PROFILE;
  let record;
  try {
    if (native().appliedRecords().length > 0) return false; // applied before: the full start sees whether it covers this
    const key = startKey(spec, status, dist);
    record = key === undefined ? undefined : readStartRecord(dir, key);
  } catch {
    return false; // no addon, or no libseccomp: the full start says why
  }
  if (record === undefined) return false;
  const b = native();
  // From here on the profile is known: a failure ends the process, as in the full start.
  try {
    b.registerLock(true);
    try {
      if (b.appliedRecords().length > 0) return false; // another thread applied one meanwhile
      install(record, planIsolation('full', landlockAbi(), 'sandbox()'), 'full', true);
      b.rememberHash(record.rememberKey, record.hash);
    } finally {
      b.registerLock(false);
    }
  } catch (err) {
    const code = (err as SeccompError).code;
    fail(`cannot apply ${JSON.stringify(spec)}${typeof code === 'string' ? ` [${code}]` : ''}`, errorDetail(err));
  }
  return true;
}
