// The exact JSON parser and the profile loader (object, JSON text, built-in name, file path).
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeccompError } from '../dist/errors.js';
import { parseJsonExact } from '../dist/profile/json.js';
import { loadProfileDocument } from '../dist/profile/load.js';
import { BUILTIN_NAMES } from '../dist/profiles/index.js';
import { hasShared, sharedDir } from './helpers/child.js';
import { NO_SHARED } from './helpers/oracle.js';
import { scratchDir } from './helpers/scratch.js';

function syntaxError(text: string): SeccompError {
  try {
    parseJsonExact(text);
  } catch (e) {
    expect(e).toBeInstanceOf(SeccompError);
    expect((e as SeccompError).code).toBe('ERR_SECCOMP_PROFILE_INVALID');
    return e as SeccompError;
  }
  throw new Error(`no error for ${JSON.stringify(text)}`);
}

describe('parseJsonExact: bad input', () => {
  it('rejects a non-string with TypeError', () => {
    expect(() => parseJsonExact(42 as unknown as string)).toThrow(TypeError);
  });

  it('reports line and column of a syntax error', () => {
    const e = syntaxError('{\n  "a": 1,\n  "b" 2\n}');
    expect(e.message).toMatch(/line 3, column 7/);
    expect(e.message).toMatch(/expected ':'/);
    expect(e).toMatchObject({ line: 3, column: 7 });
  });

  it.each([
    ['', /end of input/],
    ['{', /expected a key/],
    ['[1,]', /expected a value/],
    ['{"a":1,}', /expected a key/],
    ['01', /leading zero/],
    ['1.', /digit after '.'/],
    ['1e', /digit in exponent/],
    ['-', /expected a digit/],
    ['"abc', /unterminated string/],
    ['"a\tb"', /control character/],
    ['"\\x"', /invalid escape/],
    ['"\\u12g4"', /\\u escape/],
    ['tru', /expected a value/],
    ['{} x', /after the JSON value/],
    ["{'a':1}", /double quotes/],
    ['NaN', /expected a value/],
    ['\uFEFF{}', /U\+FEFF/],
  ])('rejects %j', (text, re) => {
    expect(syntaxError(text).message).toMatch(re);
  });

  it('rejects duplicate keys (readers disagree on which one wins)', () => {
    const e = syntaxError('{"names": ["a"], "names": ["b"]}');
    expect(e.message).toMatch(/duplicate key "names"/);
    expect(e.message).toMatch(/column 18/);
  });

  it('rejects nesting deeper than 512 instead of overflowing the stack', () => {
    expect(syntaxError('['.repeat(100_000)).message).toMatch(/nesting deeper than 512/);
    expect(parseJsonExact('['.repeat(512) + ']'.repeat(512))).toBeInstanceOf(Array);
  });
});

describe('parseJsonExact: values', () => {
  it('keeps integers above 2^53 exact as bigint, up to 2^64-1 and beyond', () => {
    const v = parseJsonExact('[18446744073709551615, 9007199254740993, -9007199254740993, 36893488147419103232]');
    expect(v).toEqual([18446744073709551615n, 9007199254740993n, -9007199254740993n, 36893488147419103232n]);
  });

  it('gives numbers for safe integers, including long literals that fit', () => {
    const v = parseJsonExact('[0, -0, 4294967295, 9007199254740991, -9007199254740991]');
    expect(v).toEqual([0, -0, 4294967295, 9007199254740991, -9007199254740991]);
    expect(typeof (v as unknown[])[3]).toBe('number');
  });

  it('gives numbers for fractions and exponents', () => {
    expect(parseJsonExact('[1.5, -2e3, 1E+2, 0.1e-1, 12345678901234567890.5]')).toEqual([1.5, -2000, 100, 0.01, 12345678901234567890.5]);
  });

  it('decodes escapes and unicode', () => {
    expect(parseJsonExact('"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00 é"')).toBe('a"b\\c/d\b\f\n\r\té😀 é');
  });

  it('makes "__proto__" an own key, not the prototype', () => {
    const v = parseJsonExact('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('parses literals, nesting and whitespace like JSON.parse', () => {
    const text = ' \t\r\n{"a": [true, false, null, {"b": []}, {}], "c": "", "d": {"e": -1.25}}\n';
    expect(parseJsonExact(text)).toEqual(JSON.parse(text));
  });

  it('agrees with JSON.parse on the reference profiles', (ctx) => {
    ctx.skip(!hasShared, NO_SHARED);
    for (const f of ['moby-default.json', 'containers-common-seccomp.json', 'docker-20.10.24-default.json']) {
      const text = readFileSync(join(sharedDir, 'reference', f), 'utf8');
      expect(parseJsonExact(text)).toEqual(JSON.parse(text));
    }
  });
});

describe('loadProfileDocument', () => {
  const dir = scratchDir('seccomp-load-');

  it('rejects inputs that are neither string nor object with TypeError', () => {
    for (const bad of [null, 42, ['x'], undefined, '']) {
      // @ts-expect-error: the wrong type on purpose
      expect(() => loadProfileDocument(bad)).toThrow(TypeError);
    }
  });

  it('a missing file is ERR_SECCOMP_PROFILE_NOT_FOUND naming the path and the built-ins', () => {
    const path = join(dir, 'nope.json');
    try {
      loadProfileDocument(path);
      expect.unreachable();
    } catch (e) {
      expect((e as SeccompError).code).toBe('ERR_SECCOMP_PROFILE_NOT_FOUND');
      expect((e as Error).message).toContain(path);
      for (const name of BUILTIN_NAMES) expect((e as Error).message).toContain(name);
    }
    try {
      loadProfileDocument('docker-defualt');
      expect.unreachable();
    } catch (e) {
      expect((e as SeccompError).code).toBe('ERR_SECCOMP_PROFILE_NOT_FOUND');
      expect((e as Error).message).toContain('docker-default');
    }
  });

  it('a directory is an error with the errno name as code', () => {
    expect(() => loadProfileDocument(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
  });

  it('a file with bad JSON names the file and the position', () => {
    const path = join(dir, 'bad.json');
    writeFileSync(path, '{\n "defaultAction": "SCMP_ACT_ALLOW",\n}');
    try {
      loadProfileDocument(path);
      expect.unreachable();
    } catch (e) {
      expect((e as SeccompError).code).toBe('ERR_SECCOMP_PROFILE_INVALID');
      expect((e as Error).message).toContain(path);
      expect((e as Error).message).toMatch(/line 3, column 1/);
    }
  });

  it('reads a file exactly, with its path as the name', () => {
    const path = join(dir, 'p.json');
    writeFileSync(path, '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["x"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 18446744073709551615, "op": "SCMP_CMP_EQ"}]}]}');
    const r = loadProfileDocument(path);
    expect(r.name).toBe(path);
    expect(r.unconfined).toBe(false);
    expect(r.doc).toMatchObject({ syscalls: [{ args: [{ value: 18446744073709551615n }] }] });
  });

  it('JSON text (leading whitespace allowed) is parsed exactly and has no name', () => {
    const r = loadProfileDocument('  \n{"defaultAction": "SCMP_ACT_ALLOW", "x": 9007199254740993}');
    expect(r).toEqual({ doc: { defaultAction: 'SCMP_ACT_ALLOW', x: 9007199254740993n }, unconfined: false });
  });

  it('an object is read once into a plain copy: later changes to it do not reach the document', () => {
    const doc = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'] }] };
    const r = loadProfileDocument(doc);
    doc.syscalls[0].names.push('write');
    expect(r.doc).not.toBe(doc);
    expect(JSON.parse(JSON.stringify(r.doc))).toEqual({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'] }] });
    expect(Object.getPrototypeOf(r.doc)).toBe(null);
    expect(r.name).toBeUndefined();
  });

  it('"unconfined" means no filter', () => {
    expect(loadProfileDocument('unconfined')).toEqual({ doc: null, name: 'unconfined', unconfined: true });
  });

  it('a built-in name gives its profile object, even when a file of that name exists', () => {
    const cwd = process.cwd();
    writeFileSync(join(dir, 'docker-default'), 'not json');
    process.chdir(dir);
    try {
      expect(existsSync('docker-default')).toBe(true);
      const r = loadProfileDocument('docker-default');
      expect(r.name).toBe('docker-default');
      expect(r.unconfined).toBe(false);
      expect(r.doc).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: expect.any(Array) });
    } finally {
      process.chdir(cwd);
    }
  });
});
