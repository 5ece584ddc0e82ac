/**
 * The bug zoo harness: generates a suite for the correct sample and for every
 * buggy variant in examples/sample-trainer/bug_zoo, runs pytest on each, and
 * reports which tests failed. Used by the e2e test, `npm run demo` and
 * `npm run bench`. Needs a build (`npm run build`) first.
 *
 *   node scripts/zoo.mjs            # the table, exit 1 unless every variant is caught
 *   node scripts/zoo.mjs --families  # the same, as npm test runs it: each variant on its BREAKS' families
 *   node scripts/zoo.mjs --s1       # only S1 against every variant: its catch table
 *   node scripts/zoo.mjs --repeat 20 --family concurrency
 *                                   # one family's tests 20 times on the sample and on every
 *                                   # variant that breaks one of its cases: flakes and catch rates
 */
import { execFile, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  mkdirSync,
  writeFileSync,
} from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { CASES } from '../lib/cases.js';
import { generate } from '../lib/programmatic.js';
import { findPythons } from '../lib/python.js';

export const SAMPLE_ROOT = fileURLToPath(new URL('../examples/sample-trainer', import.meta.url));
export const SUITE_DIR = 'tests/checkpoint';

/** Answers that bind the sample's manager in a given format, with constructor keyword arguments. */
export function sampleAnswers(format = 'pickle', module = 'sample_trainer.manager', kwargs = {}) {
  const args = ['checkpoint_dir', ...(format === 'pickle' ? [] : [`fmt="${format}"`])];
  // Retention: the sample keeps the 3 newest, as the keepLast answer says.
  for (const [key, value] of Object.entries({ keep_last: '3', ...kwargs })) args.push(`${key}=${value}`);
  return {
    module,
    format,
    constructorExpression: `CheckpointManager(${args.join(', ')})`,
    pruneOp: 'prune',
    keepLast: '3',
    // R8/R11 (torch): the sample captures and restores a whole training run itself.
    ...(format === 'torch' ? { trainingStateOp: 'training_state', restoreTrainingOp: 'restore_training' } : {}),
  };
}

/** The sample's format versions and its built-in migration from version 1 ("weights" renamed "model", "metadata" added). */
const VERSIONED = {
  answers: {
    versionKey: 'format_version',
    currentVersion: '2',
    previousVersion: '1',
    renamedKeys: 'weights->model',
    addedKeys: 'metadata',
  },
  kwargs: { version_key: '"format_version"', current_version: '2' },
};
// The families a version touches, for the formats the whole suite already runs in above.
const VERSIONED_FAMILIES = ['resume', 'corruption', 'versioning', 'stateful'];

/**
 * The sample configured for each alternative policy, answered the same way:
 * every one must run green, so every policy branch of the templates is run.
 */
export const POLICY_PROFILES = {
  'latest-by-mtime': { answers: { latestBy: 'mtime' }, kwargs: { newest_by: '"mtime"' } },
  'step-zero-skipped': { answers: { stepZero: 'skip' }, kwargs: { save_step_zero: 'False' } },
  'duplicate-skip': { answers: { duplicateStep: 'skip' }, kwargs: { on_duplicate: '"skip"' } },
  'duplicate-raise': { answers: { duplicateStep: 'raise' }, kwargs: { on_duplicate: '"raise"' } },
  'resume-none-latest': { answers: { resumeNone: 'latest' }, kwargs: { resume_none: '"latest"' } },
  'missing-path-none': { answers: { missingPath: 'none' }, kwargs: { missing_path: '"none"' } },
  'custom-exception': {
    answers: { missingPathError: 'sample_trainer.manager.CheckpointError' },
    kwargs: {},
    // The sample raises FileNotFoundError, which is not a CheckpointError: this profile must fail R4 (and S1).
    expectFailing: ['R4', 'S1'],
  },
  'corrupt-none': { answers: { corruptPolicy: 'none' }, kwargs: { on_corrupt: '"none"' } },
  'corrupt-fallback': { answers: { corruptPolicy: 'fallback' }, kwargs: { on_corrupt: '"fallback"' } },
  'corrupt-custom-exception': { answers: { corruptError: 'sample_trainer.manager.CheckpointError' }, kwargs: {} },
  'corrupt-versioned': {
    answers: { versionKey: 'format_version', currentVersion: '3' },
    kwargs: { version_key: '"format_version"', current_version: '3' },
  },
  // Every state the suite saves holds the required keys (R8's awkward values sit on a valid state).
  'corrupt-required-keys': {
    answers: {
      categories: ['resume', 'corruption', 'stateful'],
      requiredKeys: ['step', 'model', 'optimizer', 'metadata'],
    },
    kwargs: { required_keys: '("step", "model", "optimizer", "metadata")' },
  },
  'corrupt-torch-fallback-strict': {
    format: 'torch',
    answers: {
      categories: ['corruption', 'stateful'],
      corruptPolicy: 'fallback',
      requiredKeys: ['step', 'model', 'optimizer', 'metadata'],
      versionKey: 'format_version',
    },
    kwargs: {
      on_corrupt: '"fallback"',
      required_keys: '("step", "model", "optimizer", "metadata")',
      version_key: '"format_version"',
    },
  },
  'versioning-migration': VERSIONED,
  'versioning-migration-json': {
    format: 'json',
    answers: { ...VERSIONED.answers, categories: VERSIONED_FAMILIES },
    kwargs: VERSIONED.kwargs,
  },
  'versioning-migration-torch': {
    format: 'torch',
    answers: { ...VERSIONED.answers, categories: VERSIONED_FAMILIES },
    kwargs: VERSIONED.kwargs,
  },
  'versioning-corrupt-none': {
    answers: { ...VERSIONED.answers, categories: ['versioning', 'stateful'], corruptPolicy: 'none' },
    kwargs: { ...VERSIONED.kwargs, on_corrupt: '"none"' },
  },
  'versioning-corrupt-fallback': {
    format: 'json',
    answers: { ...VERSIONED.answers, categories: ['versioning', 'stateful'], corruptPolicy: 'fallback' },
    kwargs: { ...VERSIONED.kwargs, on_corrupt: '"fallback"' },
  },
  'keep-last-one': { answers: { keepLast: '1' }, kwargs: { keep_last: '1' } },
  'keep-best-lowest': {
    answers: { keepBest: 'lowest', bestMetric: 'val_loss' },
    kwargs: { keep_best: '"lowest"', best_metric: '"val_loss"' },
  },
  // A corrupt checkpoint loads as None: the best one is picked among the others.
  'keep-best-corrupt-none': {
    answers: { keepBest: 'lowest', bestMetric: 'val_loss', corruptPolicy: 'none' },
    kwargs: { keep_best: '"lowest"', best_metric: '"val_loss"', on_corrupt: '"none"' },
  },
  'keep-best-highest': {
    answers: { keepBest: 'highest', bestMetric: 'accuracy' },
    kwargs: { keep_best: '"highest"', best_metric: '"accuracy"' },
  },
  'save-fault-none': { answers: { saveFault: 'none' }, kwargs: { on_save_error: '"none"' } },
  'no-prune-op': { answers: { pruneOp: 'none' }, kwargs: {} },
  'no-latest-op': { answers: { latestOp: 'none' }, kwargs: {} },
  'no-resume-op': { answers: { resumeOp: 'none' }, kwargs: {} },
  'concurrency-threads-only': { answers: { concurrencyMode: 'threads' }, kwargs: {} },
  'concurrency-processes-only': { answers: { concurrencyMode: 'processes', concurrentWriters: '2' }, kwargs: {} },
  'writes-not-atomic': { answers: { atomicWrites: 'no', lockFile: 'own' }, kwargs: { lock: '"own"' } },
  'lock-filelock': { answers: { lockFile: 'filelock' }, kwargs: { lock: '"filelock"' } },
  'lock-own': { answers: { lockFile: 'own' }, kwargs: { lock: '"own"' } },
  // R8/R11 with a grad scaler in the training state, and with the adapter's own default methods.
  'torch-grad-scaler': { format: 'torch', answers: { categories: ['resume'], gradScaler: 'yes' }, kwargs: {} },
  'torch-adapter-training-defaults': {
    format: 'torch',
    answers: { categories: ['resume'], trainingStateOp: 'none', restoreTrainingOp: 'none' },
    kwargs: {},
  },
  'distributed-rank-zero': { format: 'torch', answers: { distributedSave: 'rank-zero' }, kwargs: {} },
  'module-functions': {
    answers: { module: 'sample_trainer.functional', className: '', constructorExpression: undefined, pruneOp: 'none' },
    kwargs: {},
  },
  'tracker-mlflow': { answers: { tracker: 'mlflow' }, kwargs: { tracker: '"mlflow"' } },
  'publish-raise': { answers: { publishFailure: 'raise' }, kwargs: { on_publish_error: '"raise"' } },
  'mlflow-raise-one-retry': {
    answers: {
      tracker: 'mlflow',
      publishFailure: 'raise',
      publishRetries: '1',
      transientErrors: ['tracker-comm', 'timeout'],
    },
    kwargs: {
      tracker: '"mlflow"',
      on_publish_error: '"raise"',
      publish_retries: '1',
      transient_errors: '("tracker-comm", "timeout")',
    },
  },
  'publish-no-retries': { answers: { publishRetries: '0' }, kwargs: { publish_retries: '0' } },
  'no-default-aliases': {
    answers: { defaultAliases: 'none', artifactType: 'checkpoint' },
    kwargs: { default_aliases: '()', artifact_type: '"checkpoint"' },
  },
  'tracker-module-attribute': {
    answers: { module: 'sample_trainer.eager_tracking', trackerBinding: 'module-attribute' },
    kwargs: {},
  },
  'tracker-not-checked': { answers: { trackerActive: 'not-checked' }, kwargs: {} },
};

/**
 * Variants whose BREAKS name an artifact case also run against MLflow (the
 * default answers fake W&B): the sample and the suite both switch tracker.
 */
export const TRACKER_RUNS = {
  mlflow: { answers: { tracker: 'mlflow' }, kwargs: { tracker: '"mlflow"' } },
};

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 600_000, ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

/** Whether an interpreter imports a module, asked once a process for each (importing torch takes seconds). */
const imports = new Map();

/** Whether `program` imports every one of `modules`: the ones not asked yet, in one process. */
async function importsAll(program, modules) {
  const key = (name) => `${program}\0${name}`;
  const unknown = modules.filter((name) => !imports.has(key(name)));
  if (unknown.length > 0) {
    const script = [
      'import importlib, json',
      'found = []',
      `for name in ${JSON.stringify(unknown)}:`,
      '    try:',
      '        importlib.import_module(name)',
      '        found.append(name)',
      '    except Exception:',
      '        pass',
      'print(json.dumps(found))',
    ].join('\n');
    const probe = await run(program, ['-c', script]);
    let found = [];
    try {
      found = probe.code === 0 ? JSON.parse(probe.stdout.trim().split('\n').at(-1)) : [];
    } catch {
      // Not an answer (the module printed on import, say): none counts as found.
    }
    for (const name of unknown) imports.set(key(name), found.includes(name));
  }
  return modules.every((name) => imports.get(key(name)));
}

/**
 * The first Python with pytest that also imports `modules` (torch, hypothesis...), started as the
 * interpreter it is (not through a pyenv shim).
 */
export async function pythonWith(modules = []) {
  for (const python of await findPythons(SAMPLE_ROOT)) {
    const program = python.runs || python.executable;
    if (await importsAll(program, modules)) return program;
  }
  return undefined;
}

/** A scratch project holding the sample packages (linked, not copied), for one generated suite. */
export function scratchProject(root, name) {
  const project = path.join(root, name);
  mkdirSync(project, { recursive: true });
  for (const pkg of ['sample_trainer', 'bug_zoo']) {
    symlinkSync(path.join(SAMPLE_ROOT, pkg), path.join(project, pkg), 'dir');
  }
  return project;
}

/**
 * Pytest servers (scripts/pytest_forks.py): an interpreter that has imported pytest, hypothesis and
 * torch once and forks a fresh child for each run, so the harnesses' hundred runs do not each pay
 * the interpreter's start and torch's import. A run still starts from a clean process (nothing of
 * one run is seen by the next). CHECKPOINT_HARNESS_FORKS=0 runs each in its own `python -m pytest`.
 */
const FORKS_SCRIPT = fileURLToPath(new URL('./pytest_forks.py', import.meta.url));
const useForks = process.env.CHECKPOINT_HARNESS_FORKS !== '0';
const idleServers = new Map();
let serverRuns = 0;

function startServer(python, preload) {
  const child = spawn(python, [FORKS_SCRIPT, ...preload], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const waiting = [];
  let markReady;
  const ready = new Promise((resolve) => (markReady = resolve));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const answer = JSON.parse(line);
    if (answer.ready) markReady();
    else waiting.shift()?.(answer);
  });
  // A server that cannot start or dies is "ready" too: the runs asked of it fail, saying so.
  child.on('exit', () => markReady());
  // A server that dies answers every run it still owed with a failure, never a hang.
  child.on('exit', () => waiting.splice(0).forEach((resolve) => resolve({ code: -1, died: true })));
  child.on('error', () => waiting.splice(0).forEach((resolve) => resolve({ code: -1, died: true })));
  // Between runs an idle server must not keep Node alive (the harness may end without closing it).
  const hold = (held) => {
    for (const handle of [child, child.stdin, child.stdout]) (held ? handle.ref : handle.unref)?.call(handle);
  };
  hold(false);
  return {
    child,
    ready,
    ask: (request) =>
      new Promise((resolve) => {
        hold(true);
        waiting.push((answer) => {
          hold(false);
          resolve(answer);
        });
        child.stdin.write(`${JSON.stringify(request)}\n`);
      }),
  };
}

/** What a server imports before it forks: torch only for the suites that import it. */
const preloadFor = (torch) => ['pytest', 'hypothesis', ...(torch ? ['torch'] : [])];

/** The idle servers of `python` that preload `preload`. */
function idleFor(python, preload) {
  const key = `${python}\0${preload.join(' ')}`;
  const idle = idleServers.get(key) ?? [];
  idleServers.set(key, idle);
  return idle;
}

/**
 * Starts an idle server for `python` (with torch imported ahead when `torch`) unless one is idle;
 * resolves once its imports are done, so a test file's set-up, not its first test, pays for them.
 */
export function warmPytestServer(python, { torch = false } = {}) {
  const idle = idleFor(python, preloadFor(torch));
  if (idle.length === 0) idle.push(startServer(python, preloadFor(torch)));
  return idle[idle.length - 1].ready;
}

/**
 * One pytest run (`python -m pytest ...args` in `project`) through an idle server of `python`
 * (started when none is idle); returns its exit code (-9: killed at the timeout), stdout and stderr.
 */
export async function runForked(python, project, args, env = {}) {
  const adapter = path.join(project, SUITE_DIR, 'checkpoint_adapter.py');
  const torch = existsSync(adapter) && /^import torch$/m.test(readFileSync(adapter, 'utf8'));
  const preload = preloadFor(torch);
  const idle = idleFor(python, preload);
  const server = idle.pop() ?? startServer(python, preload);
  const run = serverRuns++;
  // Files of their own in the temporary folder, removed once read: servers may outlive a harness
  // call (a test worker keeps them for its next file), so no folder of theirs waits for an end.
  const out = path.join(tmpdir(), `checkpoint-pytest-${process.pid}-${run}.out`);
  const err = path.join(tmpdir(), `checkpoint-pytest-${process.pid}-${run}.err`);
  const answer = await server.ask({ cwd: project, args, env, out, err, timeout: 600 });
  const read = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  const result = {
    code: answer.code,
    stdout: read(out),
    stderr: read(err) + (answer.died ? '\npytest server died' : ''),
  };
  rmSync(out, { force: true });
  rmSync(err, { force: true });
  if (!answer.died) idle.push(server);
  return result;
}

/** Ends the pytest servers (each finishes with the end of its input) and waits for them to exit. */
export async function closeServers() {
  const ending = [];
  for (const servers of idleServers.values()) {
    for (const { child } of servers.splice(0)) {
      if (child.exitCode === null && child.signalCode === null) {
        ending.push(new Promise((resolve) => child.once('exit', resolve)));
        child.ref();
        child.stdin.end();
      }
    }
  }
  await Promise.all(ending);
}

/** How the harnesses run pytest: through the servers unless CHECKPOINT_HARNESS_FORKS=0. */
export const HARNESS_RUN = { fork: useForks };

/**
 * Runs pytest on a generated suite (or one `target` file of it); returns the counts and the ids of
 * failed or erroring tests. `fork`: through a pytest server (the harnesses' many runs); by default
 * `python -m pytest` in its own process, as a user runs it (what the bench times).
 */
export async function runPytest(python, project, extraArgs = [], target = SUITE_DIR, env = {}, { fork = false } = {}) {
  const started = performance.now();
  const args = ['-q', '-p', 'no:cacheprovider', '-rfE', '--tb=line', target, ...extraArgs];
  const result = fork
    ? await runForked(python, project, args, env)
    : await run(python, ['-m', 'pytest', ...args], {
        cwd: project,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
      });
  const seconds = (performance.now() - started) / 1000;
  const failing = [...result.stdout.matchAll(/^(?:FAILED|ERROR) (\S+)/gm)].map((match) => match[1].split('::').at(-1));
  const summary = result.stdout.trim().split('\n').at(-1) ?? '';
  const passed = Number(/(\d+) passed/.exec(summary)?.[1] ?? 0);
  return { code: result.code, passed, failing, summary, seconds, output: result.stdout + result.stderr };
}

const FAST_ONLY = ['-m', 'not slow'];

/**
 * A variant's run asks whether its tests fail, not for the smallest failing example: with this
 * plugin (a file of the scratch project, never of a generated suite) Hypothesis reports the first
 * failing example it finds instead of shrinking it, which on a failing S1 took minutes. The suite's
 * own settings (examples, steps, derandomized) still apply; passing runs are unaffected, since
 * there is nothing to shrink. `noShrink(project)` writes it and returns the pytest arguments.
 */
const NO_SHRINK_PLUGIN = 'checkpoint_harness_no_shrink';
export function noShrink(project) {
  writeFileSync(
    path.join(project, `${NO_SHRINK_PLUGIN}.py`),
    [
      '"""The checkpoint-tests harness (scripts/zoo.mjs): failing examples are reported as found, not shrunk."""',
      '',
      'from hypothesis import Phase, settings',
      '',
      'settings.register_profile(',
      '    "checkpoint-harness-no-shrink",',
      '    phases=[phase for phase in Phase if phase.name not in ("shrink", "explain")],',
      ')',
      '',
    ].join('\n'),
  );
  return ['-p', NO_SHRINK_PLUGIN, '--hypothesis-profile', 'checkpoint-harness-no-shrink'];
}

/** Cases whose tests are marked slow (the performance family). */
export const isSlowCase = (id) => /^P\d+$/.test(id);

/** The family of each case id (its tests carry the family's marker: `pytestmark = pytest.mark.resume`). */
const FAMILY_OF_CASE = new Map(CASES.map((spec) => [spec.id, spec.family]));

/**
 * The pytest arguments that run only the families of `breaks` (`-m "(resume or stateful) and not
 * slow"`): a variant can fail only in its declared cases, so the other families cannot catch it, and
 * running them checks only precision across families, which the full harness keeps doing. Slow
 * (performance) tests run only for a variant that declares nothing else; one declaring other cases
 * too is caught by those. `undefined` when a declared id is no known case (then the whole suite runs).
 */
export function familySelection(breaks) {
  const families = breaks.map((id) => FAMILY_OF_CASE.get(id));
  if (families.length === 0 || families.includes(undefined)) return undefined;
  if (breaks.every(isSlowCase)) return ['-m', [...new Set(families)].join(' or ')];
  const fast = breaks.filter((id) => !isSlowCase(id)).map((id) => FAMILY_OF_CASE.get(id));
  return ['-m', `(${[...new Set(fast)].join(' or ')}) and not slow`];
}

/** Generated files a family's tests use besides their own test file: a change there concerns that family only. */
const FAMILY_HELPERS = { 'concurrency_workers.py': 'concurrency', 'performance_memory.py': 'performance' };

/**
 * A shared file of the suite without what a policy profile's answers are expected to change in it:
 * the adapter's constructor call (the profile's keyword arguments), and conftest's tables for the
 * failure summary (each answer's value and help, the titles of the cases generated).
 */
function withoutAnswerEcho(name, text) {
  if (name === 'checkpoint_adapter.py') {
    return text.replace(
      /^( *)return \w+\((?:checkpoint_dir[^\n]*|\n\1 {4}checkpoint_dir[\s\S]*?\n\1\))$/m,
      '$1return ...',
    );
  }
  if (name === 'conftest.py') return text.replace(/^(POLICY_ANSWERS|CASE_TITLES) = \{\n[\s\S]*?^\}$/gm, '$1 = ...');
  return text;
}

/**
 * The families whose generated tests differ between two suites of the same format (a policy profile's
 * and the default answers'): the template branches that only the profile's run exercises. The
 * families whose test files are byte for byte the default's ran green already (the sample run).
 * `undefined` (run the whole suite) when a shared file (adapter, conftest, fakes) differs beyond
 * `withoutAnswerEcho`; an empty result also means the whole suite.
 */
export function changedFamilies(profileSuite, defaultSuite) {
  const names = new Set([...readdirSync(profileSuite), ...readdirSync(defaultSuite)]);
  const read = (dir, name) =>
    existsSync(path.join(dir, name)) ? withoutAnswerEcho(name, readFileSync(path.join(dir, name), 'utf8')) : undefined;
  const families = new Set();
  for (const name of [...names].sort()) {
    if (!name.endsWith('.py')) continue;
    const mine = read(profileSuite, name);
    if (mine === read(defaultSuite, name)) continue;
    const family = /^test_(\w+)\.py$/.exec(name)?.[1] ?? FAMILY_HELPERS[name];
    if (!family) return undefined;
    // Changed, or in the profile's suite only: run it. Absent from the profile's suite: nothing to run.
    if (mine !== undefined) families.add(family);
  }
  return families.size > 0 ? [...families].sort() : undefined;
}

/** `test_r5_newest_is_largest_step[9-then-10]` → `R5`. */
export function caseOf(testName) {
  const match = /^test_([a-z]+\d+)_/.exec(testName);
  return match ? match[1].toUpperCase() : undefined;
}

export async function zooCatalogue(python) {
  const result = await run(python, ['-m', 'bug_zoo'], { cwd: SAMPLE_ROOT });
  if (result.code !== 0) throw new Error(`python -m bug_zoo failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

/** The answers for a variant: the sample's, plus those the variant declares in `ANSWERS`. */
export function variantAnswers(variant, entry) {
  const format = entry.format ?? entry.answers?.format ?? 'pickle';
  return { ...sampleAnswers(format, `bug_zoo.${variant}`, entry.kwargs ?? {}), ...(entry.answers ?? {}) };
}

/** Jobs at once: one a core (each job is mostly a pytest process). */
export const ZOO_PARALLEL = availableParallelism();

/** The stand-in module a shared suite binds (see `variantSuites`). */
const SELECTED_MODULE = 'zoo_selected';
const SELECTED_ENV = 'CHECKPOINT_ZOO_MODULE';

/**
 * One generated suite per answers set. Many variants share every answer but
 * `module`, and generating the same suite for each was most of the zoo's Node
 * time. Variants whose answers agree (all but the module) share one suite,
 * generated once for the stand-in module `zoo_selected`: a file of the
 * scratch project only (never of a generated suite) that replaces itself in
 * `sys.modules` with the module named by $CHECKPOINT_ZOO_MODULE, which each
 * run sets to its variant. Each run gets its own copy of the suite (and so its
 * own .hypothesis database: no failing example found on one variant is
 * replayed on another). A variant whose answers no other shares is generated
 * for its own module, as before.
 */
export function variantSuites(root, answerSets) {
  const keyOf = (options) => JSON.stringify({ ...options, module: undefined });
  const counts = new Map();
  for (const options of answerSets) counts.set(keyOf(options), (counts.get(keyOf(options)) ?? 0) + 1);
  const generated = new Map();
  let groups = 0;
  /** A project named `name` holding the suite for `options`; `env` is what pytest needs to bind its module. */
  return async function projectFor(name, options) {
    const key = keyOf(options);
    if (counts.get(key) === 1) {
      const project = scratchProject(root, name);
      await generate({ cwd: project, options: { ...options, skipChecks: true } });
      return { project, env: {} };
    }
    if (!generated.has(key)) {
      generated.set(
        key,
        (async () => {
          const shared = scratchProject(root, `shared-suite-${groups++}`);
          writeFileSync(
            path.join(shared, `${SELECTED_MODULE}.py`),
            `"""The zoo's stand-in: the module named by $${SELECTED_ENV} (scripts/zoo.mjs)."""\n` +
              'import importlib\nimport os\nimport sys\n\n' +
              `sys.modules[__name__] = importlib.import_module(os.environ["${SELECTED_ENV}"])\n`,
          );
          await generate({ cwd: shared, options: { ...options, module: SELECTED_MODULE, skipChecks: true } });
          return shared;
        })(),
      );
    }
    const shared = await generated.get(key);
    const project = scratchProject(root, name);
    cpSync(path.join(shared, 'tests'), path.join(project, 'tests'), { recursive: true });
    cpSync(path.join(shared, `${SELECTED_MODULE}.py`), path.join(project, `${SELECTED_MODULE}.py`));
    return { project, env: { [SELECTED_ENV]: options.module } };
  };
}

/** Runs `tasks` (functions returning promises) with at most `limit` at once. */
export async function pooled(tasks, limit) {
  const results = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]();
      }
    }),
  );
  return results;
}

/**
 * Generates and runs the suite for the correct sample in each of `formats`
 * and for every zoo variant (pickle, unless the variant declares a FORMAT;
 * artifact variants once more for each of `TRACKER_RUNS`). Returns one row per run.
 */
export async function runZoo({
  formats = ['pickle', 'json', 'torch'],
  variants,
  policies = true,
  trackers = true,
  parallel = ZOO_PARALLEL,
  // The pytest arguments that choose a variant's tests from its BREAKS (the quick bench: its first case's only).
  selectionFor = undefined,
  // "full": every run takes the whole fast suite, so a variant's precision is checked in every family.
  // "families" (npm test): a variant runs the families its BREAKS name (`familySelection`), a policy
  // profile the families whose generated tests its answers change (`changedFamilies`).
  scope = 'full',
} = {}) {
  const families = scope === 'families';
  // One interpreter for every run when one has everything; torch runs need torch.
  const torchPython = await pythonWith(['torch', 'hypothesis']);
  const python = torchPython ?? (await pythonWith(['pytest']));
  if (!python) throw new Error('no Python with pytest was found on PATH');
  const catalogue = await zooCatalogue(python);
  const chosen = Object.keys(catalogue).filter((name) => !variants || variants.includes(name));
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-zoo-'));
  try {
    const jobs = [];
    // The default answers' suite of each format, generated once: the sample's run, and what the
    // policy profiles are compared with (scope "families").
    const defaultSuites = new Map();
    const defaultSuite = (format) => {
      if (!defaultSuites.has(format)) {
        const project = scratchProject(root, `sample-${format}`);
        defaultSuites.set(
          format,
          generate({ cwd: project, options: { ...sampleAnswers(format), skipChecks: true } }).then(() => project),
        );
      }
      return defaultSuites.get(format);
    };
    for (const format of formats) {
      const interpreter = format === 'torch' ? torchPython : python;
      if (!interpreter) {
        jobs.push(async () => ({
          kind: 'sample',
          name: `sample (${format})`,
          format,
          skipped: `no Python with ${format} found`,
        }));
        continue;
      }
      jobs.push(async () => {
        const project = await defaultSuite(format);
        return {
          kind: 'sample',
          name: `sample (${format})`,
          format,
          ...(await runPytest(interpreter, project, [], SUITE_DIR, {}, HARNESS_RUN)),
        };
      });
    }
    // `policies`: true (every profile), false (none), or the names of the profiles to run.
    const profiles = Object.entries(POLICY_PROFILES).filter(
      ([name]) => policies === true || (Array.isArray(policies) && policies.includes(name)),
    );
    for (const [name, profile] of profiles) {
      const format = profile.format ?? 'pickle';
      const interpreter = format === 'torch' ? torchPython : python;
      if (!interpreter) continue;
      jobs.push(async () => {
        const project = scratchProject(root, `policy-${name}`);
        const answers = { ...sampleAnswers(format, 'sample_trainer.manager', profile.kwargs), ...profile.answers };
        if (answers.constructorExpression === undefined) delete answers.constructorExpression;
        await generate({ cwd: project, options: { ...answers, skipChecks: true } });
        // No policy touches the slow (performance) cases: the format runs above cover them.
        const changed = families
          ? changedFamilies(path.join(project, SUITE_DIR), path.join(await defaultSuite(format), SUITE_DIR))
          : undefined;
        const selection = changed ? ['-m', `(${changed.join(' or ')}) and not slow`] : FAST_ONLY;
        const result = await runPytest(interpreter, project, selection, SUITE_DIR, {}, HARNESS_RUN);
        const failingCases = [...new Set(result.failing.map(caseOf))];
        const expected = profile.expectFailing ?? [];
        const ok = expected.length === 0 ? result.code === 0 : failingCases.join() === expected.join();
        return {
          kind: 'policy',
          name: `policy: ${name}`,
          expected,
          failingCases,
          ok,
          ran: changed ?? ['all'],
          ...result,
        };
      });
    }
    const variantRuns = chosen.map((variant) => ({ variant, tracker: undefined }));
    for (const variant of chosen) {
      if (!catalogue[variant].breaks.some((id) => id.startsWith('A'))) continue;
      for (const tracker of Object.keys(trackers ? TRACKER_RUNS : {})) variantRuns.push({ variant, tracker });
    }
    // Scope "families": a variant that only the performance cases catch saves a 64 MiB state (the
    // stateMiB answer; the torch default is 256): it still takes 4x the state or runs at a fraction
    // of a plain save's speed, and the torch sample's run keeps the default size.
    const smallerState = (variant) =>
      families && catalogue[variant].breaks.every(isSlowCase) ? { stateMiB: '64' } : {};
    const optionsOf = ({ variant, tracker }) => {
      const { format, answers, kwargs } = catalogue[variant];
      const run = tracker ? TRACKER_RUNS[tracker] : { answers: {}, kwargs: {} };
      return {
        ...sampleAnswers(format, `bug_zoo.${variant}`, { ...kwargs, ...run.kwargs }),
        ...smallerState(variant),
        ...answers,
        ...run.answers,
      };
    };
    const interpreterOf = (variant) => (catalogue[variant].format === 'torch' ? torchPython : python);
    const runnable = variantRuns.filter(({ variant }) => interpreterOf(variant));
    const projectFor = variantSuites(root, runnable.map(optionsOf));
    // The runs that take the slow (performance) tests start first, beside the samples', so that
    // the short runs fill the other cores meanwhile instead of waiting for them at the end.
    const slowJobs = new Set(jobs.slice(0, formats.length));
    for (const { variant, tracker } of runnable) {
      const interpreter = interpreterOf(variant);
      const breaks = catalogue[variant].breaks;
      // A tracker run needs only the artifact suite (the other families do not depend on the
      // tracker); the slow cases run only for the variants that declare one.
      const selection = tracker
        ? ['-m', 'artifact']
        : (selectionFor?.(breaks) ??
          (families ? familySelection(breaks) : undefined) ??
          (breaks.some(isSlowCase) ? [] : FAST_ONLY));
      jobs.push(async () => {
        const name = tracker ? `${variant} (${tracker})` : variant;
        const options = optionsOf({ variant, tracker });
        const { project, env } = await projectFor(tracker ? `${variant}-${tracker}` : variant, options);
        const args = [...selection, ...noShrink(project)];
        const result = await runPytest(interpreter, project, args, SUITE_DIR, env, HARNESS_RUN);
        const failingCases = [...new Set(result.failing.map(caseOf))];
        return {
          kind: 'variant',
          name,
          bug: catalogue[variant].bug,
          breaks,
          failingCases,
          caught: result.failing.length > 0,
          precise: failingCases.every((id) => breaks.includes(id)),
          ...result,
        };
      });
      if (!selection.join(' ').includes('not slow') && selection.join(' ') !== '-m artifact') slowJobs.add(jobs.at(-1));
    }
    // Rows come back in the order of `jobs`, whatever order they ran in.
    const order = [...jobs.keys()].sort((a, b) => Number(slowJobs.has(jobs[b])) - Number(slowJobs.has(jobs[a])));
    const results = await pooled(
      order.map((index) => jobs[index]),
      parallel,
    );
    const rows = new Array(jobs.length);
    order.forEach((index, position) => (rows[index] = results[position]));
    return rows;
  } finally {
    await closeServers();
    rmSync(root, { recursive: true, force: true });
  }
}

/**
 * The stateful test alone against every zoo variant: generates the suite for
 * each and runs only S1 (`-k test_s1_`). Its catch rate is the evidence that
 * the model-based test finds bugs nobody wrote a case for.
 */
export async function runS1Zoo({ variants, parallel = ZOO_PARALLEL } = {}) {
  // The interpreter the main zoo uses (the one with torch), so both tables agree.
  const python = (await pythonWith(['torch', 'hypothesis'])) ?? (await pythonWith(['hypothesis']));
  if (!python) throw new Error('no Python with pytest and hypothesis was found on PATH');
  const catalogue = await zooCatalogue(python);
  const chosen = Object.keys(catalogue).filter((name) => !variants || variants.includes(name));
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-s1-zoo-'));
  try {
    // The variant as the main zoo answers it: its format, answers and keyword arguments.
    const optionsOf = (variant) => {
      const { format, answers, kwargs } = catalogue[variant];
      return { ...sampleAnswers(format, `bug_zoo.${variant}`, kwargs), ...answers };
    };
    const projectFor = variantSuites(root, chosen.map(optionsOf));
    const jobs = chosen.map((variant) => async () => {
      const { project, env } = await projectFor(variant, optionsOf(variant));
      const args = ['-k', 'test_s1_', ...noShrink(project)];
      const result = await runPytest(python, project, args, SUITE_DIR, env, HARNESS_RUN);
      return {
        name: variant,
        family: catalogue[variant].breaks.find((id) => id !== 'S1')?.replace(/\d+$/, '') ?? 'S',
        breaks: catalogue[variant].breaks,
        caught: result.failing.length > 0,
        ...result,
      };
    });
    return await pooled(jobs, parallel);
  } finally {
    await closeServers();
    rmSync(root, { recursive: true, force: true });
  }
}

/** Rows of cells as lines of text, each column as wide as its widest cell. */
export function columns(lines) {
  const widths = lines[0].map((_, column) => Math.max(...lines.map((line) => line[column].length)));
  return lines.map((line) =>
    line
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
}

/** The S1 catch table: one row a variant, then the rate by family of the variant's other cases. */
export function s1Table(rows) {
  const lines = [['variant', 'declared cases', 'S1', 'seconds']];
  for (const row of rows) {
    lines.push([row.name, row.breaks.join(' '), row.caught ? 'caught' : 'missed', row.seconds.toFixed(1)]);
  }
  const table = columns(lines);
  const families = [...new Set(rows.map((row) => row.family))].sort();
  for (const family of families) {
    const mine = rows.filter((row) => row.family === family);
    table.push(`${family}: S1 caught ${mine.filter((row) => row.caught).length} of ${mine.length}`);
  }
  table.push(`all: S1 caught ${rows.filter((row) => row.caught).length} of ${rows.length}`);
  return table.join('\n');
}

export function zooTable(rows) {
  const lines = [['run', 'expected cases', 'failing tests (cases)', 'verdict']];
  for (const row of rows) {
    if (row.kind === 'sample') {
      lines.push([
        row.name,
        '-',
        row.skipped ?? (row.failing.length ? row.failing.join(' ') : `none (${row.passed} passed)`),
        row.skipped ? 'skipped' : row.code === 0 ? 'green' : 'FALSE FAILURE',
      ]);
    } else if (row.kind === 'policy') {
      lines.push([
        row.name,
        row.expected.join(' ') || '-',
        row.failing.length ? `${row.failing.length} (${row.failingCases.join(' ')})` : `none (${row.passed} passed)`,
        row.ok ? (row.expected.length ? 'fails as it must' : 'green') : 'WRONG',
      ]);
    } else {
      const verdict = !row.caught ? 'MISSED' : row.precise ? 'caught' : 'caught, but by other cases too';
      lines.push([
        row.name,
        row.breaks.join(' '),
        `${row.failing.length} (${row.failingCases.join(' ') || '-'})`,
        verdict,
      ]);
    }
  }
  return columns(lines).join('\n');
}

/** Rows that break the bar: a false failure, a policy run that is wrong, a variant missed or caught imprecisely. */
export function zooProblems(rows) {
  return rows.filter((row) => {
    if (row.kind === 'sample') return !row.skipped && row.code !== 0;
    if (row.kind === 'policy') return !row.ok;
    return !row.caught || !row.precise;
  });
}

/** The fewest catches in `repeat` runs that still count as reliable: 19 of 20, every one of 5. */
export function catchFloor(repeat) {
  return repeat - Math.floor(repeat / 20);
}

/**
 * Runs one family's tests (`-m <family>`) `repeat` times on the correct
 * sample (default answers) and on every variant written for the family: the
 * first case its BREAKS names (the one it was written for) is the family's.
 * Other cases it may break in passing are not held to a catch rate. A flaky test shows as a sample failure; a racy case that does
 * not catch its bug reliably shows as a catch rate under `catchFloor`.
 * `variantRepeat`: fewer runs for the variants than for the sample; `focused`: a variant runs only
 * the tests of the family's cases its BREAKS name (the test suite), not the whole family;
 * `formats`: only the variants of these formats.
 */
export async function runRepeat({
  family,
  repeat = 20,
  variantRepeat = repeat,
  focused = false,
  parallel = 2,
  // The variants' formats to run (the quick test tier leaves the torch ones out); the sample is pickle.
  formats = undefined,
} = {}) {
  const { CASES } = await import('../lib/cases.js');
  const ids = new Set(CASES.filter((spec) => spec.family === family).map((spec) => spec.id));
  if (ids.size === 0) throw new Error(`no family named ${family}`);
  const torchPython = await pythonWith(['torch', 'hypothesis']);
  const python = torchPython ?? (await pythonWith(['pytest']));
  if (!python) throw new Error('no Python with pytest was found on PATH');
  const catalogue = await zooCatalogue(python);
  const targets = [{ name: 'sample', answers: sampleAnswers('pickle'), repeat, selection: ['-m', family] }];
  for (const [variant, entry] of Object.entries(catalogue)) {
    if (ids.has(entry.breaks[0]) && (!formats || formats.includes(entry.format ?? 'pickle'))) {
      const own = entry.breaks.filter((id) => ids.has(id)).map((id) => `test_${id.toLowerCase()}_`);
      targets.push({
        name: variant,
        breaks: entry.breaks,
        answers: variantAnswers(variant, entry),
        repeat: variantRepeat,
        selection: focused ? ['-m', family, '-k', own.join(' or ')] : ['-m', family],
      });
    }
  }
  const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-repeat-'));
  try {
    for (const target of targets) {
      target.project = scratchProject(root, target.name);
      target.python = target.answers.format === 'torch' ? torchPython : python;
      target.runs = [];
      await generate({ cwd: target.project, options: { ...target.answers, skipChecks: true } });
    }
    const jobs = targets.flatMap((target) =>
      Array.from({ length: target.repeat }, () => async () => {
        if (!target.python) return target.runs.push({ skipped: true });
        const result = await runPytest(target.python, target.project, target.selection, SUITE_DIR, {}, HARNESS_RUN);
        target.runs.push({ ...result, failingCases: [...new Set(result.failing.map(caseOf))] });
      }),
    );
    await pooled(jobs, parallel);
  } finally {
    await closeServers();
    rmSync(root, { recursive: true, force: true });
  }
  return targets.map(({ name, breaks, runs, repeat }) => {
    const ran = runs.filter((run) => !run.skipped);
    // A variant's run is a catch only when tests failed (exit 1 with failures): a run that collected
    // nothing or broke is no catch. On the sample any exit but 0 is a flake.
    const failed = ran.filter((run) => (name === 'sample' ? run.code !== 0 : run.code === 1 && run.failing.length > 0));
    const seconds = ran.map((run) => run.seconds).sort((a, b) => a - b);
    return {
      name,
      breaks: breaks ?? [],
      repeat,
      runs: ran.length,
      failed: failed.length,
      cases: [...new Set(failed.flatMap((run) => run.failingCases))].sort(),
      medianSeconds: seconds[Math.floor(seconds.length / 2)] ?? 0,
      errors: ran.filter((run) => run.code !== 0 && run.failing.length === 0).map((run) => run.output.slice(-2000)),
    };
  });
}

/** The table of `runRepeat`; each row's catch floor is for its own number of runs. */
export function repeatTable(rows) {
  const lines = [['run', 'expected cases', 'failed runs', 'failing cases seen', 'median s', 'verdict']];
  for (const row of rows) {
    const sample = row.name === 'sample';
    const ok = sample
      ? row.failed === 0
      : row.failed >= catchFloor(row.repeat) && row.cases.every((id) => row.breaks.includes(id));
    lines.push([
      row.name,
      row.breaks.join(' ') || '-',
      `${row.failed}/${row.runs}`,
      row.cases.join(' ') || '-',
      row.medianSeconds.toFixed(2),
      row.runs === 0 ? 'skipped' : ok ? (sample ? 'green every run' : 'caught') : sample ? 'FLAKY' : 'UNRELIABLE',
    ]);
  }
  return columns(lines).join('\n');
}

export function repeatProblems(rows) {
  return rows.filter((row) =>
    row.name === 'sample'
      ? row.failed > 0
      : row.runs > 0 && (row.failed < catchFloor(row.repeat) || !row.cases.every((id) => row.breaks.includes(id))),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const option = (name) => {
    const index = process.argv.indexOf(name);
    return index < 0 ? undefined : process.argv[index + 1];
  };
  if (option('--repeat')) {
    // node scripts/zoo.mjs --repeat 20 --family concurrency: flakes and catch rates.
    const repeat = Number(option('--repeat'));
    const family = option('--family') ?? 'concurrency';
    const rows = await runRepeat({ family, repeat });
    console.log(`${family} tests, ${repeat} runs each (-m ${family})\n`);
    console.log(repeatTable(rows));
    process.exitCode = repeatProblems(rows).length ? 1 : 0;
  } else if (process.argv.includes('--s1')) {
    // node scripts/zoo.mjs --s1: only the stateful test, against every variant.
    const rows = await runS1Zoo();
    console.log(s1Table(rows));
  } else {
    // --families: the zoo as npm test runs it (see runZoo's `scope`).
    const rows = await runZoo({ scope: process.argv.includes('--families') ? 'families' : 'full' });
    console.log(zooTable(rows));
    process.exitCode = zooProblems(rows).length ? 1 : 0;
  }
}
