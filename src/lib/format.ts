/**
 * Prettier for every generated non-Python file (.yo-rc.json today; JSON, YAML
 * and Markdown in general), applied as a Yeoman transform so it runs before
 * the conflicter: a re-run compares formatted output with formatted output.
 * The user's own Prettier configuration applies.
 */
import { passthrough } from '@yeoman/transform';

const PRETTIER_FILES = /\.(json|ya?ml|md)$/i;

/** Formats one generated JSON, YAML or Markdown file with Prettier and the user's config. */
export async function formatWithPrettier(content: string, filePath: string): Promise<string> {
  if (!PRETTIER_FILES.test(filePath)) return content;
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(filePath)) ?? {};
  return prettier.format(content, { ...config, filepath: filePath });
}

export function prettierTransform() {
  return passthrough(
    async (file: { path: string; contents: Buffer | null }) => {
      if (!file.contents) return;
      file.contents = Buffer.from(await formatWithPrettier(file.contents.toString('utf8'), file.path));
    },
    { filter: (file: { path: string }) => PRETTIER_FILES.test(file.path) },
  );
}
