// compile(): profile -> BPF, the way moby + runc build it. This file is the orchestration: check
// the options, evaluate the context, look in the caches (compile-cache.ts, disk-cache.ts), load the
// document and resolve it (load.ts, resolve.ts), and run the pipeline (pipeline.ts: rules sorted
// by who numbers them, libseccomp's program, runc's ENOSYS stub and compile's own blocks in front)
// with libseccomp's numbers (libseccomp-resolver.ts).
import { nativeArch } from '../arch.js';
import { version } from '../library.js';
import { buildOptions, contextKey, loadedText, hashOfText, type BuildOptions } from './cache-key.js';
import { relocateError, relocateWarnings } from './compose.js';
import { docKey, isTextSpec, textKey } from './cached.js';
import { byHash as cache, byText as fastCache, deepFreeze, lruGet, lruSet } from './compile-cache.js';
import { checkCompileOptions as checkOptions, deprecateStrict } from './compile-options.js';
import { resolveContext } from './context.js';
import { diskCacheEnabled, readEntry, writeEntry } from './disk-cache.js';
import { isSyscallAnywhere, libseccompResolver } from './libseccomp-resolver.js';
import { loadProfileDocument } from './load.js';
import { buildProgram, type Environment } from './pipeline.js';
import { isCompiledProfile, markProduced } from './produced.js';
import { resolveProfile } from './resolve.js';
import type { CompiledProfile, CompileOptions, ProfileInput } from './types.js';

export { clearCompileCache } from './compile-cache.js';
export { deprecateStrict } from './compile-options.js';
export { filterAttributes } from './libseccomp-program.js';
export { isSyscallAnywhere, syscallNumberOn } from './libseccomp-resolver.js';
export { libseccompArchName } from '../model/arch.js';
export { isCompiledProfile };

function fmtVersion(): string {
  const v = version();
  return `${v.major}.${v.minor}.${v.micro}`;
}

/** The pipeline's environment on this machine: libseccomp's numbers, the host arch. */
function environment(): Environment {
  return { resolver: libseccompResolver, host: nativeArch(), library: `libseccomp ${fmtVersion()}`, isSyscall: isSyscallAnywhere };
}

/**
 * Compiles a Docker/OCI seccomp profile (object, JSON text, file path or built-in name) into
 * the BPF program moby + runc would install, with runc's ENOSYS stub in front and, for the
 * newest syscalls the installed libseccomp cannot name, compile's own block (`newSyscalls`,
 * on by default; `newSyscalls: false` builds exactly what runc builds), the whole then rewritten
 * by specialize() into an equivalent, shorter program (`specialize: false` keeps it). Arguments
 * the kernel reads as `int` are compared on 32 bits (`narrowArgs`), and socketcall/ipc sub-calls
 * get their direct syscall's strictest answer where it depends on arguments (`multiplexers`);
 * both default on, both deliberate differences from Docker (README). A compiled
 * profile is returned as it is. Repeat compiles of the same document in the same context are
 * served from an in-process cache (frozen results), and across processes from a per-user disk
 * cache (disk-cache.ts), unless `cache: 'memory'` (in-process only), `cache: false` or
 * SECCOMP_CACHE=0.
 */
export function compile(profile: ProfileInput | CompiledProfile, options?: CompileOptions): CompiledProfile {
  const opts = checkOptions(options);
  if (isCompiledProfile(profile)) return profile;
  const context = resolveContext(opts);
  if (opts.strict === true) deprecateStrict();
  const o: BuildOptions = buildOptions(opts);
  const useCache = opts.cache !== false;
  // Across processes too (disk-cache.ts), unless cache: 'memory' or false, or SECCOMP_CACHE=0.
  const useDisk = diskCacheEnabled(opts.cache);
  // Built-in names and JSON text fully determine the document: a repeat is found without
  // loading and hashing it again.
  const text = isTextSpec(profile);
  const fast = text ? `${contextKey(context, o)}\0${profile}` : undefined;
  if (useCache && fast !== undefined) {
    const hit = lruGet(fastCache, fast);
    if (hit) return hit;
  }
  let disk = useDisk && text ? textKey(profile, context, o) : undefined;
  const fromDisk = disk && readEntry(disk.key, disk.expected, true);
  if (fromDisk) {
    if (useCache) lruSet(fastCache, fast as string, fromDisk);
    return fromDisk;
  }
  const loaded = loadProfileDocument(profile as ProfileInput);
  const docText = loadedText(loaded);
  const hash = hashOfText(docText, context, o);
  const key = `${hash}\0${loaded.name ?? ''}`;
  if (useCache) {
    const hit = lruGet(cache, key);
    if (hit) {
      if (fast !== undefined) lruSet(fastCache, fast, hit);
      return hit;
    }
  }
  if (useDisk && !text) {
    disk = docKey(docText, loaded.name, context, o);
    const hit = readEntry(disk.key, disk.expected, true);
    if (hit) {
      if (useCache) lruSet(cache, key, hit);
      return hit;
    }
  }

  let result: CompiledProfile;
  if (loaded.unconfined) {
    result = {
      ...(loaded.name !== undefined ? { name: loaded.name } : {}),
      unconfined: true,
      bpf: Buffer.alloc(0),
      arches: [],
      flags: [],
      filterFlags: 0,
      defaultAction: 'ALLOW',
      rules: [],
      unknownSyscalls: [],
      tableSyscalls: [],
      warnings: [],
      lastSyscalls: [],
      hash,
      context,
    };
  } else {
    let rp: ReturnType<typeof resolveProfile>, b: ReturnType<typeof buildProgram>;
    try {
      rp = resolveProfile(loaded.doc, context, { unknownSyscalls: o.unknownSyscalls, isSyscall: isSyscallAnywhere });
      b = buildProgram(rp, context, loaded.doc, o, environment());
    } catch (err) {
      throw relocateError(err, loaded.composition); // paths as written, not in the composed document
    }
    result = {
      ...(loaded.name !== undefined ? { name: loaded.name } : {}),
      unconfined: false,
      bpf: b.bpf,
      arches: b.arches,
      flags: b.flags,
      filterFlags: b.filterFlags,
      defaultAction: rp.defaultAction,
      ...(rp.defaultData !== undefined ? { defaultData: rp.defaultData } : {}),
      rules: b.rules,
      unknownSyscalls: b.unknownSyscalls,
      tableSyscalls: b.tableSyscalls,
      warnings: [...(loaded.warnings ?? []), ...relocateWarnings(b.warnings, loaded.composition)],
      lastSyscalls: b.lastSyscalls,
      hash,
      context,
      ...(loaded.composition ? { composition: loaded.composition } : {}),
      ...(rp.listenerPath !== undefined ? { listenerPath: rp.listenerPath } : {}),
      ...(rp.listenerMetadata !== undefined ? { listenerMetadata: rp.listenerMetadata } : {}),
    };
  }
  markProduced(result);
  if (disk) writeEntry(disk.key, result);
  if (useCache) {
    deepFreeze(result);
    lruSet(cache, key, result);
    if (fast !== undefined) lruSet(fastCache, fast, result);
  }
  return result;
}
