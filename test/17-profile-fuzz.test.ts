// Fail closed on any input: random damage to docker-default, as an object and as JSON text,
// must compile or throw a SeccompError with a stable code — never another kind of error.
import { describe, expect, it } from 'vitest';
import { SeccompError } from '../dist/errors.js';
import { compile } from '../dist/profile/compile.js';
import { builtinProfile } from '../dist/profiles/index.js';
import { fuzz } from '../fuzz/engine.mjs';
import { rng } from './helpers/random.js';

/** Uniform in [0, 1), from the shared seeded generator. */
function uniform(seed: number): () => number {
  const next = rng(seed);
  return () => next() / 2 ** 32;
}

const WEIRD: unknown[] = [
  null, undefined, 0, -1, 1.5, 2 ** 64, '', 'x', [], {}, true, [null], { a: 1 }, 'SCMP_ACT_ALLOW',
  4096, 2 ** 53, -0, Number.NaN, '18446744073709551616', 99999999999999999999n,
];
const KEYS = ['names', 'args', 'index', 'op', 'action', 'includes', 'excludes', 'caps', 'minKernel', 'errnoRet', 'archMap'];

function damage(v: unknown, rnd: () => number): unknown {
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  if (Array.isArray(v)) {
    const c = v.map((x) => (rnd() < 0.05 ? damage(x, rnd) : x));
    if (rnd() < 0.1) c.push(pick(WEIRD));
    if (rnd() < 0.1 && c.length) c.splice(Math.floor(rnd() * c.length), 1);
    return c;
  }
  if (v !== null && typeof v === 'object') {
    const c: Record<string, unknown> = { ...(v as Record<string, unknown>) };
    for (const k of Object.keys(c)) {
      const r = rnd();
      if (r < 0.03) c[k] = pick(WEIRD);
      else if (r < 0.05) delete c[k];
      else if (r < 0.3) c[k] = damage(c[k], rnd);
    }
    if (rnd() < 0.02) c[pick(KEYS)] = pick(WEIRD);
    return c;
  }
  return rnd() < 0.1 ? pick(WEIRD) : v;
}

/** What compile() did: 'ok', or the error's code; anything but a SeccompError is returned as is. */
function outcome(profile: unknown): string | Error {
  try {
    compile(profile as Record<string, unknown>, { cache: false, capabilities: [] });
    return 'ok';
  } catch (e) {
    if (e instanceof SeccompError && typeof e.code === 'string' && e.code !== '') return e.code;
    return e as Error;
  }
}

describe('compile: damaged profiles fail closed', () => {
  it('objects: every outcome is a compile or a SeccompError with a code', () => {
    const rnd = uniform(12345);
    const base = builtinProfile('docker-default');
    const codes = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      const r = outcome(damage(base, rnd));
      expect(r, String(r)).toBeTypeOf('string');
      codes.set(r as string, (codes.get(r as string) ?? 0) + 1);
    }
    // The damage is real: most runs are refused as invalid profiles, and some still compile.
    expect(codes.get('ERR_SECCOMP_PROFILE_INVALID') ?? 0).toBeGreaterThan(40);
    expect(codes.get('ok') ?? 0).toBeGreaterThan(4);
  });

  it('JSON text: every outcome is a compile or a SeccompError with a code', () => {
    const rnd = uniform(777);
    const text = JSON.stringify(builtinProfile('docker-default'));
    const chars = ['{', '}', '[', ']', ',', ':', '"', '1', '-', 'e', '9', ' ', '\\', 'u'];
    let refused = 0;
    for (let i = 0; i < 300; i++) {
      const t = text.split('');
      for (let j = 0; j < 3; j++) t[Math.floor(rnd() * t.length)] = chars[Math.floor(rnd() * chars.length)];
      const r = outcome(t.join(''));
      expect(r, String(r)).toBeTypeOf('string');
      if (r !== 'ok') refused++;
    }
    expect(refused).toBeGreaterThan(150);
  });
});

describe('fuzz engine (npm run fuzz), a short seeded run', () => {
  it('2000 cases: hostile objects, damaged text and low-level calls end in a result or a coded error', async () => {
    const api = await import('../dist/index.js');
    const { counts, violations } = fuzz(api, { seed: 20240901, cases: 2000, slowMs: 20_000 });
    const report = violations.slice(0, 3).map((v) => `case ${v.case} (${v.kind}): ${v.error}\n  input: ${v.input}\n  ${v.stack ?? ''}`);
    expect(violations.length, report.join('\n')).toBe(0);
    // The cases reach every path: some compile, most are refused with a code, the API is exercised.
    const total = (prefix: string) => Object.entries(counts).filter(([k]) => k.startsWith(prefix)).reduce((n, [, v]) => n + v, 0);
    expect(counts['object compiled'] ?? 0).toBeGreaterThan(20);
    expect(counts['text compiled'] ?? 0).toBeGreaterThan(20);
    expect(counts['object ERR_SECCOMP_PROFILE_INVALID'] ?? 0).toBeGreaterThan(200);
    expect(total('api ')).toBeGreaterThan(200);
  });
});
