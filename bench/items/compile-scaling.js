// 1b. Compile cost against profile size: the same kind of profile at 20k and 200k syscall
// names, measured interleaved in the same run. Linear cost gives 10x; the target leaves room
// for noise and the garbage collector, and fails a quadratic step (which would give ~100x).
import { need } from '../lib/pkg.js';
import { interleave, summary } from '../lib/stats.js';

// Known names, each repeated across rules (identical rules that compile drops).
const KNOWN = ['read', 'write', 'openat', 'close', 'mmap', 'mprotect', 'munmap', 'brk', 'ioctl', 'pread64', 'futex', 'getpid'];

/**
 * A profile of `n` syscall names in rules of ten: half known names (so most rules repeat
 * earlier ones), half names libseccomp does not know (each a warning with its JSON path).
 */
export function namesProfile(n) {
  const syscalls = [];
  for (let r = 0; r < n / 10; r++) {
    const names = [];
    for (let j = 0; j < 5; j++) names.push(KNOWN[(r + j) % KNOWN.length]);
    for (let j = 0; j < 5; j++) names.push(`nosuch_${r}_${j}`);
    syscalls.push({ names, action: r % 2 ? 'SCMP_ACT_ALLOW' : 'SCMP_ACT_LOG' });
  }
  return { defaultAction: 'SCMP_ACT_ERRNO', syscalls };
}

export async function run(ctx) {
  const { compile } = need(ctx.pkg, 'compile');
  // 'warn': the names no arch has are skipped with a warning each (up to 1000), as before
  // they were refused by default; the refused case is timed below.
  const opts = { cache: false, arch: 'amd64', capabilities: [], unknownSyscalls: 'warn' };
  // Built once as JSON text: what is timed is compile(), parsing included, not building objects.
  const small = JSON.stringify(namesProfile(20_000));
  const large = JSON.stringify(namesProfile(200_000));
  compile(small, opts); // warm-up
  const rounds = ctx.quick ? 2 : 5;
  const time = (text) => () => {
    const t0 = process.hrtime.bigint();
    compile(text, opts);
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const refuse = (text) => () => {
    const t0 = process.hrtime.bigint();
    try {
      compile(text, { ...opts, unknownSyscalls: 'error' });
    } catch {
      // ERR_SECCOMP_PROFILE_INVALID: 100k names no arch has, the first 1000 with a suggestion
    }
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };
  const s = await interleave(rounds, { small: time(small), large: time(large), refused: refuse(large) });
  const a = summary(s.small);
  const b = summary(s.large);
  const c = summary(s.refused);
  return {
    rows: [
      { item: '1 compile', name: 'compile, 20k names (JSON text, cache off)', unit: 'ms', ...a, baseline: true },
      {
        item: '1 compile',
        name: 'compile, 200k names (JSON text, cache off)',
        unit: 'ms',
        ...b,
        ratio: b.median / a.median,
        target: '<= 15x',
        note: 'linear cost = 10x the 20k-name profile; half the names no syscall (unknownSyscalls: warn), most rules repeated',
      },
      {
        item: '1 compile',
        name: 'refused: 200k names, half no syscall (unknownSyscalls: error)',
        unit: 'ms',
        ...c,
        ratio: c.median / a.median,
        target: '<= 15x',
        note: 'typo check and suggestions stay linear: an error listing 1000 problems',
      },
    ],
    raw: { small: s.small, large: s.large, refused: s.refused },
  };
}
