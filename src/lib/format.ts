/**
 * Prettier for every generated non-Python file (.yo-rc.json today; JSON, YAML
 * and Markdown in general), applied as a Yeoman transform so it runs before
 * the conflicter: a re-run compares formatted output with formatted output.
 * The user's own Prettier configuration applies.
 */
import { passthrough } from '@yeoman/transform';

const PRETTIER_FILES = /\.(json|ya?ml|md)$/i;

export function prettierTransform() {
  return passthrough(
    async (file: { path: string; contents: Buffer | null }) => {
      if (!file.contents) return;
      const prettier = await import('prettier');
      const config = (await prettier.resolveConfig(file.path)) ?? {};
      const formatted = await prettier.format(file.contents.toString('utf8'), { ...config, filepath: file.path });
      file.contents = Buffer.from(formatted);
    },
    { filter: (file: { path: string }) => PRETTIER_FILES.test(file.path) },
  );
}
