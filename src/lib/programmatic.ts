/**
 * Runs checkpoint-tests in this process, as the demo, the zoo harness and the
 * benchmark do: no terminal, no prompts (`yes` is implied), Yeoman's own
 * log lines kept quiet unless asked for.
 */
import { TestAdapter } from '@yeoman/adapter/testing';
import { createEnv } from 'yeoman-environment';
import { generatorPath } from './paths.js';
import { CATEGORIES } from './questions.js';

export interface GenerateOptions {
  /** The project folder: answers are stored in its .yo-rc.json, the suite goes under it. */
  cwd: string;
  /** Answers and run options by CLI name or answer name (`module`, `format`, `skipChecks`...). */
  options: Record<string, unknown>;
  /** The generator to run: "app" (default) or a family. */
  generator?: string;
  /** Print Yeoman's lines and the coverage table (default: quiet). */
  verbose?: boolean;
}

export async function generate({ cwd, options, generator = 'app', verbose = false }: GenerateOptions): Promise<void> {
  const env = createEnv({ cwd, skipInstall: true, ...(verbose ? {} : { adapter: new TestAdapter() }) });
  for (const name of ['app', 'templates', ...CATEGORIES]) {
    env.register(generatorPath(name), { namespace: `checkpoint-tests:${name}` });
  }
  await env.run([`checkpoint-tests:${generator}`], { yes: true, ...options } as never);
}
