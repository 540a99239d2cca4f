// From compile()'s resolved profile to the C baseline's rules file.
import { writeFileSync } from 'node:fs';

// libseccomp attribute numbers (enum scmp_filter_attr).
export const ATTR = { nnp: 3, optimize: 8 };

/** The SECCOMP_RET_* number of a resolved action. */
export function actionValue(Action, name, data) {
  if (name === 'ERRNO') return Action.ERRNO(data ?? 1);
  if (name === 'TRACE') return Action.TRACE(data ?? 0);
  const v = Action[name];
  if (typeof v !== 'number') throw new Error(`unknown action ${name}`);
  return v;
}

/**
 * Writes the rules file compile_baseline reads. `attrs` are [attr, value] pairs.
 */
export function writeRulesFile(path, compiled, { Action, flattenConditions }, attrs) {
  const lines = ['# written by bench/items/compile.js from compile() resolved rules'];
  lines.push(`default ${actionValue(Action, compiled.defaultAction, compiled.defaultData)}`);
  for (const [a, v] of attrs) lines.push(`attr ${a} ${v}`);
  for (const arch of compiled.arches) lines.push(`arch ${arch}`);
  for (const r of compiled.rules) {
    // Rules numbered from our own table (syscalls newer than libseccomp) are not libseccomp's
    // work: compile() puts them in its own BPF block, which the baseline cannot build.
    if (r.numbers) continue;
    const flat = flattenConditions(r.conditions);
    const conds = flat.map((x) => x.toString()).join(' ');
    lines.push(`rule ${actionValue(Action, r.action, r.data)} ${r.syscall} ${flat.length / 4}${conds ? ' ' + conds : ''}`);
  }
  writeFileSync(path, lines.join('\n') + '\n');
}
