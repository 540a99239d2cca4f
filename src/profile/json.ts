// An exact JSON parser: Node 20's JSON.parse rounds integers above 2^53, and seccomp argument
// values go up to 2^64-1. Integers that are not safe JS integers become bigint; everything else
// is what JSON.parse would give. Duplicate keys are an error (which one wins differs between
// readers, so a profile that relies on it is not applied exactly everywhere).
import { ErrorCode, SeccompError, argTypeError } from '../errors.js';
import { join } from './problems.js';

/** Deeper nesting than any profile needs; stops a hostile input from overflowing the stack. */
export const MAX_DEPTH = 512;

// Character codes used by the scanner.
const TAB = 9, LF = 10, CR = 13, SPACE = 32, QUOTE = 34, PLUS = 43, COMMA = 44, MINUS = 45;
const DOT = 46, SLASH = 47, ZERO = 48, NINE = 57, COLON = 58, UPPER_E = 69, LBRACKET = 91;
const BACKSLASH = 92, RBRACKET = 93, LOWER_E = 101, LBRACE = 123, RBRACE = 125;

const ESCAPES = new Map<number, string>([
  [QUOTE, '"'], [BACKSLASH, '\\'], [SLASH, '/'], [98, '\b'], [102, '\f'], [110, '\n'], [114, '\r'], [116, '\t'],
]);

class Parser {
  pos = 0;
  depth = 0;
  /** Keys and indexes down to the value being read: the JSON path in errors. */
  trail: (string | number)[] = [];

  constructor(readonly text: string) {}

  fail(message: string, at = this.pos): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === LF) {
        line++;
        lineStart = i + 1;
      }
    }
    const column = at - lineStart + 1;
    const path = this.trail.reduce<string>((p, k) => join(p, k), '');
    const full = `invalid JSON at line ${line}, column ${column}${path ? ` (${path})` : ''}: ${message}`;
    throw new SeccompError(full, {
      code: ErrorCode.PROFILE_INVALID,
      problems: [{ path, message: full }],
      line,
      column,
      offset: at,
    });
  }

  describe(at: number): string {
    if (at >= this.text.length) return 'end of input';
    const c = this.text.codePointAt(at) as number;
    if (c < SPACE || c > 126) return `character U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    return `'${String.fromCodePoint(c)}'`;
  }

  skipWs(): void {
    const t = this.text;
    let p = this.pos;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === SPACE || c === LF || c === CR || c === TAB) p++;
      else break;
    }
    this.pos = p;
  }

  value(): unknown {
    this.skipWs();
    const c = this.text.charCodeAt(this.pos);
    if (c === LBRACE) return this.object();
    if (c === LBRACKET) return this.array();
    if (c === QUOTE) return this.string();
    if (c === MINUS || (c >= ZERO && c <= NINE)) return this.number();
    if (this.text.startsWith('true', this.pos)) return this.literal(4, true);
    if (this.text.startsWith('false', this.pos)) return this.literal(5, false);
    if (this.text.startsWith('null', this.pos)) return this.literal(4, null);
    return this.fail(`unexpected ${this.describe(this.pos)}, expected a value`);
  }

  literal(length: number, v: boolean | null): boolean | null {
    this.pos += length;
    return v;
  }

  enter(): void {
    if (++this.depth > MAX_DEPTH) this.fail(`nesting deeper than ${MAX_DEPTH}`);
  }

  object(): Record<string, unknown> {
    this.enter();
    const obj: Record<string, unknown> = {};
    this.pos++; // {
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      this.depth--;
      return obj;
    }
    for (;;) {
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== QUOTE) {
        this.fail(`unexpected ${this.describe(this.pos)}, expected a key in double quotes`);
      }
      const keyAt = this.pos;
      const key = this.string();
      if (Object.hasOwn(obj, key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyAt);
      this.skipWs();
      if (this.text.charCodeAt(this.pos) !== COLON) this.fail(`unexpected ${this.describe(this.pos)}, expected ':'`);
      this.pos++;
      this.trail.push(key);
      const v = this.value();
      this.trail.pop();
      // Plain assignment of "__proto__" would set the prototype instead of a key.
      if (key === '__proto__') {
        Object.defineProperty(obj, key, { value: v, enumerable: true, writable: true, configurable: true });
      } else {
        obj[key] = v;
      }
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c === RBRACE) {
        this.pos++;
        this.depth--;
        return obj;
      }
      this.fail(`unexpected ${this.describe(this.pos)}, expected ',' or '}'`);
    }
  }

  array(): unknown[] {
    this.enter();
    const arr: unknown[] = [];
    this.pos++; // [
    this.skipWs();
    if (this.text.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      this.depth--;
      return arr;
    }
    for (;;) {
      this.trail.push(arr.length);
      arr.push(this.value());
      this.trail.pop();
      this.skipWs();
      const c = this.text.charCodeAt(this.pos);
      if (c === COMMA) {
        this.pos++;
        continue;
      }
      if (c === RBRACKET) {
        this.pos++;
        this.depth--;
        return arr;
      }
      this.fail(`unexpected ${this.describe(this.pos)}, expected ',' or ']'`);
    }
  }

  string(): string {
    const t = this.text;
    const start = ++this.pos; // after the opening quote
    let p = start;
    // Fast path: no escapes, the string is one slice.
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === QUOTE) {
        this.pos = p + 1;
        return t.slice(start, p);
      }
      if (c === BACKSLASH) break;
      if (c < SPACE || Number.isNaN(c)) this.stringFail(p, start);
      p++;
    }
    // Slow path: collect runs between escapes.
    const parts: string[] = [];
    let runStart = start;
    for (;;) {
      const c = t.charCodeAt(p);
      if (c === QUOTE) {
        parts.push(t.slice(runStart, p));
        this.pos = p + 1;
        return parts.join('');
      }
      if (c === BACKSLASH) {
        parts.push(t.slice(runStart, p));
        const e = t.charCodeAt(p + 1);
        if (e === 117) {
          // \uXXXX
          const hex = t.slice(p + 2, p + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape, expected 4 hex digits', p);
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          p += 6;
        } else {
          const s = ESCAPES.get(e);
          if (s === undefined) this.fail(`invalid escape ${this.describe(p + 1)} in string`, p);
          parts.push(s);
          p += 2;
        }
        runStart = p;
        continue;
      }
      if (c < SPACE || Number.isNaN(c)) this.stringFail(p, start);
      p++;
    }
  }

  stringFail(p: number, start: number): never {
    if (p >= this.text.length) this.fail('unterminated string', start - 1);
    return this.fail(`control character ${this.describe(p)} in string (escape it)`, p);
  }

  number(): number | bigint {
    const t = this.text;
    const start = this.pos;
    let p = start;
    if (t.charCodeAt(p) === MINUS) p++;
    let c = t.charCodeAt(p);
    if (c === ZERO) {
      p++;
      c = t.charCodeAt(p);
      if (c >= ZERO && c <= NINE) this.fail('leading zero in number', start);
    } else if (c >= ZERO && c <= NINE) {
      while (c >= ZERO && c <= NINE) c = t.charCodeAt(++p);
    } else {
      this.fail(`unexpected ${this.describe(p)}, expected a digit`, p);
    }
    let integer = true;
    if (c === DOT) {
      integer = false;
      c = t.charCodeAt(++p);
      if (!(c >= ZERO && c <= NINE)) this.fail(`unexpected ${this.describe(p)}, expected a digit after '.'`, p);
      while (c >= ZERO && c <= NINE) c = t.charCodeAt(++p);
    }
    if (c === LOWER_E || c === UPPER_E) {
      integer = false;
      c = t.charCodeAt(++p);
      if (c === PLUS || c === MINUS) c = t.charCodeAt(++p);
      if (!(c >= ZERO && c <= NINE)) this.fail(`unexpected ${this.describe(p)}, expected a digit in exponent`, p);
      while (c >= ZERO && c <= NINE) c = t.charCodeAt(++p);
    }
    this.pos = p;
    const lit = t.slice(start, p);
    // Up to 15 digits is always a safe integer; only longer literals need the bigint check.
    if (!integer || p - start <= 15) return Number(lit);
    const big = BigInt(lit);
    return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
  }
}

/**
 * Parses JSON text exactly: integers outside the safe range become `bigint` (so
 * 18446744073709551615 stays exact), other numbers are `number`. Syntax errors, duplicate keys
 * and nesting deeper than 512 throw SeccompError `ERR_SECCOMP_PROFILE_INVALID` with the line and
 * column (also as `line`, `column`, `offset` properties).
 */
export function parseJsonExact(text: string): unknown {
  if (typeof text !== 'string') throw argTypeError(`JSON text must be a string, got ${typeof text}`);
  const p = new Parser(text);
  const v = p.value();
  p.skipWs();
  if (p.pos < text.length) p.fail(`unexpected ${p.describe(p.pos)} after the JSON value`);
  return v;
}
