/**
 * The real CLI (bin/checkpoint-tests.js, compiled) in a pseudo-terminal, as a
 * person at a keyboard uses it: test/helpers/pty_driver.py waits for each
 * prompt to show and only then types the keys. The prompts are the questions
 * of src/lib/questions.ts, in their order; the class and method questions
 * are select lists built by importing the sample module with real Python.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answers, CATEGORIES, QUESTIONS, isAsked, questionFamilies } from '../src/lib/questions.js';
import {
  SAMPLE_MODULE,
  makeSampleProject,
  removeProjects,
  snapshotTree,
  storedAnswers,
} from './helpers/cli-process.js';
import { pythonWith } from '../scripts/zoo.mjs';
import { KEYS, type PtyResult, type PtyStep, findPythonWithPytest, runInPty, tail } from './helpers/pty.js';

const SUITE = 'tests/checkpoint';
const CORPUS = fileURLToPath(new URL('../examples/corpus', import.meta.url));
const SUITE_FILES = [
  'conftest.py',
  'checkpoint_adapter.py',
  'README.md',
  'test_resume.py',
  'test_corruption.py',
  'test_artifact.py',
  'tracker_fakes.py',
  'test_paths.py',
  'test_performance.py',
];
/** A prompt refusing an answer shows its reason on a line starting with "> ". */
const REFUSED = '^> ';

/** A regular expression (valid in Python's `re` too) matching `text` literally. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** What went on in the terminal, for failure messages. */
const shown = (result: PtyResult) =>
  `driver: ${result.error ?? 'ok'}, exit ${result.exit_code}, signal ${result.signal}\n--- last lines of the terminal\n${tail(result)}`;

beforeAll(() => {
  findPythonWithPytest(); // the driver runs on it, and the generator imports the sample with one
});
afterAll(() => removeProjects());

const question = (name: string) => QUESTIONS.find((candidate) => candidate.name === name)!;
const MODULE_PROMPT = literal(question('module').message);

/**
 * What the user means by pressing Enter at every prompt after the module one:
 * the target and suite answers spelled out, each family's policies at their
 * declared defaults (the families' own tests check those values).
 */
const DEFAULT_ANSWERS: Record<string, unknown> = {
  start: 'new',
  module: SAMPLE_MODULE,
  pythonRoot: '.',
  className: 'CheckpointManager',
  constructorExpression: 'CheckpointManager(checkpoint_dir)',
  saveOp: 'save',
  loadOp: 'load',
  latestOp: 'latest',
  resumeOp: 'resume',
  publishOp: 'publish',
  pruneOp: 'none',
  resumedFromAttribute: 'resumed_from',
  format: 'pickle',
  stateKind: 'dict',
  savedKeyNames: 'none',
  addedOnSave: 'none',
  categories: [...CATEGORIES],
  outputDir: SUITE,
  templatesDir: '.checkpoint-tests/templates',
  ciRecipe: 'none',
  ...familyDefaults(),
};

function familyDefaults(): Record<string, unknown> {
  const answers: Record<string, unknown> = { module: SAMPLE_MODULE, format: 'pickle', className: 'CheckpointManager' };
  const defaults: Record<string, unknown> = {};
  for (const question of QUESTIONS) {
    if (!(CATEGORIES as readonly string[]).includes(question.group)) continue;
    if (!isAsked(question, answers as Partial<Answers>)) continue;
    defaults[question.name] = answers[question.name] = question.default(answers as Partial<Answers>);
  }
  return defaults;
}

/**
 * What the sample's code shows that differs from the declared defaults: it
 * has a prune() whose keep_last defaults to None, so the constructor is given
 * keep_last=3 and retention's questions are asked; and its load raises its
 * own CheckpointError for a file cut short (the probe's corrupt load).
 */
const READ_FROM_SAMPLE: Record<string, unknown> = {
  constructorExpression: 'CheckpointManager(checkpoint_dir, keep_last=3)',
  pruneOp: 'prune',
  corruptError: `${SAMPLE_MODULE}.CheckpointError`,
};

/** The answers a run takes when every answer after `module` is the suggested one. */
const SUGGESTED_ANSWERS: Record<string, unknown> = {
  ...DEFAULT_ANSWERS,
  ...READ_FROM_SAMPLE,
  keepLast: '3',
  keepBest: 'no',
  // The sample resumes and prunes: whether prune keeps the resumed-from checkpoint is asked too.
  protectResumed: 'yes',
};

/** The questions --all-questions asks when every answer after `module` is the suggested one, in order. */
function questionsAskedWithDefaults(): { asked: string[]; names: string[] } {
  const answers: Partial<Answers> = {};
  const asked: string[] = [];
  const names: string[] = [];
  for (const question of QUESTIONS) {
    if (!isAsked(question, answers)) continue;
    asked.push(question.message);
    names.push(question.name);
    (answers as Record<string, unknown>)[question.name] =
      question.name === 'module' ? SAMPLE_MODULE : (READ_FROM_SAMPLE[question.name] ?? question.default(answers));
  }
  return { asked, names };
}

/** The prompts a run answered, in order: each leaves one "✔ <question> <answer>" (the pytest check's line aside). */
const answeredPrompts = (result: PtyResult) =>
  [...result.text.matchAll(/✔ (?!pytest collected)([^?…\n]*[?…])/g)].map((match) => match[1]);

const SUMMARY_PROMPT = 'Build the suite from these answers\\?';
const CORRUPT_ERROR_PROMPT = literal(question('corruptError').message);

describe('checkpoint-tests in a terminal', () => {
  it('--all-questions asks every question, takes the module typed and Enter for the rest, writes the suite and .yo-rc.json', async () => {
    const root = makeSampleProject();
    const { asked, names } = questionsAskedWithDefaults();
    expect(asked.length).toBeGreaterThanOrEqual(15);
    const steps: PtyStep[] = asked.map((message, index) => ({
      expect: literal(message),
      send: names[index] === 'module' ? `${SAMPLE_MODULE}${KEYS.enter}` : KEYS.enter,
    }));
    steps.push({ expect: 'pytest collected \\d+ tests', timeout: 120 });

    const result = await runInPty({ args: ['--all-questions'], cwd: root, steps, abortOn: REFUSED, timeout: 60 });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    for (const message of asked) expect(result.text).toContain(message);
    expect(result.text).not.toContain('Build the suite from these answers?');
    // The class and method questions were select lists of what the module holds, the cursor on the inferred one.
    expect(result.text).toMatch(/❯ CheckpointManager/);
    expect(result.text).toMatch(/❯ save\n/);
    expect(result.text).toMatch(/❯ prune\n/);
    for (const file of SUITE_FILES) expect(existsSync(path.join(root, SUITE, file)), file).toBe(true);
    expect(storedAnswers(root)).toEqual({ ...SUGGESTED_ANSWERS, generatorVersion: expect.any(String) });
  });

  it('refuses a module that does not import at the prompt, then takes the right one', async () => {
    const root = makeSampleProject();
    // Everything but the module and the format comes from an answers file: the module is asked, the
    // format is read from the constructor expression's fmt="json", and the summary confirms.
    const rest: Record<string, unknown> = { ...DEFAULT_ANSWERS };
    delete rest.module;
    delete rest.format;
    rest.constructorExpression = 'CheckpointManager(checkpoint_dir, fmt="json")';
    writeFileSync(path.join(root, 'answers.json'), JSON.stringify(rest, null, 2));

    const result = await runInPty({
      args: ['--answers', 'answers.json'],
      cwd: root,
      timeout: 60,
      steps: [
        { expect: MODULE_PROMPT, send: `no_such_pkg.mod${KEYS.enter}` },
        {
          expect: "no_such_pkg\\.mod does not import: ModuleNotFoundError: No module named 'no_such_pkg'",
          send: `${KEYS.clearLine}${SAMPLE_MODULE}${KEYS.enter}`,
        },
        { expect: `✔ ${MODULE_PROMPT} ${literal(SAMPLE_MODULE)}` },
        { expect: 'format = json  \\(from your code: fmt="json" in the constructor expression\\)' },
        { expect: SUMMARY_PROMPT, send: KEYS.enter },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    for (const file of SUITE_FILES) expect(existsSync(path.join(root, SUITE, file)), file).toBe(true);
    expect(storedAnswers(root)).toMatchObject({ module: SAMPLE_MODULE, format: 'json' });
    expect(readFileSync(path.join(root, SUITE, 'conftest.py'), 'utf8')).toContain(SAMPLE_MODULE);
  });

  it('a first run on the sample asks at most 12 prompts, refuses a mistyped exception at its prompt with a did-you-mean', async () => {
    const root = makeSampleProject();
    const result = await runInPty({
      args: [],
      cwd: root,
      timeout: 60,
      steps: [
        { expect: literal(question('start').message), send: KEYS.enter },
        { expect: MODULE_PROMPT, send: `${SAMPLE_MODULE}${KEYS.enter}` },
        { expect: literal(question('categories').message), send: KEYS.enter },
        // The summary: what the code shows, with where it was read.
        { expect: 'format = pickle  \\(from your code: fmt="pickle" in the constructor\\)' },
        { expect: "saveOp = save  \\(from your code: the method's name\\)" },
        { expect: SUMMARY_PROMPT, send: `${KEYS.down}${KEYS.enter}` },
        // "edit one": typing jumps to the answer in the list.
        { expect: 'Which answer\\?', send: 'corruptError' },
        { expect: `❯ corruptError = ${literal(`${SAMPLE_MODULE}.CheckpointError`)}`, send: KEYS.enter },
        { expect: CORRUPT_ERROR_PROMPT, send: `${KEYS.clearLine}${SAMPLE_MODULE}.CheckpointErorr${KEYS.enter}` },
        {
          expect: `${literal(`${SAMPLE_MODULE}.CheckpointErorr`)} does not import as an exception: .*\\n?.*Did you mean ${literal(`${SAMPLE_MODULE}.CheckpointError`)}\\?`,
          send: `${KEYS.clearLine}${SAMPLE_MODULE}.CheckpointError${KEYS.enter}`,
        },
        { expect: `corruptError=${literal(`${SAMPLE_MODULE}.CheckpointError`)}\\+` },
        { expect: SUMMARY_PROMPT, send: KEYS.enter },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    const prompts = answeredPrompts(result);
    expect(prompts).toEqual([
      question('start').message,
      question('module').message.replace(/\?.*/, '?'),
      question('categories').message,
      'Build the suite from these answers?',
      'Which answer?',
      question('corruptError').message,
      'Build the suite from these answers?',
    ]);
    expect(prompts.length).toBeLessThanOrEqual(12);
    expect(storedAnswers(root)).toEqual({
      ...SUGGESTED_ANSWERS,
      corruptError: `${SAMPLE_MODULE}.CheckpointError`,
      generatorVersion: expect.any(String),
    });
  });

  it('Ctrl-C halfway keeps the answers given in .yo-rc.json, and the next run resumes at that prompt', async () => {
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const first = await runInPty({
      args: [],
      cwd: root,
      timeout: 60,
      steps: [
        { expect: literal(question('start').message), send: KEYS.enter },
        { expect: MODULE_PROMPT, send: `${SAMPLE_MODULE}${KEYS.enter}` },
        { expect: literal(question('categories').message), send: KEYS.ctrlC },
        { expect: 'Your 2 answers so far are kept in \\.yo-rc\\.json; the next run offers to resume them\\.' },
      ],
    });

    expect(first.error, shown(first)).toBeNull();
    expect(first.exit_code, shown(first)).toBe(130);
    expect(first.text).not.toMatch(/^ {4}at /m);
    // Only .yo-rc.json is new (besides Python's bytecode cache), and it holds only the unfinished run's answers.
    const files = (tree: Record<string, string>) => Object.keys(tree).filter((name) => !name.includes('__pycache__'));
    expect(files(snapshotTree(root)).sort()).toEqual([...files(before), '.yo-rc.json'].sort());
    expect(JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8'))).toEqual({
      'generator-checkpoint-tests': { pendingAnswers: { start: 'new', module: SAMPLE_MODULE } },
    });

    const second = await runInPty({
      args: [],
      cwd: root,
      timeout: 60,
      steps: [
        { expect: 'Resume the 2 answers from your last run\\?', send: KEYS.enter },
        // Straight to the prompt the first run stopped at: neither start nor module is asked again.
        { expect: literal(question('categories').message), send: KEYS.enter },
        { expect: SUMMARY_PROMPT, send: KEYS.enter },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });

    expect(second.error, shown(second)).toBeNull();
    expect(second.exit_code, shown(second)).toBe(0);
    expect(second.text).not.toContain(question('start').message);
    expect(second.text).not.toContain(question('module').message);
    // A finished run drops the unfinished one's block and stores its answers as always.
    expect(storedAnswers(root)).toEqual({ ...SUGGESTED_ANSWERS, generatorVersion: expect.any(String) });
  });

  it("the corruption sub-generator asks the module and its own family's questions only, then the summary", async () => {
    const root = makeSampleProject();
    // What a person answering with Enter is asked: corruption's questions and those it shares (the version
    // key, for C7); pickle checkpoints, so not C9's restore.
    const answers: Partial<Answers> = { module: SAMPLE_MODULE, format: 'pickle', categories: ['corruption'] };
    const own = QUESTIONS.filter((candidate) => {
      if (!questionFamilies(candidate).includes('corruption') || !isAsked(candidate, answers)) return false;
      (answers as Record<string, unknown>)[candidate.name] = candidate.default(answers);
      return true;
    });
    expect(own.length).toBeGreaterThanOrEqual(4);
    const result = await runInPty({
      args: ['corruption'],
      cwd: root,
      timeout: 60,
      abortOn: REFUSED,
      steps: [
        { expect: MODULE_PROMPT, send: `${SAMPLE_MODULE}${KEYS.enter}` },
        ...own.map((candidate) => ({ expect: literal(candidate.message), send: KEYS.enter })),
        { expect: SUMMARY_PROMPT, send: KEYS.enter },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    const prompts = answeredPrompts(result);
    expect(prompts).toEqual([
      question('module').message.replace(/\?.*/, '?'),
      ...own.map((candidate) => candidate.message.replace(/\?.*/, '?')),
      'Build the suite from these answers?',
    ]);
    expect(prompts.length).toBeLessThanOrEqual(12);
    for (const other of ['publishOp', 'pruneOp', 'ciRecipe', 'missingPath', 'tracker']) {
      expect(result.text).not.toContain(question(other).message);
    }
    expect(existsSync(path.join(root, SUITE, 'test_corruption.py'))).toBe(true);
  });

  it('a first run on a torch corpus manager asks at most 12 prompts and writes the suite', async () => {
    // examples/corpus/torch_load_errors: a torch manager nobody on the team wrote, answered with Enter.
    const root = makeSampleProject();
    cpSync(path.join(CORPUS, 'torch_load_errors', 'torchfit'), path.join(root, 'torchfit'), {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
    // The python3 first on PATH may lack torch: the run is given one that has it, as a torch user would.
    const python = await pythonWith(['torch']);
    expect(python, 'no Python with pytest and torch').toBeDefined();
    const result = await runInPty({
      args: ['--python', python!],
      cwd: root,
      timeout: 60,
      abortOn: REFUSED,
      steps: [
        { expect: literal(question('start').message), send: KEYS.enter },
        { expect: MODULE_PROMPT, send: `torchfit.checkpoint${KEYS.enter}` },
        { expect: literal(question('categories').message), send: KEYS.enter },
        { expect: literal(question('tracker').message), send: KEYS.enter },
        // The summary: what the code shows, with where it was read.
        { expect: 'className = TorchCheckpointer  \\(from your code: the only class in the module\\)' },
        { expect: 'format = torch  \\(from your code: the module calls torch\\.save\\)' },
        { expect: SUMMARY_PROMPT, send: KEYS.enter },
        { expect: 'pytest collected \\d+ tests', timeout: 240 },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    const prompts = answeredPrompts(result);
    expect(prompts).toEqual([
      question('start').message,
      question('module').message.replace(/\?.*/, '?'),
      question('categories').message,
      question('tracker').message,
      'Build the suite from these answers?',
    ]);
    expect(prompts.length).toBeLessThanOrEqual(12);
    const stored = storedAnswers(root);
    expect(stored).toMatchObject({
      module: 'torchfit.checkpoint',
      className: 'TorchCheckpointer',
      constructorExpression: 'TorchCheckpointer(checkpoint_dir)',
      format: 'torch',
      saveOp: 'save',
      loadOp: 'load',
      latestOp: 'latest',
      resumeOp: 'resume',
    });
    for (const file of [
      'conftest.py',
      'checkpoint_adapter.py',
      'test_resume.py',
      'test_corruption.py',
      'test_concurrency.py',
      'test_faults.py',
    ]) {
      expect(existsSync(path.join(root, SUITE, file)), file).toBe(true);
    }
  }, 400_000);

  it('asks nothing under --yes when the module is given', async () => {
    const root = makeSampleProject();
    const result = await runInPty({
      args: ['--module', SAMPLE_MODULE, '--yes', '--skip-checks'],
      cwd: root,
      abortOn: '^\\? ', // a prompt
      steps: [{ expect: `create ${literal(SUITE)}/test_resume\\.py` }],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    expect(storedAnswers(root)).toEqual({ ...DEFAULT_ANSWERS, generatorVersion: expect.any(String) });
  });
});
