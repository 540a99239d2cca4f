// Text and JSON renderings of a ProfileDiff.
import { X32_SYSCALL_BIT } from '../bpf/enosys.js';
import type { ArgDifference, ProfileDiff, SyscallDifference } from './diff.js';
import { describeDecision, valueName } from './names.js';

const num = (v: bigint): string => (v > 0xffffn ? `0x${v.toString(16)}` : String(v));

function argText(syscall: string | undefined, g: ArgDifference['args'][number]): string {
  const name = g.upTo === undefined ? valueName(syscall, g.index, g.value) : undefined;
  const value = g.upTo === undefined ? num(g.value) : `${num(g.value)}..${num(g.upTo)}`;
  return `arg${g.index} = ${value}${name ? ` (${name})` : ''}`;
}

function label(d: SyscallDifference): string {
  const shown = (n: number): number => (d.arch === 'x32' ? n - X32_SYSCALL_BIT : n);
  if (d.syscall) return d.syscall;
  return d.upTo === undefined ? `#${shown(d.nr)}` : `#${shown(d.nr)}..${shown(d.upTo)} (no syscall)`;
}

/** One line per difference, under a heading per arch; `names` label the two sides. */
export function formatDiff(d: ProfileDiff, names: { a: string; b: string } = { a: 'A', b: 'B' }): string {
  if (d.same) return `no differences (${d.arches.join(', ')})\n`;
  const lines: string[] = [];
  let arch = '';
  for (const x of d.differences) {
    if (x.arch !== arch) {
      arch = x.arch;
      lines.push(`${arch}:`);
    }
    const what = label(x);
    if (!x.args) {
      lines.push(`  ${what}: ${names.a} ${describeDecision(x.a[0])}, ${names.b} ${describeDecision(x.b[0])}`);
      continue;
    }
    for (const g of x.args) {
      const on = g.args.length ? g.args.map((a) => argText(x.syscall, a)).join(', ') : 'these arguments';
      lines.push(`  ${what}: ${on}: ${names.a} ${describeDecision(g.a)}, ${names.b} ${describeDecision(g.b)}`);
    }
    if (x.moreArgs) lines.push(`  ${what}: ... and ${x.moreArgs} more argument combinations`);
  }
  if (!d.exact) lines.push('(inexact: a program compares syscall numbers in a way the scan cannot follow; only named syscalls were compared)');
  return `${lines.join('\n')}\n`;
}

/** JSON with 64-bit values as decimal strings. */
export function diffJson(d: ProfileDiff): string {
  return `${JSON.stringify(d, (_k, v) => (typeof v === 'bigint' ? String(v) : v), 2)}\n`;
}
