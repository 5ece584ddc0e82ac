/**
 * Issue 15's policies on errors and keys, and the failure summary, run for
 * real: for each, the lenient answer passes on a manager that is correct by
 * that answer, and the strict answer catches what it forbids. Each run
 * generates a suite in a scratch project and runs only the cases concerned
 * (`-k`), so the file stays quick.
 */
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../lib/programmatic.js';
import { QUESTIONS } from '../lib/questions.js';
import { pythonWith } from '../scripts/zoo.mjs';
import { answersWith, familyDecisions } from './helpers/family-views.js';
import { pytestServer } from './helpers/pytest-server.js';

/** The suites here are pickle and JSON ones: the shared Python imports pytest and Hypothesis, not torch. */
const PRELOAD = ['pytest', 'hypothesis'];

const CORPUS = fileURLToPath(new URL('../examples/corpus', import.meta.url));
const SUITE = 'tests/checkpoint';

/** A pickle manager whose loader is `pickle.load` and nothing else: its errors pass through, unnamed. */
const RAW_PICKLE_MANAGER = `import pickle
from pathlib import Path


class RawManager:
    def __init__(self, directory):
        self.directory = Path(directory)

    def save(self, state, step):
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"step_{step}.pkl"
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_bytes(pickle.dumps(state))
        temporary.replace(path)
        return path

    def load(self, path):
        with open(path, "rb") as stream:
            state = pickle.load(stream)
        if not isinstance(state, dict):
            raise TypeError("not a checkpoint")
        return state
`;

const RAW_ANSWERS = {
  module: 'rawmgr.manager',
  className: 'RawManager',
  constructorExpression: 'RawManager(checkpoint_dir)',
  latestOp: 'none',
  resumeOp: 'none',
  publishOp: 'none',
  pruneOp: 'none',
  resumedFromAttribute: 'none',
  categories: ['corruption'],
  corruptionKinds: ['empty', 'garbage', 'wrong-type'],
  skipChecks: true,
};

let python: string | undefined;
let root: string;

beforeAll(async () => {
  python = await pythonWith(['pytest', 'hypothesis']);
  root = mkdtempSync(path.join(tmpdir(), 'policies-core-'));
  if (python) await pytestServer(python, PRELOAD).ready;
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
});

/** A project holding the raw pickle manager, or a copy of a corpus entry (its variant bound when given). */
function project(name: string, entry?: string): string {
  const folder = path.join(root, name);
  if (entry) {
    cpSync(path.join(CORPUS, entry), folder, { recursive: true });
  } else {
    mkdirSync(path.join(folder, 'rawmgr'), { recursive: true });
    writeFileSync(path.join(folder, 'rawmgr', '__init__.py'), '');
    writeFileSync(path.join(folder, 'rawmgr', 'manager.py'), RAW_PICKLE_MANAGER);
  }
  return folder;
}

/** Runs pytest on the project's suite with `-k` (through the shared Python, pytest and Hypothesis imported once); its exit code and output. */
async function pytest(folder: string, selection: string): Promise<{ code: number; output: string }> {
  const result = await pytestServer(python!, PRELOAD).run(
    folder,
    ['-q', '-p', 'no:cacheprovider', '--tb=line', '-k', selection, SUITE],
    { timeoutMs: 240_000 },
  );
  return { code: result.code ?? 1, output: result.stdout };
}

const PRESENCE_ONLY = {
  module: 'jsonrun.store',
  className: 'JsonCheckpointStore',
  constructorExpression: 'JsonCheckpointStore(checkpoint_dir)',
  resumeOp: 'resume',
  latestOp: 'latest',
  publishOp: 'none',
  pruneOp: 'none',
  resumedFromAttribute: 'resumed_from',
  format: 'json',
  categories: ['resume', 'corruption'],
  corruptError: 'jsonrun.store.CheckpointError',
  requiredKeys: ['step', 'model', 'optimizer'],
  skipChecks: true,
};

describe('errorsNameFile and corruptError (item 1) and the messages (item 7)', () => {
  it('lenient: errors straight from pickle pass when their types are listed and the name is not asked for', async () => {
    const folder = project('raw-lenient');
    await generate({
      cwd: folder,
      options: { ...RAW_ANSWERS, corruptError: 'EOFError, pickle.UnpicklingError, TypeError', errorsNameFile: 'no' },
    });
    const result = await pytest(folder, 'c2 or c3 or c4');
    expect(result.output).toMatch(/\d+ passed/);
    expect(result.code, result.output).toBe(0);
  }, 300_000);

  it('strict: the same loader fails, saying what was expected, naming the file and the answers', async () => {
    const folder = project('raw-strict');
    await generate({ cwd: folder, options: RAW_ANSWERS });
    const result = await pytest(folder, 'c2');
    expect(result.code).toBe(1);
    expect(result.output).toContain('expected ValueError naming step_3.pkl');
    expect(result.output).toContain('got EOFError: Ran out of input');
    // The grouped summary: case, answers and the option that would change each.
    expect(result.output).toContain('checkpoint failures by case and answer');
    expect(result.output).toMatch(/^C2 an empty checkpoint .*errorsNameFile=yes\): 2 failed: /m);
    expect(result.output).toContain('--errors-name-file no');
    expect(result.output).toContain('--corrupt-error VALUE');
  }, 300_000);

  it('strict on the name: the listed exceptions pass only when they name the file', async () => {
    const folder = project('raw-strict-name');
    await generate({
      cwd: folder,
      options: { ...RAW_ANSWERS, corruptError: 'EOFError, pickle.UnpicklingError, TypeError' },
    });
    const result = await pytest(folder, 'c2');
    expect(result.code).toBe(1);
    expect(result.output).toContain('got EOFError: Ran out of input (not naming it)');
  }, 300_000);
});

describe('requiredKeys and typedKeys (item 2)', () => {
  it('lenient: a loader checking presence only passes C5, R8 and C8 with typedKeys []', async () => {
    const folder = project('presence-lenient', 'presence_only_keys');
    await generate({ cwd: folder, options: { ...PRESENCE_ONLY, typedKeys: [] } });
    const result = await pytest(folder, 'c5 or c6 or r8 or c8');
    expect(result.output).not.toContain('test_c6_');
    expect(result.code, result.output).toBe(0);
  }, 300_000);

  it('strict: typedKeys defaults to requiredKeys, and C6 catches the missing type check', async () => {
    const folder = project('presence-strict', 'presence_only_keys');
    await generate({ cwd: folder, options: PRESENCE_ONLY });
    const result = await pytest(folder, 'c6');
    expect(result.code).toBe(1);
    expect(result.output).toMatch(/^C6 .*typedKeys=step,model,optimizer\): \d+ failed: /m);
    expect(result.output).toContain('--typed-keys VALUE');
  }, 300_000);

  it('R2 says why latest() was wrong: the entry it gave is a directory', async () => {
    const folder = project('presence-r2', 'presence_only_keys');
    await generate({ cwd: folder, options: { ...PRESENCE_ONLY, module: 'jsonrun.variants.latest_by_name' } });
    const result = await pytest(folder, 'r2');
    expect(result.code).toBe(1);
    expect(result.output).toContain('got step-7.json: a directory named like a checkpoint, not a checkpoint');
  }, 300_000);
});

describe('the answers themselves (no Python)', () => {
  it('typedKeys defaults to requiredKeys; [] leaves C6 out and keeps C5', () => {
    expect(answersWith({ requiredKeys: ['step', 'model'] }).typedKeys).toEqual(['step', 'model']);
    const presenceOnly = familyDecisions('corruption', { requiredKeys: ['step'], typedKeys: [] });
    expect(presenceOnly.C5).toBe(true);
    expect(presenceOnly.C6).toMatch(/typedKeys is empty/);
  });

  it('corruptError takes several exceptions, each class named once', () => {
    const question = QUESTIONS.find((candidate) => candidate.name === 'corruptError')!;
    expect(new RegExp(question.pattern!.source).test('EOFError, pickle.UnpicklingError,RuntimeError')).toBe(true);
    expect(question.validate!('EOFError, my.errors.EOFError' as never, {})).toMatch(/called EOFError/);
    expect(question.validate!('ValueError' as never, {})).toBeUndefined();
  });
});
