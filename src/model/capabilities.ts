// Capability names: the kernel's list, the spellings callers may use, masks. Pure data and checks.
import { ErrorCode, SeccompError } from '../errors.js';

/** Every capability, indexed by its number (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40). */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG',
  'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

const CAP_SET = new Set(CAPABILITIES);

/** `CAP_*` names for the bits of a capability mask (bits without a known name are left out). */
export function capabilitiesFromMask(mask: bigint): string[] {
  const out: string[] = [];
  CAPABILITIES.forEach((name, bit) => {
    if ((mask >> BigInt(bit)) & 1n) out.push(name);
  });
  return out;
}

/** The canonical `CAP_*` name for a caller-given one (any case, prefix optional), or undefined. */
export function normalizeCapability(name: string): string | undefined {
  const upper = name.trim().toUpperCase();
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  return CAP_SET.has(full) ? full : undefined;
}

/** Whether `name` is a capability exactly as Docker profiles spell it (`CAP_SYS_ADMIN`). */
export function isCapabilityName(name: string): boolean {
  return CAP_SET.has(name);
}

/**
 * Canonical `CAP_*` names (prefix optional, any case, e.g. `sys_nice`), in kernel order without
 * duplicates. Not an array or not strings: TypeError; an unknown name: ERR_SECCOMP_UNKNOWN_CAPABILITY.
 */
export function normalizeCapabilities(caps: unknown, what = 'capabilities'): string[] {
  if (!Array.isArray(caps)) {
    throw new TypeError(`${what} must be an array of CAP_* names, got ${caps === null ? 'null' : typeof caps}`);
  }
  const out = new Set<string>();
  caps.forEach((c, i) => {
    if (typeof c !== 'string') throw new TypeError(`${what}[${i}] must be a string, got ${typeof c}`);
    const n = normalizeCapability(c);
    if (!n) {
      throw new SeccompError(`${what}[${i}]: unknown capability ${JSON.stringify(c)} (e.g. CAP_SYS_ADMIN or SYS_ADMIN)`, {
        code: ErrorCode.UNKNOWN_CAPABILITY,
        capability: c,
      });
    }
    out.add(n);
  });
  return [...out].sort((a, b) => CAPABILITIES.indexOf(a) - CAPABILITIES.indexOf(b));
}

