/**
 * black --check and pyflakes over many generated suites at once. Most files
 * are the same from one suite to the next (answers change a few of them), and
 * both tools judge a file by its text and its name alone: each distinct file
 * is checked once, in a copy under its own name, and a finding is reported
 * with the generated paths that hold that text.
 *
 * The copies are kept between runs, in a folder of the user's own named by
 * their text: black's cache (by path, size and time) then knows the files a
 * change of ours left as they were, and checks only the others (black without
 * its compiled extension took a quarter of a minute over them all).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Every `.py` file under `folder`, recursively. */
function pythonFiles(folder: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    const full = path.join(folder, name);
    if (statSync(full).isDirectory()) {
      if (name !== '__pycache__') found.push(...pythonFiles(full));
    } else if (name.endsWith('.py')) found.push(full);
  }
  return found;
}

export interface PythonChecks {
  /** black's diff (empty when every file is black-clean), copies' paths replaced by the generated ones. */
  black: string;
  /** pyflakes' findings (empty when clean), likewise. */
  pyflakes: string;
  /** How many files were found, and how many distinct ones were checked. */
  files: number;
  distinct: number;
}

/** Runs black --check --diff and pyflakes, one process each, over the distinct `.py` files under `folders`. */
export async function checkPythonFiles(python: string, folders: readonly string[]): Promise<PythonChecks> {
  const kept = keptCopiesFolder();
  const scratch = kept ?? mkdtempSync(path.join(tmpdir(), 'checkpoint-pychecks-'));
  try {
    const copies = new Map<string, { copy: string; originals: string[] }>();
    let files = 0;
    for (const folder of folders) {
      for (const file of pythonFiles(folder)) {
        files++;
        const text = readFileSync(file);
        // The name goes into the key: pyflakes treats __init__.py apart, black .pyi files.
        const key = createHash('sha256').update(path.basename(file)).update('\0').update(text).digest('hex');
        const known = copies.get(key);
        if (known) {
          known.originals.push(file);
          continue;
        }
        const folderOfCopy = path.join(scratch, kept ? key : String(copies.size));
        const copy = path.join(folderOfCopy, path.basename(file));
        // A copy kept from an earlier run is left as it is: its time is what black's cache knows it by.
        if (!kept || !sameText(copy, text)) {
          mkdirSync(folderOfCopy, { recursive: true });
          // Whole or not at all: another test file may be checking the same copy.
          writeFileSync(`${copy}.${process.pid}.tmp`, text);
          renameSync(`${copy}.${process.pid}.tmp`, copy);
        }
        // The folder's time says when the copy was last used (what pruning goes by); the file's stays.
        if (kept) utimesSync(folderOfCopy, new Date(), new Date());
        copies.set(key, { copy, originals: [file] });
      }
    }
    const paths = [...copies.values()].map(({ copy }) => copy);
    const named = (output: string): string => {
      let text = output;
      for (const { copy, originals } of copies.values()) {
        const shown = originals.length > 1 ? `${originals[0]} (and ${originals.length - 1} same)` : originals[0]!;
        text = text.split(copy).join(shown);
      }
      return text;
    };
    const options = { maxBuffer: 64 << 20, timeout: 600_000 };
    // black reads its cache in --check alone (not with --diff): the diff is asked for only when a file differs.
    const blackCheck = (...extra: string[]) =>
      exec(python, ['-m', 'black', '--check', '-q', ...extra, ...paths], options).catch((error) => error);
    const [checked, pyflakes] = await Promise.all([
      blackCheck(),
      exec(python, ['-m', 'pyflakes', ...paths], options).catch((error) => error),
    ]);
    const black = checked.code === 1 ? await blackCheck('--diff') : checked;
    for (const [tool, result] of [
      ['black', black],
      ['pyflakes', pyflakes],
    ] as const) {
      // A tool that could not run at all (not installed, killed) must not pass as "no findings".
      if (result.code !== undefined && result.code !== 0 && result.code !== 1 && !result.stdout) {
        throw new Error(`${tool} did not run (exit ${result.code}): ${result.stderr ?? result.message}`);
      }
    }
    return {
      black: named(black.stdout ?? ''),
      pyflakes: named(pyflakes.stdout ?? ''),
      files,
      distinct: paths.length,
    };
  } finally {
    if (!kept) rmSync(scratch, { recursive: true, force: true });
  }
}

/** Whether `file` holds `text` (false when it is missing). */
function sameText(file: string, text: Buffer): boolean {
  try {
    return readFileSync(file).equals(text);
  } catch {
    return false;
  }
}

/** Past this many kept copies (each change of a template adds a few), those unused for a day are removed. */
const MOST_KEPT = 3000;
const UNUSED_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * The folder the copies are kept in, between runs: the user's own and private (what is checked
 * there must be what we wrote), pruned when it holds too many; undefined when it cannot be had,
 * and the copies then go to a scratch folder removed after the run.
 */
function keptCopiesFolder(): string | undefined {
  if (typeof process.getuid !== 'function') return undefined;
  const folder = path.join(tmpdir(), `checkpoint-tests-pychecks-${process.getuid()}`);
  try {
    mkdirSync(folder, { recursive: true, mode: 0o700 });
    const stat = lstatSync(folder);
    if (!stat.isDirectory() || stat.uid !== process.getuid() || (stat.mode & 0o077) !== 0) return undefined;
    const entries = readdirSync(folder);
    if (entries.length > MOST_KEPT) {
      for (const entry of entries) {
        const copyFolder = path.join(folder, entry);
        if (Date.now() - statSync(copyFolder).mtimeMs > UNUSED_FOR_MS)
          rmSync(copyFolder, { recursive: true, force: true });
      }
    }
    return folder;
  } catch {
    return undefined;
  }
}
