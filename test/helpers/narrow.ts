// The oracle tables were made by runc + libseccomp, which compare every argument on 64 bits.
// compile's narrowArgs (on by default) compares arguments the kernel reads as int on their low
// 32 bits, so a row whose int argument has high bits set must be decided like its "twin": the
// row with those bits cleared, which is what the kernel acts on. Nothing is guessed: a row
// without a twin in the same table keeps its own decision.
import { argBits } from '../../dist/profile/arg-widths.js';

export interface ArgRow {
  syscall: string;
  args: bigint[];
  decision: string;
}

/** The arguments as the kernel reads them on x86_64. */
export function kernelArgs(syscall: string, args: readonly bigint[]): bigint[] {
  return args.map((v, i) => {
    const bits = argBits(syscall, i, 'x86_64');
    return bits === 64 ? v : v & ((1n << BigInt(bits)) - 1n);
  });
}

/** The decision narrowArgs must give for `row`, and whether a twin supplied it. */
export function narrowedExpectation(rows: readonly ArgRow[], row: ArgRow): { expected: string; twin: boolean } {
  const seen = kernelArgs(row.syscall, row.args);
  if (seen.every((v, i) => v === row.args[i])) return { expected: row.decision, twin: false };
  const same = (r: ArgRow) => r.syscall === row.syscall && r.args.length === seen.length && r.args.every((v, i) => v === seen[i]);
  const twin = rows.find(same);
  return twin ? { expected: twin.decision, twin: twin.decision !== row.decision } : { expected: row.decision, twin: false };
}
