// JSON text with exact 64-bit integers: bigint values are written as bare numbers (a profile's
// argument values go up to 2^64-1, past what a JS number holds). Keys keep their insertion
// order, so a caller that builds objects in a fixed order gets the same bytes every time.
export function jsonText(value: unknown, indent = 2): string {
  return `${write(value, '', ' '.repeat(indent))}\n`;
}

function write(v: unknown, pad: string, step: string): string {
  if (typeof v === 'bigint') return v.toString();
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  const inner = pad + step;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    // Lists of plain values stay on one line each item, like JSON.stringify(x, null, 2).
    return `[\n${v.map((x) => inner + write(x, inner, step)).join(',\n')}\n${pad}]`;
  }
  const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner, step)}`).join(',\n')}\n${pad}}`;
}
