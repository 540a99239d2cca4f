// Per-syscall benchmark child in Node: optionally sandbox('docker-default'), then time loops
// of process.ppid (one getppid(2) per read). argv: plain|sandbox DIST_URL CALLS BATCHES.
const [mode, distUrl, calls, batches] = process.argv.slice(2);
if (mode === 'sandbox') {
  const { sandbox } = await import(new URL('sandbox.js', distUrl).href);
  sandbox('docker-default');
}
const n = Number(calls);
let sink = 0;
const out = [];
for (let b = -1; b < Number(batches); b++) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += process.ppid;
  const ns = Number(process.hrtime.bigint() - t0) / n;
  if (b >= 0) out.push(ns); // batch -1 warms the JIT
}
process.stdout.write(JSON.stringify({ ns: out, sink: sink > 0 }) + '\n');
