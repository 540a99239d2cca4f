// explain: why a compiled profile answers a syscall as it does, and what would change it.
export { explain, fixFor, type Explanation, type ExplainOptions, type ExplainQuery } from './explain.js';
export type { AllowIf, AllowIfKind } from './allow-if.js';
export type { DecidedBy } from './attribute.js';
export type { KernelCheck } from './kernel-checks.js';
