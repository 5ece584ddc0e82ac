/**
 * `checkpoint-tests [family] [options]`: runs a generator of this package
 * through yeoman-environment, so no global `yo` is needed. Errors the user
 * can fix print as one paragraph with no stack trace.
 *
 * `main` takes its folder and streams as arguments and returns the exit code,
 * so tests can run many CLI invocations in one process (bin/ passes the
 * process's own and sets the exit code).
 */
import { existsSync } from 'node:fs';
import { addEnvironmentOptions, createEnv } from 'yeoman-environment';
import { UsageError, isUsageError } from './errors.js';
import { fullHelp, otherCommandHelp, shortHelp } from './help.js';
import { didYouMean } from './infer.js';
import { PACKAGE_VERSION } from './package-info.js';
import AppGenerator from '../generators/app/index.js';
import AuditGenerator from '../generators/audit/index.js';
import TemplatesGenerator from '../generators/templates/index.js';
import { familyGenerator } from './family-generator.js';
import { generatorPath } from './paths.js';
import { unlockAll } from './project-lock.js';
import { closeDrivers } from './python.js';
import { type Category, CATEGORIES } from './questions.js';
import { mark } from './timing.js';

mark('CLI modules loaded');

/** Generators the first argument may name; the app generator runs when it names none. */
const GENERATORS = ['app', 'audit', 'templates', ...CATEGORIES] as const;
type GeneratorName = (typeof GENERATORS)[number];

let generatorStarted = false;
/**
 * Whether this process ran a generator (rather than printing help or the version): what the code
 * cache's loader (lib/cached-bundle.js) asks at exit, to keep a cache made by a run that compiled a
 * generation's code apart from one made by `--help`.
 */
export function ranAGenerator(): boolean {
  return generatorStarted;
}

/**
 * The class of the generator `name`, from the bundle this module is part of: registered as it is,
 * the environment has no module to find and import (generators/<name>/index.js is what `yo` finds).
 */
function generatorClass(name: GeneratorName): unknown {
  if (name === 'app') return AppGenerator;
  if (name === 'audit') return AuditGenerator;
  if (name === 'templates') return TemplatesGenerator;
  return familyGenerator(name);
}

/**
 * The generator name nearest a mistyped one: a near spelling of a whole
 * name, or of its beginning (`corupt` is a slip in `corruption`'s first letters).
 */
function nearestCommand(given: string): string | undefined {
  const typed = given.toLowerCase();
  const whole = didYouMean(typed, GENERATORS);
  if (whole || typed.length < 3) return whole;
  return GENERATORS.find((name) => {
    const heads = [name.slice(0, typed.length - 1), name.slice(0, typed.length), name.slice(0, typed.length + 1)];
    return heads.includes(typed) || didYouMean(typed, heads) !== undefined;
  });
}

/** A first argument that names no generator: the nearest name, and every valid one. */
function unknownCommand(given: string): UsageError {
  const near = nearestCommand(given);
  const shown = given.length > 60 ? `${given.slice(0, 60)}…` : given;
  return new UsageError(
    `"${shown}" is not a family or command of checkpoint-tests.${near ? ` Did you mean ${near}?` : ''} The families are ${CATEGORIES.join(', ')}; the other commands are audit and templates. Run checkpoint-tests --help for the options; nothing was written.`,
  );
}

function wrap(text: string, width: number): string {
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

/** The largest message printed: values are cut where they are quoted, this is the last guard. */
const MAX_MESSAGE = 16_000;

/**
 * Keeps Yeoman's "An error occured while running <task>" line off stderr: a
 * UsageError or a cancel prints one paragraph of its own, and a bug names the
 * task in its message instead (through `onTask`).
 */
function quietTaskFailures(log: { error: (...args: unknown[]) => unknown }, onTask: (task: string) => void): void {
  const error = log.error;
  log.error = function (this: unknown, ...args: unknown[]) {
    const task = typeof args[0] === 'string' ? TASK_FAILED.exec(args[0]) : null;
    if (task) {
      onTask(task[1]!);
      return this;
    }
    return error.apply(this, args);
  };
}

function isCancel(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'ExitPromptError' || name === 'AbortPromptError';
}

/** Commander's own exits (--help, --version, an unknown option): it has printed its text already. */
function commanderExit(error: unknown): number | undefined {
  const { code, exitCode } = (error ?? {}) as { code?: unknown; exitCode?: unknown };
  return typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number' ? exitCode : undefined;
}

export interface CliContext {
  /** The project folder (default: the process's working directory). */
  cwd?: string;
  stdin?: NodeJS.ReadStream;
  stdout?: NodeJS.WriteStream;
  stderr?: NodeJS.WriteStream;
}

/** Runs `checkpoint-tests ...argv`; prints what the CLI prints and returns its exit code. */
export async function main(argv: readonly string[], context: CliContext = {}): Promise<number> {
  const stderr = context.stderr ?? process.stderr;
  const width = Math.min(stderr.columns || 88, 100);
  let failedTask: string | undefined;
  try {
    await run(argv, context, (task) => (failedTask ??= task));
    return 0;
  } catch (error) {
    const exited = commanderExit(error);
    // Commander has printed what was wrong (an unknown option, say): a usage error, as ours are.
    if (exited !== undefined) return exited === 0 ? 0 : 2;
    if (isUsageError(error)) {
      stderr.write(`\n${wrap(`checkpoint-tests: ${capped(error.message)}`, width)}\n`);
      return error.exitCode;
    }
    if (isCancel(error)) {
      stderr.write('\ncheckpoint-tests: cancelled; nothing was written.\n');
      return 130;
    }
    const message = capped(error instanceof Error ? error.message : String(error));
    stderr.write(
      `\n${wrap(`checkpoint-tests failed unexpectedly${failedTask ? ` in ${failedTask}` : ''}: ${message}. This is a bug in checkpoint-tests; run again with DEBUG=checkpoint-tests to see where, and report it.`, width)}\n`,
    );
    if (process.env.DEBUG?.includes('checkpoint-tests') && error instanceof Error) stderr.write(`${error.stack}\n`);
    return 1;
  } finally {
    // A run that ended early (a refused answer, --skip-checks) may leave its Python driver idle, and
    // one refused before it claimed the project its lock: both ended here, so a caller that goes on
    // (a test running main() in-process) keeps no process and no lock of ours.
    closeDrivers();
    unlockAll();
  }
}

/** A message kept to MAX_MESSAGE characters: its start (what is wrong) and its end (the fix). */
function capped(message: string): string {
  if (message.length <= MAX_MESSAGE) return message;
  const half = MAX_MESSAGE / 2;
  return `${message.slice(0, half)} … (${message.length - MAX_MESSAGE} characters left out) … ${message.slice(-half)}`;
}

async function run(argv: readonly string[], context: CliContext, onTask: (task: string) => void): Promise<void> {
  const [first, ...rest] = argv;
  const named = first !== undefined && (GENERATORS as readonly string[]).includes(first);
  const name = named ? first! : 'app';
  const args = named ? rest : argv;
  const stdout = context.stdout ?? process.stdout;
  const stderr = context.stderr ?? process.stderr;
  if (args.includes('--version') || args.includes('-V')) {
    stdout.write(`${PACKAGE_VERSION}\n`);
    return;
  }
  if (first !== undefined && !named && !first.startsWith('-')) throw unknownCommand(first);
  const family = (CATEGORIES as readonly string[]).includes(name) ? (name as Category) : undefined;
  const describedHere = name === 'app' || family !== undefined;
  const helpWidth = Math.min(stdout.columns || 80, 100);
  if (describedHere && (args.includes('--help') || args.includes('-h')) && !args.includes('--help-all')) {
    stdout.write(shortHelp(family, helpWidth));
    return;
  }
  const resolved = generatorPath(name);
  if (!existsSync(resolved)) {
    throw new UsageError(
      `checkpoint-tests is not built (${resolved} is missing). Run \`npm run build\` (or \`npm ci\`, which builds) in the checkpoint-tests folder.`,
    );
  }
  // What yeoman-environment's prepareCommand does, with this run's folder and streams.
  const env = createEnv({ cwd: context.cwd ?? process.cwd(), stdin: context.stdin, stdout, stderr });
  // Registered as a class (the bundle holds it already), not by path: no module to find and import.
  const meta = env.register(generatorClass(name as GeneratorName) as never, {
    namespace: `checkpoint-tests:${name}`,
    resolved,
  });
  const command = addEnvironmentOptions();
  command.env = env;
  const generator = await meta.instantiateHelp();
  command.registerGenerator(generator);
  if (!describedHere && (args.includes('--help') || args.includes('-h')) && !args.includes('--help-all')) {
    // Yeoman's own options (those a bare generator has) stay in --help-all.
    const { default: BareGenerator } = await import('yeoman-generator');
    const bare = new BareGenerator([], { help: true, resolved, namespace: 'checkpoint-tests:bare' } as never);
    stdout.write(otherCommandHelp(name, generator as never, bare as never, helpWidth));
    return;
  }
  command.action(async function (this: typeof command) {
    generatorStarted = true;
    const instance = await meta.instantiate(this.args, this.opts());
    mark('generator loaded');
    await env.runGenerator(instance);
  });
  // Every generator of the run logs through this adapter (composed ones too).
  quietTaskFailures(env.adapter.log as never, onTask);
  // Commander prints help and its own errors to these streams and throws instead of exiting the process.
  command.exitOverride();
  // A stray word after the options (`--yes corupt`) is a mistyped family: said below, not as commander says it.
  const strayWord = (text: string) => describedHere && text.startsWith('error: too many arguments');
  command.configureOutput({
    writeOut: (text) => stdout.write(text),
    writeErr: (text) => (strayWord(text) ? true : stderr.write(text)),
  });
  command.name(named ? `checkpoint-tests ${name}` : 'checkpoint-tests');
  if (args.includes('--help-all')) {
    // Yeoman's own options, as it registered them, follow ours.
    const yeoman = command.options
      .filter((option) => !option.negate)
      .map((option) => ({ flags: option.flags, help: option.description }));
    stdout.write(describedHere ? fullHelp(family, yeoman, helpWidth) : command.helpInformation());
    return;
  }
  try {
    await command.parseAsync([...args], { from: 'user' });
  } catch (error) {
    const stray = command.args.find((arg) => !arg.startsWith('-'));
    if ((error as { code?: string }).code === 'commander.excessArguments' && describedHere && stray !== undefined) {
      if (!named) throw unknownCommand(stray);
      throw new UsageError(
        `checkpoint-tests ${name} takes options only, but was given "${stray.slice(0, 60)}". Run checkpoint-tests ${name} --help for its options; nothing was written.`,
      );
    }
    throw error;
  }
}
