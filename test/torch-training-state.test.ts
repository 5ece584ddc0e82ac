/**
 * R8's torch training-state checks and R11 (resumed training continues
 * exactly): which answers generate them and why they are left out, what the
 * adapter gets (its default training methods or the user's, bound), and the
 * generated tests run on the sample (green) and on the zoo variants written
 * for them (each failing exactly the cases it declares).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkValue } from '../lib/answers.js';
import { decideCases } from '../lib/cases.js';
import { generate } from '../lib/programmatic.js';
import { type Answers, QUESTIONS, isAsked } from '../lib/questions.js';
import { coverageTable } from '../lib/report.js';
import {
  SUITE_DIR,
  caseOf,
  pythonWith,
  sampleAnswers,
  scratchProject,
  variantAnswers,
  zooCatalogue,
} from '../scripts/zoo.mjs';
import { pytestServer, runSuite } from './helpers/pytest-server.js';
import { answersWith, renderFor } from './helpers/family-views.js';

const decision = (given: Partial<Answers>, id: string) =>
  decideCases(answersWith(given)).find((entry) => entry.id === id)!;

const render = renderFor;

const question = (name: string) => QUESTIONS.find((entry) => entry.name === name)!;

describe('R8 and R11 decisions', () => {
  it('generates R11 and every R8 check for torch checkpoints', () => {
    expect(decision({ format: 'torch' }, 'R11')).toMatchObject({ generated: true });
    expect(decision({ format: 'torch' }, 'R8').partlyLeftOut).toBeUndefined();
  });

  it('leaves R11 and the training-state part of R8 out for other formats, saying why', () => {
    expect(decision({ format: 'pickle' }, 'R11')).toMatchObject({
      generated: false,
      reason: 'needs a torch training step; checkpoints are pickle files, not torch',
    });
    const r8 = decision({ format: 'json' }, 'R8');
    expect(r8.generated).toBe(true);
    expect(r8.partlyLeftOut).toMatch(/training-state checks .* need torch checkpoints; checkpoints are json files/);
    expect(coverageTable(decideCases(answersWith({ format: 'json' })))).toMatch(
      /^R8 +in part +every key .*; left out: /m,
    );
  });

  it('leaves R11 out without save() or load()', () => {
    expect(decision({ format: 'torch', loadOp: 'none' }, 'R11').reason).toMatch(/no load\(\) op/);
  });

  it('asks the training-state questions for torch only', () => {
    for (const name of ['trainingStateOp', 'restoreTrainingOp', 'gradScaler']) {
      expect(isAsked(question(name), { format: 'torch' }), name).toBe(true);
      expect(isAsked(question(name), { format: 'pickle' }), name).toBe(false);
    }
  });

  it('refuses one training-state method bound and the other left to the default', () => {
    const checked = checkValue(question('restoreTrainingOp'), 'none', { trainingStateOp: 'training_state' });
    expect(checked.problem).toMatch(/`trainingStateOp` is "training_state": bind both training-state methods/);
    expect(
      checkValue(question('restoreTrainingOp'), 'restore_training', { trainingStateOp: 'training_state' }),
    ).toEqual({
      value: 'restore_training',
    });
    expect(checkValue(question('restoreTrainingOp'), 'none', { trainingStateOp: 'none' })).toEqual({ value: 'none' });
  });

  it("defaults to the module's own methods when it has them, else to the adapter's", () => {
    const facts = { imports: [], callables: ['save', 'training_state', 'restore_training'] };
    expect(question('trainingStateOp').default({ format: 'torch' }, facts)).toBe('training_state');
    expect(question('restoreTrainingOp').default({ format: 'torch' }, facts)).toBe('restore_training');
    expect(question('trainingStateOp').default({ format: 'torch' }, { imports: [], callables: ['save'] })).toBe('none');
  });
});

describe('what the templates print', () => {
  it("binds the user's methods in the adapter, with no NumPy import", () => {
    const adapter = render('common/checkpoint_adapter.py.ejs', {
      format: 'torch',
      trainingStateOp: 'capture',
      restoreTrainingOp: 'put_back',
    });
    expect(adapter).toContain('        return self.manager.capture(\n');
    expect(adapter).toContain('        self.manager.put_back(\n            state,\n');
    expect(adapter).toContain('    def build_training(seed):');
    expect(adapter).toContain('    def train_step(training):');
    expect(adapter).not.toContain('import numpy');
  });

  it('writes default capture and restore methods when none are bound', () => {
    const adapter = render('common/checkpoint_adapter.py.ejs', { format: 'torch' });
    expect(adapter).toContain('"numpy": np.random.get_state(),');
    expect(adapter).toContain('np.random.set_state(state["rng"]["numpy"])');
    expect(adapter).toMatch(
      /^import copy\nimport os\nimport random\nimport re\nfrom pathlib import Path\nfrom types import SimpleNamespace\n\nimport numpy as np\nimport torch\n\nfrom sample_trainer\.manager import CheckpointManager$/m,
    );
  });

  it('prints nothing of it for other formats: no training methods, no NumPy, no torch', () => {
    for (const format of ['pickle', 'json'] as const) {
      const suite = render('resume/test_resume.py.ejs', { format });
      expect(suite).not.toMatch(/import (numpy|torch|random|copy)/);
      expect(suite).not.toContain('test_r11_');
      expect(render('common/conftest.py.ejs', { format })).not.toContain('numpy');
      expect(render('common/checkpoint_adapter.py.ejs', { format })).not.toContain('build_training');
    }
  });

  it('adds the grad-scaler part only when asked', () => {
    expect(render('resume/test_resume.py.ejs', { format: 'torch' })).not.toContain('"grad-scaler"');
    const suite = render('resume/test_resume.py.ejs', { format: 'torch', gradScaler: 'yes' });
    expect(suite).toContain('"grad-scaler": lambda training: training.scaler.state_dict(),');
    expect(suite).toContain('class ScalerStandIn:');
  });
});

describe('R8 and R11 run on the sample and the zoo', () => {
  let root: string;
  let python: string | undefined;
  let catalogue: Record<string, { breaks: string[]; format: string }>;

  beforeAll(async () => {
    python = await pythonWith(['torch', 'numpy']);
    root = mkdtempSync(path.join(tmpdir(), 'checkpoint-torch-state-'));
    if (python) catalogue = await zooCatalogue(python);
    // The shared pytest's imports (torch among them) are paid here, off the tests' own clocks.
    if (python) await pytestServer(python).ready;
  }, 240_000);
  afterAll(async () => {
    rmSync(root, { recursive: true, force: true });
  });

  async function generateCases(name: string, answers: Record<string, unknown>) {
    const project = scratchProject(root, name);
    await generate({ cwd: project, options: { ...answers, categories: ['resume'], skipChecks: true } });
    return project;
  }

  async function runCases(name: string, answers: Record<string, unknown>) {
    const project = await generateCases(name, answers);
    return {
      project,
      ...(await runSuite(python!, project, ['-k', 'test_r8_ or test_r11_'], path.join(SUITE_DIR, 'test_resume.py'))),
    };
  }

  it('finds a Python with torch and NumPy', () => expect(python).toBeDefined());

  it.each([
    ['methods bound', {}],
    ['adapter defaults, grad scaler', { trainingStateOp: 'none', restoreTrainingOp: 'none', gradScaler: 'yes' }],
  ])(
    'the correct sample passes every R8 and R11 test (%s)',
    async (label, extra) => {
      const result = await runCases(`sample-${label.replace(/\W+/g, '-')}`, { ...sampleAnswers('torch'), ...extra });
      expect(result.code, result.output).toBe(0);
      const names = readFileSync(path.join(result.project, SUITE_DIR, 'test_resume.py'), 'utf8');
      expect(names).toContain('def test_r11_resumed_training_matches_uninterrupted(');
      expect(result.passed).toBeGreaterThanOrEqual(13);
    },
    60_000,
  );

  it.each([
    ['optimizer_state_not_saved', ['test_r8_restore_puts_each_part_back[optimizer-moments-and-step]']],
    ['scheduler_step_lost', ['test_r8_restore_puts_each_part_back[lr-scheduler]']],
    [
      'rng_state_not_restored',
      [
        'test_r8_restore_puts_each_part_back[python-rng]',
        'test_r8_restore_puts_each_part_back[numpy-rng]',
        'test_r8_restore_puts_each_part_back[torch-rng]',
      ],
    ],
  ])(
    '%s fails exactly its R8 parts and R11',
    async (variant, r8Failures) => {
      const entry = catalogue[variant]!;
      expect(entry).toMatchObject({ breaks: ['R8', 'R11'], format: 'torch' });
      const result = await runCases(variant, variantAnswers(variant, entry));
      expect([...result.failing].sort(), result.output).toEqual(
        [...r8Failures, 'test_r11_resumed_training_matches_uninterrupted'].sort(),
      );
      expect(new Set(result.failing.map(caseOf))).toEqual(new Set(entry.breaks));
    },
    60_000,
  );

  it('the GPU-written checkpoint really needs map_location: a loader without it fails', async () => {
    // The suite as generated passes these tests (shown above); only the patched one is run.
    const project = await generateCases('load-without-map-location', sampleAnswers('torch'));
    // Patch the generated adapter's load to call torch.load without map_location.
    const adapter = path.join(project, SUITE_DIR, 'checkpoint_adapter.py');
    const source = readFileSync(adapter, 'utf8').replace(
      '        return self.from_loaded(self.manager.load(path))',
      '        return torch.load(path)',
    );
    expect(source).toContain('return torch.load(path)');
    writeFileSync(adapter, source);
    const broken = await runSuite(python!, project, ['-k', 'test_r8_gpu_'], path.join(SUITE_DIR, 'test_resume.py'));
    expect(broken.failing, broken.output).toEqual(['test_r8_gpu_checkpoint_loads_on_cpu']);
    expect(broken.output).toContain('Attempting to deserialize object on a CUDA device');
  }, 60_000);
});
