// int-arg-64bit: a condition on an argument the kernel reads as a 32-bit int (or a 16-bit
// umode_t) with a value wider than that. libseccomp compares all 64 bits on a 64-bit ABI, so
// the rule matches only callers who set bits the kernel then ignores: an allow rule misses the
// ordinary call, a deny rule is stepped around with the plain value.
import { libseccompArchName } from '../../profile/compile.js';
import { argBits } from '../../profile/arg-widths.js';
import type { ArgView, Facts } from '../facts.js';
import type { Finding } from '../types.js';

/** Bits above `bits`, other than a negative 32-bit value's sign extension (-1 as 2^64-1). */
function stray(v: bigint, bits: 16 | 32): boolean {
  if (v >> BigInt(bits) === 0n) return false;
  return !(bits === 32 && v >> 32n === 0xffff_ffffn && (v & 0x8000_0000n) !== 0n);
}

/** The value the condition tests against: MASKED_EQ compares (arg & value) with valueTwo. */
function tested(a: ArgView): bigint {
  return a.op === 'SCMP_CMP_MASKED_EQ' ? a.valueTwo & a.value : a.value;
}

export function checkIntArgs(f: Facts): Finding[] {
  const arch = libseccompArchName(f.compiled.context.arch);
  const out: Finding[] = [];
  for (const r of f.rules) {
    for (const a of r.args) {
      if (a.index < 0 || a.index > 5) continue;
      const v = tested(a);
      const names: string[] = [];
      let width: 16 | 32 = 32;
      for (const { name } of r.names) {
        const bits = argBits(name, a.index, arch);
        if (bits === 64 || !stray(v, bits)) continue;
        names.push(name);
        width = bits;
      }
      if (names.length === 0) continue;
      const keep = (1n << BigInt(width)) - 1n;
      const field = a.op === 'SCMP_CMP_MASKED_EQ' ? 'valueTwo' : 'value';
      out.push({
        code: 'int-arg-64bit',
        severity: 'warning',
        path: `${a.path}.${field}`,
        message: `argument ${a.index} of ${names.join(', ')} is a ${width}-bit ${width === 16 ? 'umode_t' : 'int'} to the kernel, but 0x${v.toString(16)} is wider: Docker compares all 64 bits, so the rule only matches callers who set bits the kernel ignores`,
        fix: `write the ${width}-bit value ${v & keep} (0x${(v & keep).toString(16)})`,
      });
    }
  }
  return out;
}
