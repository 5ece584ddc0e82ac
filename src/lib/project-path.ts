/**
 * The one path policy for everything checkpoint-tests writes: a path given by
 * the user (outputDir, the audit report, ...) is resolved against the project
 * root and must stay inside it, also after following symlinks (the realpath
 * of its nearest existing ancestor must lie inside the project's realpath).
 * A bad path is a UsageError that names the value (cut) and says the fix.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

/** Longest path and path component most file systems accept (Linux: PATH_MAX, NAME_MAX). */
const MAX_PATH_BYTES = 4095;
const MAX_NAME_BYTES = 255;

/**
 * Paths (or names) in UTF-16 code-unit order, which is git's byte order but where a character beyond
 * U+FFFF meets one from U+E000 to U+FFFF: the same order on every machine, where a locale's
 * collation (`localeCompare`) is not, and no ICU collator to load.
 */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Text cut to about `limit` characters for an error message. */
export function cutText(text: string, limit = 200): string {
  return text.length > limit ? `${text.slice(0, limit)}...` : text;
}

/** A string value cut to about 200 characters for an error message, JSON-quoted. */
export function shownValue(value: string, limit = 200): string {
  return JSON.stringify(cutText(value, limit));
}

export interface PathRole {
  /** What the path is, for messages: "`outputDir`", "--report". */
  what: string;
  /** The path names a folder (outputDir) or a file (a report). */
  kind: 'folder' | 'file';
}

/** Whether `inner` is `outer` or lies under it (both absolute and normalised). */
export function isInside(outer: string, inner: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The nearest ancestor of `target` (itself included) that exists, without following a final symlink. */
function nearestExisting(target: string): string {
  let current = target;
  for (;;) {
    try {
      lstatSync(current);
      return current;
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return current;
      current = parent;
    }
  }
}

/**
 * Resolves `given` against `root` and checks it against the policy: no NUL
 * or line break, not too long, inside the project (after symlinks), and no
 * existing file where a folder is needed (or a folder where a file is).
 * Returns the absolute path.
 */
export function resolveInProject(root: string, given: string, role: PathRole): string {
  const fix = `Give a ${role.kind} inside the project (${root}), relative to it${role.kind === 'folder' ? ', such as "tests/checkpoint"' : ''}; nothing was written.`;
  const refuse = (why: string) => new UsageError(`${role.what} is ${shownValue(given)}, but ${why}. ${fix}`);
  if (given.trim() === '') throw refuse('it is empty');
  if (/[\0\r\n]/.test(given)) throw refuse('it holds a NUL or a line break, which no file name may hold');
  const resolved = path.resolve(root, given);
  if (Buffer.byteLength(resolved) > MAX_PATH_BYTES) throw refuse(`it is longer than the ${MAX_PATH_BYTES} bytes a path may have`);
  const longName = resolved.split(path.sep).find((part) => Buffer.byteLength(part) > MAX_NAME_BYTES);
  if (longName !== undefined) throw refuse(`a folder or file name in it is longer than the ${MAX_NAME_BYTES} bytes a name may have`);
  if (!isInside(path.resolve(root), resolved)) throw refuse('it lies outside the project');
  const realRoot = realpathSync(root);
  const existing = nearestExisting(resolved);
  let realExisting: string;
  try {
    realExisting = realpathSync(existing);
  } catch {
    throw refuse(`${existing} is a broken symlink`);
  }
  if (!isInside(realRoot, realExisting)) {
    throw refuse(`${path.relative(root, existing) || existing} is a symlink that leads out of the project (to ${realExisting})`);
  }
  // Every existing ancestor of what will be written must be a folder.
  const blocking = existing === resolved && role.kind === 'file' ? path.dirname(existing) : existing;
  const isFolder = (candidate: string) => {
    try {
      return statSync(candidate).isDirectory();
    } catch {
      return false;
    }
  };
  if (!isFolder(blocking)) throw refuse(`${path.relative(root, blocking) || blocking} is a file, not a folder`);
  if (existing === resolved && role.kind === 'file' && isFolder(resolved)) throw refuse('it is a folder, not a file');
  return resolved;
}
