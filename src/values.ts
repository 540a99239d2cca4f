// Argument checks done in TypeScript before anything crosses into C++.
import { argTypeError, argRangeError } from './errors.js';

export const U64_MAX = 0xffff_ffff_ffff_ffffn;

/** An unsigned 64-bit value from a bigint or a safe-integer number; RangeError otherwise. */
export function toU64(value: unknown, what: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value > U64_MAX) throw argRangeError(`${what} must be within 0..2^64-1, got ${value}`);
    return value;
  }
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) {
      throw argRangeError(`${what} must be a safe integer or a bigint, got ${value} (use a bigint above 2^53-1)`);
    }
    if (value < 0) throw argRangeError(`${what} must not be negative, got ${value}`);
    return BigInt(value);
  }
  throw argTypeError(`${what} must be a bigint or a number, got ${typeof value}`);
}

/** An integer within [min, max]; TypeError for a non-number, RangeError outside. */
export function toInt(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw argTypeError(`${what} must be an integer, got ${typeof value === 'number' ? value : typeof value}`);
  }
  if (value < min || value > max) throw argRangeError(`${what} must be within ${min}..${max}, got ${value}`);
  return value;
}
