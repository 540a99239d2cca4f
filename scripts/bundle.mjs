// Build step after tsc: seccomp/register as three generated files. dist/register.bundle.js holds
// dist/register.js and every module it imports statically, as one script; dist/register.mjs
// (--import) and dist/register.cjs (--require) are its doors: src/register-door.ts and what it
// imports, which compile the bundle with V8's code cache and run it. Node's ES loader costs a
// start about 1.5 ms per module, and compiling them cold as much again. Modules loaded on demand
// (the compiler, on a disk cache miss) stay in dist/ as they are.
//
// Each module keeps its own scope (a function, as Node's CommonJS wrapper gives) and its own
// `import.meta.url` (the URL of its file in dist/, by real path), so paths computed from it do
// not change. TypeScript, already a dev dependency, does the ES-to-CommonJS rewrite of each module.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const dist = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const ENTRY = 'register.js';
const META_URL = '__seccomp_meta_url';

function fail(message) {
  console.error(`bundle: ${message}`);
  process.exit(1);
}

// `import.meta.url` becomes the module's own URL (a wrapper parameter). Any other use of
// import.meta, and import(), would change meaning in CommonJS: the build refuses them.
function rewriteMeta(id) {
  return (context) => {
    const visit = (node) => {
      if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
        fail(`${id}: import.meta is used other than as import.meta.url`);
      }
      if (ts.isPropertyAccessExpression(node) && ts.isMetaProperty(node.expression) && node.name.text === 'url') {
        return context.factory.createIdentifier(META_URL);
      }
      if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        fail(`${id}: dynamic import() cannot be bundled`);
      }
      // A relative import names its module by id, worked out here once rather than by path
      // arithmetic in the loader at every start.
      if (ts.isImportDeclaration(node) && isRelative(node.moduleSpecifier.text)) {
        const f = context.factory;
        return f.updateImportDeclaration(node, node.modifiers, node.importClause, f.createStringLiteral(idOf(id, node.moduleSpecifier.text)), node.attributes);
      }
      if (ts.isExportDeclaration(node) && node.moduleSpecifier && isRelative(node.moduleSpecifier.text)) {
        const f = context.factory;
        return f.updateExportDeclaration(node, node.modifiers, node.isTypeOnly, node.exportClause, f.createStringLiteral(idOf(id, node.moduleSpecifier.text)), node.attributes);
      }
      return ts.visitEachChild(node, visit, context);
    };
    return (file) => ts.visitNode(file, visit);
  };
}

const isRelative = (spec) => spec.startsWith('./') || spec.startsWith('../');
// The id (path under dist/) that `spec` in module `from` names.
const idOf = (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec));

// The wrapper's parameters: a module that declares one of these names at its top level would
// not compile (or would shadow what the CommonJS rewrite calls).
const RESERVED = new Set(['require', 'exports', 'module', META_URL]);

// Static imports and re-exports of a module (the only edges bundled).
function staticSpecifiers(id, source) {
  const file = ts.createSourceFile(id, source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.JS);
  const specs = [];
  for (const s of file.statements) {
    const names = ts.isVariableStatement(s)
      ? s.declarationList.declarations.map((d) => d.name.getText(file))
      : (ts.isFunctionDeclaration(s) || ts.isClassDeclaration(s)) && s.name ? [s.name.text] : [];
    if (ts.isImportDeclaration(s) && s.importClause) {
      const c = s.importClause;
      if (c.name) names.push(c.name.text);
      if (c.namedBindings) names.push(...(ts.isNamespaceImport(c.namedBindings) ? [c.namedBindings.name.text] : c.namedBindings.elements.map((e) => e.name.text)));
    }
    if (ts.isImportDeclaration(s) && s.moduleSpecifier.text === 'node:module') {
      const b = s.importClause?.namedBindings;
      const only = s.importClause && !s.importClause.name && b && ts.isNamedImports(b) && b.elements.every((e) => (e.propertyName ?? e.name).text === 'createRequire');
      if (!only) fail(`${id}: only createRequire may be imported from node:module (the bundle stands in for it)`);
    }
    for (const n of names) if (RESERVED.has(n)) fail(`${id}: declares \`${n}\` at its top level, a name the CommonJS wrapper takes`);
    if ((ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) && s.moduleSpecifier) {
      specs.push(s.moduleSpecifier.text);
    }
  }
  return specs;
}

// id (path under dist/, posix) -> CommonJS text, for the graph from `entry`.
function graph(entry) {
  const modules = new Map();
  add(modules, entry);
  return modules;
}

function add(modules, id) {
  if (modules.has(id)) return;
  if (!/^[A-Za-z0-9_./-]+$/.test(id)) fail(`${id}: a module path must need no URL encoding`);
  const file = join(dist, id);
  let source;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    fail(`${id}: ${err.message} (run tsc first)`);
  }
  modules.set(id, '');
  const out = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, allowJs: true, removeComments: true },
    transformers: { before: [rewriteMeta(id)] },
  });
  if (out.diagnostics?.length) fail(`${id}: ${ts.flattenDiagnosticMessageText(out.diagnostics[0].messageText, '\n')}`);
  modules.set(id, out.outputText);
  for (const spec of staticSpecifiers(id, source)) {
    if (!spec.startsWith('./') && !spec.startsWith('../')) {
      if (!spec.startsWith('node:')) fail(`${id}: imports the package ${spec}; only node: built-ins may stay outside`);
      continue;
    }
    const dep = idOf(id, spec);
    if (dep.startsWith('../')) fail(`${id}: ${spec} is outside dist/`);
    add(modules, dep);
  }
}

function defsOf(modules) {
  const out = ['const defs = {', '__proto__: null,'];
  for (const [id, text] of modules) out.push(`${JSON.stringify(id)}: function (exports, require, module, ${META_URL}) {\n${text}},`);
  out.push('};');
  return out;
}

// The loader both stages share; `require`, `base` (the URL of dist/, by its real path) and `door`
// come from around it.
const loader = `
const { dirname, join } = require('node:path');
const { fileURLToPath } = require('node:url');
// node:module's createRequire, for what the modules load with it: built-ins, absolute paths and
// paths relative to their own file in dist/; its resolve() goes to the real one. seccompDoor is
// how register.js finds the door that loaded it.
const moduleShim = {
  createRequire(from) {
    const file = String(from).startsWith('file:') ? fileURLToPath(from) : String(from);
    const r = (spec) => require(spec.startsWith('./') || spec.startsWith('../') ? join(dirname(file), spec) : spec);
    r.resolve = (spec, options) => require('node:module').createRequire(from).resolve(spec, options);
    r.seccompDoor = door;
    return r;
  },
};
const loaded = new Map();
function load(id) {
  let m = loaded.get(id);
  if (m) return m.exports;
  const def = defs[id];
  if (def === undefined) throw new Error(\`seccomp bundle: no module \${id}\`);
  m = { exports: {} };
  loaded.set(id, m);
  def.call(m.exports, m.exports, req, m, base + id);
  return m.exports;
}
// The build wrote each relative import as the id of its module (defs has no prototype).
function req(spec) {
  return defs[spec] !== undefined ? load(spec) : spec === 'node:module' ? moduleShim : require(spec);
}
`;

// Stage 2, the bundle: register.js and its graph, as a script whose value is a function (the
// door compiles it with V8's code cache). Run any other way it throws: loaded as a module of
// its own it would filter nothing.
const main = graph(ENTRY);
const bundle = [
  `// Generated by scripts/bundle.mjs from dist/${ENTRY} and the ${main.size - 1} modules it imports: do not edit.`,
  "if (this !== globalThis) throw new Error('seccomp: dist/register.bundle.js is loaded by dist/register.cjs or register.mjs, not on its own');",
  '(function (require, base, door) {',
  "'use strict';",
  ...defsOf(main),
  loader,
  `load(${JSON.stringify(ENTRY)});`,
  '})',
  '',
].join('\n');

// Stage 1, the door: src/register-door.ts and what it imports (the cache files module, with its
// owner, mode and link checks), started inside a catch: what cannot be loaded stops the program.
const door = graph('register-door.js');
const start = `
try {
  load('register-door.js').enter();
} catch (err) {
  try {
    require('node:fs').writeSync(2, \`seccomp/register: cannot load the sandbox: \${err && err.message}; the program was not started\\n\`);
  } catch {
    // stderr cannot take it: the exit must still come
  }
  process.exit(125); // ExitCode.RUNNER (src/cli/command.ts)
}
`;
const doorHeader = `// Generated by scripts/bundle.mjs: seccomp/register's door, which loads register.bundle.js. Do not edit.`;
const doors = {
  // --require
  'register.cjs': [
    doorHeader,
    "'use strict';",
    '// By its real path: under --preserve-symlinks a link to this door must not choose the bundle.',
    "const here = require('node:path').dirname(require('node:fs').realpathSync.native(__filename));",
    "const base = require('node:url').pathToFileURL(require('node:path').join(here, '/')).href;",
    'const door = undefined;',
    ...defsOf(door),
    loader,
    start,
  ],
  // --import: an ES module (Node's loader scans a CommonJS file for exports first).
  'register.mjs': [
    doorHeader,
    "import { createRequire } from 'node:module';",
    'const require = createRequire(import.meta.url);',
    '// By its real path: under --preserve-symlinks a link to this door must not choose the bundle.',
    "const here = require('node:path').dirname(require('node:fs').realpathSync.native(require('node:url').fileURLToPath(import.meta.url)));",
    "const base = require('node:url').pathToFileURL(require('node:path').join(here, '/')).href;",
    'const door = undefined;',
    ...defsOf(door),
    loader,
    start,
  ],
};

// The door reads the bundle as latin1 (src/register-door.ts): it must be ASCII.
const nonAscii = /[^\x00-\x7f]/.exec(bundle);
if (nonAscii) fail(`dist/register.bundle.js would hold ${JSON.stringify(nonAscii[0])} at offset ${nonAscii.index}: use a \\u escape in the source`);

function write(name, text) {
  const target = join(dist, name);
  writeFileSync(`${target}.tmp`, text);
  renameSync(`${target}.tmp`, target);
}
// Node's startup leaves the young generation nearly full, and a door's or the bundle's source,
// read as a string, would be among the largest things a start adds to it: past what is left, a
// scavenge of everything Node allocated (3 ms). V8 places a string of 128 KiB or more in its
// large-object space instead, so each is padded with trailing blanks to past that (V8's code
// cache checks the length; reading the blanks costs far less than the scavenge).
const LARGE_OBJECT = 136 * 1024;
const padded = (text) => (text.length >= LARGE_OBJECT ? text : text + ' '.repeat(LARGE_OBJECT - text.length - 1) + '\n');
write('register.bundle.js', padded(bundle));
for (const [name, lines] of Object.entries(doors)) write(name, padded(lines.join('\n')));
// Declarations beside the doors, where TypeScript looks for them: package.json has no "types"
// condition for ./register, since `node -C types` would then load a .d.ts and filter nothing.
for (const name of ['register.d.mts', 'register.d.cts']) write(name, '// seccomp/register has no exports: importing it applies SECCOMP_PROFILE.\nexport {};\n');
console.log(`bundle: dist/register.bundle.js (${main.size} modules), doors dist/register.cjs and .mjs (${door.size})`);
