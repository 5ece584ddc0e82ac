/**
 * The real CLI (bin/checkpoint-tests.js, compiled) in a pseudo-terminal, as a
 * person at a keyboard uses it: test/helpers/pty_driver.py waits for each
 * prompt to show and only then types the keys. The prompts are the questions
 * of src/lib/questions.ts, in their order; the class and method questions
 * are select lists built by importing the sample module with real Python.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Answers, CATEGORIES, QUESTIONS, isAsked } from '../src/lib/questions.js';
import {
  SAMPLE_MODULE,
  makeSampleProject,
  removeProjects,
  snapshotTree,
  storedAnswers,
} from './helpers/cli-process.js';
import { KEYS, type PtyResult, type PtyStep, findPythonWithPytest, runInPty, tail } from './helpers/pty.js';

const SUITE = 'tests/checkpoint';
const SUITE_FILES = ['conftest.py', 'checkpoint_adapter.py', 'test_resume.py'];
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

/** What the user means by pressing Enter at every prompt after the module one. */
const DEFAULT_ANSWERS = {
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
  categories: [...CATEGORIES],
  outputDir: SUITE,
  missingPath: 'raise',
  missingPathError: 'FileNotFoundError',
  latestBy: 'step',
  stepZero: 'save',
  resumeNone: 'fresh',
  duplicateStep: 'overwrite',
  concurrencyMode: 'both',
  concurrentWriters: '3',
  atomicWrites: 'yes',
  lockFile: 'none',
};

/** The questions a run asks when every answer after `module` is the default, in order. */
function questionsAskedWithDefaults(): string[] {
  const answers: Partial<Answers> = {};
  const asked: string[] = [];
  for (const question of QUESTIONS) {
    if (!isAsked(question, answers)) continue;
    asked.push(question.message);
    (answers as Record<string, unknown>)[question.name] =
      question.name === 'module' ? SAMPLE_MODULE : question.default(answers);
  }
  return asked;
}

describe('checkpoint-tests in a terminal', () => {
  it('asks every question, takes the module typed and Enter for the rest, writes the suite and .yo-rc.json', async () => {
    const root = makeSampleProject();
    const asked = questionsAskedWithDefaults();
    expect(asked.length).toBeGreaterThanOrEqual(15);
    const steps: PtyStep[] = asked.map((message, index) => ({
      expect: literal(message),
      send: index === 0 ? `${SAMPLE_MODULE}${KEYS.enter}` : KEYS.enter,
    }));
    steps.push({ expect: 'pytest collected \\d+ tests', timeout: 120 });

    const result = await runInPty({ args: [], cwd: root, steps, abortOn: REFUSED, timeout: 60 });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    for (const message of asked) expect(result.text).toContain(message);
    // The class and method questions were select lists of what the module holds.
    expect(result.text).toMatch(/❯ CheckpointManager/);
    expect(result.text).toMatch(/❯ save\n/);
    for (const file of SUITE_FILES) expect(existsSync(path.join(root, SUITE, file)), file).toBe(true);
    expect(storedAnswers(root)).toEqual({ ...DEFAULT_ANSWERS, generatorVersion: expect.any(String) });
  });

  it('refuses a module that does not import at the prompt, then takes the right one', async () => {
    const root = makeSampleProject();
    // Everything but the module and the format comes from an answers file, so only those two are asked.
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
        { expect: literal(QUESTIONS[0]!.message), send: `no_such_pkg.mod${KEYS.enter}` },
        {
          expect: "no_such_pkg\\.mod does not import: ModuleNotFoundError: No module named 'no_such_pkg'",
          send: `${KEYS.clearLine}${SAMPLE_MODULE}${KEYS.enter}`,
        },
        { expect: `✔ ${literal(QUESTIONS[0]!.message)} ${literal(SAMPLE_MODULE)}` },
        // The format list: one down from pickle is json.
        { expect: 'How are checkpoints serialized\\?(.|\\n)*❯ pickle', send: `${KEYS.down}${KEYS.enter}` },
        { expect: '✔ How are checkpoints serialized\\? json' },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(0);
    for (const file of SUITE_FILES) expect(existsSync(path.join(root, SUITE, file)), file).toBe(true);
    expect(storedAnswers(root)).toMatchObject({ module: SAMPLE_MODULE, format: 'json' });
    expect(readFileSync(path.join(root, SUITE, 'conftest.py'), 'utf8')).toContain(SAMPLE_MODULE);
  });

  it('cancels on Ctrl-C at a prompt: exit 130, a one-line notice, nothing written', async () => {
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInPty({
      args: ['--skip-checks'],
      cwd: root,
      steps: [
        { expect: literal(QUESTIONS[0]!.message), send: `${SAMPLE_MODULE}${KEYS.enter}` },
        { expect: literal(QUESTIONS[1]!.message), send: KEYS.ctrlC },
        { expect: 'checkpoint-tests: cancelled; nothing was written\\.' },
      ],
    });

    expect(result.error, shown(result)).toBeNull();
    expect(result.exit_code, shown(result)).toBe(130);
    expect(result.text).not.toMatch(/^ {4}at /m);
    expect(snapshotTree(root)).toEqual(before);
  });

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
