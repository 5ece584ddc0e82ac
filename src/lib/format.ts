/**
 * Generated non-Python files are written in their final form: the templates
 * print Markdown and YAML the way Prettier (with its defaults) would leave
 * them, and JSON (`.yo-rc.json`) is printed here the same way, so no
 * formatter is loaded on a run (Prettier alone cost about a third of a cold
 * start). test/prettier-noop.test.ts proves Prettier leaves every generated
 * file unchanged.
 *
 * Prettier is still used, loaded lazily, in one place: merging our hook into
 * a `.pre-commit-config.yaml` the user already had. That file is theirs, in
 * their style: Prettier with their own configuration keeps the merged file the
 * way their own formatting would, and the YAML library's output alone may not.
 */
import path from 'node:path';
import { passthrough } from '@yeoman/transform';

/** Prettier's default print width, which the generated files keep. */
const PRINT_WIDTH = 80;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

const isScalar = (value: Json): boolean => value === null || typeof value !== 'object';

/**
 * `value` as JSON the way Prettier prints a `.json` file written from
 * scratch: objects one key a line; an array of scalars on one line when it
 * fits in the print width (trailing comma included), else one item a line.
 */
export function prettyJson(value: unknown): string {
  return `${printJson(value as Json, '', '', '')}\n`;
}

function printJson(value: Json, indent: string, prefix: string, suffix: string): string {
  if (value === undefined) return 'null';
  if (isScalar(value)) return JSON.stringify(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const flat = `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
    if (value.every(isScalar) && indent.length + prefix.length + flat.length + suffix.length <= PRINT_WIDTH) return flat;
    const items = value.map((item, index) => `${inner}${printJson(item, inner, '', index < value.length - 1 ? ',' : '')}`);
    return `[\n${items.join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, Json>).filter(([, item]) => item !== undefined);
  if (entries.length === 0) return '{}';
  const lines = entries.map(([key, item], index) => {
    const head = `${JSON.stringify(key)}: `;
    return `${inner}${head}${printJson(item, inner, head, index < entries.length - 1 ? ',' : '')}`;
  });
  return `{\n${lines.join(',\n')}\n${indent}}`;
}

/**
 * Reprints `.yo-rc.json` (Yeoman writes it with `JSON.stringify`) in Prettier's form, as a Yeoman transform, so it runs
 * before the conflicter: a re-run compares final form with final form.
 */
export function finalFormTransform() {
  return passthrough(
    (file: { path: string; contents: Buffer | null }) => {
      if (!file.contents) return;
      file.contents = Buffer.from(prettyJson(JSON.parse(file.contents.toString('utf8'))));
    },
    { filter: (file: { path: string }) => path.basename(file.path) === '.yo-rc.json' },
  );
}

/**
 * The columns a string takes in a monospace font, as Prettier counts them:
 * East Asian wide letters and emoji take two, combining marks none.
 */
export function stringWidth(text: string): number {
  // Printable ASCII: one column a character.
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const char of text) {
    if (/\p{M}|\u200b|\ufe0f/u.test(char)) continue;
    width += WIDE.test(char) ? 2 : 1;
  }
  return width;
}

const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{1f300}-\u{1f64f}\u{1f900}-\u{1f9ff}\u{20000}-\u{3fffd}]/u;

/** A table row's cells: split on the pipes that are not escaped, trimmed. */
function tableCells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return inner.split(/(?<!\\)\|/).map((cell) => cell.trim());
}

/**
 * Markdown with every table's columns padded to one width, as Prettier
 * prints them (plain `---` delimiter rows only; a table with alignment
 * colons or ragged rows is left as it is).
 */
export function alignMarkdownTables(markdown: string): string {
  const lines = markdown.split('\n');
  for (let start = 0; start < lines.length; start++) {
    if (!lines[start]!.startsWith('|') || !/^\|(\s*-{3,}\s*\|)+\s*$/.test(lines[start + 1] ?? '')) continue;
    let end = start + 2;
    while (end < lines.length && lines[end]!.startsWith('|')) end++;
    const rows = lines.slice(start, end).map(tableCells);
    const columns = rows[0]!.length;
    if (rows.some((row) => row.length !== columns)) continue;
    const widths = rows[0]!.map((_, column) =>
      Math.max(3, ...rows.filter((_, index) => index !== 1).map((row) => stringWidth(row[column]!))),
    );
    const pad = (cell: string, column: number) => cell + ' '.repeat(widths[column]! - stringWidth(cell));
    const printed = rows.map((row, index) =>
      index === 1
        ? `| ${widths.map((width) => '-'.repeat(width)).join(' | ')} |`
        : `| ${row.map(pad).join(' | ')} |`,
    );
    lines.splice(start, end - start, ...printed);
    start = end - 1;
  }
  return lines.join('\n');
}

/** Formats one file of the user's (YAML, JSON or Markdown) with Prettier and their own config. */
export async function formatWithPrettier(content: string, filePath: string): Promise<string> {
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(filePath)) ?? {};
  return prettier.format(content, { ...config, filepath: filePath });
}
