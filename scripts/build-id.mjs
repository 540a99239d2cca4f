// Build step after tsc: writes dist/build-id, a SHA-256 of every JavaScript file in dist/. The
// disk cache keys its entries by it (with the addon's file facts), so that a start reads one
// small file instead of stating every compiler module; a rebuild that changes any file changes
// the id, and an entry of another build is never used.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const files = readdirSync(dist, { recursive: true, withFileTypes: true })
  .filter((e) => e.isFile() && /\.c?js$/.test(e.name))
  .map((e) => relative(dist, join(e.parentPath ?? e.path, e.name)).split('\\').join('/'))
  .sort();
const hash = createHash('sha256');
for (const f of files) hash.update(`${f}\0${readFileSync(join(dist, f)).length}\0`).update(readFileSync(join(dist, f)));
const target = join(dist, 'build-id');
writeFileSync(`${target}.tmp`, `${hash.digest('hex')}\n`);
renameSync(`${target}.tmp`, target);
console.log(`build-id: ${files.length} files`);
