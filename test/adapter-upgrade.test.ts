/**
 * An adapter written by an earlier version is kept on regeneration (it is the
 * user's), but the new suite may use names it lacks. The run names them and
 * writes the current adapter beside it to copy them from.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterDefinitions, missingAdapterNames } from '../lib/adapter-upgrade.js';
import { SAMPLE_MODULE, makeSampleProject, removeProjects } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';

afterAll(() => removeProjects());

const SUITE = 'tests/checkpoint';
const flat = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The adapter as an earlier version wrote it: no `make_state`, no `ADDED_ON_SAVE`. */
function olderAdapter(current: string): string {
  return current.replace(/^def make_state\(.*?(?=^\S)/ms, '').replace(/^ {4}ADDED_ON_SAVE\b.*\n/m, '');
}

describe('adapterDefinitions', () => {
  it('reads top-level functions, classes and assignments, and the adapter class’s methods and attributes', () => {
    const source = [
      'import os',
      'LIMIT: int = 3',
      'def make_state(step):',
      '    local = 1',
      '    return {"step": step}',
      'class SaveFailed(OSError):',
      '    pass',
      'class CheckpointAdapter:',
      '    SAVED_NAMES = {}',
      '',
      '    def save(self, state, step):',
      '        inner = 2',
      '',
      '    async def close(self):',
      '        pass',
      'class Other:',
      '    hidden = 1',
      '',
    ].join('\n');
    expect([...adapterDefinitions(source)].sort()).toEqual(
      ['CheckpointAdapter', 'LIMIT', 'Other', 'SAVED_NAMES', 'SaveFailed', 'close', 'make_state', 'save'].sort(),
    );
  });

  it('counts a missing name only when the rest of the suite uses it', () => {
    const current =
      'def make_state(step):\n    pass\nclass CheckpointAdapter:\n    EXTRA = 1\n    def _private(self):\n        pass\n';
    const conftest = 'from checkpoint_adapter import CheckpointAdapter, make_state\nadapter.EXTRA\n';
    expect(missingAdapterNames('class CheckpointAdapter:\n    pass\n', current, [conftest])).toEqual([
      'make_state',
      'EXTRA',
    ]);
    expect(missingAdapterNames(current, current, [conftest])).toEqual([]);
  });
});

describe('regenerating over an adapter an earlier version wrote', () => {
  it('keeps it, names what it lacks, writes the current one beside it, and drops that draft once not needed', async () => {
    const root = makeSampleProject();
    const first = await runInProcess(['--module', SAMPLE_MODULE, '--yes', '--skip-checks'], root);
    expect(first.code, first.stderr).toBe(0);
    const adapterPath = path.join(root, SUITE, 'checkpoint_adapter.py');
    const draftPath = `${adapterPath}.new`;
    const current = readFileSync(adapterPath, 'utf8');
    const older = olderAdapter(current);
    expect(older).not.toBe(current);
    writeFileSync(adapterPath, older);

    const again = await runInProcess(['--yes', '--skip-checks'], root);
    expect(again.code, again.stderr).toBe(0);
    const said = flat(again.stdout + again.stderr);
    expect(said).toContain(`${SUITE}/checkpoint_adapter.py was written by an earlier version`);
    expect(said).toContain('does not define make_state, ADDED_ON_SAVE, which');
    expect(said).toContain(`${SUITE}/checkpoint_adapter.py.new`);
    expect(readFileSync(adapterPath, 'utf8')).toBe(older);
    expect(readFileSync(draftPath, 'utf8')).toBe(current);

    // The user copies the definitions in: the next run needs no draft and removes the one it wrote.
    writeFileSync(adapterPath, `${current}\n# my binding\n`);
    const upgraded = await runInProcess(['--yes', '--skip-checks'], root);
    expect(upgraded.code, upgraded.stderr).toBe(0);
    expect(flat(upgraded.stdout + upgraded.stderr)).not.toContain('earlier version');
    expect(existsSync(draftPath)).toBe(false);
  });

  it('writes no draft when the kept adapter defines everything the suite uses', async () => {
    const root = makeSampleProject();
    expect((await runInProcess(['--module', SAMPLE_MODULE, '--yes', '--skip-checks'], root)).code).toBe(0);
    const adapterPath = path.join(root, SUITE, 'checkpoint_adapter.py');
    writeFileSync(adapterPath, `${readFileSync(adapterPath, 'utf8')}\n# my binding\n`);
    const again = await runInProcess(['--yes', '--skip-checks'], root);
    expect(again.code, again.stderr).toBe(0);
    expect(existsSync(`${adapterPath}.new`)).toBe(false);
    expect(flat(again.stdout + again.stderr)).toContain(`Kept your ${SUITE}/checkpoint_adapter.py`);
  });
});
