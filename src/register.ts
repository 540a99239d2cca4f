// `node --import seccomp/register app.js`: applies the profile named by SECCOMP_PROFILE before any
// user code runs, or prints why it cannot and exits. It never lets the app run unfiltered.
import { createHash } from 'node:crypto';
import { writeSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';
import { SeccompError } from './errors.js';
import { sandbox, status } from './sandbox.js';

// Exit status when the sandbox cannot be applied (as env(1) and timeout(1) use for their own failures).
const REGISTER_FAILED_EXIT = 125;

function fail(message: string, detail?: string): never {
  writeSync(2, `seccomp/register: ${message}; the program was not started\n${detail ? `${detail}\n` : ''}`);
  process.exit(REGISTER_FAILED_EXIT);
}

// The error's own text, plus each problem's JSON path where the text does not already name it.
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const e = err as SeccompError;
  let text = e.message;
  for (const p of e.problems ?? []) {
    const line = `${p.path || '(profile)'}: ${p.message}`;
    if (!text.includes(line)) text += `\n  ${line}`;
  }
  return text;
}

function strictFromEnv(value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0') return false;
  if (value === '1') return true;
  return fail(`SECCOMP_PROFILE_STRICT must be 1 or 0, got ${JSON.stringify(value)}`);
}

// Marks "this process's main thread applied this profile" for its workers. The pid makes the mark
// meaningless in child processes, which inherit the environment but must apply their own.
const MARK = 'SECCOMP_REGISTERED';
function mark(spec: string, strict: boolean): string {
  const digest = createHash('sha256').update(`${strict ? 1 : 0}\0${spec}`).digest('hex').slice(0, 16);
  return `${process.pid}:${digest}`;
}

function registerFromEnv(): void {
  const spec = process.env.SECCOMP_PROFILE;
  if (spec === undefined || spec.trim() === '') {
    // A worker given its own env: the process's filters already cover its thread.
    if (!isMainThread && status().mode === 'filter') return;
    fail('SECCOMP_PROFILE is not set (a built-in name such as docker-default, a profile file path, or profile JSON)');
  }
  const strict = strictFromEnv(process.env.SECCOMP_PROFILE_STRICT);
  // Threads share the process's filters. A worker preloads --require modules again (not --import):
  // it has nothing to do when the main thread already applied this profile, and applies it otherwise.
  // The same check makes a second preload of this module in one process a no-op.
  if (process.env[MARK] === mark(spec, strict)) return;
  const label = spec.trimStart().startsWith('{') ? 'the JSON profile in SECCOMP_PROFILE' : JSON.stringify(spec);
  try {
    sandbox(spec, { strict });
  } catch (err) {
    const code = (err as SeccompError).code;
    fail(`cannot apply ${label}${typeof code === 'string' ? ` [${code}]` : ''}`, describe(err));
  }
  if (isMainThread) process.env[MARK] = mark(spec, strict);
}

// A forked Node child is a new process: it applies its own filter, stacked on those it inherited.
registerFromEnv();
