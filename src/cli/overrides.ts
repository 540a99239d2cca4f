// --allow, --deny and --errno: the profile named by --profile becomes the base of the API form
// { base, allow, deny, errno } (src/profile/compose.ts), whose entries replace the base's rules.
import type { OptionSpec, Parsed } from './command.js';
import { UsageError } from './command.js';

export const OVERRIDE_OPTIONS: readonly OptionSpec[] = [
  { flag: '--allow', value: 'NAME[,NAME]', repeat: true, help: 'allow these syscalls or @groups, whatever the profile says' },
  { flag: '--deny', value: 'NAME[,NAME]', repeat: true, help: 'refuse these syscalls or @groups with EPERM, whatever the profile says' },
  { flag: '--errno', value: 'NAME=ERRNO', repeat: true, help: 'refuse a syscall or @group with ERRNO (a name such as ENOSYS, or a number)' },
];

function names(args: Parsed, flag: string): string[] {
  const out: string[] = [];
  for (const v of args.all(flag)) {
    for (const n of v.split(',')) {
      const name = n.trim();
      if (name === '') throw new UsageError(`${flag} ${JSON.stringify(v)}: an empty syscall name`);
      out.push(name);
    }
  }
  return out;
}

/** The profile to compile: `profile` itself without overrides, else the API form extending it. */
export function withOverrides(profile: string, args: Parsed): string | Record<string, unknown> {
  const allow = names(args, '--allow');
  const deny = names(args, '--deny');
  const errno: Record<string, string | number> = {};
  for (const v of args.all('--errno')) {
    const m = /^([^=]+)=(.+)$/.exec(v);
    if (!m) throw new UsageError(`--errno ${JSON.stringify(v)}: expected NAME=ERRNO (e.g. io_uring_setup=ENOSYS)`);
    const name = m[1].trim();
    if (Object.hasOwn(errno, name)) throw new UsageError(`--errno ${name} is given twice`);
    errno[name] = /^\d+$/.test(m[2]) ? Number(m[2]) : m[2].trim();
  }
  if (allow.length === 0 && deny.length === 0 && Object.keys(errno).length === 0) return profile;
  return {
    base: profile,
    ...(allow.length ? { allow } : {}),
    ...(deny.length ? { deny } : {}),
    ...(Object.keys(errno).length ? { errno } : {}),
  };
}
