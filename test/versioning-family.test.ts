/**
 * The versioning family: which V cases the answers generate and why the
 * others are left out, the answers it shares with the corruption family,
 * what the template prints (the example old checkpoint, the parametrize ids,
 * the policy's check), and the generated tests run by pytest on the sample
 * (green) and on a variant whose migration forgets a key (caught by V2 only).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import helpers, { result } from 'yeoman-test';
import { afterAll, describe, expect, it } from 'vitest';
import { checkValue } from '../lib/answers.js';
import { generatorPath } from '../lib/paths.js';
import { generate } from '../lib/programmatic.js';
import { type Answers, QUESTIONS, isAsked, questionNamed } from '../lib/questions.js';
import {
  POLICY_PROFILES,
  caseOf,
  pythonWith,
  sampleAnswers,
  scratchProject,
  variantAnswers,
  zooCatalogue,
} from '../scripts/zoo.mjs';
import { runSuite } from './helpers/pytest-server.js';
import { answersWith, familyDecisions, renderFor } from './helpers/family-views.js';

/** The sample's versions and migration, as the zoo's versioning profile answers them. */
const VERSIONED = POLICY_PROFILES['versioning-migration'] as {
  answers: Partial<Answers>;
  kwargs: Record<string, string>;
};

const decisions = (given: Partial<Answers>) => familyDecisions('versioning', given);

const render = (given: Partial<Answers>, template = 'versioning/test_versioning.py.ejs') => renderFor(template, given);

const problem = (name: string, value: string, answers: Partial<Answers> = {}) => {
  const checked = checkValue(questionNamed(name)!, value, answers);
  return 'problem' in checked ? checked.problem : undefined;
};

describe('versioning cases', () => {
  it('leaves V1–V3 out, with the reason, when checkpoints record no version (the default)', () => {
    expect(decisions({})).toEqual({
      V1: 'no version key (versionKey answered "none")',
      V2: 'no version key (versionKey answered "none")',
      V3: 'no version key (versionKey answered "none")',
    });
  });

  it('generates V1–V3 with a version key and a previous version, and V2 needs a previous one', () => {
    expect(decisions(VERSIONED.answers)).toEqual({ V1: true, V2: true, V3: true });
    // currentVersion 1 has no previous version by default: V2 is left out, V1 and V3 stay.
    const first = decisions({ versionKey: 'format_version' });
    expect(first.V2).toBe('no previous format version (previousVersion answered "none")');
    expect([first.V1, first.V3]).toEqual([true, true]);
    expect(answersWith({ versionKey: 'v', currentVersion: '5' }).previousVersion).toBe('4');
  });

  it('follows the corruption policy for V3, and the ops each case needs', () => {
    expect(decisions({ ...VERSIONED.answers, corruptPolicy: 'fallback', resumeOp: 'none' }).V3).toMatch(
      /no resume\(\) op/,
    );
    expect(decisions({ ...VERSIONED.answers, saveOp: 'none' }).V1).toMatch(/no save\(\) op/);
    expect(decisions({ ...VERSIONED.answers, loadOp: 'none', resumeOp: 'none' }).V2).toMatch(
      /no load\(\) or resume\(\) op/,
    );
  });

  it('validates the version answers: previous older than current, renames and added keys consistent', () => {
    expect(problem('previousVersion', '2', { currentVersion: '2' })).toMatch(/older than currentVersion \(2\)/);
    expect(problem('previousVersion', '1', { currentVersion: '2' })).toBeUndefined();
    expect(problem('previousVersion', 'v1')).toMatch(/whole number/);
    expect(problem('renamedKeys', 'weights->model, opt->optimizer')).toBeUndefined();
    expect(problem('renamedKeys', 'weights=model')).toMatch(/old->new pairs/);
    expect(problem('renamedKeys', 'a->b, a->c')).toMatch(/a is renamed twice/);
    expect(problem('renamedKeys', 'a->b, b->c')).toMatch(/b is both an old and a new name/);
    expect(problem('renamedKeys', 'version->v', { versionKey: 'version' })).toMatch(/version key/);
    expect(problem('addedKeys', 'metadata, scaler')).toBeUndefined();
    expect(problem('addedKeys', 'metadata, metadata')).toMatch(/named twice/);
    expect(problem('addedKeys', 'model', { renamedKeys: 'weights->model' })).toMatch(/also among renamedKeys/);
  });
});

describe('answers shared with the corruption family', () => {
  const asked = (categories: string[]) =>
    QUESTIONS.filter((question) => isAsked(question, answersWith({ categories } as Partial<Answers>))).map(
      (question) => question.name,
    );

  it('asks the version key of either family, and the corrupt-file policy of versioning too', () => {
    expect(asked(['corruption'])).toEqual(expect.arrayContaining(['versionKey', 'corruptPolicy', 'corruptError']));
    expect(asked(['versioning'])).toEqual(expect.arrayContaining(['versionKey', 'corruptPolicy', 'corruptError']));
    expect(asked(['versioning'])).not.toContain('corruptionKinds');
    expect(asked(['resume'])).not.toContain('versionKey');
    expect(asked(['resume'])).not.toContain('corruptPolicy');
  });

  it('declares each answer once', () => {
    const names = QUESTIONS.map((question) => question.name);
    expect(names.length).toBe(new Set(names).size);
  });

  it('asks the versioning sub-generator the shared answers, and writes only its own tests', async () => {
    await helpers
      .run(generatorPath('versioning'))
      .withOptions({ skipChecks: true, module: 'sample_trainer.manager' } as never)
      .withAnswers({ ...VERSIONED.answers, corruptPolicy: 'none' }, { throwOnMissingAnswer: true });
    const asked = result.askedQuestions.map((question) => question.name);
    expect(asked).toEqual(expect.arrayContaining(['versionKey', 'currentVersion', 'previousVersion', 'corruptPolicy']));
    expect(asked).not.toContain('corruptionKinds');
    result.assertFile('tests/checkpoint/test_versioning.py');
    result.assertNoFile('tests/checkpoint/test_corruption.py');
    const source = readFileSync(path.join(result.cwd, 'tests/checkpoint/test_versioning.py'), 'utf8');
    expect(source).toContain('def test_v3_newer_version_loads_as_none_with_a_warning(');
    // The suite README lists the shared policy among the answers that shaped it.
    expect(readFileSync(path.join(result.cwd, 'tests/checkpoint/README.md'), 'utf8')).toContain('corruptPolicy');
  });
});

describe('test_versioning.py', () => {
  it('writes the example old checkpoint from the answers, one test per renamed and added key', () => {
    const source = render(VERSIONED.answers);
    expect(source).toContain('PREVIOUS_VERSION = 1');
    expect(source).toContain('RENAMED_KEYS = {"weights": "model"}');
    expect(source).toContain('ADDED_KEYS = ("metadata",)');
    expect(source).toContain('def test_v2_renamed_key_holds_its_old_value(');
    expect(source).toContain('def test_v2_added_key_is_present(');
    expect(source).toContain('"resume-by-path": lambda adapter, path: adapter.resume(path),');
    // Both keys are among the suite's states: no example values are needed.
    expect(source).not.toContain('EXAMPLE_VALUES');
  });

  it('gives example values to answered keys the suite states lack, and leaves out tests with nothing to check', () => {
    const source = render({ ...VERSIONED.answers, renamedKeys: 'weights->model_state', addedKeys: 'none' });
    expect(source).toContain('"model_state": {"example": "model_state"},');
    expect(source).toContain('state = {**make_state(OLD_STEP), **EXAMPLE_VALUES}');
    expect(source).toContain('ADDED_KEYS = ()');
    expect(source).not.toContain('def test_v2_added_key_is_present(');
  });

  it('opens the old checkpoint with load only when there is no resume op', () => {
    const source = render({ ...VERSIONED.answers, resumeOp: 'none' });
    expect(source).toContain('"load": lambda adapter, path: adapter.load(path),');
    expect(source).not.toContain('resume-by-path');
  });

  it('checks the configured exception under "raise", and the fall-back with its warning', () => {
    const raising = render({ ...VERSIONED.answers, corruptError: 'sample_trainer.manager.CheckpointError' });
    expect(raising).toContain('from sample_trainer.manager import CheckpointError');
    expect(raising).toContain('CORRUPT_ERRORS = CheckpointError');
    expect(raising).toContain('error = corrupt_load_error(');
    expect(raising).toContain('"version-next": 3,');
    expect(raising).not.toContain('import logging');
    const falling = render({ ...VERSIONED.answers, corruptPolicy: 'fallback' });
    expect(falling).toContain('state = make_adapter(layout.directory).resume("latest")');
    expect(falling).toContain('import logging');
    expect(falling).not.toContain('pytest.raises(');
  });

  it('reads and writes raw files in the checkpoint format, as C7 writes them', () => {
    expect(render({ ...VERSIONED.answers, format: 'json' })).toContain(
      'return json.loads(path.read_text(encoding="utf-8"))',
    );
    const torch = render({ ...VERSIONED.answers, format: 'torch' });
    expect(torch).toContain('return torch.load(path, map_location="cpu")');
    expect(torch).toContain('torch.save(content, path)');
    // V1 alone reads and never writes.
    const v1 = render({ versionKey: 'format_version', saveOp: 'save', corruptPolicy: 'fallback', resumeOp: 'none' });
    expect(v1).toMatch(/^def test_v1_/m);
    expect(v1).not.toContain('def write_checkpoint(');
  });
});

describe('the generated versioning tests under pytest', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-versioning-'));
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
  });

  async function runVersioning(name: string, answers: Record<string, unknown>) {
    const python = await pythonWith(['pytest']);
    expect(python, 'a Python with pytest').toBeDefined();
    const project = scratchProject(root, name);
    await generate({ cwd: project, options: { ...answers, categories: ['versioning'], skipChecks: true } });
    // Pickle suites: the shared Python imports pytest and Hypothesis, not torch.
    return runSuite(python!, project, ['-m', 'versioning']);
  }

  it('passes on the sample, whose migration upgrades version 1', async () => {
    const run = await runVersioning('sample', {
      ...sampleAnswers('pickle', 'sample_trainer.manager', VERSIONED.kwargs),
      ...VERSIONED.answers,
    });
    expect(run.code, run.output).toBe(0);
    expect(run.passed).toBeGreaterThanOrEqual(10);
  });

  it('fails V2, and only V2, on a migration that forgets the key it must add', async () => {
    const python = await pythonWith(['pytest']);
    const entry = (await zooCatalogue(python!)).migration_missing_key;
    const run = await runVersioning('migration_missing_key', variantAnswers('migration_missing_key', entry));
    expect(run.failing.length, run.output).toBeGreaterThan(0);
    expect(new Set(run.failing.map(caseOf))).toEqual(new Set(['V2']));
    expect(run.failing.every((name: string) => name.startsWith('test_v2_added_key_is_present'))).toBe(true);
  });
});
