// The printed table. Each group of rows starts with its baseline; ratios are of medians against
// it. `min` is shown because on a busy machine the samples are bimodal (preempted or not).

const DIGITS = { ms: 3, us: 2, ns: 1, insns: 0, MiB: 1 };

function fmt(v, unit) {
  if (v === undefined || Number.isNaN(v)) return '';
  return `${v.toFixed(DIGITS[unit] ?? 2)} ${unit}`;
}

/** The target and whether it was met: "<= 1.3x" against the ratio, "< 1000 us" against the median. */
function verdict(r) {
  const t = r.target ?? '';
  const x = /^<=\s*([\d.]+)x$/.exec(t);
  if (x && r.ratio !== undefined) return `${t} ${r.ratio <= Number(x[1]) ? 'met' : 'MISSED'}`;
  const v = /^<\s*([\d.]+)\s*(\w+)$/.exec(t);
  if (v && v[2] === r.unit) return `${t} ${r.median < Number(v[1]) ? 'met' : 'MISSED'}`;
  return t;
}

export function renderTable(rows) {
  const notes = [];
  const body = rows.map((r) => {
    let note = '';
    if (r.note) {
      let i = notes.indexOf(r.note);
      if (i < 0) i = notes.push(r.note) - 1;
      note = `[${i + 1}]`;
    }
    if (r.status) return [r.item, r.name, r.status, '', '', '', '', '', '', note];
    return [
      r.item,
      r.name,
      fmt(r.median, r.unit),
      r.n > 1 ? fmt(r.p95, r.unit) : '',
      r.n > 1 ? fmt(r.min, r.unit) : '',
      String(r.n),
      r.baseline ? 'baseline' : r.ratio !== undefined ? `${r.ratio.toFixed(2)}x` : '',
      verdict(r),
      r.detail ?? '',
      note,
    ];
  });
  const head = ['item', 'measure', 'median', 'p95', 'min', 'n', 'ratio', 'target', 'detail', ''];
  const all = [head, ...body];
  const w = head.map((_, c) => Math.max(...all.map((row) => row[c].length)));
  const line = (row) => row.map((cell, c) => (c >= 2 && c <= 6 ? cell.padStart(w[c]) : cell.padEnd(w[c]))).join('  ').trimEnd();
  const out = [line(head), w.map((n) => '-'.repeat(n)).join('  ')];
  let prev;
  for (let i = 0; i < body.length; i++) {
    if (prev !== undefined && rows[i].item !== prev) out.push('');
    prev = rows[i].item;
    out.push(line(body[i]));
  }
  if (notes.length) out.push('', ...notes.map((n, i) => `[${i + 1}] ${n}`));
  return out.join('\n');
}
