// Memory benchmark child: optionally imports the package and compiles docker-default, then
// prints its resident set size. argv[2]: bare | import | compile; argv[3]: dist directory URL.
const mode = process.argv[2];
if (mode !== 'bare') {
  const pkg = await import(new URL('index.js', process.argv[3]).href);
  if (mode === 'compile') {
    const compile = pkg.compile ?? (await import(new URL('profile/compile.js', process.argv[3]).href)).compile;
    compile('docker-default');
  }
}
process.stdout.write(JSON.stringify({ rss: process.memoryUsage.rss() }) + '\n');
