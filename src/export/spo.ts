// The Security Profiles Operator's SeccompProfile resource (security-profiles-operator.x-k8s.io/
// v1beta1) for a flat profile, written by a small emitter for this one fixed shape: every scalar
// is a syscall or SCMP_* name, an integer, or a checked Kubernetes name, so nothing needs quoting
// but errnoRet (a string in the CRD).
import { ErrorCode, SeccompError, argRangeError } from '../errors.js';
import type { FlatProfile } from './flatten.js';

export interface SpoOptions {
  /** metadata.name (a DNS subdomain name); default: from the profile's name. */
  name?: string;
  /** metadata.namespace; default: none (the namespace kubectl applies it to). */
  namespace?: string;
}

/** The arches the CRD's enum takes. */
const SPO_ARCHES = new Set([
  'SCMP_ARCH_NATIVE', 'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS', 'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32', 'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC', 'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64',
]);

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function refuse(message: string): SeccompError {
  return new SeccompError(`cannot write a SeccompProfile: ${message}`, { code: ErrorCode.EXPORT });
}

/**
 * Where the operator puts the profile on the node, relative to the kubelet's seccomp root:
 * operator/NAMESPACE/NAME.json, NAMESPACE the one the resource lives in (`default` assumed).
 */
export function spoLocalhostProfile(name: string, namespace = 'default'): string {
  return `operator/${namespace}/${name}.json`;
}

/** A Pod or container securityContext that uses the operator's profile. */
export function spoPodSnippet(name: string, namespace?: string): string {
  return [
    'securityContext:',
    '  seccompProfile:',
    '    type: Localhost',
    `    localhostProfile: ${spoLocalhostProfile(name, namespace)}`,
    '',
  ].join('\n');
}

export function spoYaml(p: FlatProfile, options: { name: string; namespace?: string }): string {
  const { name, namespace } = options;
  if (typeof name !== 'string' || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    throw argRangeError(`name must be a Kubernetes object name (lowercase letters, digits, '-' and '.'); got ${JSON.stringify(name)}`);
  }
  if (namespace !== undefined && (typeof namespace !== 'string' || namespace.length > 63 || !DNS_LABEL.test(namespace))) {
    throw argRangeError(`namespace must be a Kubernetes namespace name; got ${JSON.stringify(namespace)}`);
  }
  // The CRD has no defaultErrnoRet: runc then answers EPERM, so only EPERM can be kept.
  if (p.defaultErrnoRet !== undefined && !(p.defaultAction === 'SCMP_ACT_ERRNO' && p.defaultErrnoRet === 1)) {
    throw refuse(`the default action ${p.defaultAction} with errno/data ${p.defaultErrnoRet} has no field in the CRD (only EPERM can be the default errno)`);
  }
  for (const a of p.architectures ?? []) if (!SPO_ARCHES.has(a)) throw refuse(`the CRD does not take the arch ${a}`);
  const out: string[] = [
    'apiVersion: security-profiles-operator.x-k8s.io/v1beta1',
    'kind: SeccompProfile',
    'metadata:',
    `  name: ${name}`,
    ...(namespace ? [`  namespace: ${namespace}`] : []),
    'spec:',
    `  defaultAction: ${p.defaultAction}`,
  ];
  const list = (key: string, items: readonly string[], pad: string): void => {
    if (items.length === 0) return;
    out.push(`${pad}${key}:`);
    for (const i of items) out.push(`${pad}- ${i}`);
  };
  list('architectures', p.architectures ?? [], '  ');
  list('flags', p.flags ?? [], '  ');
  if (p.listenerPath !== undefined) out.push(`  listenerPath: ${JSON.stringify(p.listenerPath)}`);
  if (p.listenerMetadata !== undefined) out.push(`  listenerMetadata: ${JSON.stringify(p.listenerMetadata)}`);
  if (p.syscalls.length) out.push('  syscalls:');
  for (const r of p.syscalls) {
    out.push(`  - action: ${r.action}`);
    if (r.errnoRet !== undefined) out.push(`    errnoRet: "${r.errnoRet}"`);
    list('names', r.names, '    ');
    if (r.args?.length) {
      out.push('    args:');
      for (const a of r.args) {
        out.push(`    - index: ${a.index}`, `      value: ${a.value}`);
        if (a.valueTwo !== undefined) out.push(`      valueTwo: ${a.valueTwo}`);
        out.push(`      op: ${a.op}`);
      }
    }
  }
  const snippet = spoPodSnippet(name, namespace).trimEnd().split('\n').map((l) => `#   ${l}`);
  out.push(
    '# Use it from a Pod or container once the operator reports it Installed',
    '# (kubectl get seccompprofile NAME -o jsonpath={.status.localhostProfile} gives the path):',
    ...snippet,
  );
  return `${out.join('\n')}\n`;
}
