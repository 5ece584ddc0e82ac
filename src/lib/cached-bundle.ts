/**
 * Loads lib/bundle.cjs (what `npm run build` makes of the CLI and every
 * generator, see scripts/bundle.mjs) with a V8 code cache: compiling the
 * bundle's JavaScript was about a third of a cold run, and Node 20 caches no
 * compiled code of its own (`module.enableCompileCache` is Node 22's).
 *
 * The bundle is CommonJS because V8 caches compiled code only for scripts
 * (`vm.Script`'s `cachedData`), not for ES modules. The cache is kept per
 * user in the temporary folder, named by a hash of the bundle's text, so a
 * rebuilt bundle never runs stale code; V8 itself rejects a cache of another
 * Node or V8. The cache is a speed-up only: when the folder cannot be made,
 * read or written, or is not the user's own and private (a cache is code that
 * would run), the bundle is compiled as it would be without one.
 *
 * lib/cli.js and generators/<name>/index.js stay ES modules (what `bin`
 * imports and `yo` finds), each a few lines re-exporting its part of the
 * bundle; all of them share the one bundle, loaded once.
 */
import { createHash } from 'node:crypto';
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import vm from 'node:vm';

const BUNDLE = fileURLToPath(new URL('./bundle.cjs', import.meta.url));

/** The folder for this user's caches, or undefined when it is not safely ours. */
function cacheFolder(): string | undefined {
  if (process.env.CHECKPOINT_TESTS_NO_CODE_CACHE || typeof process.getuid !== 'function') return undefined;
  const uid = process.getuid();
  const folder = path.join(os.tmpdir(), `checkpoint-tests-code-cache-${uid}`);
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch {
    // It exists already (checked below), or cannot be made (then lstat fails too).
  }
  try {
    const stat = lstatSync(folder);
    // Another user's folder, or one others may write to, could hold code planted to run as us.
    return stat.isDirectory() && stat.uid === uid && (stat.mode & 0o022) === 0 ? folder : undefined;
  } catch {
    return undefined;
  }
}

function readCache(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: a rename, so a concurrent run reads the old cache or the new one. */
function writeCache(file: string, data: Buffer): void {
  const partial = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(partial, data, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    rmSync(partial, { force: true });
  }
}

let loaded: Record<string, Record<string, unknown>> | undefined;
/** The V8 flags `tuneForShortRun` set: part of the code cache's name, as flags given on the command line are. */
let tunedFlags = '';

/**
 * V8 flags for a process that ends within a second or two. The young generation keeps its
 * first size instead of doubling each time a collection finds most of it alive (a start-up's
 * objects mostly stay), and no function is optimised by TurboFan, whose compiles (on another
 * thread, with their own memory) a run this short never earns back. Both cut memory touched for
 * the first time, and each fresh page costs a page fault: on a small virtual machine those
 * faults were a fifth of a cold run's CPU (0.56 s down to 0.51 s with both, measured side by
 * side). Both are read when used, never cached at start-up, so setting them from
 * JavaScript takes effect (a GC flag read at start-up would crash V8 if changed).
 */
export const SHORT_RUN_V8_FLAGS = ['--semi-space-growth-factor=1', '--no-opt'];

/**
 * Sets SHORT_RUN_V8_FLAGS, for the CLI's own process: bin/ calls it before the bundle loads (a
 * host that loads the bundle, `yo` or a test runner, keeps its own settings). A user who gave
 * Node a heap or compiler flag keeps theirs: nothing is set then.
 */
export function tuneForShortRun(): void {
  const given = `${process.execArgv.join(' ')} ${process.env.NODE_OPTIONS ?? ''}`;
  if (loaded || /semi[-_]space|[-_](opt|turbofan)\b/.test(given)) return;
  tunedFlags = SHORT_RUN_V8_FLAGS.join(' ');
  v8.setFlagsFromString(tunedFlags);
}
/**
 * Whether this run asked for a generator (it generates, rather than printing help or its version):
 * a host that imports generators/<name>/ does, and the CLI says so itself (`ranAGenerator`), as it
 * runs its generators from the bundle without importing their modules.
 */
let generates = false;
const ranAGenerator = () => generates || (loaded?.cli?.ranAGenerator as (() => boolean) | undefined)?.() === true;

/**
 * The bundle's part `entry` (`cli`, or a generator by name), the bundle compiled from the cache
 * when there is one.
 *
 * A cache holds the functions compiled by the run that made it. One made by a run that printed
 * help or its version (the first a user types, often) lacks most of a generation's: it is kept
 * under a name of its own (`.help.v8`), used until a generating run replaces it with a full one.
 */
export function loadBundle(entry: string): Record<string, unknown> {
  if (entry !== 'cli') generates = true;
  loaded ??= compileBundle();
  return loaded[entry]!;
}

function compileBundle(): Record<string, Record<string, unknown>> {
  const bytes = readFileSync(BUNDLE);
  // esbuild writes ASCII only (non-ASCII characters escaped), which latin1 decodes fastest.
  const source = bytes.toString('latin1');
  const folder = cacheFolder();
  // Named by where the bundle is, what it holds and the flags V8 runs with (a cache made under other
  // flags is rejected: vitest's workers and the CLI would overwrite each other's); a rebuilt bundle's
  // caches replace its old ones.
  const place = createHash('sha1').update(BUNDLE).digest('hex').slice(0, 16);
  const content = createHash('sha1').update(process.version).update(bytes).digest('hex');
  const flags = createHash('sha1')
    .update(`${process.execArgv.join(' ')}\0${process.env.NODE_OPTIONS ?? ''}\0${tunedFlags}`)
    .digest('hex')
    .slice(0, 8);
  const cacheFile = (kind: 'full' | 'help') =>
    path.join(folder!, `${place}-${content}-${flags}${kind === 'help' ? '.help' : ''}.v8`);
  const full = folder ? readCache(cacheFile('full')) : undefined;
  const cachedData = full ?? (folder ? readCache(cacheFile('help')) : undefined);
  // The wrapper of a CommonJS module, plus this module's `import()` for the bundle's dynamic imports
  // (Prettier's, yeoman-environment's of a generator by its path): a script's own needs a flag.
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname, __checkpointTestsImport) {${source}\n})`,
    { filename: BUNDLE, cachedData },
  );
  const module = { exports: {} as Record<string, Record<string, unknown>> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(
    module.exports,
    module.exports,
    createRequire(BUNDLE),
    module,
    BUNDLE,
    path.dirname(BUNDLE),
    (specifier: string) => import(specifier),
  );
  if (folder) {
    process.once('exit', () => {
      // Made at exit, so it holds the functions this run compiled as well as the top level.
      const kind = ranAGenerator() ? 'full' : 'help';
      const accepted = cachedData !== undefined && !script.cachedDataRejected;
      if (accepted && (full !== undefined || kind === 'help')) return;
      try {
        writeCache(cacheFile(kind), script.createCachedData());
        for (const old of readdirSync(folder)) {
          const stale = !old.startsWith(`${place}-${content}-`) || (kind === 'full' && old === path.basename(cacheFile('help')));
          if (old.startsWith(`${place}-`) && stale) rmSync(path.join(folder, old), { force: true });
        }
      } catch {
        // No cache this time; the next run tries again.
      }
    });
  }
  return module.exports;
}
