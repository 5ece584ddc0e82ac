/**
 * The vocabulary every question and case family is declared in: the answer
 * types, the question shapes, and small builders for the common kinds.
 *
 * A family (src/lib/families/*.ts) adds its own answers to `Answers` and its
 * name to `Families` by declaration merging, so each family's questions are
 * typed where they are declared; `questions.ts` gathers them all.
 */

export const FORMATS = ['pickle', 'json', 'torch'] as const;
export type CheckpointFormat = (typeof FORMATS)[number];

import type { BindingFacts } from './bound-name.js';

/** The binding ops of CASES.md, in the order the adapter lists them. */
export const OPS = ['save', 'load', 'latest', 'resume', 'publish', 'prune'] as const;
export type Op = (typeof OPS)[number];

/** The answer that marks an op (or attribute) the user's code does not have. */
export const NONE = 'none';

/** One entry a case family; each family file adds itself (`resume: true`). */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Families {}
export type Category = keyof Families & string;

/** The answers shared by every family; each family file adds its own keys. */
export interface Answers {
  /** The app's first question: write a new suite, or audit existing tests and fill their gaps. */
  start: 'new' | 'audit';
  auditPath: string;
  /** Case ids the audited tests already cover: not generated again. */
  coveredCases: string[];
  module: string;
  pythonRoot: string;
  className: string;
  constructorExpression: string;
  saveOp: string;
  loadOp: string;
  latestOp: string;
  resumeOp: string;
  publishOp: string;
  pruneOp: string;
  resumedFromAttribute: string;
  format: CheckpointFormat;
  categories: Category[];
  outputDir: string;
  templatesDir: string;
  ciRecipe: 'none' | 'github';
}

export type AnswerName = keyof Answers;

/** Where a question belongs: the target and binding, the suite, or one case family. */
export type QuestionGroup = 'target' | 'binding' | 'suite' | Category;

export interface Choice {
  value: string;
  /** One line shown beside the choice and in the README. */
  help: string;
}

/** What the introspection of the user's module can offer as choices. */
export type DynamicChoices = 'classes' | 'methods' | 'attributes';

interface QuestionBase<K extends AnswerName> {
  name: K;
  /** The question as the prompt asks it. */
  message: string;
  /** One or two sentences: CLI help, schema description, README table. */
  help: string;
  group: QuestionGroup;
  /**
   * Other families whose cases use this answer (versioning's version key, for
   * C7): a generator of any of them asks it, and its suite README lists it.
   */
  sharedWith?: readonly Category[];
  /** Asked only when this holds for the answers so far (default: always). */
  when?: (answers: Partial<Answers>) => boolean;
  /** Returns an error sentence, or undefined when the value is fine. */
  validate?: (value: Answers[K], answers: Partial<Answers>) => string | undefined;
  /** A regular expression the value must match; also goes into the schema. */
  pattern?: { source: string; allowed: string };
  /** Choices found by importing the user's module, offered instead of free text. */
  dynamicChoices?: DynamicChoices;
  /** An import path that must resolve to an exception class in the user's Python. */
  importsException?: boolean;
  /** Set when the answer is an expectation beyond the catalogue's core contract (a policy). */
  policy?: PolicySpec;
}

/**
 * What a policy question enforces (DESIGN-NOTES 1): the recommended strict
 * answer and why, and what a lenient answer still checks, so no answer ever
 * drops a check silently. Generated tests that follow the answer carry
 * `@pytest.mark.policy("<answer name>")`, which the suite's failure summary
 * groups by.
 */
export interface PolicySpec {
  /** The recommended answer: the strictest expectation. */
  strict: string;
  /** Why the strict answer is recommended, in a sentence. */
  why: string;
  /** The weaker property the tests still check under a lenient answer. */
  lenient: string;
}

/**
 * What importing the user's module told us, when a Python could import it:
 * defaults may use it (a tracker imported at module level, say).
 */
export interface ModuleFacts {
  /** Names the module binds to modules at import time (`import wandb` → "wandb"). */
  imports: readonly string[];
  /** The public methods of the chosen class, or the module's functions. */
  callables: readonly string[];
  /** The attributes the chosen class sets on `self` (none without a class). */
  attributes?: readonly string[];
}

export interface StringQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'string';
  default: (answers: Partial<Answers>, facts?: ModuleFacts) => string | undefined;
}

export interface EnumQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'enum';
  choices: readonly Choice[];
  default: (answers: Partial<Answers>, facts?: ModuleFacts) => string;
}

export interface ListQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'list';
  choices: readonly Choice[];
  default: (answers: Partial<Answers>, facts?: ModuleFacts) => string[];
}

export type Question = {
  [K in AnswerName]: StringQuestion<K> | EnumQuestion<K> | ListQuestion<K>;
}[AnswerName];

// -- builders --------------------------------------------------------------

export const PYTHON_NAME = '[A-Za-z_][A-Za-z0-9_]*';

/**
 * Python's hard keywords: they match PYTHON_NAME but can name nothing (a
 * `class` method, a `None` module), so an answer naming one gives a broken
 * adapter. Soft keywords (`match`, `type`) are ordinary names.
 */
export const PYTHON_KEYWORDS: readonly string[] = [
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
];
const KEYWORD = `(?:${PYTHON_KEYWORDS.join('|')})`;

/** The parts of a dotted name that are Python keywords (`my.class.X` → `["class"]`). */
export function keywordsIn(name: string): string[] {
  return name.split('.').filter((part) => PYTHON_KEYWORDS.includes(part));
}

// The patterns refuse keywords themselves, so the answers schema refuses them too.
export const DOTTED_NAME = `^(?!(?:[^.]*\\.)*${KEYWORD}(?:\\.|$))${PYTHON_NAME}(\\.${PYTHON_NAME})*$`;
// `none` is itself an identifier, so this also admits the NONE answer.
export const IDENTIFIER = `^(?!${KEYWORD}$)${PYTHON_NAME}$`;
/** A class name, or empty for module-level functions. */
export const OPTIONAL_IDENTIFIER = `^(?!${KEYWORD}$)(${PYTHON_NAME})?$`;
/** The patterns of answers that name Python things: a keyword among them gets its own message. */
export const NAME_PATTERNS: ReadonlySet<string> = new Set([DOTTED_NAME, IDENTIFIER, OPTIONAL_IDENTIFIER]);

/** Asked only when the family is chosen (all are, until `categories` says otherwise). */
export const hasCategory = (category: Category) => (answers: Partial<Answers>) =>
  answers.categories === undefined || answers.categories.includes(category);

/** Asked when any of the families is chosen (all are, until `categories` says otherwise). */
export const hasAnyCategory =
  (...categories: Category[]) =>
  (answers: Partial<Answers>) =>
    categories.some((category) => hasCategory(category)(answers));

/** The families a question belongs to: its group's, and those it is shared with. */
export function questionFamilies(question: { group: QuestionGroup; sharedWith?: readonly Category[] }): string[] {
  return [question.group, ...(question.sharedWith ?? [])];
}

/** Whether an op has a method bound (not answered "none"). */
export function hasOp(answers: Partial<Answers>, op: Op): boolean {
  const method = answers[`${op}Op`];
  return Boolean(method) && method !== NONE;
}

/** A question naming an exception class by builtin name or import path; checked to import. */
export function exceptionQuestion<K extends AnswerName>(
  name: K,
  group: QuestionGroup,
  message: string,
  help: string,
  fallback: string,
  when: (answers: Partial<Answers>) => boolean,
): StringQuestion<K> {
  return {
    name,
    kind: 'string',
    group,
    message,
    help: `${help} A builtin name (\`${fallback}\`) or an import path (\`my_pkg.errors.CheckpointError\`); it must import.`,
    default: () => fallback,
    when,
    pattern: { source: DOTTED_NAME, allowed: 'a builtin exception name or a dotted import path' },
    importsException: true,
  };
}

/** An answer that may list several exception classes, comma-separated: each name, trimmed. */
export function exceptionNames(value: string): string[] {
  return value
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

/** `A, b.B`: one dotted name or several, comma-separated. */
export const DOTTED_NAMES = `^\\s*${PYTHON_NAME}(\\.${PYTHON_NAME})*(\\s*,\\s*${PYTHON_NAME}(\\.${PYTHON_NAME})*)*\\s*$`;

// -- case families ---------------------------------------------------------

export interface CaseSpec {
  id: string;
  family: Category;
  /** One line: what the case checks. */
  title: string;
  /** Why the case cannot be generated for these answers, or undefined when it can. */
  leftOutBecause: (answers: Answers) => string | undefined;
  /**
   * For a generated case: what part of it is left out for these answers, and
   * why (the coverage table and the suite README say it), or undefined when
   * all of it is generated.
   */
  partlyLeftOutBecause?: (answers: Answers) => string | undefined;
}

/** A file a family writes into the suite folder. */
export interface TestFile {
  /** The template, under templates/. */
  template: string;
  /** The file name, in the suite folder. */
  file: string;
  /**
   * Whether the file is written for these answers (`generated` holds the case
   * ids generated). By default, when any of the family's cases is generated:
   * a file whose cases are all left out is not written.
   */
  needed?: (answers: Answers, generated: ReadonlySet<string>) => boolean;
}

/** A family of the catalogue: its questions, its cases and the files it writes. */
export interface Family {
  name: Category;
  /** One line for the family's checkbox, marker and README. */
  help: string;
  questions: readonly Question[];
  cases: readonly CaseSpec[];
  /** Test files and the helper modules they import, by template and file name; see `TestFile.needed`. */
  testFiles: readonly TestFile[];
  /**
   * What the family's templates print, decided in code; `generated` holds the case ids generated;
   * `facts` what introspection found each bound name to be (see bound-name.ts), when it ran.
   */
  view: (answers: Answers, generated: ReadonlySet<string>, facts?: BindingFacts) => Record<string, unknown>;
  /** Partials (under templates/) appended to conftest.py when the family is chosen. */
  conftestPartials?: readonly string[];
  /** Python packages the family's tests import besides pytest (the CI recipe installs them). */
  pythonPackages?: readonly string[];
  /** One line for each key of what `view` returns: the template variables documentation. */
  variables: Readonly<Record<string, string>>;
}

/** The files of `family` written for these answers: those `needed`, by default those of a family with a case generated. */
export function testFilesWritten(family: Family, answers: Answers, generated: ReadonlySet<string>): TestFile[] {
  const anyGenerated = family.cases.some((spec) => generated.has(spec.id));
  return family.testFiles.filter((test) => (test.needed ? test.needed(answers, generated) : anyGenerated));
}

/** Reason helpers for `leftOutBecause`. */
export function lacking(...ops: Op[]): (answers: Answers) => string | undefined {
  return (answers) => {
    const missing = ops.filter((op) => !hasOp(answers, op));
    return missing.length > 0 ? `no ${missing.map((op) => `${op}()`).join(' or ')} op (answered "${NONE}")` : undefined;
  };
}

export function firstReason(
  ...checks: ((answers: Answers) => string | undefined)[]
): (answers: Answers) => string | undefined {
  return (answers) => checks.map((check) => check(answers)).find(Boolean);
}
