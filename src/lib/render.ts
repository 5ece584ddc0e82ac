/**
 * EJS rendering of the templates. Every template prints with `<%-` (no HTML
 * escaping: `'` must stay `'` in Python) and gets user strings only through
 * `py()`, which makes valid Python literals.
 *
 * A team may eject the templates (`checkpoint-tests templates`) and edit
 * them: a template found in the override folder wins over the built-in one,
 * file by file, includes too. A template that uses a name that is not a
 * template variable fails with the template's path and line.
 *
 * An EJS template is JavaScript: a team template runs with the user's rights.
 * So a team template is read only from inside the project (a symbolic link
 * that leads out of it is refused), and every one used is recorded so the
 * run can name them.
 */
import ejs from 'ejs';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { UsageError, cut } from './errors.js';
import { PRECOMPILED } from './precompiled-templates.js';

export interface TemplateRoots {
  /** The package's own templates. */
  builtIn: string;
  /** The project's ejected templates, when it has them. */
  override?: string;
  /** The project: no team template is read from outside it, links followed. */
  project?: string;
  /** Collects the team templates used (absolute paths), so the run can name them. */
  used?: Set<string>;
}

/** Whether `inner` is `outer` or lies under it. */
function isInside(inner: string, outer: string): boolean {
  const relative = path.relative(outer, inner);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** The file that renders `relative` (a path under the templates root): the override if there is one. */
export function resolveTemplate(relative: string, roots: TemplateRoots): string {
  const override = roots.override ? path.join(roots.override, relative) : undefined;
  if (!override || !existsSync(override)) return path.join(roots.builtIn, relative);
  if (roots.project) {
    const real = realpathSync(override);
    const project = realpathSync(roots.project);
    if (!isInside(real, project)) {
      throw new UsageError(
        `The team template ${cut(override)} leads, through a symbolic link, to ${cut(real)}, outside the project ${cut(project)}. Team templates run as JavaScript, so checkpoint-tests reads them only from inside the project: copy the file into ${cut(roots.override!)} instead of linking it, or delete the link to use the built-in template.`,
      );
    }
  }
  roots.used?.add(override);
  return override;
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

/** EJS's shallow copy of an include's data: own enumerable keys, never `__proto__` or `constructor`. */
function copied(to: Record<string, unknown>, from: object | undefined): Record<string, unknown> {
  for (const [key, value] of Object.entries(from ?? {})) {
    if (key !== '__proto__' && key !== 'constructor') to[key] = value;
  }
  return to;
}

/** A built-in template that was not compiled at build time, or was edited since. */
class NotPrecompiled extends Error {}

/**
 * The precompiled function of the built-in template `file`, if it was compiled from the text the
 * file has now.
 */
function precompiled(file: string, builtIn: string): ReturnType<(typeof PRECOMPILED)[string]['compiled']> {
  const template = PRECOMPILED[path.relative(builtIn, file).split(path.sep).join('/')];
  if (!template) throw new NotPrecompiled();
  const text = readFileSync(file, 'utf8');
  if (createHash('sha1').update(text).digest('hex') !== template.sha1) throw new NotPrecompiled();
  return template.compiled(file, text);
}

/**
 * Renders the built-in template `file` with its precompiled function, as `ejs.render` would: an
 * include is found beside the including file (`.ejs` added when it names no extension) and gets
 * the including template's data, with its own on top.
 */
function renderPrecompiled(file: string, data: object, builtIn: string): string {
  const include = (name: string, includeData?: object): string => {
    const included = path.resolve(path.dirname(file), name) + (path.extname(name) ? '' : '.ejs');
    return renderPrecompiled(included, copied(copied(Object.create(null), data), includeData), builtIn);
  };
  return precompiled(file, builtIn)(data, ejs.escapeXML, include);
}

export function renderTemplate(relative: string, data: object, roots: TemplateRoots): string {
  const file = resolveTemplate(relative, roots);
  // A team's templates, any of which may be included, go through EJS itself.
  if (!roots.override || !existsSync(roots.override)) {
    try {
      return renderPrecompiled(file, data, roots.builtIn);
    } catch (error) {
      if (!(error instanceof NotPrecompiled)) throw templateError(error, file, roots);
    }
  }
  try {
    return ejs.render(readFileSync(file, 'utf8'), data as ejs.Data, {
      filename: file,
      async: false,
      // An include a team template makes of a template the team did not eject is found among the built-in ones.
      views: [path.join(roots.builtIn, path.dirname(relative))],
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

/**
 * The template line of a JavaScript syntax error, which EJS does not report:
 * compiles EJS's generated source again and maps the failing line back
 * through the `__line = N` markers EJS writes before each template line.
 */
function syntaxErrorLine(file: string): number | undefined {
  try {
    const template = new (ejs as unknown as { Template: new (text: string, options: object) => { source: string; generateSource(): void } }).Template(
      readFileSync(file, 'utf8'),
      { filename: file, compileDebug: true },
    );
    template.generateSource();
    const lines = template.source.split('\n');
    try {
      new vm.Script(`(function () {\n${template.source}\n})`, { filename: 'template' });
    } catch (error) {
      const failing = /^template:(\d+)/.exec(String((error as Error).stack));
      if (!failing) return undefined;
      // Line 1 of the script is the wrapper; line n + 1 is line n of the source.
      const upTo = lines.slice(0, Number(failing[1]) - 1);
      const marker = upTo.map((line) => /__line = (\d+)/.exec(line)?.[1]).filter(Boolean).at(-1);
      return marker ? Number(marker) : 1;
    }
  } catch {
    // The line is a help, not a must: the message names the file anyway.
  }
  return undefined;
}

/** EJS reports `ejs:LINE` or `FILE:LINE` and the failing name; say it in one paragraph. */
function templateError(error: unknown, file: string, roots: TemplateRoots): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof SyntaxError) {
    // EJS's own text ends in advice about `async: true`, which is no help to a template's author.
    const failing = / in (.+?) while compiling ejs/.exec(message)?.[1] ?? file;
    const ours = !roots.override || !failing.startsWith(roots.override);
    const line = syntaxErrorLine(failing);
    const reason = message.split(/ in \S.*? while compiling ejs/)[0]!.split('\n')[0]!;
    const text = `The template ${failing}${line ? ` (line ${line})` : ''} is not valid EJS: its JavaScript has a syntax error (${cut(reason)}). Look there for a \`<%\` without its \`%>\`, an unclosed bracket or a misspelt keyword. ${
      ours
        ? 'This is a bug in checkpoint-tests; please report it.'
        : 'Fix the template, or delete it to use the built-in one.'
    }`;
    return ours ? new Error(text) : new UsageError(text);
  }
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
