/**
 * Every question checkpoint-tests asks, declared once.
 *
 * The prompts, the CLI options, the answers-file JSON Schema and the answers
 * table in the README are all derived from `QUESTIONS`; nothing else lists
 * questions.
 */

export const FORMATS = ['pickle', 'json', 'torch'] as const;
export type CheckpointFormat = (typeof FORMATS)[number];

/** Case families a user can choose; each is a sub-generator of the same name. */
export const CATEGORIES = ['resume'] as const;
export type Category = (typeof CATEGORIES)[number];

/** The binding ops of CASES.md, in the order the adapter lists them. */
export const OPS = ['save', 'load', 'latest', 'resume', 'publish', 'prune'] as const;
export type Op = (typeof OPS)[number];

/** The answer that marks an op (or attribute) the user's code does not have. */
export const NONE = 'none';

export interface Answers {
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
  format: CheckpointFormat;
  categories: Category[];
  outputDir: string;
  missingPath: 'raise' | 'none';
  missingPathError: string;
  latestBy: 'step' | 'mtime';
  stepZero: 'save' | 'skip';
  resumeNone: 'fresh' | 'latest';
  duplicateStep: 'overwrite' | 'skip' | 'raise';
  duplicateStepError: string;
  resumedFromAttribute: string;
}

export type AnswerName = keyof Answers;

/** Where a question belongs: the target and binding, or one case family. */
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
  /** Asked only when this holds for the answers so far (default: always). */
  when?: (answers: Partial<Answers>) => boolean;
  /** Returns an error sentence, or undefined when the value is fine. */
  validate?: (value: Answers[K], answers: Partial<Answers>) => string | undefined;
  /** A regular expression the value must match; also goes into the schema. */
  pattern?: { source: string; allowed: string };
  /** Choices found by importing the user's module, offered instead of free text. */
  dynamicChoices?: DynamicChoices;
}

export interface StringQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'string';
  default: (answers: Partial<Answers>) => string | undefined;
}

export interface EnumQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'enum';
  choices: readonly Choice[];
  default: (answers: Partial<Answers>) => string;
}

export interface ListQuestion<K extends AnswerName> extends QuestionBase<K> {
  kind: 'list';
  choices: readonly Choice[];
  default: (answers: Partial<Answers>) => string[];
}

export type Question =
  | { [K in AnswerName]: StringQuestion<K> | EnumQuestion<K> | ListQuestion<K> }[AnswerName];

const PYTHON_NAME = '[A-Za-z_][A-Za-z0-9_]*';
const DOTTED_NAME = `^${PYTHON_NAME}(\\.${PYTHON_NAME})*$`;
// `none` is itself an identifier, so this also admits the NONE answer.
const IDENTIFIER = `^${PYTHON_NAME}$`;

const hasCategory = (category: Category) => (answers: Partial<Answers>) =>
  (answers.categories ?? [...CATEGORIES]).includes(category);

const usesClass = (answers: Partial<Answers>) => Boolean(answers.className);

function opQuestion<K extends `${Op}Op` & AnswerName>(
  name: K,
  signature: string,
  meaning: string,
  defaultMethod: string,
): StringQuestion<K> {
  return {
    name,
    kind: 'string',
    group: 'binding',
    message: `Which method does \`${signature}\`? (${NONE} if your code has none)`,
    help: `The method (or module function) behind the \`${signature}\` op: ${meaning} Answer \`${NONE}\` when your code lacks it; the cases that need it are then left out.`,
    default: () => defaultMethod,
    pattern: { source: IDENTIFIER, allowed: `a Python identifier, or "${NONE}"` },
    dynamicChoices: 'methods',
  };
}

function exceptionQuestion<K extends 'missingPathError' | 'duplicateStepError'>(
  name: K,
  message: string,
  help: string,
  fallback: string,
  when: (answers: Partial<Answers>) => boolean,
): StringQuestion<K> {
  return {
    name,
    kind: 'string',
    group: 'resume',
    message,
    help: `${help} A builtin name (\`${fallback}\`) or an import path (\`my_pkg.errors.CheckpointError\`); it must import.`,
    default: () => fallback,
    when,
    pattern: { source: DOTTED_NAME, allowed: 'a builtin exception name or a dotted import path' },
  };
}

export const QUESTIONS: readonly Question[] = [
  {
    name: 'module',
    kind: 'string',
    group: 'target',
    message: 'Which Python module holds your checkpoint code? (import path)',
    help: 'Import path of the module under test, e.g. `my_project.checkpointing`.',
    default: () => undefined,
    pattern: { source: DOTTED_NAME, allowed: 'a dotted Python import path such as my_pkg.checkpoints' },
  },
  {
    name: 'pythonRoot',
    kind: 'string',
    group: 'target',
    message: 'Which folder must be on sys.path to import it? (relative to the project)',
    help: 'Folder, relative to the project root, that the generated conftest puts on `sys.path` (`.` for the project root, `src` for a src layout).',
    default: () => '.',
    validate: (value) =>
      value.trim() === '' || value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)
        ? 'it must be a folder relative to the project root, such as "." or "src"'
        : undefined,
  },
  {
    name: 'className',
    kind: 'string',
    group: 'target',
    message: 'Which class manages checkpoints? (empty for module-level functions)',
    help: 'The checkpoint manager class; empty when the ops are module-level functions that take the checkpoint directory first.',
    default: () => 'CheckpointManager',
    pattern: { source: `^(${PYTHON_NAME})?$`, allowed: 'a Python class name, or empty for module functions' },
    dynamicChoices: 'classes',
  },
  {
    name: 'constructorExpression',
    kind: 'string',
    group: 'target',
    message: 'How is it built for a checkpoint directory? (a Python expression using `checkpoint_dir`)',
    help: 'Python expression that builds the manager; `checkpoint_dir` is a `pathlib.Path` the tests provide, e.g. `CheckpointManager(checkpoint_dir, keep=3)`.',
    default: (answers) => `${answers.className ?? 'CheckpointManager'}(checkpoint_dir)`,
    when: usesClass,
    validate: (value) =>
      /\bcheckpoint_dir\b/.test(value)
        ? undefined
        : 'it must use `checkpoint_dir`, the directory each test gives the manager',
  },
  opQuestion('saveOp', 'save(state, step)', 'writes one checkpoint and returns its path.', 'save'),
  opQuestion('loadOp', 'load(path)', 'reads one checkpoint and returns the state dict.', 'load'),
  opQuestion('latestOp', 'latest()', 'returns the path of the newest complete checkpoint, or None.', 'latest'),
  opQuestion('resumeOp',
    'resume(source)',
    'loads "latest", a given path, or nothing, and returns the state or None.',
    'resume',
  ),
  opQuestion('publishOp',
    'publish(path, name, metadata, aliases)',
    'logs a model artifact to the tracker and returns True on success.',
    'publish',
  ),
  opQuestion('pruneOp', 'prune()', 'applies the retention policy.', NONE),
  {
    name: 'resumedFromAttribute',
    kind: 'string',
    group: 'binding',
    message: `Which attribute records where a run resumed from? (${NONE} if there is none)`,
    help: `Attribute of the manager set to the checkpoint path a resume loaded (R14), \`${NONE}\` when your code does not record it.`,
    default: () => 'resumed_from',
    pattern: { source: IDENTIFIER, allowed: `a Python identifier, or "${NONE}"` },
    dynamicChoices: 'attributes',
    when: usesClass,
  },
  {
    name: 'format',
    kind: 'enum',
    group: 'target',
    message: 'How are checkpoints serialized?',
    help: 'The serialization format; the suite builds states that this format can hold.',
    choices: [
      { value: 'pickle', help: 'pickle / `pickle.dump` of a dict' },
      { value: 'json', help: 'JSON text of a dict' },
      { value: 'torch', help: '`torch.save` of a dict holding tensors' },
    ],
    default: () => 'pickle',
  },
  {
    name: 'categories',
    kind: 'list',
    group: 'suite',
    message: 'Which case families should the suite cover?',
    help: 'Case families of the catalogue to generate, one test file each.',
    choices: [{ value: 'resume', help: 'R: finding and loading the right checkpoint when a run resumes' }],
    default: () => [...CATEGORIES],
    validate: (value) => (value.length === 0 ? 'choose at least one family' : undefined),
  },
  {
    name: 'outputDir',
    kind: 'string',
    group: 'suite',
    message: 'Where should the suite go? (relative to the project)',
    help: 'Folder, relative to the project root, that receives the generated suite.',
    default: () => 'tests/checkpoint',
    validate: (value) =>
      value.trim() === '' || value.startsWith('/') || value.split(/[\\/]/).includes('..')
        ? 'it must be a folder inside the project, such as "tests/checkpoint"'
        : undefined,
  },
  {
    name: 'missingPath',
    kind: 'enum',
    group: 'resume',
    message: 'Resuming from an explicit path that does not exist should…',
    help: 'R4: what `resume(path)` does when the path is missing.',
    choices: [
      { value: 'raise', help: 'raise an exception naming the path' },
      { value: 'none', help: 'return None and load nothing' },
    ],
    default: () => 'raise',
    when: hasCategory('resume'),
  },
  exceptionQuestion(
    'missingPathError',
    'Which exception does resuming from a missing path raise?',
    'R4: the exception `resume(path)` raises for a missing path.',
    'FileNotFoundError',
    (answers) => hasCategory('resume')(answers) && (answers.missingPath ?? 'raise') === 'raise',
  ),
  {
    name: 'latestBy',
    kind: 'enum',
    group: 'resume',
    message: 'The newest checkpoint is the one with…',
    help: 'R5/R6: how `latest()` orders checkpoints.',
    choices: [
      { value: 'step', help: 'the largest training step (recommended)' },
      { value: 'mtime', help: 'the latest modification time' },
    ],
    default: () => 'step',
    when: hasCategory('resume'),
  },
  {
    name: 'stepZero',
    kind: 'enum',
    group: 'resume',
    message: 'A checkpoint for step 0 is…',
    help: 'R9: whether `save(state, 0)` writes a checkpoint.',
    choices: [
      { value: 'save', help: 'written and found like any other' },
      { value: 'skip', help: 'not written: nothing to resume from' },
    ],
    default: () => 'save',
    when: hasCategory('resume'),
  },
  {
    name: 'resumeNone',
    kind: 'enum',
    group: 'resume',
    message: 'Resuming with no source given (None) should…',
    help: 'R12: what `resume(None)` does when checkpoints exist.',
    choices: [
      { value: 'fresh', help: 'start fresh and load nothing' },
      { value: 'latest', help: 'resume from the newest checkpoint' },
    ],
    default: () => 'fresh',
    when: hasCategory('resume'),
  },
  {
    name: 'duplicateStep',
    kind: 'enum',
    group: 'resume',
    message: 'Saving a step that already has a checkpoint should…',
    help: 'R13: what a second `save` of the same step does.',
    choices: [
      { value: 'overwrite', help: 'replace it with the new state' },
      { value: 'skip', help: 'keep the first, unless that file is damaged' },
      { value: 'raise', help: 'raise an exception and keep the first' },
    ],
    default: () => 'overwrite',
    when: hasCategory('resume'),
  },
  exceptionQuestion(
    'duplicateStepError',
    'Which exception does saving an existing step raise?',
    'R13: the exception a second `save` of the same step raises.',
    'FileExistsError',
    (answers) => hasCategory('resume')(answers) && answers.duplicateStep === 'raise',
  ),
];

export function questionNamed(name: string): Question | undefined {
  return QUESTIONS.find((question) => question.name === name);
}

/** `className` → `class-name`: the CLI spelling of an answer. */
export function optionName(name: AnswerName): string {
  return name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

export function isAsked(question: Question, answers: Partial<Answers>): boolean {
  return question.when ? question.when(answers) : true;
}
