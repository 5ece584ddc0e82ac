/**
 * Every question checkpoint-tests asks, declared once: the target and its
 * binding here, each family's policies in src/lib/families/. The prompts, the
 * CLI options, the answers-file JSON Schema and the answers table in docs/answers.md
 * are all derived from `QUESTIONS`; nothing else lists questions.
 */
import { BOUND_NAME_PATTERN, boundNameProblem } from './bound-name.js';
import { FAMILIES } from './families/index.js';
import { STATE_KIND_QUESTION, STATE_SHAPE_QUESTIONS } from './state-shape.js';
import {
  type Answers,
  type AnswerName,
  type Category,
  DOTTED_NAME,
  type ListQuestion,
  NONE,
  type Op,
  OPTIONAL_IDENTIFIER,
  type Question,
  type StringQuestion,
} from './question-kit.js';

export * from './question-kit.js';

/** Case families a user can choose; each is a sub-generator of the same name. */
export const CATEGORIES: readonly Category[] = FAMILIES.map((family) => family.name);

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
    help: `The method (or module function) behind the \`${signature}\` op: ${meaning} Also \`manager.<path>\` (a member's method; a property is read) or \`module.<function>\` (given the folder where its signature asks). Answer \`${NONE}\` when your code lacks it; the cases that need it are then left out.`,
    default: () => defaultMethod,
    pattern: BOUND_NAME_PATTERN,
    validate: boundNameProblem,
    dynamicChoices: 'methods',
  };
}

function categoriesQuestion(): ListQuestion<'categories'> {
  return {
    name: 'categories',
    kind: 'list',
    group: 'suite',
    message: 'Which case families should the suite cover?',
    help: 'Case families of the catalogue to generate, one test file each.',
    choices: FAMILIES.map((family) => ({ value: family.name, help: family.help })),
    default: () => [...CATEGORIES],
    validate: (value) => (value.length === 0 ? 'choose at least one family' : undefined),
  };
}

const COMMON_QUESTIONS: readonly Question[] = [
  {
    name: 'start',
    kind: 'enum',
    group: 'suite',
    message: 'Start a new suite, or fill the gaps of an existing one?',
    help: 'What the app generator does: write a new suite (`new`), or audit existing pytest files and write only the case families they miss (`audit`, the same as `checkpoint-tests audit PATH`).',
    choices: [
      { value: 'new', help: 'start a new suite' },
      { value: 'audit', help: 'fill the gaps of an existing one: audit its tests, then write what they miss' },
    ],
    default: () => 'new',
  },
  {
    name: 'auditPath',
    kind: 'string',
    group: 'suite',
    message: 'Which test file or folder should be audited? (relative to the project)',
    help: 'With `start: audit`: the pytest file, or the folder of them, whose gaps to fill.',
    default: () => undefined,
    when: (answers) => answers.start === 'audit',
    validate: (value) => (value.trim() === '' ? 'it must name a pytest file or a folder of them' : undefined),
  },
  {
    name: 'coveredCases',
    kind: 'list',
    group: 'suite',
    message: 'Which cases do your existing tests already cover? (they are not generated again)',
    help: 'With `start: audit`: the case ids the audit found your tests cover; the new files leave them out, and the coverage table says why.',
    choices: FAMILIES.flatMap((family) => family.cases.map((spec) => ({ value: spec.id, help: spec.title }))),
    default: () => [],
    when: (answers) => answers.start === 'audit',
  },
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
    validate: (value) => {
      if (value.trim() === '' || value.startsWith('/') || /^[A-Za-z]:[\\/]/.test(value)) {
        return 'it must be a folder relative to the project root, such as "." or "src"';
      }
      // On Linux and macOS a backslash is part of a folder's name, not a separator: refuse it rather than guess.
      if (value.includes('\\')) return 'it must separate folders with "/" (write "src/app", not "src\\app"), as the conftest does on every system';
      return undefined;
    },
  },
  {
    name: 'className',
    kind: 'string',
    group: 'target',
    message: 'Which class manages checkpoints? (empty for module-level functions)',
    help: 'The checkpoint manager class; empty when the ops are module-level functions that take the checkpoint directory first.',
    default: () => 'CheckpointManager',
    pattern: { source: OPTIONAL_IDENTIFIER, allowed: 'a Python class name, or empty for module functions' },
    dynamicChoices: 'classes',
  },
  {
    name: 'constructorExpression',
    kind: 'string',
    group: 'target',
    message: 'How is it built for a checkpoint directory? (a Python expression using `checkpoint_dir`)',
    help: 'Python expression that builds the manager; `checkpoint_dir` is a `pathlib.Path` the tests provide, e.g. `CheckpointManager(checkpoint_dir, keep=3)`. A manager that takes its folder at every call instead (`save_checkpoint(agent, model_dir, step)`) is built without it: its ops then get the folder where their signatures ask (read from the code, so not with --skip-checks). With stateKind objects it may use `model`, `optimizer` or `objects`, the live objects the adapter builds.',
    default: (answers) => `${answers.className ?? 'CheckpointManager'}(checkpoint_dir)`,
    when: usesClass,
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
    help: `Attribute of the manager set to the checkpoint path a resume loaded (R14), or a property, or a path on the manager (\`manager.checkpoint.restored_path\`); \`${NONE}\` when your code does not record it.`,
    default: () => 'resumed_from',
    pattern: { source: DOTTED_NAME, allowed: `an attribute name, a path such as manager.checkpoint.restored_path, or "${NONE}"` },
    validate: (value, answers) =>
      value.startsWith('module.') ? 'it is read on the manager: name its attribute, or a path such as `manager.checkpoint.restored_path`' : boundNameProblem(value, answers),
    dynamicChoices: 'attributes',
    when: usesClass,
  },
  STATE_KIND_QUESTION,
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
  ...STATE_SHAPE_QUESTIONS,
  categoriesQuestion(),
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
    name: 'templatesDir',
    kind: 'string',
    group: 'suite',
    message: 'Where do your team\'s own templates live, if any? (relative to the project)',
    help: 'Folder of ejected templates (`checkpoint-tests templates` writes it): a template found there is used instead of the built-in one, file by file; a missing folder means the built-in templates.',
    default: () => '.checkpoint-tests/templates',
    validate: (value) =>
      value.trim() === '' || value.startsWith('/') || value.split(/[\\/]/).includes('..')
        ? 'it must be a folder inside the project, such as ".checkpoint-tests/templates"'
        : undefined,
  },
  {
    name: 'ciRecipe',
    kind: 'enum',
    group: 'suite',
    message: 'Add a CI recipe that runs the fast checkpoint tests?',
    help: 'Writes a GitHub Actions workflow and a pre-commit hook entry that run the suite without its slow tests.',
    choices: [
      { value: 'none', help: 'no CI files' },
      { value: 'github', help: '.github/workflows/checkpoint-tests.yml and a .pre-commit-config.yaml hook' },
    ],
    default: () => 'none',
  },
];

export const QUESTIONS: readonly Question[] = [...COMMON_QUESTIONS, ...FAMILIES.flatMap((family) => family.questions)];

export function questionNamed(name: string): Question | undefined {
  return QUESTIONS.find((question) => question.name === name);
}

/** `className` → `class-name`: the CLI spelling of an answer. */
export function optionName(name: AnswerName): string {
  // A run of capitals is one word: `stateMiB` reads `--state-mib`, not `--state-mi-b`.
  return name.replace(/[A-Z][A-Za-z]*?(?=[A-Z][a-z]|$)|[A-Z][a-z]*/g, (word) => `-${word.toLowerCase()}`);
}

export function isAsked(question: Question, answers: Partial<Answers>): boolean {
  return question.when ? question.when(answers) : true;
}
