// The fuzz engine: seeded damage to profiles (as objects and as JSON text) fed to compile() and
// decide(), and random calls into the low-level API that never load a filter into this process.
// Every outcome must be a result, a SeccompError with a code, or a TypeError/RangeError with a
// code. Used by `npm run fuzz` (fuzz/run.mjs, many cases) and by the test suite (a short run).

/** xorshift32, as test/helpers/random.ts: the same seed gives the same cases everywhere. */
export function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>>= 0);
  };
}

const INHERITED = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__'];
const NUL_STRINGS = ['mkdir\u0000x', 'SCMP_ACT_ALLOW\u0000', 'SCMP_ARCH_X86_64\u0000', 'amd64\u0000', '\u0000', 'CAP_SYS_ADMIN\u0000', 'EPERM\u0000'];
const NUMBERS = [0, -1, 1.5, 2 ** 32, 2 ** 53, 2 ** 53 + 2, 2 ** 64, 1e308, -0, NaN, Infinity, -Infinity, 4095, 4096, 65535, 65536, 6, 2 ** 31];
const BIGINTS = [0n, -1n, 2n ** 64n - 1n, 2n ** 64n, 2n ** 200n, 5n];
const NAMES = ['mkdir', 'read', 'ioctl', 'socket', 'personality', 'clone3', 'mseal', 'socketcall', 'nosuch', ''];
const WORDS = [
  'SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL', 'SCMP_ACT_TRACE', 'SCMP_ACT_NOTIFY', 'SCMP_ACT_LOG', 'SCMP_ACT_TRAP',
  'SCMP_CMP_EQ', 'SCMP_CMP_MASKED_EQ', 'SCMP_CMP_GT', 'SCMP_ARCH_X86', 'SCMP_ARCH_AARCH64', 'amd64', 'arm64', 'x32',
  'CAP_SYS_ADMIN', 'EPERM', 'ENOSYS', '4.8', '0.0', '255.255', 'SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_TSYNC',
];
const KEYS = ['names', 'name', 'args', 'index', 'value', 'valueTwo', 'op', 'action', 'includes', 'excludes', 'caps', 'arches',
  'minKernel', 'errnoRet', 'errno', 'archMap', 'architectures', 'flags', 'defaultAction', 'defaultErrnoRet', 'listenerPath',
  'syscalls', 'linux', 'seccomp', 'ociVersion', 'DefaultAction', 'NAMES'];

/** Small hand-made profiles next to docker-default. */
const SMALL = [
  { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_ERRNO', errnoRet: 13 }] },
  {
    defaultAction: 'SCMP_ACT_ERRNO',
    architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'],
    flags: ['SECCOMP_FILTER_FLAG_LOG'],
    syscalls: [
      { names: ['read', 'write', 'exit_group'], action: 'SCMP_ACT_ALLOW' },
      { names: ['ioctl'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 21505, op: 'SCMP_CMP_EQ' }] },
      { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 4294967295, op: 'SCMP_CMP_MASKED_EQ', valueTwo: 8 }] },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'], minKernel: '4.8' }, excludes: { arches: ['arm64'] } },
    ],
  },
  { linux: { seccomp: { defaultAction: 'SCMP_ACT_KILL_PROCESS', syscalls: [{ name: 'getpid', action: 'SCMP_ACT_ALLOW' }] } } },
  { defaultAction: 'SCMP_ACT_TRACE', defaultErrno: 'EPERM', archMap: [{ architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] }] },
];

function deep(depth, kind) {
  let v = kind === 'object' ? {} : [];
  for (let i = 1; i < depth; i++) v = kind === 'object' ? { a: v } : [v];
  return v;
}

/** Plain-data copy (structuredClone keeps bigints). */
const clone = (v) => structuredClone(v);

class Fuzzer {
  constructor(api, seed) {
    this.api = api;
    this.next = rng(seed);
  }

  float() {
    return this.next() / 2 ** 32;
  }

  int(n) {
    return Math.floor(this.float() * n);
  }

  pick(a) {
    return a[this.int(a.length)];
  }

  /** A hostile or odd value, with a short label for the reproducer. */
  junk() {
    switch (this.int(16)) {
      case 0: return this.pick(INHERITED);
      case 1: return this.pick(NUL_STRINGS);
      case 2: return this.pick(NUMBERS);
      case 3: return this.pick(BIGINTS);
      case 4: return deep(400 + this.int(300), this.int(2) ? 'object' : 'array');
      case 5: {
        const o = Object.create(null);
        if (this.int(2)) o[this.pick(KEYS)] = this.pick(WORDS);
        return o;
      }
      case 6: {
        // A getter that answers differently on each read.
        let n = 0;
        const a = this.pick(WORDS);
        const b = this.junkPrimitive();
        return { get value() { return n++ % 2 ? a : b; }, names: ['mkdir'] };
      }
      case 7: return { get action() { throw new Error('getter throws'); } };
      case 8: return new Proxy({}, { ownKeys() { throw new Error('ownKeys throws'); } });
      case 9: {
        const r = Proxy.revocable([], {});
        r.revoke();
        return r.proxy;
      }
      case 10: return Symbol('junk');
      case 11: return () => 'fn';
      case 12: return this.pick([new Date(0), new Map([[1, 2]]), Buffer.from('abc'), new Uint8Array(3), /re/, new String('SCMP_ACT_ALLOW')]);
      case 13: {
        const a = [];
        a.length = this.pick([10, 100_000, 2 ** 32 - 1]);
        return a;
      }
      case 14: return this.pick([null, undefined, true, false, [], {}, [null], ['mkdir', 1]]);
      default: return this.pick(WORDS);
    }
  }

  junkPrimitive() {
    return this.pick([...INHERITED, ...NUL_STRINGS, ...NUMBERS, ...WORDS, null, true]);
  }

  /** Damages a plain-data profile in place (a few random spots), as an object. */
  damage(doc) {
    const spots = 1 + this.int(4);
    const plain = (v) => v !== null && typeof v === 'object' && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === Array.prototype);
    for (let s = 0; s < spots; s++) {
      try {
        this.spot(doc, plain);
      } catch {
        // The fuzzer's own edit failed on junk it put in earlier (a getter, a Proxy): skip it.
      }
    }
    if (this.int(20) === 0) {
      doc.cycle = { back: doc };
    }
    return doc;
  }

  spot(doc, plain) {
    {
      // Walk down a random path through plain data only (junk put in earlier is a leaf).
      let node = doc;
      for (let d = 0; d < 6; d++) {
        // (A sparse array the fuzzer made may be 2^32-1 long: never list its indexes.)
        if (Array.isArray(node) && node.length > 10_000) break;
        const keys = Array.isArray(node) ? Array.from({ length: node.length }, (_, i) => i) : Object.keys(node);
        if (keys.length === 0) break;
        const k = this.pick(keys);
        const desc = Object.getOwnPropertyDescriptor(node, k);
        const child = desc && 'value' in desc ? desc.value : undefined;
        if (!plain(child) || this.int(3) === 0) {
          this.hit(node, k);
          break;
        }
        node = child;
      }
    }
  }

  hit(node, k) {
    switch (this.int(5)) {
      case 0:
        if (Array.isArray(node)) node.splice(k, 1);
        else delete node[k];
        break;
      case 1:
        node[k] = this.junk();
        break;
      case 2:
        if (!Array.isArray(node)) node[this.pick([...KEYS, ...INHERITED])] = this.junk();
        else node.push(this.junk());
        break;
      case 3:
        node[k] = this.pick(WORDS);
        break;
      default:
        node[k] = this.junkPrimitive();
    }
  }

  /** Damages JSON text: byte flips, truncation, nesting, escapes, duplicate keys, numbers. */
  damageText(text) {
    let t = text;
    const at = () => this.int(t.length + 1);
    switch (this.int(7)) {
      case 0: {
        const chars = t.split('');
        for (let i = 0; i < 1 + this.int(4); i++) chars[this.int(chars.length)] = this.pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'u', '0', '-', 'e', ' ', '\u0000', '\u00e9', '\ud800']);
        return chars.join('');
      }
      case 1: return t.slice(0, this.int(t.length));
      case 2: {
        const d = 500 + this.int(30);
        const i = t.indexOf('"defaultAction"');
        const deepText = `"junk":${'['.repeat(d)}${']'.repeat(d)},`;
        return i < 0 ? t : t.slice(0, i) + deepText + t.slice(i);
      }
      case 3: return t.replace(/"(mkdir|read|SCMP_ACT_ALLOW|SCMP_ACT_ERRNO|amd64)"/, `"${this.pick(['$1\\u0000x', 'toString', 'constructor', '__proto__'])}"`);
      case 4: return t.replace('{', `{"${this.pick(['defaultAction', '__proto__', 'syscalls'])}":${this.pick(['"toString"', '1', 'null', '{}'])},`);
      case 5: return t.replace(/\b(\d+)\b/, this.pick(['18446744073709551616', '1e400', '-0', '0.5', '99999999999999999999999999']));
      default: {
        const i = at();
        return t.slice(0, i) + this.pick(['"', '\\u00', '{"a":', '[', '\u0000', '}}}}']) + t.slice(i);
      }
    }
  }

  options() {
    const o = { cache: this.int(4) !== 0, capabilities: this.pick([[], ['CAP_SYS_ADMIN'], ['CAP_SYS_PTRACE', 'CAP_SYS_ADMIN']]) };
    // Mostly valid options, so that the profile is what gets tested; sometimes hostile ones.
    if (this.int(4) !== 0) return o;
    if (this.int(3) === 0) o.capabilities = this.pick([[], ['CAP_SYS_ADMIN'], ['toString'], ['cap_sys_admin'], [1], 'CAP_X']);
    if (this.int(4) === 0) o.arch = this.pick(['amd64', 'arm64', 'x86', 'x32', 'constructor', 'toString', 'amd64\u0000', 1]);
    if (this.int(5) === 0) o.kernel = this.pick(['6.1', '4.8', 'x', { major: 4, minor: 8 }, { major: -1, minor: 0 }, '5.10\u0000']);
    if (this.int(6) === 0) o.strict = this.pick([true, false, 'yes']);
    if (this.int(8) === 0) o.newSyscalls = this.pick([true, false]);
    if (this.int(8) === 0) o.specialize = this.pick([true, false]);
    if (this.int(8) === 0) o.optimize = this.pick([1, 2, 3, '2']);
    if (this.int(30) === 0) Object.defineProperty(o, 'enosys', { enumerable: true, get() { throw new Error('option getter throws'); } });
    return o;
  }

  query() {
    const q = { syscall: this.pick([...NAMES, 'toString', 'mkdir\u0000x', 0, -1, 2 ** 32, 1.5, 83, 16]) };
    if (this.int(2)) q.args = this.pick([[], [0, 1], [2n ** 64n - 1n], [-1], [1.5], new Array(7).fill(0), 'x', [Object.create(null)]]);
    if (this.int(4) === 0) q.arch = this.pick(['x86_64', 'x32', 'amd64', 'aarch64', 'constructor', 'x86\u0000']);
    return q;
  }

  /** One random call into the low-level API (no filter is ever loaded here). */
  lowLevel() {
    const { api } = this;
    const arg = () => this.pick([...NAMES, ...INHERITED, ...NUL_STRINGS, ...NUMBERS, ...BIGINTS, null, undefined, {}, [], Symbol('s')]);
    switch (this.int(11)) {
      case 0: return api.resolveSyscall(arg(), this.int(2) ? undefined : this.pick(['x86_64', 'x32', 'toString', 'aarch64', 'x86\u0000', 3]));
      case 1: return api.syscallName(arg(), this.int(2) ? undefined : this.pick(['x86_64', 'constructor', 'arm']));
      case 2: return api.Action.ERRNO(arg());
      case 3: return api.decodeAction(arg());
      case 4: return api.parseJsonExact(this.int(2) ? arg() : this.damageText('{"a":[1,2,{"b":"c"}],"d":18446744073709551615}'));
      case 5: return api.notificationIdValid(this.pick([-1, 0.5, 2 ** 31, 'x', 99999]), arg());
      case 6: return api.newerSyscallNumber(arg(), this.pick(['x86_64', 'toString', 'aarch64', 'constructor', 1]));
      case 7: return api.builtinProfile(arg());
      case 8: return api.resolveContext(this.options());
      case 9: return api.decide(this.pick([{ unconfined: false, bpf: Buffer.from([1, 2, 3]) }, { unconfined: false, bpf: Buffer.alloc(8) }, null, {}, { unconfined: 'no' }]), this.query());
      default: return this.filterCalls();
    }
  }

  filterCalls() {
    const { api } = this;
    const f = new api.Filter(this.pick([api.Action.ALLOW, api.Action.ERRNO(1), api.Action.KILL_PROCESS, api.Action.LOG]));
    try {
      for (let i = 0; i < 1 + this.int(6); i++) {
        const cond = () => ({ arg: this.pick([0, 5, 6, -1, '1']), op: this.pick(['EQ', 'MASKED_EQ', 'toString', 'GT', 'constructor']), value: this.pick([...NUMBERS, ...BIGINTS]), valueTwo: this.pick([undefined, 0, 2n ** 64n]) });
        const conds = this.int(3) === 0 ? undefined : Array.from({ length: this.int(8) }, cond);
        const act = this.pick([api.Action.ALLOW, api.Action.ERRNO(1), api.Action.TRAP, 0x12345678, -1, 'x', api.Action.NOTIFY]);
        const sys = this.pick([...NAMES, ...INHERITED, 'mkdir\u0000x', 0, 1, -1, 2 ** 31, 1.5]);
        switch (this.int(9)) {
          case 0: f.addRule(act, sys, conds); break;
          case 1: f.addRuleExact(act, sys, conds); break;
          case 2: f.addArch(this.pick(['x86', 'x32', 'aarch64', 'toString', 'native', 'x86\u0000', 5])); break;
          case 3: f.removeArch(this.pick(['x86', 'x86_64', 'constructor'])); break;
          case 4: f.setAttribute(this.pick(['log', 'optimize', 'badArchAction', 'toString', 'constructor', 'tsync', 'waitKill']), this.pick([0, 1, 2, true, -1, 2 ** 40, 'x'])); break;
          case 5: f.getAttribute(this.pick(['optimize', 'defaultAction', '__proto__', 'hasOwnProperty'])); break;
          case 6: f.setSyscallPriority(sys, this.pick([0, 255, 256, -1, 'x'])); break;
          case 7: f.exportBpf(); break;
          default: f.exportPfc();
        }
      }
      if (this.int(5) === 0) {
        f.release();
        f.exportBpf(); // after release: ERR_SECCOMP_RELEASED
      }
    } finally {
      f.release();
    }
  }
}

/** Whether a thrown value is allowed: SeccompError, or TypeError/RangeError, each with a string code. */
function allowed(api, e) {
  if (!(e instanceof Error)) return false;
  const coded = typeof e.code === 'string' && e.code !== '';
  if (e instanceof api.SeccompError) return coded;
  return (e instanceof TypeError || e instanceof RangeError) && coded;
}

function describeInput(v) {
  try {
    if (typeof v === 'string') return JSON.stringify(v.length > 400 ? `${v.slice(0, 400)}...` : v);
    const s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : typeof x === 'symbol' ? String(x) : x));
    return s === undefined ? String(v) : s.length > 400 ? `${s.slice(0, 400)}...` : s;
  } catch (err) {
    return `(not printable: ${err.message})`;
  }
}

/**
 * Runs `cases` cases from `seed` against `api` (the package's exports). Returns counts by
 * outcome and the violations, each with the seed and case number that reproduce it (run
 * again with the same seed and `only`).
 */
export function fuzz(api, { seed, cases, only, slowMs = 10_000, onProgress } = {}) {
  const dockerDefault = api.builtinProfile('docker-default');
  const texts = [dockerDefault, ...SMALL].map((p) => JSON.stringify(p));
  const counts = {};
  const violations = [];
  const count = (k) => (counts[k] = (counts[k] ?? 0) + 1);
  for (let i = 0; i < cases; i++) {
    // Each case has its own generator: case i of seed s is the same whatever ran before it.
    const f = new Fuzzer(api, (seed * 0x9e3779b1 + i * 0x85ebca6b) >>> 0);
    if (only !== undefined && i !== only) continue;
    if (process.env.FUZZ_TRACE) process.stderr.write(`case ${i}\n`);
    const kind = f.pick(['object', 'object', 'text', 'api']);
    let input;
    let options;
    const t0 = performance.now();
    try {
      if (kind === 'api') {
        input = 'low-level call';
        f.lowLevel();
        count('api ok');
      } else {
        const base = f.int(3) === 0 ? dockerDefault : f.pick(SMALL);
        input = kind === 'text' ? f.damageText(f.pick(texts)) : f.damage(clone(base));
        options = f.options();
        const c = api.compile(input, options);
        count(`${kind} compiled`);
        for (let q = 0; q < 3; q++) {
          try {
            api.decide(c, f.query());
          } catch (e) {
            if (!allowed(api, e)) throw e;
          }
        }
      }
    } catch (e) {
      if (allowed(api, e)) count(`${kind} ${e.code}`);
      else {
        count(`${kind} VIOLATION`);
        violations.push({ seed, case: i, kind, input: describeInput(input), options: describeInput(options), error: e instanceof Error ? `${e.name}: ${e.message}` : String(e), stack: e?.stack });
      }
    }
    const ms = performance.now() - t0;
    if (ms > slowMs) {
      count(`${kind} SLOW`);
      violations.push({ seed, case: i, kind, input: describeInput(input), options: describeInput(options), error: `took ${ms.toFixed(0)} ms` });
    }
    if (onProgress && i % 1000 === 999) onProgress(i + 1, counts);
  }
  return { counts, violations };
}
