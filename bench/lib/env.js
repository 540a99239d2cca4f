// The header: what machine and versions the figures come from.
import { readFileSync } from 'node:fs';
import os from 'node:os';

function cpuModel() {
  return os.cpus()[0]?.model?.trim() ?? 'unknown';
}

/** `library` is the loaded dist/library.js (undefined when it cannot load). */
export function environment(library) {
  let libseccomp = 'unknown';
  try {
    const v = library.version();
    libseccomp = `${v.major}.${v.minor}.${v.micro}`;
  } catch (e) {
    libseccomp = `unavailable (${e.message})`;
  }
  const cpus = os.availableParallelism?.() ?? os.cpus().length;
  let spec = 'unknown';
  try {
    spec = readFileSync('/sys/devices/system/cpu/vulnerabilities/spec_store_bypass', 'utf8').trim();
  } catch {
    /* not exposed */
  }
  return {
    kernel: `${os.type()} ${os.release()}`,
    arch: process.arch,
    cpus,
    cpuModel: cpuModel(),
    node: process.version,
    libseccomp,
    specStoreBypass: spec,
    loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))),
    date: new Date().toISOString(),
  };
}
