// `seccomp run --report[=FILE]`: the option, and the reporting around one run. When the command
// ends: without FILE a summary line on stderr; with FILE, one JSON line per denial (the file is
// truncated when the run starts).
import { fs } from '../builtins.js';
import type { CompiledProfile } from '../profile/types.js';
import type { SyscallHandler } from '../supervisor/supervise.js';
import { jsonLine } from './model.js';
import { reportingLaunch } from './supervise.js';

export const REPORT_HELP =
  '  --report[=FILE]      report denied syscalls (once per process, syscall and arguments):\n' +
  '                       a summary on stderr at the end, or JSON lines to FILE\n';

/**
 * Takes `--report` / `--report=FILE` out of a run command line (before `--` or the command):
 * other options that take a value are skipped with theirs. Returns the rest unchanged.
 */
export function takeReportOption(argv: readonly string[], valued: readonly string[]): { argv: string[]; report?: true | string } {
  const out: string[] = [];
  let report: true | string | undefined;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--' || !a.startsWith('-')) break;
    if (a === '--report') report = true;
    else if (a.startsWith('--report=')) {
      const file = a.slice('--report='.length);
      if (file === '') throw new Error('--report=FILE needs a file name');
      report = file;
    } else {
      out.push(a);
      if (valued.includes(a) && i + 1 < argv.length) out.push(argv[++i]);
    }
  }
  out.push(...argv.slice(i));
  return report === undefined ? { argv: out } : { argv: out, report };
}

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
