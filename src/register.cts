// `node --import seccomp/register` and `--require seccomp/register`: the door to register.js, built
// into one CommonJS file by scripts/bundle.mjs (one file loads faster than the 27 ES modules it
// holds). This door stays small: an ES import of a CommonJS file scans its whole text for exports.
try {
  require('./register.bundle.cjs');
} catch (err) {
  require('node:fs').writeSync(2, `seccomp/register: cannot load the sandbox: ${(err as Error).message}; the program was not started\n`);
  process.exit(125); // ExitCode.RUNNER (src/cli/command.ts)
}
