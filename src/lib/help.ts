/**
 * What `checkpoint-tests --help` and `--help-all` print, derived from the
 * declarations: the families from FAMILIES, one option a question from
 * QUESTIONS (with the values of enum and list answers), the run options from
 * RUN_OPTIONS. Nothing here lists a family, a question or a value by hand;
 * `COMMON_ANSWERS` only picks which declared answers the short help shows.
 *
 * Printed without loading a generator, so `--help` is quick.
 */
import { FAMILIES } from './families/index.js';
import { type AnswerName, type Category, type Question, QUESTIONS, optionName, questionFamilies } from './questions.js';
import { RUN_OPTIONS } from './run-options.js';

/** The answers the short help shows as options: the ones a first run most often passes. */
const COMMON_ANSWERS: readonly AnswerName[] = ['module', 'format', 'categories', 'outputDir'];

/** The run options the short help shows (`--help-all` shows them all). */
const COMMON_RUN_OPTIONS: readonly (keyof typeof RUN_OPTIONS)[] = [
  'answers',
  'yes',
  'python',
  'all-questions',
  'skip-checks',
  'overwrite-generated',
];

/** Yeoman's options the short help shows. */
const COMMON_YEOMAN_OPTIONS: readonly (keyof typeof YEOMAN_OPTIONS)[] = ['dry-run', 'force'];

/**
 * Yeoman's own options that matter here, as checkpoint-tests uses them (Yeoman
 * registers them with its own wording; `--help-all` lists the rest as Yeoman says them).
 */
export const YEOMAN_OPTIONS = {
  'dry-run': 'show what would be written (and the diff of each changed file); write nothing',
  force: 'overwrite every file without asking, your adapter included',
  'ask-answered': 'ask again the questions .yo-rc.json already answers',
} as const satisfies Record<string, string>;

/** Commands besides the families, with what each does. */
export const OTHER_COMMANDS: Readonly<Record<string, string>> = {
  'audit [PATH]': 'audit existing pytest files and write only the cases they miss',
  templates: "copy the built-in templates into the project, for your team's own edits",
};

interface Entry {
  flags: string;
  help: string;
}

/** What an option takes: `<value>`, or its values when the answer has a fixed set. */
function valueHint(question: Question, full: boolean): string {
  if (question.kind === 'enum') return question.choices.map((choice) => choice.value).join('|');
  if (question.kind === 'list') {
    const values = question.choices.map((choice) => choice.value);
    if (!full && values.length === FAMILIES.length && FAMILIES.every((family) => values.includes(family.name))) {
      return '<family,...> (the families above)';
    }
    return values.length <= 12 ? `${values.join(', ')} (comma-separated)` : '<ids> (comma-separated)';
  }
  return '<value>';
}

function questionEntry(question: Question, full: boolean): Entry {
  const flag = `--${optionName(question.name)}`;
  const hint = valueHint(question, full);
  // A short hint stays beside the flag; a long list of values goes under the help.
  const help = full ? question.help : firstSentence(question.help);
  if (hint.startsWith('<')) {
    const [metavar, ...rest] = hint.split(' ');
    return { flags: `${flag} ${metavar}`, help: `${help.replace(/\.$/, '')} ${rest.join(' ')}` };
  }
  if (hint.length <= 40) return { flags: `${flag} ${hint}`, help };
  return { flags: `${flag} <values>`, help: `${help.replace(/\.$/, '')}. Values: ${hint}.` };
}

function runOptionEntries(full: boolean): Entry[] {
  const shown = Object.entries(RUN_OPTIONS).filter(([name]) => full || (COMMON_RUN_OPTIONS as readonly string[]).includes(name));
  return shown.map(([name, spec]) => {
    const alias = 'alias' in spec ? `, -${spec.alias}` : '';
    const value = spec.type === String ? ' <value>' : '';
    return { flags: `--${name}${alias}${value}`, help: full ? spec.description : mainClause(spec.description) };
  });
}

function yeomanEntries(): Entry[] {
  return COMMON_YEOMAN_OPTIONS.map((name) => ({ flags: `--${name}`, help: mainClause(YEOMAN_OPTIONS[name]) }));
}

/** A help's first sentence (to its first `.` or `;` before a capital, or its end), for the short help. */
function firstSentence(text: string): string {
  const match = /^.*?(?:[.;](?=\s+[A-Z(])|;)/.exec(text);
  const sentence = (match ? match[0] : text).replace(/[.;]$/, '');
  // A long sentence keeps its head: up to its first colon after the case ids.
  const colon = sentence.indexOf(': ', 30);
  return colon > 0 && sentence.length > 90 ? sentence.slice(0, colon) : sentence;
}

/** A run option's help up to its first aside (` (`, `;`), for the short help. */
function mainClause(text: string): string {
  const cut = text.search(/ \(|;/);
  return cut > 20 ? text.slice(0, cut) : text;
}

/** Splits `text` into lines of at most `width` characters, at spaces. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > width) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** Entries as two columns, each help wrapped beside (or, for a long flag, under) its flag. */
function table(entries: readonly Entry[], width: number): string[] {
  const column = Math.min(30, Math.max(...entries.map((entry) => entry.flags.length)) + 2);
  const helpWidth = Math.max(20, width - column - 2);
  const lines: string[] = [];
  for (const { flags, help } of entries) {
    const lead = `  ${flags}`;
    const wrapped = wrapWords(help, helpWidth);
    if (lead.length + 1 > column + 2) {
      lines.push(lead, ...wrapped.map((line) => `${' '.repeat(column + 2)}${line}`));
    } else {
      lines.push(`${lead.padEnd(column + 2)}${wrapped[0] ?? ''}`, ...wrapped.slice(1).map((line) => `${' '.repeat(column + 2)}${line}`));
    }
  }
  return lines;
}

/** The short help of the app generator (no family) or of one family's sub-generator. */
export function shortHelp(family: Category | undefined, width = 80): string {
  const lines: string[] = [];
  if (family === undefined) {
    lines.push(
      'Usage: checkpoint-tests [family] [options]',
      '',
      ...wrapWords(
        'Writes a pytest suite for your checkpoint manager, asking only what your code does not show; a family as the first argument writes that family alone.',
        width,
      ),
      '',
      'Families:',
      ...table(
        FAMILIES.map((entry) => ({ flags: entry.name, help: entry.help })), width),
      '',
      'Other commands:',
      ...table(
        Object.entries(OTHER_COMMANDS).map(([flags, help]) => ({ flags, help })), width),
    );
  } else {
    const own = FAMILIES.find((entry) => entry.name === family)!;
    lines.push(
      `Usage: checkpoint-tests ${family} [options]`,
      '',
      ...wrapWords(`Writes the ${family} cases alone: ${own.help}.`, width),
    );
    const questions = QUESTIONS.filter((question) => questionFamilies(question).includes(family));
    if (questions.length > 0) {
      lines.push('', `The ${family} answers:`, ...table(questions.map((question) => questionEntry(question, false)), width));
    }
  }
  const common = COMMON_ANSWERS.map((name) => QUESTIONS.find((question) => question.name === name)!)
    .filter((question) => family === undefined || question.name !== 'categories')
    .map((question) => questionEntry(question, false));
  const entries = [
    ...common,
    ...runOptionEntries(false),
    ...yeomanEntries(),
    { flags: '--help-all', help: 'every option (one a question), with its values' },
    { flags: '--version', help: 'the version of checkpoint-tests' },
  ];
  if (family === undefined) {
    lines.push('', 'Common options:', ...table(entries, width));
  } else {
    // A family's help keeps to its own answers; the common options are named, `checkpoint-tests --help` says them.
    const names = entries.map((entry) => entry.flags.split(' ')[0]!.replace(/,$/, ''));
    lines.push('', ...wrapWords(`Common options (see checkpoint-tests --help): ${names.join(', ')}.`, width));
  }
  lines.push(
    '',
    ...wrapWords(
      'Every question is also an option and a key of an answers file (docs/answers.md); answers are kept in .yo-rc.json, so a second run asks nothing.',
      width,
    ),
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Every option, grouped: the run options, each question by its group, and
 * Yeoman's own options (`yeomanOptions`: flags and description, as Yeoman
 * registered them), each with its full help and values.
 */
export function fullHelp(
  family: Category | undefined,
  yeomanOptions: readonly Entry[],
  width = 80,
): string {
  const inScope = (question: Question) =>
    family === undefined ||
    question.group === 'target' ||
    question.group === 'binding' ||
    (question.group === 'suite' && question.name !== 'categories') ||
    questionFamilies(question).includes(family);
  const asked = QUESTIONS.filter(inScope);
  const groups = [...new Set(asked.map((question) => question.group))];
  const title = (group: string) =>
    group === 'target' ? 'The code under test' : group === 'binding' ? 'Its binding' : group === 'suite' ? 'The suite' : `The ${group} family`;
  const lines = [`Usage: checkpoint-tests ${family ?? '[family]'} [options]`, '', 'Run options:', ...table(runOptionEntries(true), width)];
  for (const group of groups) {
    lines.push('', `${title(group)}:`, ...table(asked.filter((question) => question.group === group).map((question) => questionEntry(question, true)), width));
  }
  const ours = new Set([...Object.keys(RUN_OPTIONS), ...QUESTIONS.map((question) => optionName(question.name)), 'help', 'version']);
  const yeoman = yeomanOptions
    .filter((entry) => !ours.has(/--([a-z0-9-]+)/.exec(entry.flags)?.[1] ?? ''))
    .map((entry) => {
      const name = /--([a-z0-9-]+)/.exec(entry.flags)?.[1] ?? '';
      return { flags: entry.flags, help: (YEOMAN_OPTIONS as Record<string, string>)[name] ?? entry.help };
    });
  if (yeoman.length > 0) lines.push('', "Yeoman's options:", ...table(yeoman, width));
  return `${lines.join('\n')}\n`;
}

/** What a Yeoman generator registered, as far as its help goes. */
export interface RegisteredGenerator {
  description?: string;
  _options: Record<string, { description?: string; type?: unknown; alias?: string; hide?: boolean }>;
  _arguments: { name: string; description?: string; required?: boolean }[];
}

/**
 * The short help of a command that is not a suite generator (audit,
 * templates): its arguments and the options it registered itself, less
 * `leftOut` (Yeoman's own, and the question options `--help-all` lists).
 */
export function commandHelp(
  name: string,
  summary: string,
  generator: RegisteredGenerator,
  leftOut: ReadonlySet<string>,
  width = 80,
): string {
  const args = generator._arguments.map((argument) => (argument.required ? `<${argument.name}>` : `[${argument.name}]`));
  const lines = [`Usage: checkpoint-tests ${name} ${[...args, '[options]'].join(' ')}`, '', ...wrapWords(summary, width)];
  if (generator._arguments.length > 0) {
    lines.push(
      '',
      'Arguments:',
      ...table(
        generator._arguments.map((argument) => ({ flags: argument.name, help: argument.description ?? '' })),
        width,
      ),
    );
  }
  const own = Object.entries(generator._options).filter(([option, spec]) => !leftOut.has(option) && !spec.hide);
  const entries = own.map(([option, spec]) => ({
    flags: `--${option}${spec.alias ? `, -${spec.alias}` : ''}${spec.type === Boolean ? '' : ' <value>'}`,
    help: spec.description ?? '',
  }));
  entries.push(
    ...COMMON_YEOMAN_OPTIONS.map((option) => ({ flags: `--${option}`, help: YEOMAN_OPTIONS[option] })),
    { flags: '--help-all', help: "every option, Yeoman's included" },
  );
  lines.push('', 'Options:', ...table(entries, width));
  return `${lines.join('\n')}\n`;
}

/** The names of the options every suite generator takes for its questions. */
const QUESTION_OPTIONS: ReadonlySet<string> = new Set(QUESTIONS.map((question) => optionName(question.name)));

/**
 * `commandHelp` for audit or templates: without Yeoman's own options (those
 * `bare`, a plain Yeoman generator, registers) and, for a command that takes
 * every question as an option (audit), without those either.
 */
export function otherCommandHelp(
  name: string,
  generator: RegisteredGenerator,
  bare: RegisteredGenerator,
  width = 80,
): string {
  const registered = Object.keys(generator._options);
  const everyQuestion = [...QUESTION_OPTIONS].every((option) => registered.includes(option));
  const leftOut = new Set([...Object.keys(bare._options), ...(everyQuestion ? QUESTION_OPTIONS : [])]);
  const summary = Object.entries(OTHER_COMMANDS).find(([usage]) => usage.split(' ')[0] === name)?.[1] ?? '';
  return commandHelp(name, `${summary.charAt(0).toUpperCase()}${summary.slice(1)}.`, generator, leftOut, width);
}
