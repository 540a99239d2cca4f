// The CLI's registry and dispatcher: unknown options and commands, usage generated from the
// option specs, registry entries that match their commands, and commands that return their
// exit status instead of exiting the process. In-process (main() with a collecting IO).
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ExitCode } from '../dist/cli/command.js';
import { runCommand, usage } from '../dist/cli/dispatch.js';
import { COMMANDS } from '../dist/cli/registry.js';
import { collectingIO, profileFile, seccompIn } from './helpers/cli.js';
import { scratchDir } from './helpers/scratch.js';

const tmp = scratchDir('seccomp-47-');

const names = Object.keys(COMMANDS);

describe('seccomp dispatcher: bad input', () => {
  it.each(names)('%s: an unknown option is a usage error (125) naming the option and the help', async (name) => {
    const r = await seccompIn([name, '--no-such-option', 'x']);
    expect(r.status).toBe(ExitCode.RUNNER);
    expect(r.stderr).toBe(`seccomp: unknown option --no-such-option (see seccomp ${name} --help)\n`);
    expect(r.stdout).toBe('');
  });

  it('a misspelt option gets the nearest option of that command', async () => {
    const r = await seccompIn(['run', '--profle', 'unconfined', '--', 'true']);
    expect(r.status).toBe(ExitCode.RUNNER);
    expect(r.stderr).toBe('seccomp: unknown option --profle (did you mean --profile?) (see seccomp run --help)\n');
    // check's PROFILE is positional: nothing it takes is near --profile, so no guess.
    expect((await seccompIn(['check', '--profile', 'x', 'docker-default'])).stderr).toBe(
      'seccomp: unknown option --profile (see seccomp check --help)\n',
    );
  });

  it('an option value outside its choices, a missing value and a value for a flag are usage errors', async () => {
    const cases: [string[], RegExp][] = [
      [['check', '--unknown-syscalls', 'loud', 'docker-default'], /--unknown-syscalls must be one of error, warn, ignore, got "loud"/],
      [['decide', '--arch'], /--arch needs a value \(ARCH\)/],
      [['decide', '--all=yes'], /--all takes no value/],
      [['run', '--isolation=most', '--', 'true'], /--isolation must be one of full, available, none/],
    ];
    for (const [args, message] of cases) {
      const r = await seccompIn(args);
      expect(r.status, args.join(' ')).toBe(ExitCode.RUNNER);
      expect(r.stderr, args.join(' ')).toMatch(message);
    }
  });

  it('an unknown command exits 125 and suggests the nearest command', async () => {
    for (const [typo, meant] of [['rn', 'run'], ['chek', 'check'], ['decied', 'decide']]) {
      const r = await seccompIn([typo, 'docker-default']);
      expect(r.status).toBe(ExitCode.RUNNER);
      expect(r.stderr).toBe(`seccomp: unknown command "${typo}" (did you mean "${meant}"?) (see seccomp --help)\n`);
    }
    const far = await seccompIn(['frobnicate']);
    expect(far.status).toBe(ExitCode.RUNNER);
    expect(far.stderr).toBe('seccomp: unknown command "frobnicate" (see seccomp --help)\n');
  });

  it('names of Object.prototype are unknown commands, not methods', async () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
      const r = await seccompIn([name]);
      expect(r.status, name).toBe(ExitCode.RUNNER);
      expect(r.stderr, name).toMatch(new RegExp(`^seccomp: unknown command "${name}"`));
    }
  });

  it('no command prints the command list and exits 125', async () => {
    const r = await seccompIn([]);
    expect(r.status).toBe(ExitCode.RUNNER);
    expect(r.stdout).toMatch(/^usage: seccomp <command>/);
  });
});

describe('seccomp dispatcher: behaviour', () => {
  it('every registry entry loads a command of that name, summary and synopsis', async () => {
    expect(names).toEqual(expect.arrayContaining(['run', 'check', 'decide']));
    for (const name of names) {
      const cmd = await COMMANDS[name].load();
      expect(cmd.name).toBe(name);
      expect(cmd.summary).toBe(COMMANDS[name].summary);
      expect(cmd.synopsis).toBe(COMMANDS[name].synopsis);
    }
  });

  it('seccomp --help lists every command with its summary, within 80 columns', async () => {
    const r = await seccompIn(['--help']);
    expect(r.status).toBe(ExitCode.OK);
    const flat = r.stdout.replace(/\s+/g, ' ');
    for (const name of names) {
      expect(r.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
      expect(flat).toContain(COMMANDS[name].summary);
    }
    for (const line of r.stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it.each(names)('seccomp %s --help is generated from its option specs: every option, its value, its help', async (name) => {
    const cmd = await COMMANDS[name].load();
    const r = await seccompIn([name, '--help']);
    expect(r.status).toBe(ExitCode.OK);
    expect(r.stdout).toBe(usage(cmd));
    expect(r.stdout).toContain(`usage: seccomp ${name} ${cmd.synopsis}\n`);
    const flat = r.stdout.replace(/\s+/g, ' ');
    for (const o of cmd.options) {
      const value = o.value === undefined ? '' : o.optionalValue ? `[=${o.value}]` : ` ${o.value}`;
      expect(r.stdout, o.flag).toMatch(new RegExp(`^  ${o.short ? `${o.short}, ` : ''}${o.flag.replace(/[|[\]]/g, '\\$&')}${value.replace(/[|[\]]/g, '\\$&')}( |$)`, 'm'));
      expect(flat, o.flag).toContain(o.help.replace(/\s+/g, ' '));
    }
    // Wrapped for a terminal: only an option's own name and value may pass 80 columns.
    for (const line of r.stdout.split('\n')) if (!/^  -/.test(line)) expect(line.length, line).toBeLessThanOrEqual(80);
  });

  it('seccomp help NAME is seccomp NAME --help', async () => {
    const r = await seccompIn(['help', 'decide']);
    expect(r.status).toBe(ExitCode.OK);
    expect(r.stdout).toBe((await seccompIn(['decide', '--help'])).stdout);
  });

  it('-h works like --help anywhere among the options', async () => {
    const r = await seccompIn(['decide', '--cap-add', 'KILL', '-h']);
    expect(r.status).toBe(ExitCode.OK);
    expect(r.stdout).toMatch(/^usage: seccomp decide /);
  });

  describe('commands never exit the process', () => {
    const exit = vi.fn((code?: number) => {
      throw new Error(`process.exit(${code}) called`);
    });
    let real: typeof process.exit;
    beforeEach(() => {
      real = process.exit;
      process.exit = exit as unknown as typeof process.exit;
    });
    afterEach(() => {
      process.exit = real;
      exit.mockClear();
    });

    it('success, usage errors, invalid profiles and failed commands all come back as a status', async () => {
      const bad = profileFile(tmp, 'bad.json', { defaultAction: 'SCMP_ACT_NOPE' });
      const cases: [string[], number][] = [
        [['check', 'docker-default'], ExitCode.OK],
        [['check'], ExitCode.RUNNER],
        [['check', bad], ExitCode.FAILED],
        [['decide', 'read'], ExitCode.OK],
        [['decide', 'read', 'ten'], ExitCode.RUNNER],
        [['decide', '--profile', bad, 'read'], ExitCode.FAILED],
        [['run', '--', 'true'], ExitCode.OK],
        [['run', '--', 'sh', '-c', 'exit 7'], 7],
        [['run', '--profile', bad, '--', 'true'], ExitCode.RUNNER],
        [['run', '--', 'no-such-command-seccomp-47'], ExitCode.NOT_FOUND],
        [['run'], ExitCode.RUNNER],
      ];
      for (const [args, status] of cases) {
        const r = await seccompIn(args);
        expect(r.status, `${args.join(' ')}: ${r.stderr}`).toBe(status);
      }
      expect(exit).not.toHaveBeenCalled();
    });

    it('runCommand turns a command\'s UsageError into 125 with its help named, without exiting', async () => {
      const io = collectingIO();
      const status = await runCommand(await COMMANDS.check.load(), ['a', 'b'], io);
      expect(status).toBe(ExitCode.RUNNER);
      expect(io.err).toBe('seccomp: check takes one PROFILE (see seccomp check --help)\n');
      expect(exit).not.toHaveBeenCalled();
    });
  });
});
