// Every subcommand, loaded only when it runs (startup cost). One line per command: adding a
// command is a file under commands/ and a line here.
import type { Command } from './command.js';

export interface CommandEntry {
  readonly summary: string;
  readonly synopsis: string;
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  run: { summary: 'run COMMAND behind a seccomp profile', synopsis: '[options] -- COMMAND [ARGS...]', load: async () => (await import('./commands/run.js')).command },
  check: { summary: 'validate a profile and show what it compiles to', synopsis: '[options] PROFILE', load: async () => (await import('./commands/check.js')).command },
  decide: { summary: 'what a profile does with one syscall (--all: every one)', synopsis: '[options] (SYSCALL [ARG...] | --all)', load: async () => (await import('./commands/decide.js')).command },
  lint: { summary: "find a profile's known hazards", synopsis: '[--profile P | PROFILE] [--json] [--target T] [options]', load: async () => (await import('./commands/lint.js')).command },
  explain: { summary: 'Why a profile allows or denies a syscall, and what would change it', synopsis: '[options] SYSCALL [ARG...]', load: async () => (await import('./commands/explain.js')).command },
  groups: { summary: 'list the syscall groups (@network, @file-write, ...) profiles may name', synopsis: '[--arch ARCH] [@GROUP]', load: async () => (await import('./commands/groups.js')).command },
};
