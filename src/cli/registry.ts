// Every subcommand, loaded only when it runs (startup cost). One line per command: adding a
// command is a file under commands/ and a line here.
import type { Command } from './command.js';

export interface CommandEntry {
  readonly summary: string;
  readonly synopsis: string;
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  record: { summary: 'run COMMAND and write the profile that allows what it did', synopsis: '[-o FILE] [--base P] [--append] -- COMMAND [ARG...]', load: async () => (await import('./commands/record.js')).command },
};
