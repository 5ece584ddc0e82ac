/**
 * Every file checkpoint-tests writes goes through here, so no file is ever
 * half-written: each new content is first written to a temporary file in the
 * same folder and fsynced, then renamed over the target (a rename within a
 * folder is atomic), and `.yo-rc.json` is written last, after the suite, so it
 * never records answers whose files are not all in place.
 *
 * `commitAtomically` replaces Yeoman's commit (yeoman-environment's
 * `commitSharedFsTask`): the same `.yo-resolve` handling and conflicter (its
 * diff-and-ask, with the diff cut to its hunks by hunk-diff.ts, `--force`,
 * and `--dry-run`, which skips every file), and then, instead of
 * mem-fs-editor's in-place `writeFile`, the two-phase write below. A
 * generator installs it through Yeoman's `customCommitTask` feature.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs, existsSync } from 'node:fs';
import path from 'node:path';
import { createYoResolveTransform, forceYoFiles } from '@yeoman/conflicter';
import { passthrough } from '@yeoman/transform';
import { UsageError } from './errors.js';
import { createHunkConflicterTransform } from './hunk-diff.js';

/** A file of Yeoman's in-memory file system, as far as committing it goes. */
interface MemFile {
  path: string;
  contents: Buffer | null;
  stat?: { mode?: number } | null;
  state?: string;
  stateCleared?: string;
  isNew?: boolean;
  committed?: boolean;
}

/** What of Yeoman's environment the commit needs. */
export interface CommitEnvironment {
  adapter: unknown;
  conflicterOptions?: Record<string, unknown>;
  sharedFs: {
    pipeline(options: { filter: (file: MemFile) => boolean }, ...transforms: unknown[]): Promise<void>;
  };
}

export interface FileWrite {
  target: string;
  contents: Buffer;
  /** File mode to give the file (default: the existing file's, else the umask's). */
  mode?: number;
}

const isModified = (file: MemFile) => file.state === 'modified';
const isDeletion = (file: MemFile) => file.state === 'deleted' && existsSync(file.path);
const isPending = (file: MemFile) => isModified(file) || isDeletion(file);
const isYeomanConfig = (file: string) => path.basename(file) === '.yo-rc.json';

/** Temporary files are named `.<name>.checkpoint-tests-<pid>-<random>.tmp`, beside their target. */
const TEMP_SUFFIX = /\.checkpoint-tests-(\d+)-[0-9a-f]+\.tmp$/;

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.checkpoint-tests-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * A test hook, off unless CHECKPOINT_TESTS_WRITE_DELAY_MS is set: it announces
 * the write phase on stderr and pauses between its steps, so a kill test can
 * land its kills inside the phase. The order of the steps is the same either way.
 */
const STEP_DELAY_MS = Number(process.env.CHECKPOINT_TESTS_WRITE_DELAY_MS) || 0;

async function step(label: string): Promise<void> {
  if (STEP_DELAY_MS <= 0) return;
  process.stderr.write(`[write-phase] ${label}\n`);
  await new Promise((resolve) => setTimeout(resolve, STEP_DELAY_MS));
}

/** Why a file system error is the user's to fix, and how; undefined for a bug. */
function userFix(code: string | undefined): string | undefined {
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full (or your quota is used up); free some space and run again';
    case 'EROFS':
      return 'the file system is read-only; run in a writable copy of the project';
    case 'EACCES':
    case 'EPERM':
      return 'you may not write there; make the folder writable (or choose another `outputDir`) and run again';
    case 'ENOTDIR':
    case 'EEXIST':
    case 'EISDIR':
      return 'a file stands where a folder is needed (or a folder where a file is); move it or choose another `outputDir`';
    case 'ENAMETOOLONG':
      return 'the path is too long for the file system; choose a shorter `outputDir`';
    case 'EMFILE':
    case 'ENFILE':
    case 'EIO':
      return 'the system could not write it; check the disk and run again';
    default:
      return undefined;
  }
}

function asUserError(error: unknown, target: string, root: string, replacedAny: boolean): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const fix = userFix(code);
  if (!fix) return error;
  const shown = path.relative(root, target) || target;
  const state = replacedAny
    ? 'Some files were already replaced (each one whole); .yo-rc.json was not updated, so run again once it is fixed.'
    : 'No file was changed: the suite and .yo-rc.json are as they were before this run.';
  return new UsageError(`Could not write ${shown} (${code}): ${fix}. ${state}`);
}

/** Removes temporary files an earlier, killed run left in `folder` (those of processes no longer running). */
async function removeLeftoverTemps(folder: string): Promise<void> {
  let names: string[];
  try {
    names = await fs.readdir(folder);
  } catch {
    return;
  }
  for (const name of names) {
    const match = TEMP_SUFFIX.exec(name);
    if (!match || !name.startsWith('.')) continue;
    const pid = Number(match[1]);
    if (pid !== process.pid && processIsAlive(pid)) continue;
    await fs.rm(path.join(folder, name), { force: true });
  }
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `folder` and its ancestors up to `root` that do not exist yet. */
function missingAncestors(folder: string, root: string): string[] {
  const missing: string[] = [];
  for (let current = folder; current !== root && current !== path.dirname(current) && !existsSync(current); current = path.dirname(current)) {
    missing.push(current);
  }
  return missing;
}

/** Removes the folders a failed write created (deepest first), if they are still empty. */
async function removeEmptyFolders(folders: readonly string[]): Promise<void> {
  for (const folder of [...new Set(folders)].sort((a, b) => b.length - a.length)) {
    await fs.rmdir(folder).catch(() => undefined);
  }
}

async function fsyncFolder(folder: string): Promise<void> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(folder, 'r');
    await handle.sync();
  } catch {
    // Some file systems cannot fsync a folder; the rename is still atomic.
  } finally {
    await handle?.close();
  }
}

/** Writes `contents` to a new temporary file beside `target`, fsynced; returns its path. */
async function stage(write: FileWrite): Promise<string> {
  await fs.mkdir(path.dirname(write.target), { recursive: true });
  const temp = tempPathFor(write.target);
  let mode = write.mode;
  if (mode === undefined) {
    try {
      mode = (await fs.stat(write.target)).mode & 0o7777;
    } catch {
      mode = undefined;
    }
  }
  const handle = await fs.open(temp, 'wx', mode ?? 0o666);
  try {
    await handle.writeFile(write.contents);
    if (mode !== undefined) await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  return temp;
}

/**
 * Writes files in two phases: every content to a fsynced temporary file
 * first (a full disk fails here, with nothing replaced), then each renamed
 * over its target, then the deletions; `last` (the .yo-rc.json) after all of
 * them, the same way. Errors the user can fix become UsageErrors.
 */
export async function writeFilesAtomically(
  root: string,
  writes: readonly FileWrite[],
  deletions: readonly string[] = [],
  last: readonly FileWrite[] = [],
): Promise<void> {
  const folders = new Set([...writes, ...last].map((write) => path.dirname(write.target)));
  for (const folder of folders) await removeLeftoverTemps(folder);
  const missingFolders = [...folders].flatMap((folder) => missingAncestors(folder, root));
  await step('start');
  let replacedAny = false;
  for (const group of [writes, last]) {
    const staged: { temp: string; target: string }[] = [];
    let current = '';
    try {
      for (const write of group) {
        current = write.target;
        staged.push({ temp: await stage(write), target: write.target });
        await step(`staged ${write.target}`);
      }
      for (const { temp, target } of staged) {
        current = target;
        await fs.rename(temp, target);
        replacedAny = true;
        await step(`renamed ${target}`);
      }
    } catch (error) {
      await Promise.all(staged.map(({ temp }) => fs.rm(temp, { force: true })));
      if (!replacedAny) await removeEmptyFolders(missingFolders);
      throw asUserError(error, current, root, replacedAny);
    }
    for (const folder of new Set(group.map((write) => path.dirname(write.target)))) await fsyncFolder(folder);
    if (group === writes) {
      for (const target of deletions) {
        try {
          await fs.rm(target, { force: true });
        } catch (error) {
          throw asUserError(error, target, root, true);
        }
        await step(`deleted ${target}`);
      }
    }
  }
  await step('done');
}

/**
 * Yeoman's commit with atomic writes: the files pass `.yo-resolve` and the
 * conflicter as in Yeoman's own commit; those still pending afterwards (the
 * conflicter skips identical files, declined ones and every file under
 * `--dry-run`) are written by `writeFilesAtomically`, `.yo-rc.json` last.
 */
export async function commitAtomically(env: CommitEnvironment, root: string): Promise<void> {
  const decided: MemFile[] = [];
  await env.sharedFs.pipeline(
    { filter: (file) => isPending(file) || file.path.endsWith('.yo-resolve') },
    createYoResolveTransform(),
    forceYoFiles(),
    createHunkConflicterTransform(env.adapter as never, env.conflicterOptions as never),
    passthrough((file: MemFile) => {
      decided.push(file);
    }),
  );
  const writes = decided.filter((file) => isModified(file) && file.contents);
  const deletions = decided.filter(isDeletion);
  const asWrite = (file: MemFile): FileWrite => ({
    target: file.path,
    contents: file.contents!,
    mode: file.stat?.mode === undefined || file.stat.mode === null ? undefined : file.stat.mode & 0o7777,
  });
  await writeFilesAtomically(
    root,
    writes.filter((file) => !isYeomanConfig(file.path)).map(asWrite),
    deletions.map((file) => file.path),
    writes.filter((file) => isYeomanConfig(file.path)).map(asWrite),
  );
  for (const file of [...writes, ...deletions]) {
    file.committed = true;
    if (file.state !== undefined) file.stateCleared = file.state;
    delete file.state;
    delete file.isNew;
  }
}
