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
  lint: { summary: "find a profile's hazards: bypassable denies, fatal probes, dead rules, typos", synopsis: '[options] [--json] [--target T] [PROFILE]', load: async () => (await import('./commands/lint.js')).command },
  diff: { summary: 'compare what two profiles decide, syscall by syscall and per arch', synopsis: '[options] PROFILE_A PROFILE_B', load: async () => (await import('./commands/diff.js')).command },
  merge: { summary: 'merge profiles: the union or the intersection of their decisions', synopsis: '--union|--intersect [options] PROFILE... [-o FILE]', load: async () => (await import('./commands/merge.js')).command },
  export: { summary: 'write a profile as docker/oci JSON, SPO YAML, raw BPF or a listing', synopsis: '[options] --format docker|oci|spo|bpf|pfc [-o FILE]', load: async () => (await import('./commands/export.js')).command },
  explain: { summary: 'why a profile allows or denies a syscall, and what would change it', synopsis: '[options] SYSCALL [ARG...]', load: async () => (await import('./commands/explain.js')).command },
  groups: { summary: 'list the syscall groups (@network, @file-write, ...) profiles may name', synopsis: '[--arch ARCH] [@GROUP]', load: async () => (await import('./commands/groups.js')).command },
  record: { summary: 'run COMMAND and write the profile that allows what it did', synopsis: '[-o FILE] [--base PROFILE] [--append] -- COMMAND [ARG...]', load: async () => (await import('./commands/record.js')).command },
};
