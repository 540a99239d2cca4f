// The `pfc` export: a readable listing of what the program decides, per arch, syscall by
// syscall, read from the program itself (ENOSYS stub, newest-syscall block and argument
// narrowing included) rather than libseccomp's PFC of its own rules, which would leave those out.
import { auditArch, X32_SYSCALL_BIT } from '../bpf/enosys.js';
import { checkProgram } from '../bpf/interpret.js';
import { BPF, type Insn } from '../bpf/program.js';
import { decisionOf, type Decision } from '../decide.js';
import { argDifferences, residualOf, runsOf } from '../diff/diff.js';
import { syscallNameAt, syscallTable, valueName } from '../diff/names.js';
import { errnoName } from '../errors.js';
import { libseccompArchName } from '../profile/compile.js';
import type { CompiledProfile } from '../profile/types.js';

const RET_K = BPF.RET | BPF.K;

function decisionText(d: Decision): string {
  if (d.action === 'ERRNO') return `ERRNO(${errnoName(d.errno ?? 0)})`;
  if (d.action === 'TRACE') return `TRACE(${d.data})`;
  return d.action;
}

const num = (v: bigint): string => (v > 0xffffn ? `0x${v.toString(16)}` : String(v));

export function listing(compiled: CompiledProfile): string {
  const c = compiled.context;
  const head = [
    '# What this seccomp program decides, per arch and syscall (read from the program; not libseccomp PFC).',
    `# profile: ${compiled.name ?? '(inline)'}; arch ${c.arch}, kernel ${c.kernel.major}.${c.kernel.minor}; capabilities: ${c.capabilities.join(' ') || '(none)'}`,
  ];
  if (compiled.unconfined) return `${head.join('\n')}\n# unconfined: no filter, every syscall is allowed\n`;
  const program = checkProgram(compiled.bpf);
  const arches = compiled.arches.length ? compiled.arches.map((a) => libseccompArchName(a)) : [libseccompArchName(c.arch)];
  const out = [...head];
  for (const arch of arches) out.push(...archListing(program, arch));
  return `${out.join('\n')}\n`;
}

function archListing(program: Insn[], arch: string): string[] {
  const lines = [`arch ${arch}`];
  const audit = auditArch(arch);
  const base = arch === 'x32' ? X32_SYSCALL_BIT : 0;
  const table = syscallTable(arch);
  const { starts, end } = runsOf([program], arch);
  for (let i = 0; i < starts.length; i++) {
    const from = starts[i];
    const to = (starts[i + 1] ?? end) - 1;
    const code = residualOf(program, audit, from);
    const constant = code.length === 1 && code[0].code === RET_K ? decisionText(decisionOf(code[0].k >>> 0)) : undefined;
    const describe = (nr: number, name: string): void => {
      if (constant !== undefined) {
        lines.push(`  ${nr - base} ${name}: ${constant}`);
        return;
      }
      lines.push(`  ${nr - base} ${name}: depends on arguments`);
      for (const g of argDifferences(code, null, arch, audit, nr).list) {
        const on = g.args.length
          ? g.args.map((a) => {
              const label = a.upTo === undefined ? valueName(name, a.index, a.value) : undefined;
              return `arg${a.index} ${a.upTo === undefined ? num(a.value) : `${num(a.value)}..${num(a.upTo)}`}${label ? ` (${label})` : ''}`;
            }).join(', ')
          : 'all arguments 0';
        lines.push(`      ${on}: ${decisionText(g.a)}`);
      }
    };
    const gap = (a: number, b: number): void => {
      if (a <= b) lines.push(`  ${a - base}${b > a ? `..${b - base}` : ''} (no syscall): ${constant ?? 'depends on arguments'}`);
    };
    const named = to - from < 4096
      ? Array.from({ length: to - from + 1 }, (_, k) => from + k).filter((n) => syscallNameAt(arch, n) !== undefined)
      : [...table.keys()].filter((n) => n >= from && n <= to).sort((x, y) => x - y);
    let next = from;
    for (const nr of named) {
      gap(next, nr - 1);
      describe(nr, syscallNameAt(arch, nr)!);
      next = nr + 1;
    }
    gap(next, to);
  }
  return lines;
}

