/**
 * EJS rendering of the templates. Every template prints with `<%-` (no HTML
 * escaping: `'` must stay `'` in Python) and gets user strings only through
 * `py()`, which makes valid Python literals.
 *
 * A team may eject the templates (`checkpoint-tests templates`) and edit
 * them: a template found in the override folder wins over the built-in one,
 * file by file, includes too. A template that uses a name that is not a
 * template variable fails with the template's path and line.
 */
import ejs from 'ejs';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { UsageError } from './errors.js';

export interface TemplateRoots {
  /** The package's own templates. */
  builtIn: string;
  /** The project's ejected templates, when it has them. */
  override?: string;
}

/** The file that renders `relative` (a path under the templates root): the override if there is one. */
export function resolveTemplate(relative: string, roots: TemplateRoots): string {
  const override = roots.override ? path.join(roots.override, relative) : undefined;
  return override && existsSync(override) ? override : path.join(roots.builtIn, relative);
}

/** Where a template path sits relative to whichever root holds it. */
function relativeToRoots(file: string, roots: TemplateRoots): string | undefined {
  for (const root of [roots.override, roots.builtIn]) {
    if (!root) continue;
    const relative = path.relative(root, file);
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) return relative;
  }
  return undefined;
}

export function renderTemplate(relative: string, data: object, roots: TemplateRoots): string {
  const file = resolveTemplate(relative, roots);
  try {
    return ejs.render(readFileSync(file, 'utf8'), data as ejs.Data, {
      filename: file,
      async: false,
      // An include resolves, like the template itself, to the override when there is one.
      includer: (_original: string, parsed: string) => {
        const inside = relativeToRoots(parsed, roots);
        return inside === undefined ? { filename: parsed } : { filename: resolveTemplate(inside, roots) };
      },
    });
  } catch (error) {
    throw templateError(error, file, roots);
  }
}

/** EJS reports `ejs:LINE` or `FILE:LINE` and the failing name; say it in one paragraph. */
function templateError(error: unknown, file: string, roots: TemplateRoots): Error {
  const message = error instanceof Error ? error.message : String(error);
  // Nested includes rethrow once per level: the last "file:line" is where the name is used.
  const where = [...message.matchAll(/^(\S.*?):(\d+)\n/gm)].at(-1);
  const failing = where?.[1] && where[1] !== 'ejs' ? where[1] : file;
  const line = where?.[2];
  const unknown = /(\w+) is not defined/.exec(message);
  const ours = !roots.override || !failing.startsWith(roots.override);
  const what = unknown
    ? `uses \`${unknown[1]}\`, which is not a template variable`
    : `fails to render: ${message.split('\n').filter(Boolean).at(-1)}`;
  const text = `The template ${failing}${line ? ` (line ${line})` : ''} ${what}. ${
    ours
      ? 'This is a bug in checkpoint-tests; please report it.'
      : 'Fix the template, or delete it to use the built-in one; VARIABLES.md in the templates folder lists every variable a template receives.'
  }`;
  return ours && !unknown ? new Error(text) : new UsageError(text);
}
