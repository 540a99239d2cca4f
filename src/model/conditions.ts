// Argument conditions as profiles and the Filter API give them, and their check: pure, shared by
// libseccomp's rules (filter.ts), compile's own blocks and the tools that read rules.
import { argTypeError, argRangeError } from '../errors.js';
import { toInt, toU64 } from '../values.js';

export type Op = 'EQ' | 'NE' | 'LT' | 'LE' | 'GT' | 'GE' | 'MASKED_EQ';

/** `MASKED_EQ` is `(arg & value) == valueTwo`. Values are unsigned 64-bit. */
export interface Condition {
  arg: number;
  op: Op;
  value: bigint | number;
  valueTwo?: bigint | number;
}

/** libseccomp's enum scmp_compare. */
export const OPS: Record<Op, number> = { NE: 1, LT: 2, LE: 3, EQ: 4, GE: 5, GT: 6, MASKED_EQ: 7 };

/** Flattens conditions to [arg, op, a, b, ...] after checking each one. */
export function flattenConditions(conditions: readonly Condition[] | undefined): (number | bigint)[] {
  if (conditions === undefined) return [];
  if (!Array.isArray(conditions)) throw argTypeError('conditions must be an array');
  if (conditions.length > 6) throw argRangeError('at most 6 conditions per rule');
  const flat: (number | bigint)[] = [];
  conditions.forEach((c, i) => {
    if (c === null || typeof c !== 'object') throw argTypeError(`conditions[${i}] must be an object`);
    const arg = toInt(c.arg, `conditions[${i}].arg`, 0, 5);
    const op = typeof c.op === 'string' && Object.hasOwn(OPS, c.op) ? OPS[c.op as Op] : undefined;
    if (op === undefined) throw argTypeError(`conditions[${i}].op must be one of ${Object.keys(OPS).join(', ')}`);
    const a = toU64(c.value, `conditions[${i}].value`);
    const b = c.valueTwo === undefined ? 0n : toU64(c.valueTwo, `conditions[${i}].valueTwo`);
    flat.push(arg, op, a, b);
  });
  return flat;
}

