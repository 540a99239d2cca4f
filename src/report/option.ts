// `--report[=FILE]` taken out of a `seccomp run` command line. Its own module, with no imports:
// every run parses its options, and only a run with --report loads the reporting code.

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
