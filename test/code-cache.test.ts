/**
 * The CLI's V8 code cache (src/lib/cached-bundle.ts): kept in a private folder
 * of the temporary directory, reused by later runs, never taken from a folder
 * others may write to, and never in the way: a run with no usable folder, or
 * with a corrupt cache, works as one without.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/checkpoint-tests.js', import.meta.url));
const VERSION = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
const scratch = mkdtempSync(path.join(tmpdir(), 'ckpt-code-cache-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let made = 0;
/** A fresh temporary directory for the CLI to keep its cache in. */
function freshTemp(): string {
  const folder = path.join(scratch, `tmp-${made++}`);
  mkdirSync(folder);
  return folder;
}

/** `checkpoint-tests --version` with TMPDIR set to `temp`. */
function version(temp: string, extraEnv: Record<string, string> = {}) {
  const env: Record<string, string | undefined> = { ...process.env, TMPDIR: temp, ...extraEnv };
  if (!('CHECKPOINT_TESTS_NO_CODE_CACHE' in extraEnv)) delete env.CHECKPOINT_TESTS_NO_CODE_CACHE;
  const result = spawnSync(process.execPath, [BIN, '--version'], { env, encoding: 'utf8', timeout: 60_000 });
  expect(result.status, result.stderr).toBe(0);
  expect(result.stdout).toContain(VERSION);
  return result;
}

const cacheFolder = (temp: string) => path.join(temp, `checkpoint-tests-code-cache-${process.getuid!()}`);
const cacheFiles = (temp: string) => readdirSync(cacheFolder(temp)).filter((name) => name.endsWith('.v8'));

describe.skipIf(typeof process.getuid !== 'function')('the code cache', () => {
  it('is written to a folder of the user alone, and reused as it is by the next runs', () => {
    const temp = freshTemp();
    version(temp);
    expect(statSync(cacheFolder(temp)).mode & 0o777).toBe(0o700);
    const [file] = cacheFiles(temp);
    expect(cacheFiles(temp)).toHaveLength(1);
    const written = readFileSync(path.join(cacheFolder(temp), file!));
    version(temp);
    version(temp);
    expect(cacheFiles(temp)).toEqual([file]);
    expect(readFileSync(path.join(cacheFolder(temp), file!)).equals(written)).toBe(true);
  });

  it('is not read or written in a folder others may write to', () => {
    const temp = freshTemp();
    mkdirSync(cacheFolder(temp));
    chmodSync(cacheFolder(temp), 0o777);
    version(temp);
    expect(cacheFiles(temp)).toEqual([]);
  });

  it('is left out when the temporary directory cannot hold it, or when CHECKPOINT_TESTS_NO_CODE_CACHE is set', () => {
    const notAFolder = path.join(scratch, 'a-file');
    writeFileSync(notAFolder, 'not a folder\n');
    version(notAFolder);
    const temp = freshTemp();
    version(temp, { CHECKPOINT_TESTS_NO_CODE_CACHE: '1' });
    expect(readdirSync(temp)).toEqual([]);
  });

  it('that is corrupt is rejected and replaced by a good one', () => {
    const temp = freshTemp();
    version(temp);
    const file = path.join(cacheFolder(temp), cacheFiles(temp)[0]!);
    const garbage = Buffer.alloc(statSync(file).size, 0x5a);
    writeFileSync(file, garbage);
    version(temp);
    expect(readFileSync(file).equals(garbage)).toBe(false);
    expect(statSync(file).size).toBeGreaterThan(1000);
  });

  it("made by --version is kept apart, and replaced by the first generating run's fuller one", () => {
    const temp = freshTemp();
    version(temp);
    const [helpCache] = cacheFiles(temp);
    expect(helpCache).toMatch(/\.help\.v8$/);
    const project = path.join(scratch, `project-${made++}`);
    mkdirSync(project);
    const env: Record<string, string | undefined> = { ...process.env, TMPDIR: temp };
    delete env.CHECKPOINT_TESTS_NO_CODE_CACHE;
    const generated = spawnSync(
      process.execPath,
      [BIN, '--yes', '--module', 'trainer', '--skip-checks', '--categories', 'resume'],
      { cwd: project, env, encoding: 'utf8', timeout: 60_000 },
    );
    expect(generated.status, generated.stderr).toBe(0);
    const [fullCache, ...others] = cacheFiles(temp);
    expect(others).toEqual([]);
    expect(fullCache).not.toMatch(/\.help\.v8$/);
    // The generation's functions are in it as well: more than --version compiled.
    expect(statSync(path.join(cacheFolder(temp), fullCache!)).size).toBeGreaterThan(1.2 * helpSize(temp, helpCache!));
  });
});

/** The size of the --version cache `name` made in a fresh folder beside `temp`'s (the original was replaced). */
function helpSize(temp: string, name: string): number {
  const again = freshTemp();
  version(again);
  expect(cacheFiles(again)).toEqual([name]);
  return statSync(path.join(cacheFolder(again), name)).size;
}

describe("the CLI's own process", () => {
  const LOADER = fileURLToPath(new URL('../lib/cached-bundle.js', import.meta.url));
  /**
   * The young generation's size (both halves, as committed) before and, at its largest, while a
   * start-up's worth of objects that stay alive is made, in a node process that calls
   * tuneForShortRun() first when `tuned`.
   */
  function youngGeneration(tuned: boolean, nodeOptions = ''): { first: number; largest: number } {
    const script = `
      const v8 = await import('node:v8');
      const size = () => v8.getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size;
      const first = size();
      if (${tuned}) (await import(${JSON.stringify(LOADER)})).tuneForShortRun();
      let largest = first;
      const kept = [];
      for (let index = 0; index < 300_000; index++) {
        kept.push({ index, name: 'object ' + index });
        if (index % 1000 === 0) largest = Math.max(largest, size());
      }
      console.log(JSON.stringify({ first, largest }));`;
    const env = { ...process.env, NODE_OPTIONS: nodeOptions };
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout);
  }

  it('keeps its young generation at its first size (fewer fresh pages), where Node would grow it', () => {
    // The second half is committed at the first collection: twice the first size, and no more.
    const tuned = youngGeneration(true);
    expect(tuned.largest).toBeLessThanOrEqual(2 * tuned.first);
    const untuned = youngGeneration(false);
    expect(untuned.largest).toBeGreaterThanOrEqual(8 * untuned.first);
  });

  it('keeps the heap flags a user gave Node', () => {
    const given = youngGeneration(true, '--max-semi-space-size=32');
    expect(given.largest).toBeGreaterThanOrEqual(8 * given.first);
  });

  it.skipIf(typeof process.getuid !== 'function')(
    'keeps its code cache apart from a host that loads the bundle untuned',
    () => {
      const temp = freshTemp();
      version(temp);
      expect(cacheFiles(temp)).toHaveLength(1);
      // A script of its own, so its node has no options of its own: the flags alone tell the caches apart.
      const hostScript = path.join(scratch, 'host.mjs');
      writeFileSync(hostScript, `await import(${JSON.stringify(new URL('../lib/cli.js', import.meta.url).href)});\n`);
      const host = spawnSync(process.execPath, [hostScript], {
        env: { ...process.env, TMPDIR: temp },
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(host.status, host.stderr).toBe(0);
      expect(cacheFiles(temp)).toHaveLength(2);
    },
  );
});
