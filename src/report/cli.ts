// `seccomp run --report[=FILE]`: the option, and the reporting around one run. When the command
// ends: without FILE a summary line on stderr; with FILE, one JSON line per denial, written to a
// new file (O_EXCL, 0600) in FILE's directory and renamed over FILE only then: FILE is never
// followed as a symlink, never truncated early, and left alone when the command did not start.
import { fs, path } from '../builtins.js';
import { argTypeError } from '../errors.js';
import type { CompiledProfile } from '../profile/types.js';
import type { SyscallHandler } from '../supervisor/supervise.js';
import { jsonLine } from './model.js';
import { reportingLaunch } from './supervise.js';

export { takeReportOption } from './option.js';

export interface RunReport {
  compiled: CompiledProfile;
  onSyscall: SyscallHandler;
  /**
   * Writes the summary (or FILE); call once when the command has ended. `started: false` (the
   * launch failed) writes nothing and leaves FILE as it was.
   */
  finish(started?: boolean): Promise<void>;
}

/**
 * FILE must be a regular file or not exist yet, in a directory we can write: checked before the
 * run, so that a run is not wasted on a report that cannot be written. A symlink is refused
 * (lstat: never followed), as is anything else that is not a plain file (a FIFO, a device).
 */
function checkReportFile(file: string): void {
  let st: ReturnType<typeof fs.lstatSync> | undefined;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw reportFileError(file, (e as Error).message);
  }
  if (st?.isSymbolicLink()) throw reportFileError(file, 'it is a symbolic link (not followed)');
  if (st && !st.isFile()) throw reportFileError(file, 'it is not a regular file');
  try {
    fs.accessSync(path.dirname(file), fs.constants.W_OK);
  } catch (e) {
    throw reportFileError(file, (e as Error).message);
  }
}

function reportFileError(file: string, why: string): Error {
  return argTypeError(`--report=${file}: ${why}`);
}

/** Writes `text` to a new file next to `file` and renames it over `file` (rename never follows). */
function replaceFile(file: string, text: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const c = fs.constants;
  const fd = fs.openSync(tmp, c.O_WRONLY | c.O_CREAT | c.O_EXCL | c.O_NOFOLLOW, 0o600);
  try {
    fs.writeSync(fd, text);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  } catch (e) {
    try {
      fs.closeSync(fd);
    } catch {
      /* closed already */
    }
    fs.rmSync(tmp, { force: true });
    throw e;
  }
}

/** Starts reporting for a run; undefined for an unconfined profile (nothing can be denied). */
export function startReport(compiled: CompiledProfile, report: true | string, stderr: (text: string) => void): RunReport | undefined {
  if (compiled.unconfined) return undefined;
  if (report !== true) checkReportFile(report);
  const r = reportingLaunch(compiled, () => {});
  return {
    compiled: r.compiled,
    onSyscall: r.onSyscall,
    async finish(started = true) {
      if (!started) return;
      // Denials are logged on the turn after their answer: let the last ones land.
      await new Promise((resolve) => setImmediate(resolve));
      // Written at the end, each with its fix (finding one may compile: never during the run).
      if (report !== true) {
        try {
          replaceFile(report, r.log.complete().map(jsonLine).join(''));
        } catch (e) {
          stderr(`seccomp: --report=${report} could not be written: ${(e as Error).message}\n`);
          return;
        }
        if (r.log.dropped > 0) stderr(`seccomp: ${r.log.dropped} more denials not kept in ${report}\n`);
      } else {
        const line = r.log.summary();
        if (line) stderr(`${line}\n`);
      }
    },
  };
}
