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
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const ROOT_MARK = '@@checkpoint-tests-root@@/';
const ours = (file) => !path.relative(root, file).split(path.sep).includes('node_modules');

const generators = readdirSync(path.join(root, 'generators')).map((name) => `generators/${name}/index.js`);
for (const stale of readdirSync(path.join(root, 'lib')).filter((name) => name.startsWith('chunk-'))) {
  rmSync(path.join(root, 'lib', stale));
}

const result = await build({
  absWorkingDir: root,
  entryPoints: ['lib/cli.js', ...generators],
  outdir: root,
  outbase: root,
  entryNames: '[dir]/[name]',
  chunkNames: 'lib/chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  minify: true,
  keepNames: true,
  external: ['prettier'],
  write: false,
  logLevel: 'warning',
  // Dependencies written as CommonJS call `require`, which an ES module lacks.
  banner: {
    js: "import { createRequire as __checkpointTestsRequire } from 'node:module';\nconst require = __checkpointTestsRequire(import.meta.url);",
  },
  plugins: [
    {
      // Dependencies a run never uses but whose importers load them up front: npm's Arborist
      // (about 400 CommonJS modules, for fly-import, yeoman-environment's on-demand installer) and
      // iconv-lite (half a megabyte, for the external-editor prompt). Each is a stand-in that loads
      // the real module on first use.
      name: 'on-demand',
      setup(builder) {
        const onDemand = { '@npmcli/arborist': 'fly-import', 'iconv-lite': 'external-editor' };
        builder.onResolve({ filter: /^(@npmcli\/arborist|iconv-lite)$/ }, (args) => {
          // The stand-in's own require: the real module, from node_modules at run time.
          if (args.namespace === 'on-demand') return { path: args.path, external: true };
          const standIn = args.importer.includes(`${path.sep}${onDemand[args.path]}${path.sep}`);
          return standIn ? { path: args.path, namespace: 'on-demand' } : undefined;
        });
        builder.onLoad({ filter: /.*/, namespace: 'on-demand' }, (args) => ({
          contents: `let loaded;
const load = () => (loaded ??= require(${JSON.stringify(args.path)}));
export default new Proxy(function onDemand() {}, {
  construct: (_, args) => new (load())(...args),
  apply: (_, self, args) => load().apply(self, args),
  get: (_, key) => load()[key],
});`,
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

for (const output of result.outputFiles) {
  const fromOutput = path.relative(path.dirname(output.path), root).split(path.sep).join('/');
  const prefix = fromOutput ? `${fromOutput}/` : './';
  writeFileSync(output.path, output.text.replaceAll(ROOT_MARK, prefix));
}
console.log(`bundled lib/cli.js and ${generators.length} generators (${result.outputFiles.length} files)`);
