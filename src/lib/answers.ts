/**
 * Reading, checking and merging answers from every source: CLI options, an
 * answers file, `.yo-rc.json`, the prompts and the defaults. All checks live
 * here, so an answer is judged the same wherever it came from.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { UsageError, cut, isUsageError, joinProblems, quoteValue } from './errors.js';
import {
  type Answers,
  type ModuleFacts,
  type Question,
  NAME_PATTERNS,
  QUESTIONS,
  isAsked,
  keywordsIn,
  optionName,
  questionNamed,
} from './questions.js';

/** Keys the generator itself keeps in `.yo-rc.json` beside the answers. */
export const BOOKKEEPING_KEYS = ['generatorVersion', 'preset', 'files'] as const;

type Checked = { value: unknown } | { problem: string };

function shown(value: unknown): string {
  return typeof value === 'string' ? quoteValue(value) : `${quoteValue(value)} (a ${describeType(value)})`;
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
 * question's own rule (which may look at the other `answers`; `crossCheck`
 * false leaves that rule out). A list may come as a comma-separated string
 * (the CLI).
 */
export function checkValue(
  question: Question,
  raw: unknown,
  answers: Partial<Answers> = {},
  fromCommandLine = false,
  crossCheck = true,
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
    if (unknown.length > 0) return wrong(`${unknown.map((item) => cut(item)).join(', ')} is not one of them`);
    value = [...new Set(value as string[])];
  } else {
    if (typeof raw !== 'string') return wrong();
    if (question.kind === 'enum' && !question.choices.some((choice) => choice.value === raw)) return wrong();
    if (question.pattern && !new RegExp(question.pattern.source).test(raw)) {
      const keywords = NAME_PATTERNS.has(question.pattern.source) ? keywordsIn(raw) : [];
      return wrong(
        keywords.length > 0 ? `${keywords.join(', ')} is a Python keyword, which cannot name a module, class or method` : undefined,
      );
    }
  }
  if (!crossCheck) return { value };
  const why = (question.validate as ((value: unknown, answers: Partial<Answers>) => string | undefined) | undefined)?.(
    value,
    answers,
  );
  return why ? { problem: `\`${name}\` is ${shown(raw)}, but ${why}` } : { value };
}

function closestName(key: string): string | undefined {
  // No answer name is this long: a guess would only cost time (the distance is quadratic).
  if (key.length > 64) return undefined;
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
  const known: [Question, unknown][] = [];
  for (const [key, raw] of Object.entries(mapping)) {
    if (key === '$schema' && source === 'file') continue;
    if (source === 'stored' && (BOOKKEEPING_KEYS as readonly string[]).includes(key)) continue;
    const question = questionNamed(key);
    if (!question) {
      const guess = closestName(key);
      problems.push(`\`${cut(key)}\` is not a known answer${guess ? ` (did you mean \`${guess}\`?)` : ''}`);
      continue;
    }
    known.push([question, raw]);
  }
  // A rule across answers (addedKeys against renamedKeys, say) sees only values of the right shape:
  // a wrong one is reported for itself, once.
  const wellShaped: Record<string, unknown> = {};
  for (const [question, raw] of known) {
    const shaped = checkValue(question, raw, {}, source === 'command line', false);
    if ('value' in shaped) wellShaped[question.name] = shaped.value;
  }
  for (const [question, raw] of known) {
    const checked = checkValue(question, raw, wellShaped as Partial<Answers>, source === 'command line');
    if ('problem' in checked) problems.push(checked.problem);
    else answers[question.name] = checked.value;
  }
  if (problems.length > 0) {
    const count = problems.length === 1 ? 'a problem' : `${problems.length} problems`;
    throw new UsageError(
      `${sourceLabel} has ${count}: ${joinProblems(problems)}. ${fix} \`checkpoint-tests --help\` lists every answer and the README's answers table says what each one allows.`,
    );
  }
  return answers as Partial<Answers>;
}

/** The largest answers file or preset read: real ones are a few kilobytes. */
const MAX_MAPPING_BYTES = 4 * 1024 * 1024;

/** Reads a JSON or YAML file that must hold a mapping; `what` names it in errors. */
function readMapping(file: string, cwd: string, what: string, option: string): Record<string, unknown> {
  const resolved = path.resolve(cwd, file);
  const named = `The ${what} ${cut(file)}`;
  let text: string;
  try {
    const stat = statSync(resolved);
    if (stat.isDirectory()) {
      throw new UsageError(
        `${named} is a folder (${cut(resolved)}), not a file. Pass the path of a JSON or YAML file with ${option}.`,
      );
    }
    if (stat.size > MAX_MAPPING_BYTES) {
      throw new UsageError(
        `${named} is ${Math.round(stat.size / 1024)} KB, far more than any answers need (at most ${MAX_MAPPING_BYTES / 1024 / 1024} MB). Pass the right file with ${option}.`,
      );
    }
    text = decodeUtf8(readFileSync(resolved), named);
  } catch (error) {
    if (isUsageError(error)) throw error;
    throw unreadable(error, named, resolved, option);
  }
  const json = /\.json$/i.test(resolved);
  // Editors on Windows may start a UTF-8 file with a byte order mark; it is not content.
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  const parsed = json ? parseJson(text, named) : parseYaml(text, named);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new UsageError(
      `${named} must hold a mapping of answer names to values, such as {"module": "my_pkg.checkpoints"}, but it holds a ${describeType(parsed)}.`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A file that exists or not, but cannot be read: say which, and the fix (never "fix its syntax"). */
function unreadable(error: unknown, named: string, resolved: string, option: string): UsageError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new UsageError(
        `${named} does not exist (looked at ${cut(resolved)}). Pass the path of a JSON or YAML file with ${option}.`,
      );
    case 'EACCES':
    case 'EPERM':
      return new UsageError(
        `${named} cannot be read: permission denied on ${cut(resolved)}. Give the user running checkpoint-tests read access to it, or pass a copy with ${option}.`,
      );
    case 'EISDIR':
      return new UsageError(`${named} is a folder, not a file. Pass the path of a JSON or YAML file with ${option}.`);
    default:
      return new UsageError(
        `${named} cannot be read (${cut(error instanceof Error ? error.message : String(error))}). Check the path and pass a JSON or YAML file with ${option}.`,
      );
  }
}

function decodeUtf8(bytes: Uint8Array, named: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError(`${named} is not UTF-8 text. Save it as UTF-8 (JSON and YAML files are) and run again.`);
  }
}

function parseJson(text: string, named: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0]! : String(error);
    throw new UsageError(`${named} cannot be read as JSON: ${cut(reason)}. Fix its syntax and run again.`);
  }
  const repeated = repeatedJsonKey(text);
  if (repeated) {
    throw new UsageError(
      `${named} gives the key ${quoteValue(repeated.key)} twice (again on line ${repeated.line}); JSON would silently keep only the last one. Keep one of them and run again.`,
    );
  }
  return parsed;
}

function parseYaml(text: string, named: string): unknown {
  const fail = (reason: string): UsageError =>
    new UsageError(`${named} cannot be read as YAML: ${cut(reason)}. Fix its syntax and run again.`);
  let document: YAML.Document.Parsed;
  try {
    // Warnings (an unknown tag, say) are collected on the document, never printed by the library.
    document = YAML.parseDocument(text, { uniqueKeys: true, prettyErrors: true, logLevel: 'silent' });
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error));
  }
  const problem = document.errors[0] ?? document.warnings[0];
  if (problem) throw fail(problem.message.split('\n')[0]!);
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw fail(error instanceof Error ? error.message.split('\n')[0]! : String(error));
  }
}

/**
 * The first key given twice in one JSON object of `text` (already known to
 * parse), with its line: JSON.parse keeps the last silently, YAML refuses.
 */
export function repeatedJsonKey(text: string): { key: string; line: number } | undefined {
  // One entry per open bracket: the keys seen, or null for an array.
  const open: (Set<string> | null)[] = [];
  let expectKey = false;
  let line = 1;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\n') line++;
    else if (char === '{') {
      open.push(new Set());
      expectKey = true;
    } else if (char === '[') {
      open.push(null);
      expectKey = false;
    } else if (char === '}' || char === ']') {
      open.pop();
      expectKey = false;
    } else if (char === ',') {
      expectKey = open.at(-1) instanceof Set;
    } else if (char === '"') {
      let end = index + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (expectKey) {
        const key = JSON.parse(text.slice(index, end + 1)) as string;
        const keys = open.at(-1)!;
        if (keys.has(key)) return { key, line };
        keys.add(key);
        expectKey = false;
      }
      index = end;
    }
  }
  return undefined;
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
  if (
    unknownKeys.length > 0 ||
    typeof mapping.answers !== 'object' ||
    mapping.answers === null ||
    Array.isArray(mapping.answers)
  ) {
    throw new UsageError(
      `The preset ${file} must hold \`answers\` (a mapping of answer names to values) and may hold \`locked\` (a list of those names)${unknownKeys.length > 0 ? `, but it also holds ${joinProblems(unknownKeys.map((key) => `\`${cut(key)}\``))}` : ', but it has no `answers` mapping'}. Fix the preset and run again; nothing was written.`,
    );
  }
  const answers = checkAnswerMapping(
    mapping.answers as Record<string, unknown>,
    `The preset ${file}`,
    'Fix them in the preset and run again; nothing was written.',
  );
  const locked = mapping.locked ?? [];
  const badLocks = Array.isArray(locked)
    ? locked.filter((name) => typeof name !== 'string' || !Object.hasOwn(answers, name))
    : [locked];
  if (!Array.isArray(locked) || badLocks.length > 0) {
    throw new UsageError(
      `The preset ${cut(file)} locks ${badLocks.map((name) => quoteValue(name)).join(', ')}, but \`locked\` must list names of answers the preset gives. Fix the preset and run again; nothing was written.`,
    );
  }
  return { file, answers, locked: new Set(locked as string[]) };
}

/** Answers given as CLI options, by answer name; only options the user typed. */
export function answersFromOptions(options: Record<string, unknown>): Partial<Answers> {
  const given: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    // Yeoman hands an option over camel-cased from its flag: `--state-mib` arrives as `stateMib`.
    const flag = optionName(question.name);
    const camel = flag.replace(/-([a-z])/g, (_dash, letter: string) => letter.toUpperCase());
    const value = options[question.name] ?? options[flag] ?? options[camel];
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
              `\`${question.name}\` is ${quoteValue(value)} in ${label}, but the preset locks it to ${quoteValue(lockedValue)}`,
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
