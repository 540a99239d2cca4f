// Every subcommand, loaded only when it runs (startup cost). One line per command: adding a
// command is a file under commands/ and a line here.
import type { Command } from './command.js';

export interface CommandEntry {
  readonly summary: string;
  readonly synopsis: string;
  load(): Promise<Command>;
}

export const COMMANDS: Readonly<Record<string, CommandEntry>> = {
  diff: { summary: 'compare what two profiles decide, per syscall and arch', synopsis: '[options] PROFILE_A PROFILE_B', load: async () => (await import('./commands/diff.js')).command },
  merge: { summary: 'merge profiles: union or intersection of their decisions', synopsis: '--union|--intersect [options] PROFILE... [-o FILE]', load: async () => (await import('./commands/merge.js')).command },
  export: { summary: 'write a profile as docker/oci JSON, SPO YAML, raw BPF or a listing', synopsis: '[options] --format docker|oci|spo|bpf|pfc [-o FILE]', load: async () => (await import('./commands/export.js')).command },
  explain: { summary: 'Why a profile allows or denies a syscall, and what would change it', synopsis: '[options] SYSCALL [ARG...]', load: async () => (await import('./commands/explain.js')).command },
};
