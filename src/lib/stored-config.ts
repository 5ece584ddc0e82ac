/**
 * `.yo-rc.json` read before Yeoman reads it: a broken file (invalid JSON,
 * empty, a list, bookkeeping of the wrong type) is the user's to fix, and a
 * file a newer checkpoint-tests wrote is not silently rewritten by an older one.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';
import { cutText } from './project-path.js';

export const CONFIG_FILE = '.yo-rc.json';
export const CONFIG_NAMESPACE = 'generator-checkpoint-tests';

function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** -1, 0 or 1 as `a` is older, the same or newer than `b` (x.y.z; a pre-release counts as its release). */
export function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[-+]/)[0]!.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index++) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return Math.sign(difference);
  }
  return 0;
}

/**
 * Checks the project's `.yo-rc.json`, if any: a JSON object whose
 * `generator-checkpoint-tests` entry is an object, whose `preset` is a path,
 * `generatorVersion` a version not newer than `ownVersion` (unless `force`),
 * and `files` a mapping of paths to hashes. With 'shape only' the version is
 * not compared (Yeoman constructs a generator before the options are parsed). Answers themselves are checked
 * later, with every other source of answers.
 */
export function checkStoredConfig(root: string, ownVersion: string, force: boolean | 'shape only'): void {
  const file = path.join(root, CONFIG_FILE);
  if (!existsSync(file)) return;
  const fix = `Fix ${file} (or delete it to answer every question again); nothing was written.`;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`${file} cannot be read (${code}). ${fix}`);
  }
  if (text.trim() === '') throw new UsageError(`${file} is empty, but it must hold a JSON object. ${fix}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(`${file} is not valid JSON: ${cutText(reason ?? '', 160)}. ${fix}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(`${file} must hold a JSON object, but it holds ${describe(parsed)}. ${fix}`);
  }
  const ours = (parsed as Record<string, unknown>)[CONFIG_NAMESPACE];
  if (ours === undefined) return;
  if (ours === null || typeof ours !== 'object' || Array.isArray(ours)) {
    throw new UsageError(
      `The "${CONFIG_NAMESPACE}" entry of ${file} must be an object of stored answers, but it is ${describe(ours)}. ${fix}`,
    );
  }
  const stored = ours as Record<string, unknown>;
  if (stored.preset !== undefined && (typeof stored.preset !== 'string' || stored.preset.trim() === '')) {
    throw new UsageError(
      `\`preset\` in ${file} is ${cutText(JSON.stringify(stored.preset) ?? 'undefined')}, but it must be the path of a preset file, such as "team-preset.json". ${fix}`,
    );
  }
  const version = stored.generatorVersion;
  if (version !== undefined && (typeof version !== 'string' || !/^\d+(\.\d+)*([-+].*)?$/.test(version))) {
    throw new UsageError(
      `\`generatorVersion\` in ${file} is ${cutText(JSON.stringify(version) ?? 'undefined')}, but it must be the version of checkpoint-tests that wrote it, such as "${ownVersion}". ${fix}`,
    );
  }
  if (typeof version === 'string' && force !== 'shape only' && compareVersions(version, ownVersion) > 0 && !force) {
    throw new UsageError(
      `${file} was written by checkpoint-tests ${cutText(version, 40)}, which is newer than this one (${ownVersion}): its answers and files may mean things this version does not know. Run the newer checkpoint-tests (npx -p generator-checkpoint-tests@${version} checkpoint-tests), or pass --force to let ${ownVersion} rewrite them; nothing was written.`,
    );
  }
  const files = stored.files;
  if (
    files !== undefined &&
    (files === null ||
      typeof files !== 'object' ||
      Array.isArray(files) ||
      Object.values(files).some((hash) => typeof hash !== 'string'))
  ) {
    throw new UsageError(
      `\`files\` in ${file} (the record of the files checkpoint-tests wrote) must map paths to hashes, but it is ${describe(files)}. Delete the \`files\` entry (checkpoint-tests then removes no earlier file of its own) and run again; nothing was written.`,
    );
  }
}

/** The record of the files an earlier run wrote: project-relative path to sha256 of the content. */
export function storedFileRecord(stored: Record<string, unknown>): Record<string, string> {
  const files = stored.files;
  return files && typeof files === 'object' && !Array.isArray(files) ? { ...(files as Record<string, string>) } : {};
}
