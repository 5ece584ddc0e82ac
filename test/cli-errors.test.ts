/**
 * The real CLI (bin/checkpoint-tests.js, compiled) with no terminal: every
 * mistake a user or a CI job can make ends in a non-zero exit and one
 * paragraph on stderr that names what is wrong, with no stack trace and
 * nothing written. Python is involved only where the import checks are the
 * point; elsewhere --skip-checks keeps the runs fast.
 */
import { appendFileSync, cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type CliResult,
  SAMPLE_MODULE,
  makeSampleProject,
  removeProjects,
  snapshotTree,
  storedAnswers,
} from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { findPythonWithPytest } from './helpers/pty.js';
import { CATEGORIES } from '../lib/questions.js';

const SUITE = 'tests/checkpoint';
const SUITE_FILES = ['conftest.py', 'checkpoint_adapter.py', 'test_resume.py'];

afterAll(() => removeProjects());

/** stderr as one line: the CLI wraps its paragraph to the terminal width. */
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/**
 * A refusal the user can act on: non-zero exit, no stack trace, and stderr
 * holding exactly one paragraph that starts with "checkpoint-tests:" and says
 * each of `says`.
 */
function expectRefusal(result: CliResult, says: readonly (string | RegExp)[]): void {
  const shown = `exit ${result.code}\n--- stderr\n${result.stderr}\n--- stdout\n${result.stdout}`;
  expect(result.code, shown).not.toBe(0);
  expect(result.code, shown).not.toBeNull();
  expect(result.stderr, shown).not.toMatch(/^ {4}at /m);
  expect(result.stdout, shown).not.toMatch(/^ {4}at /m);
  expect(result.stderr, shown).not.toMatch(/failed unexpectedly/);
  const paragraph = result.stderr.trim();
  expect(paragraph, shown).toMatch(/^checkpoint-tests: /);
  expect(paragraph, 'stderr must be one paragraph, with no blank line inside').not.toMatch(/\n[ \t]*\n/);
  for (const said of says) {
    if (typeof said === 'string') expect(flat(paragraph), shown).toContain(said);
    else expect(flat(paragraph), shown).toMatch(said);
  }
}

function expectNothingWritten(root: string, before: Record<string, string>): void {
  expect(snapshotTree(root)).toEqual(before);
  expect(existsSync(path.join(root, '.yo-rc.json'))).toBe(false);
  expect(existsSync(path.join(root, 'tests'))).toBe(false);
}

/** The project a good run of the CLI wrote its suite into: one run for the file, copied by projectWithSuite. */
let written: Promise<string> | undefined;
async function writeSuite(): Promise<string> {
  const root = makeSampleProject();
  const result = await runInProcess(['--module', SAMPLE_MODULE, '--yes', '--skip-checks'], root);
  expect(result.code, result.stderr).toBe(0);
  return root;
}

/** A project with a suite written by a good run of the CLI (a copy of that run's project, .yo-rc.json and all). */
async function projectWithSuite(): Promise<{ root: string; original: Record<string, string> }> {
  const source = await (written ??= writeSuite());
  const root = makeSampleProject();
  cpSync(source, root, { recursive: true, filter: (file) => !file.includes('__pycache__') });
  const original: Record<string, string> = {};
  for (const file of SUITE_FILES) original[file] = readFileSync(path.join(root, SUITE, file), 'utf8');
  return { root, original };
}

const suiteFile = (root: string, file: string) => path.join(root, SUITE, file);

describe('checkpoint-tests with no terminal and answers missing', () => {
  it('exits non-zero, lists `module` with its option --module, and writes nothing', async () => {
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInProcess(['--skip-checks'], root);
    expectRefusal(result, ['no terminal', '`module` (--module:', 'Nothing was written']);
    expectNothingWritten(root, before);
  });
});

describe('checkpoint-tests --answers with a bad answers file', () => {
  const cases: { title: string; file: string; text: string; says: (string | RegExp)[] }[] = [
    {
      title: 'an unknown key',
      file: 'answers.json',
      text: JSON.stringify({ module: SAMPLE_MODULE, formatt: 'json' }),
      says: ['answers.json', '`formatt` is not a known answer', 'did you mean `format`?'],
    },
    {
      title: 'a value of the wrong type ("format": 3)',
      file: 'answers.json',
      text: JSON.stringify({ module: SAMPLE_MODULE, format: 3 }),
      says: ['answers.json', '`format` is 3 (a number)', 'one of pickle, json, torch'],
    },
    {
      title: 'a value outside the choices',
      file: 'answers.json',
      text: JSON.stringify({ module: SAMPLE_MODULE, latestBy: 'newest' }),
      says: ['answers.json', '`latestBy` is "newest"', 'one of step, mtime'],
    },
    {
      title: 'invalid JSON',
      file: 'answers.json',
      text: `{"module": "${SAMPLE_MODULE}",`,
      says: ['answers.json', 'cannot be read as JSON'],
    },
    {
      title: 'a YAML file with a bad value',
      file: 'answers.yaml',
      text: `module: ${SAMPLE_MODULE}\nduplicateStep: explode\n`,
      says: ['answers.yaml', '`duplicateStep` is "explode"', 'one of overwrite, skip, raise'],
    },
  ];

  it.each(cases)('refuses $title in one paragraph and writes nothing', async ({ file, text, says }) => {
    const root = makeSampleProject();
    writeFileSync(path.join(root, file), text);
    const before = snapshotTree(root);
    const result = await runInProcess(['--answers', file, '--yes', '--skip-checks'], root);
    expectRefusal(result, says);
    expectNothingWritten(root, before);
  });
});

describe('checkpoint-tests checks the answers against the real module (Python)', () => {
  it('refuses a module that does not import, naming it', async () => {
    findPythonWithPytest(); // the checks below need a Python with pytest on PATH
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInProcess(['--module', 'no_such_pkg.mod', '--yes'], root);
    expectRefusal(result, [
      '`no_such_pkg.mod`',
      'does not import',
      "No module named 'no_such_pkg'",
      'nothing was written',
    ]);
    expectNothingWritten(root, before);
  });

  it('refuses a method the class does not have, naming `latestOp` and listing the real methods', async () => {
    findPythonWithPytest();
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInProcess(['--module', SAMPLE_MODULE, '--latest-op', 'find_latest', '--yes'], root);
    expectRefusal(result, ['`latestOp` is "find_latest"', 'CheckpointManager has no such method']);
    const listed = /it has ([^;)]*)/.exec(flat(result.stderr))?.[1]?.split(/,\s*/) ?? [];
    expect(listed).toEqual(
      expect.arrayContaining(['checkpoints', 'latest', 'load', 'path_for', 'publish', 'resume', 'save']),
    );
    expect(listed).not.toContain('find_latest');
    expectNothingWritten(root, before);
  });

  it.each([
    { path: 'sample_trainer.errors.MissingCheckpoint', why: "No module named 'sample_trainer.errors'" },
    { path: 'sample_trainer.manager.NoSuchError', why: 'has no attribute NoSuchError' },
  ])('refuses a missingPathError that does not import ($path)', async ({ path: exception, why }) => {
    findPythonWithPytest();
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInProcess(['--module', SAMPLE_MODULE, '--missing-path-error', exception, '--yes'], root);
    expectRefusal(result, [`\`missingPathError\` is "${exception}"`, 'does not import as an exception', why]);
    expectNothingWritten(root, before);
  });

  it.each([
    {
      how: 'an answers file naming a class that is no exception',
      exception: 'sample_trainer.manager.CheckpointManager',
      why: 'is not an exception class',
      args: ['--answers', 'answers.json', '--yes'],
    },
    {
      how: 'the corruption sub-generator given a misspelt builtin',
      exception: 'ValueErorr',
      why: 'is not a builtin name',
      args: ['corruption', '--module', SAMPLE_MODULE, '--corrupt-error', 'ValueErorr', '--yes'],
    },
  ])('refuses a corruptError that is no exception, from $how', async ({ exception, why, args }) => {
    findPythonWithPytest();
    const root = makeSampleProject();
    writeFileSync(path.join(root, 'answers.json'), JSON.stringify({ module: SAMPLE_MODULE, corruptError: exception }));
    const before = snapshotTree(root);
    const result = await runInProcess(args, root);
    expectRefusal(result, [`\`corruptError\` is "${exception}"`, 'does not import as an exception', why]);
    expectNothingWritten(root, before);
  });
});

describe('checkpoint-tests over a suite it wrote before', () => {
  it('writes the suite and .yo-rc.json with --yes', async () => {
    const { root, original } = await projectWithSuite();
    expect(original['test_resume.py']).toMatch(/^def test_/m);
    expect(storedAnswers(root)).toMatchObject({ module: SAMPLE_MODULE, outputDir: SUITE, categories: [...CATEGORIES] });
  });

  it('refuses to overwrite a hand-edited test_resume.py without --force, naming the file, and changes nothing', async () => {
    const { root } = await projectWithSuite();
    appendFileSync(suiteFile(root, 'test_resume.py'), '\n# my own note\n');
    const before = snapshotTree(root);
    const result = await runInProcess(['--yes', '--skip-checks'], root);
    expectRefusal(result, [`${SUITE}/test_resume.py`, '--force', 'Nothing was written']);
    expect(snapshotTree(root)).toEqual(before);
    expect(readFileSync(suiteFile(root, 'test_resume.py'), 'utf8')).toMatch(/# my own note\n$/);
  });

  it('overwrites a hand-edited test_resume.py with --force', async () => {
    const { root, original } = await projectWithSuite();
    appendFileSync(suiteFile(root, 'test_resume.py'), '\n# my own note\n');
    const result = await runInProcess(['--yes', '--skip-checks', '--force'], root);
    expect(result.code, `${result.stderr}\n${result.stdout}`).toBe(0);
    expect(readFileSync(suiteFile(root, 'test_resume.py'), 'utf8')).toBe(original['test_resume.py']);
  });

  it('keeps an edited checkpoint_adapter.py (it is the user’s) unless --force', async () => {
    const { root, original } = await projectWithSuite();
    appendFileSync(suiteFile(root, 'checkpoint_adapter.py'), '\n# my binding\n');
    const edited = readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8');

    const kept = await runInProcess(['--yes', '--skip-checks'], root);
    expect(kept.code, kept.stderr).toBe(0);
    expect(readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8')).toBe(edited);
    expect(flat(kept.stderr + kept.stdout)).toContain(`Kept your ${SUITE}/checkpoint_adapter.py`);
    expect(readFileSync(suiteFile(root, 'test_resume.py'), 'utf8')).toBe(original['test_resume.py']);

    const forced = await runInProcess(['--yes', '--skip-checks', '--force'], root);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(suiteFile(root, 'checkpoint_adapter.py'), 'utf8')).toBe(original['checkpoint_adapter.py']);
  });
});

describe('checkpoint-tests --dry-run', () => {
  it('writes nothing in a fresh project', async () => {
    const root = makeSampleProject();
    const before = snapshotTree(root);
    const result = await runInProcess(['--module', SAMPLE_MODULE, '--yes', '--skip-checks', '--dry-run'], root);
    expect(result.code, result.stderr).toBe(0);
    expectNothingWritten(root, before);
  });

  it('writes nothing over an edited suite and shows the difference instead of refusing', async () => {
    const { root } = await projectWithSuite();
    appendFileSync(suiteFile(root, 'test_resume.py'), '\n# my own note\n');
    const before = snapshotTree(root);
    const result = await runInProcess(['--yes', '--skip-checks', '--dry-run'], root);
    expect(snapshotTree(root)).toEqual(before);
    expect(result.stderr).not.toMatch(/^ {4}at /m);
    expect(`${result.stdout}\n${result.stderr}`).toMatch(/conflict\s+tests\/checkpoint\/test_resume\.py/);
  });
});
