#!/usr/bin/env node
// The `seccomp` command (bin entry): everything is in src/cli/; this only sets the exit status.
import { main } from './cli/main.js';

void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
