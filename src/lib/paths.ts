import { fileURLToPath } from 'node:url';

/** The package's EJS templates, shared by every generator. */
export const TEMPLATES_ROOT = fileURLToPath(new URL('../templates', import.meta.url));

/** The compiled entry of a generator of this package, by name ("app", "resume", ...). */
export function generatorPath(name: string): string {
  return fileURLToPath(new URL(`../generators/${name}/index.js`, import.meta.url));
}
