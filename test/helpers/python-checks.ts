/**
 * black --check and pyflakes over many generated suites at once. Most files
 * are the same from one suite to the next (answers change a few of them), and
 * both tools judge a file by its text and its name alone: each distinct file
 * is checked once, in a scratch copy under its own name, and a finding is
 * reported with the generated paths that hold that text.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  const scratch = mkdtempSync(path.join(tmpdir(), 'checkpoint-pychecks-'));
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
        const folderOfCopy = path.join(scratch, String(copies.size));
        mkdirSync(folderOfCopy);
        const copy = path.join(folderOfCopy, path.basename(file));
        writeFileSync(copy, text);
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
    const [black, pyflakes] = await Promise.all([
      exec(python, ['-m', 'black', '--check', '--diff', '-q', ...paths], options).catch((error) => error),
      exec(python, ['-m', 'pyflakes', ...paths], options).catch((error) => error),
    ]);
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
    rmSync(scratch, { recursive: true, force: true });
  }
}
