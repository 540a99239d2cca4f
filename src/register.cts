// `node --require seccomp/register app.js`: the CommonJS door to register.js. It loads the ES
// module synchronously (require of ESM: Node >= 20.19), so the sandbox is applied before the app.
try {
  require('./register.js');
} catch (err) {
  const e = err as NodeJS.ErrnoException;
  const why =
    e.code === 'ERR_REQUIRE_ESM'
      ? `--require seccomp/register needs Node.js >= 20.19 (require of ES modules); this is ${process.version}. Use --import seccomp/register`
      : `cannot load the sandbox: ${e.message}`;
  require('node:fs').writeSync(2, `seccomp/register: ${why}; the program was not started\n`);
  process.exit(125); // ExitCode.RUNNER (src/cli/command.ts): a literal, this runs where ES modules may not load
}
