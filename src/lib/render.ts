/**
 * EJS rendering of the Python templates. Every template prints with `<%-`
 * (no HTML escaping: `'` must stay `'` in Python) and gets user strings only
 * through `py()`, which makes valid Python literals.
 */
import ejs from 'ejs';
import { readFileSync } from 'node:fs';

export function renderFile(templateFile: string, data: object): string {
  const template = readFileSync(templateFile, 'utf8');
  return ejs.render(template, data as ejs.Data, { filename: templateFile, strict: false, async: false });
}
