// Every subcommand, loaded only when it runs (startup cost). One line per command: adding a
// command is a file under commands/ and a line here.
import type { Command } from './command.js';

export interface CommandEntry {
  readonly summary: string;
  readonly synopsis: string;
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  lint: { summary: "find a profile's known hazards", synopsis: '[--profile P | PROFILE] [--json] [--target T] [options]', load: async () => (await import('./commands/lint.js')).command },
  explain: { summary: 'Why a profile allows or denies a syscall, and what would change it', synopsis: '[options] SYSCALL [ARG...]', load: async () => (await import('./commands/explain.js')).command },
  groups: { summary: 'list the syscall groups profiles may name', synopsis: '[--arch ARCH] [@GROUP]', load: async () => (await import('./commands/groups.js')).command },
};
