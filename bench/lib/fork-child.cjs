// The "small Node script" the fork benchmark starts: it does nothing and exits. With the
// argument "status" it prints its Seccomp mode line, to check that the filter is really on.
if (process.argv[2] === 'status') {
  const line = require('node:fs').readFileSync('/proc/self/status', 'utf8').match(/^Seccomp:.*$/m);
  process.stdout.write(`${line ? line[0] : 'Seccomp: ?'}\n`);
}
