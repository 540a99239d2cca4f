// `seccomp run --report[=FILE]`: the option, and the reporting around one run. When the command
// ends: without FILE a summary line on stderr; with FILE, one JSON line per denial (the file is
// truncated when the run starts).
import { fs } from '../builtins.js';
import type { CompiledProfile } from '../profile/types.js';
import type { SyscallHandler } from '../supervisor/supervise.js';
import { jsonLine } from './model.js';
import { reportingLaunch } from './supervise.js';

export { takeReportOption } from './option.js';

export interface RunReport {
  compiled: CompiledProfile;
  onSyscall: SyscallHandler;
  /** Writes the summary (or closes FILE); call once when the command has ended. */
  finish(): Promise<void>;
}

/** Starts reporting for a run; undefined for an unconfined profile (nothing can be denied). */
export function startReport(compiled: CompiledProfile, report: true | string, stderr: (text: string) => void): RunReport | undefined {
  if (compiled.unconfined) return undefined;
  const fd = report === true ? undefined : fs.openSync(report, 'w');
  const r = reportingLaunch(compiled, () => {});
  return {
    compiled: r.compiled,
    onSyscall: r.onSyscall,
    async finish() {
      // Denials are logged on the turn after their answer: let the last ones land.
      await new Promise((resolve) => setImmediate(resolve));
      // Written at the end, each with its fix (finding one may compile: never during the run).
      if (fd !== undefined) {
        for (const d of r.log.complete()) fs.writeSync(fd, jsonLine(d));
        fs.closeSync(fd);
      } else {
        const line = r.log.summary();
        if (line) stderr(`${line}\n`);
      }
    },
  };
}
