/**
 * The generators through yeoman-test: answers in, files out. Python is not
 * involved here (skipChecks); the e2e and generated-python tests run pytest.
 */
import { CATEGORIES } from '../lib/questions.js';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import helpers, { result } from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { generatorPath } from '../lib/paths.js';
import { CASES } from '../lib/cases.js';

const MODULE = 'sample_trainer.manager';
const SUITE = 'tests/checkpoint';

function runApp(options: Record<string, unknown> = {}, answers: Record<string, unknown> = {}) {
  return helpers
    .run(generatorPath('app'))
    .withOptions({ skipChecks: true, ...options } as never)
    .withAnswers(answers, { throwOnMissingAnswer: true });
}

const read = (file: string) => readFileSync(path.join(result.cwd, SUITE, file), 'utf8');
const testNames = (source: string) => [...source.matchAll(/^def (test_\w+)/gm)].map((match) => match[1]);

describe('app generator', () => {
  it('--all-questions asks every question of the declaration in order and writes the shared files and test_resume.py', async () => {
    await runApp({ allQuestions: true }, { module: MODULE });
    result.assertFile([`${SUITE}/conftest.py`, `${SUITE}/checkpoint_adapter.py`, `${SUITE}/test_resume.py`]);
    const asked = result.askedQuestions.map((question) => question.name);
    // The first question chooses between a new suite and an audit; "new" (its default) goes on.
    expect(asked.slice(0, 5)).toEqual(['start', 'module', 'pythonRoot', 'className', 'constructorExpression']);
    expect(asked).toContain('duplicateStep');
    expect(asked).not.toContain('duplicateStepError'); // only asked when the policy is "raise"
  });

  it('stores the answers and the generator version in .yo-rc.json, so a second run asks nothing', async () => {
    await runApp({ yes: true, module: MODULE });
    const stored = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-checkpoint-tests'];
    expect(stored).toMatchObject({
      module: MODULE,
      format: 'pickle',
      categories: [...CATEGORIES],
      generatorVersion: expect.any(String),
    });
    const first = read('test_resume.py');
    await result
      .create(generatorPath('app'))
      .withOptions({ skipChecks: true } as never)
      .withAnswers({}, { throwOnMissingAnswer: true })
      .run();
    expect(result.askedQuestions).toEqual([]);
    expect(read('test_resume.py')).toBe(first);
  });

  it('generates one test function family per generated R case, named by case id', async () => {
    await runApp({ yes: true, module: MODULE });
    const names = testNames(read('test_resume.py'));
    const expected = CASES.filter((spec) => spec.family === 'resume' && spec.id !== 'R11').map(
      (spec) => `test_${spec.id.toLowerCase()}_`,
    );
    for (const prefix of expected)
      expect(
        names.some((name) => name.startsWith(prefix)),
        prefix,
      ).toBe(true);
    expect(names.some((name) => name.startsWith('test_r11_'))).toBe(false);
  });

  it('leaves out the cases of an op answered "none" and drops the op from the adapter', async () => {
    await runApp({ yes: true, module: MODULE, resumeOp: 'none' });
    const names = testNames(read('test_resume.py'));
    for (const id of ['r1', 'r2', 'r3', 'r4', 'r12', 'r13', 'r14']) {
      expect(names.filter((name) => name.startsWith(`test_${id}_`))).toEqual([]);
    }
    expect(names.some((name) => name.startsWith('test_r5_'))).toBe(true);
    expect(read('checkpoint_adapter.py')).not.toMatch(/def resume\(/);
    expect(read('checkpoint_adapter.py')).toContain('resume()');
  });

  it('checks the newest through resume("latest") when there is no latest() op', async () => {
    await runApp({ yes: true, module: MODULE, latestOp: 'none' });
    const source = read('test_resume.py');
    expect(source).not.toContain('.latest()');
    expect(source).toMatch(
      /def test_r5_newest_is_largest_step\(\s+checkpoint_dir, make_adapter, assert_same_state, steps\s+\)/,
    );
  });

  it('follows the policies: None for a missing path, raise an imported exception on a duplicate step', async () => {
    await runApp({
      yes: true,
      module: MODULE,
      missingPath: 'none',
      duplicateStep: 'raise',
      duplicateStepError: 'sample_trainer.manager.CheckpointError',
    });
    const source = read('test_resume.py');
    expect(source).toContain('def test_r4_missing_explicit_path_gives_none');
    expect(source).not.toContain('def test_r4_missing_explicit_path_raises');
    expect(source).toContain('from sample_trainer.manager import CheckpointError');
    expect(source).toContain('with pytest.raises(CheckpointError):');
  });

  it('binds module-level functions when no class is given', async () => {
    await runApp({ yes: true, module: 'my_pkg.ckpt', className: '' });
    const adapter = read('checkpoint_adapter.py');
    expect(adapter).toContain('import my_pkg.ckpt as target');
    expect(adapter).toContain('saved = target.save(self.checkpoint_dir, self.to_saved(state), step)');
    expect(adapter).not.toContain('self.manager');
    expect(testNames(read('test_resume.py')).some((name) => name.startsWith('test_r14_'))).toBe(false);
  });

  it('puts the answered sys.path root on the path relative to the suite folder', async () => {
    await runApp({ yes: true, module: MODULE, pythonRoot: 'src', outputDir: 'tests/unit/ckpt' });
    const conftest = readFileSync(path.join(result.cwd, 'tests/unit/ckpt/conftest.py'), 'utf8');
    expect(conftest).toContain('PYTHON_ROOT = (SUITE_DIR / "../../../src").resolve()');
  });

  it('never overwrites an edited adapter without --force, and does with it', async () => {
    await runApp({ yes: true, module: MODULE });
    const adapterPath = path.join(result.cwd, SUITE, 'checkpoint_adapter.py');
    const edited = `${readFileSync(adapterPath, 'utf8')}\n# my change\n`;
    await result
      .create(generatorPath('app'))
      .withFiles({ [`${SUITE}/checkpoint_adapter.py`]: edited })
      .withOptions({ skipChecks: true, yes: true, force: false } as never) // yeoman-test forces by default
      .run();
    expect(readFileSync(adapterPath, 'utf8')).toBe(edited);
    await result
      .create(generatorPath('app'))
      .withOptions({ skipChecks: true, yes: true, force: true } as never)
      .run();
    expect(readFileSync(adapterPath, 'utf8')).not.toContain('# my change');
  });

  it('the resume sub-generator alone writes a complete suite', async () => {
    await helpers.run(generatorPath('resume')).withOptions({ skipChecks: true, yes: true, module: MODULE } as never);
    result.assertFile([`${SUITE}/conftest.py`, `${SUITE}/checkpoint_adapter.py`, `${SUITE}/test_resume.py`]);
  });

  it('rejects a bad CLI option value before writing anything', async () => {
    await expect(runApp({ yes: true, module: MODULE, format: 'safetensors' })).rejects.toThrow(
      /`format` is "safetensors", but it must be one of pickle, json, torch/,
    );
  });

  it('prints answers into Python as literals (quotes, non-ASCII)', async () => {
    await runApp({ yes: true, module: MODULE, pythonRoot: `wéird "dir"/x` });
    expect(read('conftest.py')).toContain(`PYTHON_ROOT = (SUITE_DIR / '../../wéird "dir"/x').resolve()`);
  });
});

describe('artifact generator', () => {
  it('writes test_artifact.py and tracker_fakes.py with the W&B fake by default, alone as a sub-generator too', async () => {
    await helpers.run(generatorPath('artifact')).withOptions({ skipChecks: true, yes: true, module: MODULE } as never);
    result.assertFile([`${SUITE}/conftest.py`, `${SUITE}/test_artifact.py`, `${SUITE}/tracker_fakes.py`]);
    result.assertNoFile(`${SUITE}/test_resume.py`);
    expect(read('tracker_fakes.py')).toContain('class FakeWandb(RecordingTracker):');
    expect(read('tracker_fakes.py')).not.toContain('FakeMlflow');
    expect(read('conftest.py')).toContain('monkeypatch.setitem(sys.modules, "wandb", fake)');
    const names = testNames(read('test_artifact.py'));
    for (const id of ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7']) {
      expect(
        names.some((name) => name.startsWith(`test_${id}_`)),
        id,
      ).toBe(true);
    }
  });

  it('fakes MLflow in place of the module-level name, and raises per policy', async () => {
    await runApp({
      yes: true,
      module: MODULE,
      tracker: 'mlflow',
      trackerBinding: 'module-attribute',
      publishFailure: 'raise',
    });
    expect(read('tracker_fakes.py')).toContain('class FakeMlflow(RecordingTracker):');
    expect(read('tracker_fakes.py')).not.toContain('FakeWandb');
    expect(read('conftest.py')).toContain('monkeypatch.setattr(sys.modules[TARGET_MODULE], "mlflow", fake)');
    const source = read('test_artifact.py');
    expect(source).toContain('def test_a4_tracker_failure_reaches_the_caller(');
    expect(source).not.toContain('def test_a4_tracker_failure_returns_false_and_is_logged(');
    expect(source).toContain('CALL_SITES = ["log_artifact", "log_dict", "set_tag"]');
  });

  it('asks no retry questions and leaves A6 out when publishRetries is 0; no clock is faked', async () => {
    await runApp({ allQuestions: true }, { module: MODULE, publishRetries: '0' });
    const asked = result.askedQuestions.map((question) => question.name);
    expect(asked).toContain('tracker');
    expect(asked).not.toContain('transientErrors');
    expect(asked).not.toContain('retrySleep');
    expect(testNames(read('test_artifact.py')).some((name) => name.startsWith('test_a6_'))).toBe(false);
    expect(read('conftest.py')).not.toContain('fake_clock');
  });

  it('generates no artifact case, and writes neither its test file nor the fake, for tracker "none"', async () => {
    await runApp({ yes: true, module: MODULE, tracker: 'none' });
    result.assertNoFile([`${SUITE}/test_artifact.py`, `${SUITE}/tracker_fakes.py`]);
    expect(read('conftest.py')).not.toContain('def tracker(');
    expect(read('README.md')).not.toContain('tracker_fakes.py');
  });

  it('leaves A2 out when publish does not check for a run', async () => {
    await runApp({ yes: true, module: MODULE, trackerActive: 'not-checked' });
    const names = testNames(read('test_artifact.py'));
    expect(names.some((name) => name.startsWith('test_a2_'))).toBe(false);
    expect(names.some((name) => name.startsWith('test_a1_'))).toBe(true);
  });

  it('rejects a retry count out of range before writing anything', async () => {
    await expect(runApp({ yes: true, module: MODULE, publishRetries: '99' })).rejects.toThrow(
      /`publishRetries` is "99", but it must be a whole number from 0 to 10/,
    );
  });
});

describe('which files are written', () => {
  it('writes no test file of a family whose cases are all left out, and lists only the files written', async () => {
    // pruneOp "none" leaves T1–T4 out; tracker "none" every A case.
    await runApp({ yes: true, module: MODULE, pruneOp: 'none', tracker: 'none' });
    result.assertNoFile([`${SUITE}/test_retention.py`, `${SUITE}/test_artifact.py`, `${SUITE}/tracker_fakes.py`]);
    result.assertFile([`${SUITE}/test_resume.py`, `${SUITE}/test_concurrency.py`, `${SUITE}/concurrency_workers.py`]);
    const readme = read('README.md');
    expect(readme).not.toContain('`test_retention.py`');
    expect(readme).not.toContain('`test_artifact.py`');
    expect(readme).toContain('`concurrency_workers.py`');
    // The coverage matrix still says why each left-out case is left out.
    expect(readme).toMatch(/\| T1 +\| no +\| no prune\(\) op/);
  });

  it('writes the torch P2 helper only for torch checkpoints', async () => {
    await runApp({ yes: true, module: MODULE });
    result.assertFile(`${SUITE}/test_performance.py`);
    result.assertNoFile(`${SUITE}/performance_memory.py`);
    await runApp({
      yes: true,
      module: MODULE,
      format: 'torch',
      constructorExpression: 'CheckpointManager(checkpoint_dir, fmt="torch")',
    });
    result.assertFile([`${SUITE}/test_performance.py`, `${SUITE}/performance_memory.py`]);
    expect(read('README.md')).toContain('`performance_memory.py`');
  });
});

describe('retention, faults and stateful families', () => {
  it('generates T1–T4 only when a prune op is bound, and F1, F2 and S1 by default', async () => {
    await runApp({ yes: true, module: MODULE });
    // pruneOp "none" leaves every T case out, so test_retention.py is not written at all.
    expect(existsSync(path.join(result.cwd, SUITE, 'test_retention.py'))).toBe(false);
    expect(testNames(read('test_faults.py')).map((name) => name.slice(0, 8))).toEqual(
      expect.arrayContaining(['test_f1_', 'test_f2_']),
    );
    expect(testNames(read('test_stateful.py'))).toEqual(['test_s1_manager_agrees_with_a_model_of_the_disk']);
    expect(read('test_stateful.py')).not.toMatch(/def prune\(self\)/);
    expect(read('conftest.py').match(/^class StorageFault/gm)).toHaveLength(1);

    await runApp({
      yes: true,
      module: MODULE,
      pruneOp: 'prune',
      keepLast: '5',
      keepBest: 'highest',
      bestMetric: 'acc',
    });
    const names = testNames(read('test_retention.py'));
    for (const id of ['t1', 't2', 't3', 't4'])
      expect(
        names.some((name) => name.startsWith(`test_${id}_`)),
        id,
      ).toBe(true);
    expect(read('test_retention.py')).toContain('KEEP_LAST = 5');
    expect(read('test_retention.py')).toContain('BEST_METRIC = "acc"');
    expect(read('test_stateful.py')).toMatch(/def prune\(self\)/);
  });
});

describe('versioning family', () => {
  it('writes no test_versioning.py, and says why, when checkpoints record no version', async () => {
    await runApp({ yes: true, module: MODULE });
    expect(existsSync(path.join(result.cwd, SUITE, 'test_versioning.py'))).toBe(false);
    expect(read('README.md')).toContain('no version key (versionKey answered "none")');
  });

  it('generates V1–V3 from the version answers, and C7 under the same version key', async () => {
    await runApp({
      yes: true,
      module: MODULE,
      versionKey: 'format_version',
      currentVersion: '2',
      renamedKeys: 'weights->model',
      addedKeys: 'metadata',
    });
    const names = testNames(read('test_versioning.py'));
    for (const id of ['v1', 'v2', 'v3'])
      expect(
        names.some((name) => name.startsWith(`test_${id}_`)),
        id,
      ).toBe(true);
    // previousVersion defaults to the version before the current one.
    expect(read('test_versioning.py')).toContain('PREVIOUS_VERSION = 1');
    expect(testNames(read('test_corruption.py'))).toContain('test_c7_unknown_future_version_is_rejected');
    const stored = JSON.parse(readFileSync(path.join(result.cwd, '.yo-rc.json'), 'utf8'))['generator-checkpoint-tests'];
    expect(stored).toMatchObject({ versionKey: 'format_version', previousVersion: '1', renamedKeys: 'weights->model' });
  });

  it('refuses a previous version that is not older than the current one, before writing anything', async () => {
    await expect(
      runApp({ yes: true, module: MODULE, versionKey: 'v', currentVersion: '2', previousVersion: '3' }),
    ).rejects.toThrow(/`previousVersion` is "3", but it must be older than currentVersion \(2\)/);
  });
});
