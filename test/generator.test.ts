/**
 * The generators through yeoman-test: answers in, files out. Python is not
 * involved here (skipChecks); the e2e and generated-python tests run pytest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import helpers, { result } from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { generatorPath } from '../lib/paths.js';
import { CASES } from '../lib/cases.js';
import { CATEGORIES } from '../lib/questions.js';

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
  it('asks every question of the declaration in order and writes the shared files and test_resume.py', async () => {
    await runApp({}, { module: MODULE });
    result.assertFile([`${SUITE}/conftest.py`, `${SUITE}/checkpoint_adapter.py`, `${SUITE}/test_resume.py`]);
    const asked = result.askedQuestions.map((question) => question.name);
    expect(asked.slice(0, 4)).toEqual(['module', 'pythonRoot', 'className', 'constructorExpression']);
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
    const expected = CASES.filter((spec) => spec.family === 'resume' && spec.id !== 'R11').map((spec) => `test_${spec.id.toLowerCase()}_`);
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
    expect(adapter).toContain('return _as_path(target.save(self.checkpoint_dir, state, step))');
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

  it('prints answers into Python as literals (quotes, non-ASCII) and Windows separators as /', async () => {
    await runApp({ yes: true, module: MODULE, pythonRoot: `wéird "dir"\\x` });
    expect(read('conftest.py')).toContain(`PYTHON_ROOT = (SUITE_DIR / '../../wéird "dir"/x').resolve()`);
  });
});
