/**
 * The adapter owns the shape of what the manager stores (issue 14, item 1):
 * the answers that describe it (savedKeyNames, addedOnSave) are checked with
 * a clear reason, read from the code where its source names the keys, and
 * land in the adapter's SAVED_NAMES and ADDED_ON_SAVE, which the conversions
 * and the comparisons of the generated suite use. The corpus entry
 * torch_own_keys runs the whole thing end to end (test/e2e-corpus.test.ts).
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAnswerMapping } from '../lib/answers.js';
import { UsageError } from '../lib/errors.js';
import { argumentsByName } from '../lib/bound-name.js';
import { inferAnswer } from '../lib/infer.js';
import { probeSuggestions } from '../lib/state-shape.js';
import { generate } from '../lib/programmatic.js';
import type { Introspection } from '../lib/python.js';
import { pythonWith } from '../scripts/zoo.mjs';
import { snapshotTree } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { checkPythonFiles } from './helpers/python-checks.js';
import { runSuite } from './helpers/pytest-server.js';
import { spawnSync } from 'node:child_process';

/** The corpus, found from this file: test files share workers, whose working directory another file may have moved. */
const CORPUS = fileURLToPath(new URL('../examples/corpus', import.meta.url));
const ENTRY = path.join(CORPUS, 'torch_own_keys');
const scratch = mkdtempSync(path.join(tmpdir(), 'state-shape-'));
afterAll(async () => {
  rmSync(scratch, { recursive: true, force: true });
});

function problemOf(mapping: Record<string, unknown>): string {
  try {
    checkAnswerMapping(mapping, 'The answers file', 'Fix it.');
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  return '';
}

const introspection = (stringKeys: string[]): Introspection => ({
  module_error: null,
  classes: [{ name: 'Checkpointer', methods: ['save', 'load'], attributes: [], parameters: [] }],
  functions: [],
  imports: [],
  exceptions: {},
  expression_error: null,
  missing_needs: {},
  string_keys: stringKeys,
});

describe('the answers that describe the stored shape', () => {
  it('accept suite->yours pairs and a list of added keys', () => {
    expect(
      problemOf({
        savedKeyNames: 'model->model_state_dict, optimizer->optimizer_state_dict',
        addedOnSave: 'global_step, saved_at',
      }),
    ).toBe('');
    expect(problemOf({ savedKeyNames: 'none', addedOnSave: 'none' })).toBe('');
  });

  it('refuse a pair that does not start with a key of the suite, suggesting the near one', () => {
    const problem = problemOf({ savedKeyNames: 'modle->model_state_dict' });
    expect(problem).toContain('modle is not a key of the suite');
    expect(problem).toContain('did you mean model?');
  });

  it('refuse a key named twice, two keys stored under one name, and a swap of suite keys', () => {
    expect(problemOf({ savedKeyNames: 'model->a, model->b' })).toContain('model is given two names');
    expect(problemOf({ savedKeyNames: 'model->weights, optimizer->weights' })).toContain(
      'two keys are stored under weights',
    );
    expect(problemOf({ savedKeyNames: 'model->optimizer' })).toContain(
      "optimizer is a key of the suite's states itself",
    );
  });

  it('refuse an added key that is where a suite key is stored', () => {
    expect(problemOf({ savedKeyNames: 'model->model_state_dict', addedOnSave: 'model_state_dict' })).toContain(
      'model_state_dict is where your code stores one of the suite',
    );
  });
});

describe('live objects (stateKind objects)', () => {
  it('are torch only: another format is refused with the fix', () => {
    expect(problemOf({ format: 'pickle', stateKind: 'objects' })).toContain('answer format torch, or stateKind dict');
    expect(problemOf({ format: 'torch', stateKind: 'objects' })).toBe('');
  });

  it('get a drafted adapter that builds the objects, hands them to the constructor and saves by step', async () => {
    const project = path.join(scratch, 'live-objects');
    cpSync(path.join(CORPUS, 'live_objects'), project, { recursive: true });
    const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
    await generate({ cwd: project, options: { ...answers, skipChecks: true, yes: true } });
    const suite = path.join(project, 'tests/checkpoint');
    const adapter = readFileSync(path.join(suite, 'checkpoint_adapter.py'), 'utf8');
    expect(adapter).toMatch(/^def build_objects\(\):/m);
    expect(adapter).toContain('        model = objects.model\n        optimizer = objects.optimizer\n');
    expect(adapter).toContain('return CheckpointManager(model, optimizer, checkpoint_dir)');
    expect(adapter).toContain(
      '        self.to_saved(state)\n        before = _entries(self.checkpoint_dir)\n        saved = self.manager.save(step)\n',
    );
    expect(adapter).toContain('        self.forget()\n        return self.from_loaded(self.manager.load(path))');
    // The constructor's `model` and `optimizer` are the adapter's own, never imported.
    expect(adapter).toContain('from fitkit.checkpoints import CheckpointManager\n');
    // Cases that save states of any shape are left out, saying why.
    const readme = readFileSync(path.join(suite, 'README.md'), 'utf8');
    expect(readme).toMatch(/R8[^\n]*live objects/);
    expect(readme).toMatch(/R11[^\n]*live objects/);
  });
});

describe('what the code shows', () => {
  it('suggests the stored names its source uses, and its version key', () => {
    const found = introspection(['format_version', 'global_step', 'model_state_dict', 'optimizer_state_dict', 'step']);
    expect(inferAnswer('savedKeyNames', { className: 'Checkpointer' }, found)).toMatchObject({
      value: 'model->model_state_dict, optimizer->optimizer_state_dict',
      certain: false,
    });
    expect(inferAnswer('versionKey', { className: 'Checkpointer' }, found)).toMatchObject({ value: 'format_version' });
  });

  it('suggests live objects when the constructor takes a model or an optimizer, and asks', () => {
    const found = introspection([]);
    found.classes[0]!.parameters = [
      { name: 'model', required: true },
      { name: 'optimizer', required: true },
      { name: 'save_dir', required: true },
    ];
    expect(inferAnswer('stateKind', { className: 'Checkpointer' }, found)).toEqual({
      value: 'objects',
      certain: false,
      why: 'the constructor takes model and optimizer',
    });
    expect(inferAnswer('stateKind', { className: 'Checkpointer' }, introspection([]))).toBeUndefined();
  });

  it('suggests nothing when the source keeps the suite names', () => {
    const found = introspection(['model', 'optimizer', 'model_state', 'step']);
    expect(inferAnswer('savedKeyNames', { className: 'Checkpointer' }, found)).toBeUndefined();
    expect(inferAnswer('versionKey', { className: 'Checkpointer' }, found)).toBeUndefined();
  });
});

describe('the generated adapter', () => {
  it('holds the renames and the added keys (the version key among them), and converts both ways', async () => {
    const project = path.join(scratch, 'own-keys');
    cpSync(ENTRY, project, { recursive: true });
    const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
    await generate({ cwd: project, options: { ...answers, skipChecks: true } });
    const adapter = readFileSync(path.join(project, 'tests/checkpoint/checkpoint_adapter.py'), 'utf8');
    expect(adapter).toContain('    SAVED_NAMES = {"model": "model_state_dict", "optimizer": "optimizer_state_dict"}\n');
    expect(adapter).toContain('    ADDED_ON_SAVE = ("format_version", "global_step")\n');
    expect(adapter).toContain(
      'saved = self.manager.save(self.to_saved(state), step)\n        return _saved_path(saved, self.checkpoint_dir, step, before)',
    );
    expect(adapter).toContain('return self.from_loaded(self.manager.load(path))');
    expect(adapter).toMatch(/^def make_state\(step, size=4096, variant=0\):/m);
    const corruption = readFileSync(path.join(project, 'tests/checkpoint/test_corruption.py'), 'utf8');
    // C5 deletes the key under the name the file holds it by.
    expect(corruption).toContain('del state[saved_name(key)]');
    expect(corruption).not.toContain('as_saved');
  });
});

describe('arguments by parameter name', () => {
  const saveRoles = { folder: 'self.checkpoint_dir', state: 'self.to_saved(state)', step: 'step' };
  const required = (...names: string[]) => names.map((name) => ({ name, required: true }));

  it("hands each parameter what its name asks for, in the signature's order", () => {
    expect(argumentsByName(required('step', 'state'), saveRoles, ['state', 'step'])).toEqual([
      'step',
      'self.to_saved(state)',
    ]);
    expect(
      argumentsByName(
        required('agent', 'model_dir', 'timestep'),
        { folder: 'self.checkpoint_dir', step: 'step', objects: 'self.objects' },
        ['step'],
      ),
    ).toEqual(['self.objects', 'self.checkpoint_dir', 'step']);
    // An optional parameter whose name says nothing is left to its default.
    expect(
      argumentsByName([...required('state', 'global_step'), { name: 'is_best', required: false }], saveRoles, [
        'state',
        'step',
      ]),
    ).toEqual(['self.to_saved(state)', 'step']);
  });

  it('gives up (the convention decides) when a required name says nothing or a needed role has no place', () => {
    expect(argumentsByName(required('state', 'flags'), saveRoles, ['state', 'step'])).toBeUndefined();
    expect(argumentsByName(required('state'), saveRoles, ['state', 'step'])).toBeUndefined();
  });
});

describe('what a save returns, read by the adapter', () => {
  it('takes a path, an (ok, path) pair, or the file naming the step; False is a failed save, an OSError', async () => {
    const python = await pythonWith([]);
    const project = path.join(scratch, 'saved-path');
    cpSync(path.join(CORPUS, 'pickle_persister'), project, { recursive: true });
    const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
    await generate({ cwd: project, options: { ...answers, skipChecks: true } });
    const script = [
      'import sys, pathlib, tempfile',
      'sys.path.insert(0, "tests/checkpoint")',
      'from checkpoint_adapter import SaveFailed, _saved_path',
      // In the project, which the file's scratch folder holds (removed after the tests).
      'folder = pathlib.Path(tempfile.mkdtemp(dir="."))',
      '(folder / "state_7.pkl").write_bytes(b"x")',
      '(folder / "state_17.pkl").write_bytes(b"x")',
      'print(_saved_path(str(folder / "a.pkl"), folder, 1).name)',
      'print(_saved_path((True, folder / "b.pkl"), folder, 1).name)',
      'print(_saved_path(None, folder, 7).name)',
      'print(_saved_path(True, folder, 8))',
      'for result in (False, (False, None)):',
      '    try:',
      '        _saved_path(result, folder, 3)',
      '    except SaveFailed as error:',
      '        print(isinstance(error, OSError), error)',
    ].join('\n');
    const run = spawnSync(python!, ['-c', script], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split('\n')).toEqual([
      'a.pkl',
      'b.pkl',
      'state_7.pkl',
      'None',
      'True the save of step 3 returned False',
      'True the save of step 3 returned (False, None)',
    ]);
  });
});

describe('a manager built without the folder', () => {
  it('is refused, before anything is written, when its save takes no folder either', async () => {
    const python = await pythonWith(['torch']);
    const project = path.join(scratch, 'no-folder');
    cpSync(path.join(CORPUS, 'live_objects'), project, { recursive: true });
    const before = snapshotTree(project);
    const result = await runInProcess(
      [
        '--answers',
        'answers.json',
        '--yes',
        '--python',
        python!,
        '--constructor-expression',
        'CheckpointManager(model, optimizer, "runs")',
      ],
      project,
    );
    expect(result.code, result.stdout).toBe(2);
    const paragraph = result.stderr.replace(/\s+/g, ' ');
    expect(paragraph).toContain(
      'which does not give the manager `checkpoint_dir`, and `saveOp` (save(step)) takes no folder either',
    );
    expect(paragraph).toContain('nothing was written');
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe('the probe', () => {
  const report = (overrides: Record<string, unknown> = {}) => ({
    error: null,
    files: ['ckpt_7.pt'],
    format: 'torch' as const,
    stored_keys: ['ckpt_version', 'global_step', 'metadata', 'model_state_dict', 'optimizer', 'payload', 'step'],
    suite_keys: ['metadata', 'model', 'optimizer', 'payload', 'step'],
    ...overrides,
  });

  it('reads the format, the renamed keys, the version key and the keys added from the file the save wrote', () => {
    const found = probeSuggestions(report());
    expect(found.format).toMatchObject({
      value: 'torch',
      certain: true,
      why: "the probe's save wrote ckpt_7.pt, a torch file",
    });
    expect(found.savedKeyNames).toMatchObject({ value: 'model->model_state_dict', certain: true });
    expect(found.versionKey).toMatchObject({ value: 'ckpt_version' });
    expect(found.addedOnSave).toMatchObject({ value: 'global_step' });
  });

  it('still reads the file when loading it back failed, and reads nothing when the save failed', () => {
    expect(probeSuggestions(report({ error: 'loading ckpt_7.pt back: KeyError' })).format).toBeDefined();
    expect(
      probeSuggestions(report({ error: 'saving a sample state as step 7: OSError', format: null, files: [] })),
    ).toEqual({});
  });

  it("takes what a load of the file cut short raised as corruptError when it is the project's own exception", () => {
    const own = probeSuggestions(
      report({ corrupt_errors: ['trainloop.checkpointing.CheckpointError', 'ValueError'] }),
      'trainloop.checkpointing',
    );
    expect(own.corruptError).toMatchObject({
      value: 'trainloop.checkpointing.CheckpointError',
      certain: true,
      why: 'loading ckpt_7.pt cut to half its bytes raised it',
    });
    // The errors torch.load, pickle or json let through are several, by the damage: one seen says too little.
    for (const raised of [
      ['EOFError'],
      ['_pickle.UnpicklingError', 'pickle.UnpicklingError', 'pickle.PickleError'],
      ['RuntimeError'],
      ['json.decoder.JSONDecodeError', 'ValueError'],
      [],
    ]) {
      expect(
        probeSuggestions(report({ corrupt_errors: raised }), 'trainloop.checkpointing').corruptError,
        raised.join(' '),
      ).toBeUndefined();
    }
    // Another package's class (a library's wrapper) is not the project's own; `trainloopx` is not `trainloop`.
    expect(
      probeSuggestions(report({ corrupt_errors: ['trainloopx.errors.Bad'] }), 'trainloop.checkpointing').corruptError,
    ).toBeUndefined();
  });

  it('takes the widest exception of the project the raised one is, so that other damage may raise a sibling', () => {
    const raised = [
      'trainloop.errors.TruncatedCheckpoint',
      'trainloop.errors.CheckpointError',
      'trainloop.errors.TrainloopError',
      'OSError',
    ];
    expect(probeSuggestions(report({ corrupt_errors: raised }), 'trainloop.checkpointing').corruptError).toEqual({
      value: 'trainloop.errors.TrainloopError',
      certain: true,
      why: 'loading ckpt_7.pt cut to half its bytes raised trainloop.errors.TruncatedCheckpoint, one of them',
    });
  });

  it('names what the cut file raised and its bases by paths that import them, or not at all (python/probe.py)', async () => {
    const python = await pythonWith([]);
    const script = [
      'import json, sys',
      `sys.path.insert(0, ${JSON.stringify(fileURLToPath(new URL('../python', import.meta.url)))})`,
      'from probe import import_path, raised_classes',
      'class Outer:',
      '    class Nested(Exception): pass',
      'def made_in_a_function():',
      '    class Local(Exception): pass',
      '    return Local',
      'print(import_path(EOFError), import_path(json.JSONDecodeError), import_path(Outer.Nested), import_path(made_in_a_function()))',
      'class Damaged(ValueError): pass',
      'class Truncated(Damaged): pass',
      'print(*raised_classes(Truncated()), *raised_classes(made_in_a_function()()))',
    ].join('\n');
    const run = spawnSync(python!, ['-c', script], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stdout.trim().split('\n'), run.stderr).toEqual([
      'EOFError json.decoder.JSONDecodeError None None',
      // The class first, then its bases short of Exception; a class made in a function is left out.
      '__main__.Truncated __main__.Damaged ValueError',
    ]);
  });

  it('suggests no renames when the file holds the keys it was given, and "none" added when it adds nothing', () => {
    const found = probeSuggestions(report({ stored_keys: ['metadata', 'model', 'optimizer', 'payload', 'step'] }));
    expect(found.savedKeyNames).toBeUndefined();
    expect(found.addedOnSave).toMatchObject({ value: 'none' });
  });

  it('fills the stored shape and the corrupt-load exception from one real save and load, and the suite it writes passes', async () => {
    const python = await pythonWith(['torch']);
    const project = path.join(scratch, 'probed');
    cpSync(ENTRY, project, { recursive: true });
    const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
    for (const name of ['format', 'savedKeyNames', 'addedOnSave', 'versionKey', 'corruptError']) delete answers[name];
    writeFileSync(path.join(project, 'partial.json'), JSON.stringify(answers));
    const result = await runInProcess(['--answers', 'partial.json', '--yes', '--python', python!], project);
    expect(result.code, result.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(project, '.yo-rc.json'), 'utf8'))['generator-checkpoint-tests'];
    expect(stored).toMatchObject({
      format: 'torch',
      savedKeyNames: 'model->model_state_dict, optimizer->optimizer_state_dict',
      addedOnSave: 'global_step',
      versionKey: 'format_version',
      // Its load wraps what torch.load raises for a damaged file in its own exception.
      corruptError: 'trainloop.checkpointing.CheckpointError',
    });
    const run = await runSuite(python!, project, ['-m', 'not slow']);
    expect(run.code, run.output.slice(-3000)).toBe(0);
  }, 300_000); // a CLI run with its checks (180 s at most) and the fast suite under pytest

  it('that fails says what it tried in one paragraph, and the run goes on', async () => {
    const python = await pythonWith(['torch']);
    const project = path.join(scratch, 'probe-fails');
    cpSync(ENTRY, project, { recursive: true });
    const module = path.join(project, 'trainloop', 'checkpointing.py');
    writeFileSync(
      module,
      readFileSync(module, 'utf8').replace(
        '        checkpoint = dict(state)\n',
        // Only the probe saves step 7 before any test runs (the check sets fixtures up with steps 1 to 3).
        '        if step == 7:\n            raise OSError("the shared disk is not mounted")\n        checkpoint = dict(state)\n',
      ),
    );
    const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
    delete answers.addedOnSave;
    writeFileSync(path.join(project, 'partial.json'), JSON.stringify(answers));
    const result = await runInProcess(['--answers', 'partial.json', '--yes', '--python', python!], project);
    expect(result.code, result.stderr).toBe(0);
    const said = `${result.stdout}${result.stderr}`.replace(/\s+/g, ' ');
    expect(said).toContain(
      'saved and loaded one sample state through the drafted adapter; saving a sample state as step 7: OSError: the shared disk is not mounted',
    );
    expect(existsSync(path.join(project, 'tests', 'checkpoint', 'test_resume.py'))).toBe(true);
  });

  it('stops the run, before anything is written, when the manager does not build', async () => {
    const python = await pythonWith(['torch']);
    const project = path.join(scratch, 'does-not-build');
    cpSync(ENTRY, project, { recursive: true });
    const before = snapshotTree(project);
    const args = [
      '--answers',
      'answers.json',
      '--yes',
      '--python',
      python!,
      '--constructor-expression',
      'Checkpointer(checkpoint_dir, keep=3)',
    ];
    const result = await runInProcess(args, project);
    expect(result.code, result.stdout).toBe(2);
    const paragraph = result.stderr.replace(/\s+/g, ' ');
    expect(paragraph).toContain(
      '`constructorExpression` is "Checkpointer(checkpoint_dir, keep=3)", but building it for an empty temporary folder failed: TypeError:',
    );
    expect(paragraph).toContain("unexpected keyword argument 'keep'");
    expect(paragraph).toContain('nothing was written');
    expect(snapshotTree(project)).toEqual(before);
  });
});

describe('the suites of the new bindings, as Python', () => {
  it('are black-clean and pyflakes-clean: renamed keys with added ones, and live objects', async () => {
    const python = await pythonWith(['black', 'pyflakes']);
    const suites: string[] = [];
    for (const entry of ['torch_own_keys', 'live_objects', 'pickle_persister']) {
      const project = path.join(scratch, `python-${entry}`);
      cpSync(path.join(CORPUS, entry), project, { recursive: true });
      const answers = JSON.parse(readFileSync(path.join(project, 'answers.json'), 'utf8'));
      await generate({ cwd: project, options: { ...answers, skipChecks: true, yes: true } });
      suites.push(path.join(project, 'tests', 'checkpoint'));
    }
    // One black and one pyflakes over the three suites; a finding names its file, so its entry.
    const checks = await checkPythonFiles(python!, suites);
    expect(checks.black, 'black --diff').toBe('');
    expect(checks.pyflakes, 'pyflakes').toBe('');
  }, 300_000);
});
