/**
 * `npm run build`, second step: bundles what `bin` runs (lib/cli.js) and every
 * generator (generators/<name>/index.js) with esbuild, in place, over tsc's
 * output. Loading Yeoman's module graph file by file (about 1,200 modules) was
 * most of a cold start; the bundles share their code through chunks in lib/, so
 * a run loads a handful of files, and a composed generator reuses what the
 * entry already loaded.
 *
 * The paths stay what tsc's output has: `yo checkpoint-tests` still finds
 * generators/<name>/index.js, and `generatorPath()` still names them. Our
 * modules find templates/, python/ and package.json from `import.meta.url`;
 * in a bundle that URL is the output file's, so each of our modules gets the
 * URL it has in the unbundled tree instead (relative to the output file,
 * so the package works wherever it is installed).
 * Prettier stays external: it is imported lazily, and rarely (format.ts).
 */
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ejs from 'ejs';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROOT_MARK = '@@checkpoint-tests-root@@/';
const BUNDLE = 'lib/bundle.cjs';
const ours = (file) => !path.relative(root, file).split(path.sep).includes('node_modules');

const generators = readdirSync(path.join(root, 'generators')).map((name) => `generators/${name}/index.js`);
for (const stale of readdirSync(path.join(root, 'lib')).filter((name) => name.startsWith('chunk-'))) {
  rmSync(path.join(root, 'lib', stale));
}

/** Each entry (tsc's output) by the name the bundle exports it under: `cli`, or the generator's name. */
const entries = new Map([['cli', 'lib/cli.js'], ...generators.map((file) => [file.split('/')[1], file])]);
// What each entry exports, so its stub can export the same names.
const scan = await build({
  absWorkingDir: root,
  entryPoints: [...entries.values()],
  outdir: path.join(root, 'lib', 'scan'),
  outbase: root,
  bundle: false,
  write: false,
  metafile: true,
  logLevel: 'warning',
});
const exportsOf = new Map(
  Object.values(scan.metafile.outputs)
    .filter((output) => output.entryPoint)
    .map((output) => [output.entryPoint, output.exports]),
);

const result = await build({
  absWorkingDir: root,
  stdin: {
    contents: [...entries].map(([name, file]) => `export * as ${name} from './${file}';`).join('\n'),
    resolveDir: root,
    sourcefile: 'checkpoint-tests-entries.js',
  },
  outfile: path.join(root, BUNDLE),
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  legalComments: 'external',
  external: ['prettier'],
  write: false,
  metafile: Boolean(process.env.BUNDLE_METAFILE),
  logLevel: 'warning',
  // A CommonJS bundle has no import.meta: a dependency's `createRequire(import.meta.url)` gets the
  // bundle's own URL, as it got its chunk's before.
  define: { 'import.meta.url': '__checkpointTestsBundleUrl' },
  banner: { js: "var __checkpointTestsBundleUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [
    {
      // The built-in templates, compiled to functions, in the bundle only: tsc's
      // lib/precompiled-templates.js stays the empty placeholder, since EJS's functions use `with`,
      // which a CommonJS bundle may hold and an ES module (what importing lib/ unbundled loads) may not.
      name: 'precompiled-templates',
      setup(builder) {
        builder.onLoad({ filter: /[\\/]lib[\\/]precompiled-templates\.js$/ }, () => ({
          contents: precompiledTemplates(),
          loader: 'js',
        }));
      },
    },
    {
      // CommonJS dependencies a run never uses but whose importers load them up front: npm's
      // Arborist (about 400 modules, for fly-import, yeoman-environment's on-demand installer) and
      // iconv-lite (half a megabyte, for the external-editor prompt), left out of the bundle and
      // loaded from node_modules if ever used; and, bundled but run only on first use, the npm
      // registry's auth (fly-import again), package.json normalising (read-pkg, which yeoman-generator
      // calls with `normalize: false`) and Babel's code frame (parse-json's error messages). Each is
      // a stand-in that loads the real module on first use.
      name: 'on-demand',
      setup(builder) {
        const onDemand = [
          { name: '@npmcli/arborist', importer: 'fly-import', external: true },
          { name: 'iconv-lite', importer: 'external-editor', external: true },
          { name: 'registry-auth-token', importer: 'fly-import' },
          { name: 'normalize-package-data', importer: 'read-pkg' },
          { name: '@babel/code-frame', importer: 'parse-json', named: ['codeFrameColumns'] },
          // An ES module (its default export is the function): string-width, whose first lines build
          // Intl.Segmenter and Unicode-set regular expressions, for ora's spinner frames.
          { name: 'string-width', importer: 'ora', esm: true },
          // globby (with fast-glob), for yeoman-environment's lookup of installed generators, which
          // a run that registers its generators by path never does.
          { name: 'globby', importer: 'yeoman-environment', esm: true, named: ['globbySync'] },
          // tinyglobby (with fdir, which loads a second picomatch from node_modules as it starts), for
          // mem-fs-editor's copy and delete of a glob, which no run of ours asks for.
          {
            name: 'tinyglobby',
            importer: 'mem-fs-editor',
            esm: true,
            named: ['glob', 'globSync', 'isDynamicPattern'],
          },
          // execa (with Node's child_process and a dozen modules of its own), for yeoman-generator's
          // spawnCommand and yeoman-environment's package manager: ours runs Python through its own
          // child-process module, so a run that installs nothing never calls it.
          {
            name: 'execa',
            importer: ['yeoman-generator', 'yeoman-environment'],
            esm: true,
            named: ['execa', 'execaSync', 'execaCommand', 'execaCommandSync'],
          },
          // yaml (a dependency of ours, CommonJS too), for an answers file in YAML and a pre-commit
          // config to edit, which most runs have neither of: left out, loaded when first used.
          { name: 'yaml', importer: 'lib', external: true },
          // simple-git (a CommonJS package), for yeoman-generator's `this.simpleGit`, which no run of
          // ours asks for: left out, loaded from node_modules if ever used. Its two enums are objects.
          {
            name: 'simple-git',
            importer: 'yeoman-generator',
            external: true,
            named: ['simpleGit'],
            objects: ['CheckRepoActions', 'CleanOptions'],
          },
        ];
        const names = new RegExp(`^(${onDemand.map((entry) => entry.name.replace('/', '\\/')).join('|')})$`);
        builder.onResolve({ filter: names }, async (args) => {
          const entry = onDemand.find((candidate) => candidate.name === args.path);
          // The stand-in's own require of an external one: the real module, from node_modules at run time.
          if (args.namespace === 'on-demand') return entry.external ? { path: args.path, external: true } : undefined;
          const importers = [entry.importer].flat();
          if (!importers.some((importer) => args.importer.includes(`${path.sep}${importer}${path.sep}`)))
            return undefined;
          let real = args.path;
          if (!entry.external) {
            const resolved = await builder.resolve(args.path, { kind: 'require-call', resolveDir: args.resolveDir });
            if (resolved.errors.length > 0) return { errors: resolved.errors };
            real = resolved.path;
          }
          return {
            path: args.path,
            namespace: 'on-demand',
            pluginData: { real, named: entry.named ?? [], objects: entry.objects ?? [], esm: entry.esm },
          };
        });
        builder.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => ({
          contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.pluginData.real)}));
const main = () => ${args.pluginData.esm ? 'load().default' : 'load()'};
export default new Proxy(function onDemand() {}, {
  construct: (_, args) => new (main())(...args),
  apply: (_, self, args) => main().apply(self, args),
  get: (_, key) => main()[key],
});
${args.pluginData.named.map((name) => `export const ${name} = (...args) => load().${name}(...args);`).join('\n')}
${args.pluginData.objects.map((name) => `export const ${name} = new Proxy({}, { get: (_, key) => load().${name}[key], has: (_, key) => key in load().${name}, ownKeys: () => Reflect.ownKeys(load().${name}), getOwnPropertyDescriptor: (_, key) => Reflect.getOwnPropertyDescriptor(load().${name}, key) });`).join('\n')}`,
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
    {
      // ES modules a run needs only when it prompts or installs, which their importers load up
      // front: inquirer's prompts (with rxjs, about a third of the bundle), needed by the terminal
      // adapter's prompt() only, and latest-version (ky, whose import alone loads Node's fetch),
      // needed by yeoman-generator's addDependencies() only. Each is replaced by a stand-in whose
      // functions are async already and load the real module (a chunk of its own) on first call.
      name: 'on-first-call',
      setup(builder) {
        const standIns = [
          {
            filter: /^\.\/inquirer\.js$/,
            importer: `${path.sep}@yeoman${path.sep}adapter${path.sep}dist${path.sep}adapter.js`,
            contents: (real) => `export const createAdapterPromptModule = (parameter) => {
  let promptModule;
  const load = () => (promptModule ??= import(${real}).then((real) => real.createAdapterPromptModule(parameter)));
  return async (questions, answers) => (await load())(questions, answers);
};`,
          },
          {
            filter: /^latest-version$/,
            importer: `${path.sep}yeoman-generator${path.sep}dist${path.sep}`,
            contents: (real) => `export default async (...args) => (await import(${real})).default(...args);`,
          },
        ];
        for (const standIn of standIns) {
          builder.onResolve({ filter: standIn.filter }, async (args) => {
            const skip = args.namespace === 'on-first-call' || args.pluginData?.resolvingReal;
            if (skip || !args.importer.includes(standIn.importer)) return undefined;
            const real = await resolveReal(builder, args);
            if (real.errors.length > 0) return { errors: real.errors };
            return {
              path: real.path,
              namespace: 'on-first-call',
              pluginData: { contents: standIn.contents(JSON.stringify(real.path)) },
            };
          });
        }
        // @yeoman/adapter's index re-exports its testing adapter (which loads every prompt up front);
        // its modules only define things, and saying so lets the bundle leave out what a run never uses.
        builder.onResolve({ filter: /.*/ }, async (args) => {
          if (args.pluginData?.resolvingReal || !/[\\/]@yeoman[\\/]adapter[\\/]dist[\\/]/.test(args.importer))
            return undefined;
          if (!args.path.startsWith('.') || args.namespace === 'on-first-call') return undefined;
          const real = await resolveReal(builder, args);
          return real.errors.length > 0 || real.namespace !== 'file'
            ? undefined
            : { path: real.path, sideEffects: false };
        });
        builder.onLoad({ filter: /.*/, namespace: 'on-first-call' }, (args) => ({
          contents: args.pluginData.contents,
          resolveDir: root,
          loader: 'js',
        }));
      },
    },
    {
      // yeoman-generator gives every generator lodash as `this._` (deprecated, and unused by ours): its
      // `import * as _` made the bundle build all of lodash, its chained wrapper too, at every start
      // (2 MB of heap). The namespace is loaded on first use instead; the functions its modules import
      // by name stay as they are.
      name: 'lazy-lodash-namespace',
      setup(builder) {
        const statement = "import * as _ from 'lodash-es';";
        const generatorFile = /[\\/]yeoman-generator[\\/]dist[\\/]generator\.js$/;
        builder.onLoad({ filter: generatorFile, namespace: 'file' }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          if (!source.includes(statement))
            throw new Error(`${args.path} no longer has "${statement}": update the lazy-lodash-namespace plugin`);
          const lazy = `let lodash;
const lodashNamespace = () => (lodash ??= require('lodash-es'));
const _ = new Proxy({}, {
  get: (_target, key) => lodashNamespace()[key],
  has: (_target, key) => key in lodashNamespace(),
  ownKeys: () => Reflect.ownKeys(lodashNamespace()),
  // A namespace's own properties are not configurable, which a proxy may only say of its target's.
  getOwnPropertyDescriptor: (_target, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(lodashNamespace(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});`;
          return { contents: source.replace(statement, lazy), loader: 'js' };
        });
        // Every other importer names its functions: it gets lodash's index without its default export
        // (the chained wrapper, which mixes every function in), so naming a function runs only that
        // function's module, and the index itself stays lazy for the namespace above.
        builder.onResolve({ filter: /^lodash-es$/ }, async (args) => {
          if (args.kind === 'require-call' && generatorFile.test(args.importer)) return undefined;
          if (args.pluginData?.resolvingReal) return undefined;
          const real = await resolveReal(builder, args);
          if (real.errors.length > 0) return { errors: real.errors };
          return { path: real.path, namespace: 'lodash-named' };
        });
        builder.onLoad({ filter: /.*/, namespace: 'lodash-named' }, (args) => {
          const index = readFileSync(args.path, 'utf8');
          const defaultExport = "export { default } from './lodash.default.js';";
          if (!index.includes(defaultExport))
            throw new Error(`${args.path} no longer has "${defaultExport}": update the lazy-lodash-namespace plugin`);
          return { contents: index.replace(defaultExport, ''), resolveDir: path.dirname(args.path), loader: 'js' };
        });
      },
    },
    {
      // yeoman-generator uses semver's lte and yeoman-environment its valid; semver's index loads
      // every class and range of the package: each gets the one function's own module instead.
      name: 'semver-functions',
      setup(builder) {
        builder.onResolve({ filter: /^semver$/ }, (args) => {
          if (!/[\\/](yeoman-generator|yeoman-environment)[\\/]dist[\\/]/.test(args.importer)) return undefined;
          return { path: args.importer, namespace: 'semver-functions' };
        });
        builder.onLoad({ filter: /.*/, namespace: 'semver-functions' }, (args) => ({
          contents: ['lte', 'valid']
            .map((name) => `export { default as ${name} } from 'semver/functions/${name}.js';`)
            .join('\n'),
          resolveDir: path.dirname(args.path),
          loader: 'js',
        }));
      },
    },
    {
      name: 'module-urls',
      setup(builder) {
        builder.onLoad({ filter: /\.js$/ }, (args) => {
          const source = readFileSync(args.path, 'utf8');
          if (!ours(args.path)) {
            // A dependency reading its own version (yeoman-environment's, which generators check):
            // bundled as JSON, since `require` in the bundle resolves from our package.
            if (!source.includes("require('../package.json')")) return undefined;
            const contents = source.replaceAll("require('../package.json')", '__ownPackageJson');
            return { contents: `import __ownPackageJson from '../package.json';\n${contents}`, loader: 'js' };
          }
          if (!source.includes('import.meta.url')) return undefined;
          const original = JSON.stringify(ROOT_MARK + path.relative(root, args.path).split(path.sep).join('/'));
          return {
            contents: source.replaceAll('import.meta.url', `new URL(${original}, import.meta.url).href`),
            loader: 'js',
          };
        });
      },
    },
  ],
});

if (process.env.BUNDLE_METAFILE) writeFileSync(process.env.BUNDLE_METAFILE, JSON.stringify(result.metafile));
const output = result.outputFiles.find((file) => file.path.endsWith('.cjs'));
// The licence comments, in a file of their own beside the bundle: the bundle stays ASCII.
for (const legal of result.outputFiles.filter((file) => file !== output)) writeFileSync(legal.path, legal.contents);
// The bundle runs as a script (lib/cached-bundle.js), whose own `import()` needs an experimental flag:
// the dynamic imports left in it (of packages kept out of it, and yeoman-environment's of a
// generator by its path) call the loader's instead.
const text = sharedBuiltinNamespaces(
  dynamicImportsThrough('__checkpointTestsImport', output.text.replaceAll(ROOT_MARK, '../')),
);
// The loader reads it as latin1, which only ASCII text survives unchanged (esbuild's default charset).
if (/[^\x00-\x7f]/.test(text)) throw new Error(`${BUNDLE} has a character that is not ASCII`);
writeFileSync(output.path, text);
for (const [name, file] of entries) {
  const names = exportsOf.get(file) ?? [];
  const loader = path.relative(path.dirname(path.join(root, file)), path.join(root, 'lib', 'cached-bundle.js'));
  const lines = [
    "// Made by scripts/bundle.mjs: this entry's part of lib/bundle.cjs (see src/lib/cached-bundle.ts).",
    `import { loadBundle } from '${loader.startsWith('.') ? loader : `./${loader}`}';`,
    `const entry = loadBundle(${JSON.stringify(name)});`,
    ...names.map((exported) =>
      exported === 'default'
        ? 'export default entry.default;'
        : `export const ${exported} = entry[${JSON.stringify(exported)}];`,
    ),
  ];
  writeFileSync(path.join(root, file), `${lines.join('\n')}\n`);
}
console.log(`bundled lib/cli.js and ${generators.length} generators into ${BUNDLE} (${text.length} bytes)`);

/**
 * What `args.path` resolves to without the plugin asking (its `resolvingReal` mark lets the plugin's
 * own onResolve pass): the real module a stand-in or a rewritten copy takes the place of.
 */
function resolveReal(builder, args) {
  return builder.resolve(args.path, {
    kind: args.kind,
    resolveDir: args.resolveDir,
    importer: args.importer,
    pluginData: { resolvingReal: true },
  });
}

/**
 * `code` with one namespace object a Node built-in module instead of one an importer. esbuild
 * gives every ES module that imports a CommonJS module (as Node's built-ins are to a CommonJS
 * bundle) its own copy of the exports, an accessor a property: 140 copies here (`node:process`
 * alone 29, of about 130 properties), about a megabyte of heap made at every start. A namespace
 * of getters is read-only, so importers can share one.
 */
function sharedBuiltinNamespaces(code) {
  // esbuild's __toESM helper, by its minified name.
  const helper = /var ([\w$]+)=\(e,t,r\)=>\(r=e!=null\?/.exec(code);
  if (!helper)
    throw new Error(`esbuild's __toESM helper is not where ${BUNDLE} had it: update sharedBuiltinNamespaces`);
  const toESM = helper[1];
  const escaped = toESM.replaceAll('$', '\\$');
  const calls = new RegExp(`(?<![\\w$.])${escaped}\\(require\\("((?:node:)?[a-z_/]+)"\\)(?:,1)?\\)`, 'g');
  let count = 0;
  const shared = code.replace(calls, (call, name) => {
    if (!builtinModules.includes(name.replace(/^node:/, ''))) return call;
    count++;
    return `__checkpointTestsBuiltin(${JSON.stringify(name)})`;
  });
  if (count === 0) throw new Error(`no import of a Node built-in found in ${BUNDLE}: update sharedBuiltinNamespaces`);
  const definition = `var __checkpointTestsBuiltins=new Map,__checkpointTestsBuiltin=n=>{let s=__checkpointTestsBuiltins.get(n);return s||__checkpointTestsBuiltins.set(n,s=${toESM}(require(n),1)),s};`;
  return shared.replace(helper[0], `${definition}${helper[0]}`);
}

/**
 * `code` with each dynamic `import(...)` expression calling `through(...)` instead. In esbuild's
 * minified output `import(` is a dynamic import unless it follows `.` (a call of a method named
 * import) or its closing parenthesis is followed by `{` (the definition of one).
 */
function dynamicImportsThrough(through, code) {
  let result = '';
  let from = 0;
  for (const match of code.matchAll(/(?<![\w$.#])import\(/g)) {
    const close = closingParenthesis(code, match.index + match[0].length);
    if (code[close + 1] === '{') continue;
    result += code.slice(from, match.index) + `${through}(`;
    from = match.index + match[0].length;
  }
  return result + code.slice(from);
}

/** The index of the `)` that closes the parenthesis opened just before `start`, skipping string literals. */
function closingParenthesis(code, start) {
  let depth = 1;
  for (let index = start; index < code.length; index++) {
    const char = code[index];
    if (char === '"' || char === "'" || char === '`') {
      for (index++; index < code.length && code[index] !== char; index++) if (code[index] === '\\') index++;
    } else if (char === '(') depth++;
    else if (char === ')' && --depth === 0) return index;
  }
  throw new Error(`an unclosed import( in ${BUNDLE}`);
}

/**
 * The bundle's lib/precompiled-templates.js: every template under templates/ as EJS compiles it for render.ts
 * (`client: true`: the include function is given at each call), keyed by its path there, with the
 * SHA-1 of the text it was compiled from. EJS writes the template's file name and text into the
 * function for its error messages: the function takes them instead (render.ts reads the text to
 * hash it anyway), so the package can be installed anywhere and the text is not held twice.
 */
function precompiledTemplates() {
  const templates = path.join(root, 'templates');
  const entries = [];
  for (const relative of readdirSync(templates, { recursive: true })) {
    if (!relative.endsWith('.ejs')) continue;
    const key = relative.split(path.sep).join('/');
    const text = readFileSync(path.join(templates, relative), 'utf8');
    const marker = `${ROOT_MARK}templates/${key}`;
    let compiled;
    try {
      compiled = ejs.compile(text, { client: true, filename: marker, compileDebug: true }).toString();
    } catch (error) {
      // Left to EJS at run time, which reports it as it always has.
      console.warn(`templates/${key} is not precompiled: ${error.message.split('\n')[0]}`);
      continue;
    }
    const [named, quoted] = [JSON.stringify(marker), JSON.stringify(text)];
    if (!compiled.includes(named) || !compiled.includes(quoted)) {
      throw new Error(`EJS's compiled templates/${key} does not hold its file name and text as expected`);
    }
    const body = compiled.replaceAll(named, '__templateFile').replaceAll(quoted, '__templateText');
    const sha1 = createHash('sha1').update(text).digest('hex');
    entries.push(
      `${JSON.stringify(key)}: { sha1: '${sha1}', compiled: (__templateFile, __templateText) => (${body}) }`,
    );
  }
  return [
    '// Made by scripts/bundle.mjs from templates/ (see src/lib/precompiled-templates.ts).',
    `export const PRECOMPILED = {\n${entries.join(',\n')}\n};\n`,
  ].join('\n');
}
