/**
 * Reading, checking and merging answers from every source: CLI options, an
 * answers file, `.yo-rc.json`, the prompts and the defaults. All checks live
 * here, so an answer is judged the same wherever it came from.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError, joinProblems } from './errors.js';
import {
  type Answers,
  type ModuleFacts,
  type Question,
  QUESTIONS,
  isAsked,
  optionName,
  questionNamed,
} from './questions.js';

/** Keys the generator itself keeps in `.yo-rc.json` beside the answers. */
export const BOOKKEEPING_KEYS = ['generatorVersion', 'preset'] as const;

type Checked = { value: unknown } | { problem: string };

function shown(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : `${JSON.stringify(value)} (a ${describeType(value)})`;
}

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'list';
  if (value === null) return 'null';
  return typeof value;
}

function allowedText(question: Question): string {
  switch (question.kind) {
    case 'enum':
      return `one of ${question.choices.map((choice) => choice.value).join(', ')}`;
    case 'list':
      return `a list of ${question.choices.map((choice) => choice.value).join(', ')}`;
    default:
      return question.pattern?.allowed ?? 'a string';
  }
}

/**
 * Checks one raw value against its question: type, choices, pattern and the
 * question's own rule. A list may come as a comma-separated string (the CLI).
 */
export function checkValue(
  question: Question,
  raw: unknown,
  answers: Partial<Answers> = {},
  fromCommandLine = false,
): Checked {
  const name = question.name;
  const wrong = (why?: string): Checked => ({
    problem: `\`${name}\` is ${shown(raw)}, but it must be ${allowedText(question)}${why ? ` (${why})` : ''}`,
  });
  let value: unknown = raw;
  if (question.kind === 'list') {
    if (typeof raw === 'string' && fromCommandLine) value = raw.split(',').map((item) => item.trim()).filter(Boolean);
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) return wrong();
    const allowed = question.choices.map((choice) => choice.value);
    const unknown = (value as string[]).filter((item) => !allowed.includes(item));
    if (unknown.length > 0) return wrong(`${unknown.join(', ')} is not one of them`);
    value = [...new Set(value as string[])];
  } else {
    if (typeof raw !== 'string') return wrong();
    if (question.kind === 'enum' && !question.choices.some((choice) => choice.value === raw)) return wrong();
    if (question.pattern && !new RegExp(question.pattern.source).test(raw)) return wrong();
  }
  const why = (question.validate as ((value: unknown, answers: Partial<Answers>) => string | undefined) | undefined)?.(
    value,
    answers,
  );
  return why ? { problem: `\`${name}\` is ${shown(raw)}, but ${why}` } : { value };
}

function closestName(key: string): string | undefined {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, index) => index);
    for (let i = 1; i <= a.length; i++) {
      let previous = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const current = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
        previous = current;
      }
    }
    return row[b.length]!;
  };
  const best = QUESTIONS.map((question) => ({ name: question.name, d: distance(key.toLowerCase(), question.name.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)[0];
  return best && best.d <= Math.max(2, Math.floor(key.length / 3)) ? best.name : undefined;
}

/**
 * Checks a whole mapping of answers (an answers file or `.yo-rc.json`).
 * Returns the good values; throws one UsageError listing every problem.
 */
export function checkAnswerMapping(
  mapping: Record<string, unknown>,
  sourceLabel: string,
  fix: string,
  source: 'file' | 'stored' | 'command line' = 'file',
): Partial<Answers> {
  const problems: string[] = [];
  const answers: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(mapping)) {
    if (key === '$schema' && source === 'file') continue;
    if (source === 'stored' && (BOOKKEEPING_KEYS as readonly string[]).includes(key)) continue;
    const question = questionNamed(key);
    if (!question) {
      const guess = closestName(key);
      problems.push(`\`${key}\` is not a known answer${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
      continue;
    }
    const checked = checkValue(question, raw, mapping as Partial<Answers>, source === 'command line');
    if ('problem' in checked) problems.push(checked.problem);
    else answers[key] = checked.value;
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw new UsageError(
      `${sourceLabel} has ${count}: ${joinProblems(problems)}. ${fix} \`checkpoint-tests --help\` lists every answer and the README's answers table says what each one allows.`,
    );
  }
  return answers as Partial<Answers>;
}

/** Reads a JSON or YAML file that must hold a mapping; `what` names it in errors. */
function readMapping(file: string, cwd: string, what: string, option: string): Record<string, unknown> {
  const resolved = path.resolve(cwd, file);
  if (!existsSync(resolved)) {
    throw new UsageError(
      `The ${what} ${file} does not exist (looked at ${resolved}). Pass the path of a JSON or YAML file with ${option}.`,
    );
  }
  let parsed: unknown;
  try {
    const text = readFileSync(resolved, 'utf8');
    parsed = /\.json$/i.test(resolved) ? JSON.parse(text) : YAML.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new UsageError(
      `The ${what} ${file} cannot be read as ${/\.json$/i.test(resolved) ? 'JSON' : 'YAML'}: ${reason}. Fix its syntax and run again.`,
    );
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(
      `The ${what} ${file} must hold a mapping of answer names to values, such as {"module": "my_pkg.checkpoints"}, but it holds a ${describeType(parsed)}.`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** Reads an answers file (JSON or YAML) and checks every key and value in it. */
export function loadAnswersFile(file: string, cwd: string): Partial<Answers> {
  return checkAnswerMapping(
    readMapping(file, cwd, 'answers file', '--answers, or leave the option out to be asked'),
    `The answers file ${file}`,
    'Fix them in the file and run again; nothing was written.',
  );
}

export interface Preset {
  /** The path as given, recorded in .yo-rc.json. */
  file: string;
  answers: Partial<Answers>;
  /** Answers no run may change. */
  locked: ReadonlySet<string>;
}

/**
 * Reads a team preset: `{ "answers": {...}, "locked": ["format", ...] }`
 * (JSON or YAML). Its answers sit under the user's own; locked ones cannot
 * be changed by a run.
 */
export function loadPreset(file: string, cwd: string): Preset {
  const mapping = readMapping(file, cwd, 'preset', '--preset');
  const unknownKeys = Object.keys(mapping).filter((key) => !['answers', 'locked', '$schema'].includes(key));
  if (unknownKeys.length > 0 || typeof mapping.answers !== 'object' || mapping.answers === null) {
    throw new UsageError(
      `The preset ${file} must hold \`answers\` (a mapping of answer names to values) and may hold \`locked\` (a list of those names)${unknownKeys.length > 0 ? `, but it also holds ${unknownKeys.map((key) => `\`${key}\``).join(', ')}` : ', but it has no `answers` mapping'}. Fix the preset and run again; nothing was written.`,
    );
  }
  const answers = checkAnswerMapping(
    mapping.answers as Record<string, unknown>,
    `The preset ${file}`,
    'Fix them in the preset and run again; nothing was written.',
  );
  const locked = mapping.locked ?? [];
  const badLocks = Array.isArray(locked)
    ? locked.filter((name) => typeof name !== 'string' || !(name in answers))
    : [locked];
  if (!Array.isArray(locked) || badLocks.length > 0) {
    throw new UsageError(
      `The preset ${file} locks ${badLocks.map((name) => JSON.stringify(name)).join(', ')}, but \`locked\` must list names of answers the preset gives. Fix the preset and run again; nothing was written.`,
    );
  }
  return { file, answers, locked: new Set(locked as string[]) };
}

/** Answers given as CLI options, by answer name; only options the user typed. */
export function answersFromOptions(options: Record<string, unknown>): Partial<Answers> {
  const given: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    const value = options[question.name] ?? options[optionName(question.name)];
    if (value !== undefined) given[question.name] = value;
  }
  return checkAnswerMapping(
    given,
    'The command line',
    'Fix the options and run again; nothing was written.',
    'command line',
  );
}

export interface AnswerSources {
  options: Partial<Answers>;
  file: Partial<Answers>;
  stored: Partial<Answers>;
  /** A team preset: its answers sit under all of the above, except the locked ones. */
  preset?: Preset;
}

/** Where an answer came from, for the summary screen. */
export type AnswerSource = 'given' | 'locked' | 'asked' | 'inferred' | 'default';

export interface AnswerOrigin {
  source: AnswerSource;
  /** For an inferred answer: where in the code it was read. */
  why?: string;
}

/** An answer the user's code shows (see src/lib/infer.ts). */
export interface Suggestion {
  value: unknown;
  /** The code leaves no doubt: the confirm flow need not ask. */
  certain: boolean;
  why: string;
}

export interface ResolveSettings {
  /** The questions this run is about (a sub-generator asks only its own). */
  inScope: (question: Question) => boolean;
  /** Take defaults for everything not answered otherwise. */
  yes: boolean;
  /** Ask again even what is answered (Yeoman's --ask-answered). */
  askAnswered: boolean;
  /** What importing the user's module showed, once it has been imported (for defaults). */
  facts?: (answers: Partial<Answers>) => Promise<ModuleFacts | undefined>;
  /** What the user's code shows for a question (a method, the format), used before the default, under --yes too. */
  infer?: (question: Question, answers: Partial<Answers>) => Promise<Suggestion | undefined>;
  /** Prompts one question; absent when there is no terminal to ask on. */
  ask?: (question: Question, suggested: unknown, answers: Partial<Answers>) => Promise<unknown>;
  /**
   * The confirm flow (absent for --all-questions): whether this question must
   * be prompted; the others take what the code shows or their default, and
   * `review` shows them all at the end.
   */
  mustAsk?: (question: Question, suggestion: Suggestion | undefined) => boolean;
  /**
   * The one summary screen of the confirm flow: returns the name of the answer
   * to edit, or undefined to accept them all.
   */
  review?: (answers: Partial<Answers>, origins: Readonly<Record<string, AnswerOrigin>>) => Promise<string | undefined>;
}

/**
 * Walks the questions in order, taking each answer from the first source that
 * has it (options, answers file, .yo-rc.json), then what the code shows, then
 * the prompt, then the default under --yes. In the confirm flow only the
 * questions `mustAsk` picks are prompted, and one summary screen lets the
 * user edit any answer. Throws a UsageError naming every answer still missing
 * when there is no terminal to ask on.
 */
export async function resolveAnswers(sources: AnswerSources, settings: ResolveSettings): Promise<Answers> {
  const answers: Record<string, unknown> = {};
  const origins: Record<string, AnswerOrigin> = {};
  const missing: Question[] = [];
  const conflicts: string[] = [];
  const preset = sources.preset;
  const confirming = Boolean(settings.ask && settings.mustAsk && !settings.yes && !settings.askAnswered);

  /** Fills every question in scope not answered yet; drops answers to questions no longer asked. */
  const walk = async (): Promise<void> => {
    for (const question of QUESTIONS) {
      if (!settings.inScope(question) || !isAsked(question, answers)) {
        delete answers[question.name];
        delete origins[question.name];
        continue;
      }
      if (question.name in answers) continue;
      if (preset?.locked.has(question.name)) {
        const lockedValue = preset.answers[question.name];
        // .yo-rc.json only remembers an earlier run: a lock that changed since wins over it.
        for (const [label, source] of [
          ['the command line', sources.options],
          ['the answers file', sources.file],
        ] as const) {
          const value = source[question.name];
          if (value !== undefined && JSON.stringify(value) !== JSON.stringify(lockedValue)) {
            conflicts.push(
              `\`${question.name}\` is ${JSON.stringify(value)} in ${label}, but the preset locks it to ${JSON.stringify(lockedValue)}`,
            );
          }
        }
        answers[question.name] = lockedValue;
        origins[question.name] = { source: 'locked' };
        continue;
      }
      const given =
        sources.options[question.name] ??
        sources.file[question.name] ??
        sources.stored[question.name] ??
        preset?.answers[question.name];
      if (given !== undefined && !(settings.askAnswered && settings.ask)) {
        answers[question.name] = given;
        origins[question.name] = { source: 'given' };
        continue;
      }
      const inferred = given === undefined ? await settings.infer?.(question, answers) : undefined;
      // Only defaults that take the module's facts make us import the module here.
      const facts = !inferred && question.default.length > 1 ? await settings.facts?.(answers) : undefined;
      const suggested = given ?? inferred?.value ?? question.default(answers, facts);
      if (settings.yes && suggested !== undefined && !settings.askAnswered) {
        answers[question.name] = suggested;
        origins[question.name] = inferred ? { source: 'inferred', why: inferred.why } : { source: 'default' };
      } else if (confirming && suggested !== undefined && !settings.mustAsk!(question, inferred)) {
        answers[question.name] = suggested;
        origins[question.name] = inferred ? { source: 'inferred', why: inferred.why } : { source: 'default' };
      } else if (settings.ask) {
        answers[question.name] = await settings.ask(question, suggested, answers);
        origins[question.name] = { source: 'asked' };
      } else {
        missing.push(question);
      }
    }
  };

  await walk();
  // The summary is for what this run chose: a run whose answers were all given has nothing to confirm.
  const chosenNow = () => Object.values(origins).some((origin) => origin.source !== 'given' && origin.source !== 'locked');
  if (confirming && settings.review && missing.length === 0 && conflicts.length === 0 && chosenNow()) {
    for (let edit = await settings.review(answers, origins); edit !== undefined; edit = await settings.review(answers, origins)) {
      const question = questionNamed(edit);
      if (!question) continue;
      answers[edit] = await settings.ask!(question, answers[edit], answers);
      origins[edit] = { source: 'asked' };
      // What was read or defaulted after the edited answer may follow from it (a class's methods): read it again.
      const position = QUESTIONS.indexOf(question);
      for (const later of QUESTIONS.slice(position + 1)) {
        const source = origins[later.name]?.source;
        if (source === 'inferred' || source === 'default') delete answers[later.name];
      }
      await walk();
    }
  }
  if (conflicts.length > 0) {
    throw new UsageError(
      `The preset ${preset!.file} locks answers this run tries to change: ${joinProblems(conflicts)}. A locked answer is a team decision: drop the other value, or change the preset; nothing was written.`,
    );
  }
  if (missing.length > 0) throw missingAnswersError(missing, settings.yes);
  // Cross-answer rules (such as a constructor that must use checkpoint_dir) once more on the merged whole.
  checkAnswerMapping(answers, 'The merged answers', 'Fix them and run again; nothing was written.', 'stored');
  return answers as unknown as Answers;
}

function missingAnswersError(missing: readonly Question[], yes: boolean): UsageError {
  const listed = missing.map((question) => `\`${question.name}\` (--${optionName(question.name)}: ${question.help})`);
  const noDefault = missing.filter((question) => question.default({}) === undefined).map((question) => `\`${question.name}\``);
  return new UsageError(
    `checkpoint-tests cannot ask its questions here: there is no terminal to prompt on. Missing answers: ${joinProblems(listed)}. Give them in an answers file (--answers answers.json, or YAML) or as options${
      yes ? '' : ', or add --yes to take the defaults for the rest'
    }${noDefault.length > 0 ? `; ${noDefault.join(', ')} has no default and must always be given` : ''}. Nothing was written.`,
  );
}
