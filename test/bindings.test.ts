/**
 * Issue 14, items 3 and 5: any callable binds (a method, a member's method,
 * a property, a private method, a module function beside the class, a module
 * attribute as the backoff target), and every bound name is checked against
 * the user's module before anything is written. Unit tests of the syntax and
 * of what the adapter calls, then the real CLI on the two corpus entries of
 * these shapes: the adapter it writes, and its refusals.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { boundCall, boundNameProblem, parseBoundName } from '../lib/bound-name.js';
import { constructorExpressionImports, scanNames } from '../lib/constructor-names.js';
import { checkValue } from '../lib/answers.js';
import { type Answers, questionNamed } from '../lib/questions.js';
import { REPO_ROOT, snapshotTree } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { KEYS, findPythonWithPytest, runInPty, tail } from './helpers/pty.js';
import { pythonWith } from '../scripts/zoo.mjs';

const answers = (extra: Partial<Answers>) =>
  ({ module: 'pkg.mod', className: 'Manager', constructorExpression: 'Manager(checkpoint_dir)', ...extra }) as Answers;

describe('the binding syntax', () => {
  it('reads a bare name, a manager path and a module path', () => {
    expect(parseBoundName('save', true)).toEqual({ root: 'manager', path: ['save'], rooted: false });
    expect(parseBoundName('save', false)).toEqual({ root: 'module', path: ['save'], rooted: false });
    expect(parseBoundName('manager.checkpoint.restore', true)).toEqual({
      root: 'manager',
      path: ['checkpoint', 'restore'],
      rooted: true,
    });
    expect(parseBoundName('module.time.sleep', true)).toEqual({
      root: 'module',
      path: ['time', 'sleep'],
      rooted: true,
    });
  });

  it('refuses a dotted path that does not say where it starts, and manager. without a class', () => {
    expect(boundNameProblem('checkpoint.restore', { className: 'Manager' })).toMatch(
      /`manager\.checkpoint\.restore`.*`module\.checkpoint\.restore`/,
    );
    expect(boundNameProblem('manager.save', { className: '' })).toMatch(/no manager/);
    expect(boundNameProblem('none', { className: '' })).toBeUndefined();
  });

  it('refuses anything but a dotted identifier path, naming the value and what is allowed', () => {
    const question = questionNamed('loadOp')!;
    for (const bad of ['manager.checkpoint.read()', 'read; import os', 'manager..read', 'manager.class.read', '']) {
      const checked = checkValue(question, bad, { className: 'Manager' });
      expect('problem' in checked, bad).toBe(true);
    }
    const checked = checkValue(question, 'manager.checkpoint.read()', { className: 'Manager' });
    expect('problem' in checked && checked.problem).toMatch(
      /`loadOp` is "manager\.checkpoint\.read\(\)", but it must be a method name/,
    );
    expect(checkValue(question, 'manager._trim', { className: 'Manager' })).toEqual({ value: 'manager._trim' });
    expect(checkValue(questionNamed('retrySleep')!, 'module.time.sleep', { className: 'Manager' })).toEqual({
      value: 'module.time.sleep',
    });
  });
});

describe('what the adapter calls', () => {
  const folder = { folder: 'self.checkpoint_dir', folderFirst: true };

  it('calls a method, reads a property, and reads-or-calls an unchecked manager path of no argument', () => {
    expect(boundCall(answers({ latestOp: 'latest' }), 'latestOp', [], folder).expression).toBe('self.manager.latest()');
    const property = boundCall(answers({ latestOp: 'latest_checkpoint' }), 'latestOp', [], {
      ...folder,
      facts: { latestOp: { kind: 'property' } },
    });
    expect(property.expression).toBe('self.manager.latest_checkpoint');
    const unchecked = boundCall(answers({ latestOp: 'manager.latest_checkpoint' }), 'latestOp', [], folder);
    expect(unchecked).toEqual({ expression: '_call_or_read(self.manager.latest_checkpoint)', usesCallOrRead: true });
    expect(
      boundCall(
        answers({ restoreOp: 'manager.checkpoint.restore' }),
        'restoreOp',
        ['path', 'model', 'optimizer'],
        folder,
      ).expression,
    ).toBe('self.manager.checkpoint.restore(path, model, optimizer)');
  });

  it('gives a module function the folder where its signature names one, else first by convention', () => {
    const save = answers({ saveOp: 'module.save_checkpoint' });
    const withSignature = (names: string[]) => ({
      ...folder,
      facts: { saveOp: { kind: 'function' as const, parameters: names.map((name) => ({ name, required: true })) } },
    });
    expect(boundCall(save, 'saveOp', ['state', 'step'], folder).expression).toBe(
      'save_checkpoint(self.checkpoint_dir, state, step)',
    );
    expect(boundCall(save, 'saveOp', ['state', 'step'], withSignature(['state', 'step', 'model_dir'])).expression).toBe(
      'save_checkpoint(state, step, self.checkpoint_dir)',
    );
    expect(boundCall(save, 'saveOp', ['state', 'step'], withSignature(['state', 'step'])).expression).toBe(
      'save_checkpoint(state, step)',
    );
  });
});

describe('the names of the constructor expression', () => {
  it('finds free names, skipping keyword arguments, attributes and strings', () => {
    expect(scanNames('Manager(checkpoint_dir, max_to_keep=3, model=torch.nn.Identity(), tag="x.y")')).toEqual([
      { name: 'Manager', dotted: false },
      { name: 'checkpoint_dir', dotted: false },
      { name: 'torch', dotted: true },
    ]);
  });

  it('imports a module used by attribute and a name of the user module, never the class, a builtin or Path', () => {
    expect(
      constructorExpressionImports(
        'pkg.mod',
        'Manager',
        'Manager(checkpoint_dir, config=Config(seed=int("7")), model=torch.nn.Identity(), root=Path("x"))',
      ),
    ).toEqual({ modules: ['import torch'], names: ['Config'] });
  });
});

describe('checkpoint-tests on managers of these shapes', () => {
  const made: string[] = [];
  afterAll(() => {
    for (const root of made) rmSync(root, { recursive: true, force: true });
  });
  const project = (entry: string) => {
    const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-tests-bindings-'));
    made.push(root);
    cpSync(path.join(REPO_ROOT, 'examples', 'corpus', entry), root, {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
    return root;
  };
  const adapterOf = (root: string) =>
    readFileSync(path.join(root, 'tests', 'checkpoint', 'checkpoint_adapter.py'), 'utf8');

  it('binds module functions, a property and a private method, as introspection shows them', async () => {
    const python = findPythonWithPytest();
    const root = project('module_functions');
    const result = await runInProcess(['--answers', 'answers.json', '--yes', '--python', python], root);
    expect(result.code, result.stderr).toBe(0);
    const adapter = adapterOf(root);
    expect(adapter).toContain('from runutils.checkpoints import CheckpointManager, load_checkpoint, save_checkpoint');
    expect(adapter).toContain('saved = save_checkpoint(self.checkpoint_dir, self.to_saved(state), step)');
    expect(adapter).toContain('return _as_path(self.manager.latest_checkpoint)\n');
    expect(adapter).toContain('return self.manager._trim_checkpoints()');
    expect(adapter).not.toContain('_call_or_read');
  });

  it("binds a member object's methods and imports the constructor's other names, without checks too", async () => {
    const root = project('member_restore');
    const result = await runInProcess(['--answers', 'answers.json', '--yes', '--skip-checks'], root);
    expect(result.code, result.stderr).toBe(0);
    const adapter = adapterOf(root);
    expect(adapter).toContain('from rltrain.experiment import Experiment, ExperimentConfig');
    expect(adapter).toContain('return self.from_loaded(self.manager.checkpoint.restore(source))');
    expect(adapter).toContain('return _as_path(_call_or_read(self.manager.checkpoint.latest))');
  });

  it('patches a module attribute as the backoff target (`module.time.sleep`), so A6 never sleeps for real', async () => {
    const python = findPythonWithPytest();
    const root = mkdtempSync(path.join(tmpdir(), 'checkpoint-tests-bindings-'));
    made.push(root);
    cpSync(path.join(REPO_ROOT, 'examples', 'sample-trainer', 'sample_trainer'), path.join(root, 'sample_trainer'), {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
    // The sample backs off through its own `self.sleep`; this copy calls the module's `time.sleep`, as much real code does.
    const manager = path.join(root, 'sample_trainer', 'manager.py');
    const source = readFileSync(manager, 'utf8');
    expect(source).toContain('self.sleep(self.retry_delay');
    writeFileSync(manager, source.replace('self.sleep(self.retry_delay', 'time.sleep(self.retry_delay'));
    const args = ['--module', 'sample_trainer.manager', '--yes', '--python', python, '--categories', 'artifact'];
    const result = await runInProcess([...args, '--retry-sleep', 'module.time.sleep'], root);
    expect(result.code, result.stderr).toBe(0);
    const conftest = readFileSync(path.join(root, 'tests', 'checkpoint', 'conftest.py'), 'utf8');
    expect(conftest).toContain('owner = sys.modules[TARGET_MODULE].time');
    const run = spawnSync(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-k', 'a6', 'tests/checkpoint'], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(run.status, run.stdout).toBe(0);
    expect(run.stdout).toMatch(/\d+ passed/);
  });

  it('offers "another" at a method prompt, and checks the path typed there with a did-you-mean', async () => {
    // Every answer stored by a first run but resumeOp, so the terminal asks that one alone.
    const root = project('member_restore');
    const first = await runInProcess(['--answers', 'answers.json', '--yes', '--skip-checks'], root);
    expect(first.code, first.stderr).toBe(0);
    const stored = JSON.parse(readFileSync(path.join(root, '.yo-rc.json'), 'utf8')) as Record<
      string,
      Record<string, unknown>
    >;
    for (const answers of Object.values(stored)) delete answers.resumeOp;
    writeFileSync(path.join(root, '.yo-rc.json'), JSON.stringify(stored));
    rmSync(path.join(root, 'tests'), { recursive: true });
    const prompt = 'Which method does `resume\\(source\\)`\\?';
    const result = await runInPty({
      args: ['--all-questions', '--python', findPythonWithPytest()],
      cwd: root,
      timeout: 60,
      steps: [
        { expect: `${prompt}[\\s\\S]*another: a member's method`, send: KEYS.down },
        { expect: "❯ another: a member's method", send: KEYS.enter },
        {
          expect: 'such as manager\\.checkpoint\\.restore or module\\.find_latest',
          send: `manager.checkpoint.restor${KEYS.enter}`,
        },
        {
          expect: 'no such attribute restor \\(did you mean',
          send: `${KEYS.clearLine}manager.checkpoint.restore${KEYS.enter}`,
        },
        { expect: 'pytest collected \\d+ tests', timeout: 120 },
      ],
    });
    expect(result.error, tail(result)).toBeNull();
    expect(result.exit_code, tail(result)).toBe(0);
    expect(adapterOf(root)).toContain('return self.from_loaded(self.manager.checkpoint.restore(source))');
  });

  const refusals: [string, string[], string[]][] = [
    [
      'a member method that does not exist',
      ['--resume-op', 'manager.checkpoint.restor'],
      [
        '`resumeOp` is "manager.checkpoint.restor"',
        'Experiment.checkpoint has no such attribute restor',
        'did you mean "manager.checkpoint.restore"?',
      ],
    ],
    [
      'a member that does not exist',
      ['--latest-op', 'manager.checkpoin.latest'],
      ['Experiment has no such method or attribute checkpoin', 'did you mean "manager.checkpoint.latest"?'],
    ],
    [
      'a property answered for an op that takes arguments',
      ['--save-op', 'manager.resumed_from'],
      ['`saveOp` is "manager.resumed_from", but that is a property of Experiment'],
    ],
    [
      'a resumed-from attribute that does not exist',
      ['--resumed-from-attribute', 'resumed_frm'],
      ['`resumedFromAttribute` is "resumed_frm"', 'did you mean "resumed_from"?'],
    ],
    [
      'an unknown name in the constructor expression',
      ['--constructor-expression', 'Experiment(checkpoint_dir, config=ExperimentConfg(seed=7))'],
      ['`constructorExpression`', 'it uses ExperimentConfg', 'did you mean ExperimentConfig?'],
    ],
    [
      'a restoreOp that does not exist',
      [
        '--format',
        'torch',
        '--categories',
        'corruption',
        '--corruption-kinds',
        'live-objects',
        '--restore-op',
        'manager.checkpoint.restor',
      ],
      ['`restoreOp` is "manager.checkpoint.restor"', 'did you mean "manager.checkpoint.restore"?'],
    ],
  ];
  for (const [what, args, says] of refusals) {
    it(`refuses ${what} in one paragraph, exit 2, writing nothing`, async () => {
      // restoreOp is asked for torch checkpoints only: a Python with torch (CI installs it).
      const python = args.includes('torch') ? await pythonWith(['torch']) : findPythonWithPytest();
      expect(python, 'a Python with pytest and torch on PATH').toBeTruthy();
      const root = project('member_restore');
      const before = snapshotTree(root);
      const result = await runInProcess(['--answers', 'answers.json', '--yes', '--python', python, ...args], root);
      expect(result.code, result.stderr).toBe(2);
      const paragraph = result.stderr.trim().replace(/\s+/g, ' ');
      expect(result.stderr.trim()).not.toMatch(/\n[ \t]*\n/);
      expect(paragraph).toMatch(/^checkpoint-tests: .*nothing was written\.$/);
      for (const said of says) expect(paragraph).toContain(said);
      expect(snapshotTree(root)).toEqual(before);
      expect(existsSync(path.join(root, 'tests'))).toBe(false);
    });
  }
});
