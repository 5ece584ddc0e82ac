/**
 * `checkpoint-tests [family] [options]`: runs a generator of this package
 * through yeoman-environment, so no global `yo` is needed. Errors the user
 * can fix print as one paragraph with no stack trace.
 */
import { existsSync } from 'node:fs';
import { prepareCommand } from 'yeoman-environment';
import { UsageError } from './errors.js';
import { generatorPath } from './paths.js';
import { CATEGORIES } from './questions.js';

/** Generators the first argument may name; the app generator runs when it names none. */
const GENERATORS = ['app', 'audit', 'templates', ...CATEGORIES] as const;

function wrap(text: string, width = Math.min(process.stderr.columns || 88, 100)): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines.join('\n');
}

/** Yeoman's own line for a failed task, which would precede (and repeat) our paragraph. */
const TASK_FAILED = /^An error occured while running (\S+)/;

/** The task Yeoman said failed, kept to name it when the failure is a bug. */
let failedTask: string | undefined;

/**
 * Keeps Yeoman's "An error occured while running <task>" line off stderr: a
 * UsageError or a cancel prints one paragraph of its own, and a bug names the
 * task in its message instead.
 */
function quietTaskFailures(log: { error: (...args: unknown[]) => unknown }): void {
  const error = log.error;
  log.error = function (this: unknown, ...args: unknown[]) {
    const task = typeof args[0] === 'string' ? TASK_FAILED.exec(args[0]) : null;
    if (task) {
      failedTask ??= task[1];
      return this;
    }
    return error.apply(this, args);
  };
}

function isCancel(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  const named = first !== undefined && (GENERATORS as readonly string[]).includes(first);
  const name = named ? first! : 'app';
  const args = named ? rest : argv;
  const resolved = generatorPath(name);
  if (!existsSync(resolved)) {
    throw new UsageError(
      `checkpoint-tests is not built (${resolved} is missing). Run \`npm run build\` (or \`npm ci\`, which builds) in the checkpoint-tests folder.`,
    );
  }
  const command = await prepareCommand({ resolved, namespace: `checkpoint-tests:${name}` });
  // Every generator of the run logs through this adapter (composed ones too).
  if (command.env) quietTaskFailures(command.env.adapter.log as never);
  command.name(named ? `checkpoint-tests ${name}` : 'checkpoint-tests');
  command.addHelpText(
    'after',
    `\nFamilies, each a sub-generator: ${CATEGORIES.join(', ')} (checkpoint-tests <family> [options]).\ncheckpoint-tests audit PATH audits existing tests and writes only the families they miss.\nTeam templates: checkpoint-tests templates copies the templates into the project to edit.\nEvery question is also an option and an answers-file key; see the README's answers table.`,
  );
  await command.parseAsync(args, { from: 'user' });
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`\n${wrap(`checkpoint-tests: ${error.message}`)}\n`);
      process.exitCode = error.exitCode;
    } else if (isCancel(error)) {
      process.stderr.write('\ncheckpoint-tests: cancelled; nothing was written.\n');
      process.exitCode = 130;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(
        `\n${wrap(`checkpoint-tests failed unexpectedly${failedTask ? ` in ${failedTask}` : ''}: ${message}. This is a bug in checkpoint-tests; run again with DEBUG=checkpoint-tests to see where, and report it.`)}\n`,
      );
      if (process.env.DEBUG?.includes('checkpoint-tests') && error instanceof Error) process.stderr.write(`${error.stack}\n`);
      process.exitCode = 1;
    }
  },
);
