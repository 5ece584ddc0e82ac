/**
 * What the templates emit, over a matrix of answers: black-clean as written
 * (no formatter run), no unused import or undefined name (pyflakes), and every
 * test's fixtures set up under `pytest --setup-only`, which, unlike
 * collection, fails on a fixture that does not exist. The quick tier takes a
 * dozen entries of the matrix (see ENTRIES), the full tier all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../lib/programmatic.js';
import { pythonWith, sampleAnswers, scratchProject } from '../scripts/zoo.mjs';
import { type PythonChecks, checkPythonFiles } from './helpers/python-checks.js';
import { pytestServer } from './helpers/pytest-server.js';
import { byTier } from './helpers/tier.js';

const MATRIX: Record<string, Record<string, unknown>> = {};
for (const format of ['pickle', 'json', 'torch']) {
  MATRIX[`${format}-defaults`] = sampleAnswers(format);
  MATRIX[`${format}-every-other-policy`] = {
    ...sampleAnswers(format),
    missingPath: 'none',
    latestBy: 'mtime',
    stepZero: 'skip',
    resumeNone: 'latest',
    duplicateStep: 'skip',
    concurrencyMode: format === 'json' ? 'threads' : 'processes',
    atomicWrites: format === 'json' ? 'no' : 'yes',
    lockFile: format === 'pickle' ? 'filelock' : 'own',
    ...(format === 'torch' ? { distributedSave: 'rank-zero' } : {}),
  };
}
Object.assign(MATRIX, {
  'raise-imported-exceptions': {
    ...sampleAnswers(),
    missingPathError: 'sample_trainer.manager.CheckpointError',
    duplicateStep: 'raise',
    duplicateStepError: 'sample_trainer.manager.CheckpointError',
    corruptError: 'sample_trainer.manager.CheckpointError',
  },
  'corruption-fallback-strict-json': {
    ...sampleAnswers('json'),
    corruptPolicy: 'fallback',
    requiredKeys: ['step', 'model', 'optimizer', 'metadata'],
    versionKey: 'format_version',
    currentVersion: '2',
  },
  'corruption-none-torch': {
    ...sampleAnswers('torch'),
    corruptPolicy: 'none',
    requiredKeys: ['step', 'optimizer'],
    versionKey: 'schema',
  },
  'corruption-some-kinds-only': {
    ...sampleAnswers(),
    categories: ['corruption'],
    corruptionKinds: ['empty', 'property-based'],
    hypothesisExamples: '5',
  },
  // The versioning family: the sample's migration, every corruption policy V3 follows, keys the
  // suite's states lack (example values), no resume op (V2 opens with load alone), V1 alone. The
  // sample records the same versions (--setup-only runs V2's fixture); its corrupt-file policy is
  // left at the default to keep the raw adapter's constructor line short.
  'versioning-migration': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { version_key: '"fv"', current_version: '2' }),
    versionKey: 'fv',
    currentVersion: '2',
    previousVersion: '1',
    renamedKeys: 'weights->model',
    addedKeys: 'metadata',
  },
  'versioning-json-fallback-extra-keys': {
    ...sampleAnswers('json', 'sample_trainer.manager', { version_key: '"fv"', current_version: '7' }),
    corruptPolicy: 'fallback',
    versionKey: 'fv',
    currentVersion: '7',
    previousVersion: '4',
    renamedKeys: 'weights->model_state, opt->optimizer',
    addedKeys: 'metadata, grad_scaler',
  },
  'versioning-torch-none-no-resume': {
    ...sampleAnswers('torch', 'sample_trainer.manager', { version_key: '"v"', current_version: '2' }),
    categories: ['versioning'],
    corruptPolicy: 'none',
    resumeOp: 'none',
    versionKey: 'v',
    currentVersion: '2',
    addedKeys: 'metadata',
  },
  'versioning-v1-only': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { version_key: '"fv"' }),
    categories: ['versioning'],
    versionKey: 'fv',
    corruptPolicy: 'fallback',
    resumeOp: 'none',
  },
  // Issue 15, items 3 and 4: a pointer file and pruning inside save; a rolling file without load().
  'latest-by-pointer-prune-in-save': {
    ...sampleAnswers(),
    latestBy: 'pointer',
    latestPointerFile: 'checkpoint',
    pruneOp: 'none',
    pruneOn: 'save',
    protectResumed: 'no',
    keepBest: 'lowest',
  },
  // F1, K4 and X1 check what the rolling file holds, not its path.
  'latest-by-rolling': { ...sampleAnswers(), latestBy: 'rolling', rollingFile: 'last.ckpt' },
  'latest-by-rolling-no-load-op': {
    ...sampleAnswers('json'),
    latestBy: 'rolling',
    rollingFile: 'last.ckpt',
    loadOp: 'none',
    resumedFromAttribute: 'none',
  },
  'no-latest-op': { ...sampleAnswers(), latestOp: 'none' },
  'no-resume-op': { ...sampleAnswers(), resumeOp: 'none' },
  'no-load-op': { ...sampleAnswers(), loadOp: 'none', resumedFromAttribute: 'none' },
  // P2 for torch without P1: the child-process probe alone (no large_state fixture, its own imports).
  'torch-no-load-op': { ...sampleAnswers('torch'), loadOp: 'none', resumedFromAttribute: 'none' },
  'module-functions': { module: 'sample_trainer.functional', className: '', pruneOp: 'none', publishOp: 'none' },
  'src-layout-deep-output': { ...sampleAnswers(), outputDir: 'tests/integration/checkpoints' },
  // The artifact family: every tracker, binding and policy branch, each with the sample configured
  // alike (constructor expressions short enough for the raw adapter to stay black-clean).
  'mlflow-one-retry': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { tracker: '"mlflow"', publish_retries: '1' }),
    tracker: 'mlflow',
    publishRetries: '1',
  },
  'wandb-raise': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { on_publish_error: '"raise"' }),
    publishFailure: 'raise',
  },
  'wandb-timeouts-only-transient': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { transient_errors: '["timeout"]' }),
    transientErrors: ['timeout'],
  },
  'wandb-module-attribute': {
    ...sampleAnswers('json', 'sample_trainer.eager_tracking'),
    trackerBinding: 'module-attribute',
  },
  'mlflow-module-attribute-no-retries': {
    ...sampleAnswers('pickle', 'sample_trainer.eager_tracking', { tracker: '"mlflow"', publish_retries: '0' }),
    tracker: 'mlflow',
    trackerBinding: 'module-attribute',
    publishRetries: '0',
  },
  'no-default-aliases-not-checked': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { default_aliases: '()' }),
    defaultAliases: 'none',
    trackerActive: 'not-checked',
  },
  // The lenient artifact policies (issue 15): the sample is correct under each weaker answer.
  'wandb-lenient-policies': {
    ...sampleAnswers(),
    publishSuccess: 'not-false',
    artifactName: 'contains',
    failureLogNames: 'either',
    retriedCalls: 'network',
    emptyAliases: 'defaults-allowed',
  },
  'mlflow-lenient-policies': {
    ...sampleAnswers('pickle', 'sample_trainer.manager', { tracker: '"mlflow"' }),
    tracker: 'mlflow',
    artifactName: 'contains',
    failureLogNames: 'either',
  },
  'tracker-none': { ...sampleAnswers(), tracker: 'none' },
  'module-functions-publish': { module: 'sample_trainer.functional', className: '', pruneOp: 'none' },
  'no-save-op': { ...sampleAnswers(), saveOp: 'none' },
  // R8/R11 (torch): the adapter's own training methods, a grad scaler, and module functions.
  'torch-adapter-training-defaults-grad-scaler': {
    ...sampleAnswers('torch'),
    trainingStateOp: 'none',
    restoreTrainingOp: 'none',
    gradScaler: 'yes',
  },
  'torch-grad-scaler-bound': { ...sampleAnswers('torch'), categories: ['resume'], gradScaler: 'yes' },
  'torch-module-functions': {
    module: 'sample_trainer.functional',
    className: '',
    format: 'torch',
    categories: ['resume', 'corruption'],
    pruneOp: 'none',
    publishOp: 'none',
    trainingStateOp: 'none',
    restoreTrainingOp: 'none',
  },
  'torch-no-load-op': {
    ...sampleAnswers('torch'),
    categories: ['resume'],
    loadOp: 'none',
    resumedFromAttribute: 'none',
  },
});

/**
 * The entries the quick tier (`npm test`) generates, checks with black and pyflakes, sets up and
 * runs: each format's defaults and every other policy, and one entry of each binding shape. The
 * full tier takes the whole matrix.
 */
const ENTRIES = byTier(
  [
    ...['pickle', 'json', 'torch'].flatMap((format) => [`${format}-defaults`, `${format}-every-other-policy`]),
    'raise-imported-exceptions',
    'versioning-migration',
    'latest-by-pointer-prune-in-save',
    'module-functions-publish',
    'mlflow-one-retry',
    'torch-adapter-training-defaults-grad-scaler',
  ],
  Object.keys(MATRIX),
);

let root: string;
let python: string | undefined;
const projects: Record<string, string> = {};

beforeAll(async () => {
  python = await pythonWith(['pytest', 'black', 'pyflakes', 'torch']);
  root = mkdtempSync(path.join(tmpdir(), 'checkpoint-matrix-'));
  // The shared pytest imports torch while the suites are generated.
  const warm = python ? server().ready : undefined;
  for (const name of ENTRIES) {
    const answers = MATRIX[name]!;
    projects[name] = scratchProject(root, name);
    await generate({ cwd: projects[name]!, options: { ...answers, skipChecks: true } });
  }
  await warm;
}, 300_000);

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
});

/** black and pyflakes over every suite of the matrix, each distinct file once (started by the first test that asks). */
let checked: Promise<PythonChecks> | undefined;
const checks = () =>
  (checked ??= checkPythonFiles(
    python!,
    ENTRIES.map((name) => path.join(projects[name]!, 'tests')),
  ));

/** One Python that imports pytest, Hypothesis and torch once, and forks each run. */
const server = () => pytestServer(python!);
/** `python -m pytest ...args` in the project `name`, through that Python. */
const pytestIn = (name: string, args: readonly string[], env: Record<string, string> = {}) =>
  server().run(projects[name]!, args, { env });
/** python/, where the check's pytest plugin is. */
const PYTHON_HELPERS = fileURLToPath(new URL('../python', import.meta.url));

describe('generated Python over the answers matrix', () => {
  it('finds a Python with pytest, black, pyflakes and torch (CI installs them)', () => {
    expect(python).toBeDefined();
  });

  it('is black-clean exactly as the templates write it', async () => {
    expect((await checks()).black, 'black --diff').toBe('');
  }, 300_000); // black over the distinct files of some forty suites: a minute on a busy 2-core machine

  it('has no unused imports and no undefined names (pyflakes)', async () => {
    expect((await checks()).pyflakes, 'pyflakes').toBe('');
  }, 300_000);

  // With the generator's own check plugin (python/one_setup_each.py): each distinct set-up once.
  it.each(ENTRIES)('%s: the fixtures of every test set up (each distinct set-up once)', async (name) => {
    const result = await pytestIn(
      name,
      ['-p', 'no:cacheprovider', '-p', 'one_setup_each', '-q', '--setup-only', 'tests'],
      {
        PYTHONPATH: PYTHON_HELPERS,
      },
    );
    // Test ids may hold "error" (test_a4_...[comm-error-Artifact]): look for pytest's error lines.
    expect(result.stdout, result.stdout).toMatch(/\d+ passed|no tests ran|\d+ deselected in/);
    expect(result.code ?? 0, result.stdout).toBe(0);
    expect(result.stdout).not.toMatch(/fixture '.*' not found|^E\s|\d+ errors? in/m);
  });

  it.each(ENTRIES)('%s: the artifact cases run green on the sample configured alike', async (name) => {
    const result = await pytestIn(name, ['-p', 'no:cacheprovider', '-q', '-m', 'artifact', 'tests']);
    // Exit code 5: no artifact case was generated for these answers (tracker none, no publish op).
    expect([0, 5], result.stdout).toContain(result.code ?? 0);
    expect(result.stdout).not.toMatch(/fixture '.*' not found|^E\s|\d+ errors? in/m);
  });
});
