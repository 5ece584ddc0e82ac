/**
 * A save that returns nothing: the adapter finds what it wrote by comparing
 * the folder before and after the save, so a manager that names its files by
 * epoch or time, or rewrites one rolling file, binds unedited.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../lib/programmatic.js';
import { pythonWith, sampleAnswers, scratchProject } from '../scripts/zoo.mjs';

const scratch = mkdtempSync(path.join(tmpdir(), 'saved-path-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

let project = '';
let python: string | undefined;
beforeAll(async () => {
  python = await pythonWith([]);
  project = scratchProject(scratch, 'sample');
  await generate({ cwd: project, options: { ...sampleAnswers('pickle'), skipChecks: true } });
});

/** Runs `lines` after importing the generated adapter's helpers, in a fresh folder `folder`; returns the printed lines. */
function inAdapter(lines: string[]): string[] {
  const script = [
    'import os, pathlib, sys, tempfile',
    'sys.path.insert(0, "tests/checkpoint")',
    'from checkpoint_adapter import _entries, _saved_path',
    // In the project, which the file's scratch folder holds (removed after the tests).
    'folder = pathlib.Path(tempfile.mkdtemp(dir="."))',
    'def show(path):',
    '    print(None if path is None else path.name)',
    ...lines,
  ].join('\n');
  const run = spawnSync(python!, ['-c', script], { cwd: project, encoding: 'utf8', timeout: 60_000 });
  expect(run.stderr).toBe('');
  return run.stdout.trim().split('\n');
}

describe('what a save that returns nothing wrote', () => {
  it('is the file the save created, not the pointer beside it, when no name holds the step', () => {
    expect(
      inAdapter([
        '(folder / "model_epoch_2.bin").write_bytes(b"x" * 100)',
        'before = _entries(folder)',
        '(folder / "model_epoch_3.bin").write_bytes(b"x" * 100)',
        '(folder / "latest.txt").write_text("model_epoch_3.bin")',
        'show(_saved_path(None, folder, 30, before))',
      ]),
    ).toEqual(['model_epoch_3.bin']);
  });

  it('is the one rolling file, replaced in place', () => {
    expect(
      inAdapter([
        '(folder / "last.ckpt").write_bytes(b"old")',
        '(folder / "notes.txt").write_text("kept")',
        'before = _entries(folder)',
        '(folder / "last.ckpt.tmp").write_bytes(b"new")',
        'os.replace(folder / "last.ckpt.tmp", folder / "last.ckpt")',
        'show(_saved_path(None, folder, 4, before))',
      ]),
    ).toEqual(['last.ckpt']);
  });

  it('prefers, among what changed, the entry naming the step, even when another is larger', () => {
    expect(
      inAdapter([
        'before = _entries(folder)',
        '(folder / "ckpt_5.pt").write_bytes(b"x")',
        '(folder / "ckpt_6.pt").write_bytes(b"x" * 1000)',
        'show(_saved_path(None, folder, 5, before))',
      ]),
    ).toEqual(['ckpt_5.pt']);
  });

  it('is the file naming the step when the save changed nothing (a step it already had), and None when none does', () => {
    expect(
      inAdapter([
        '(folder / "ckpt_5.pt").write_bytes(b"x")',
        'before = _entries(folder)',
        'show(_saved_path(None, folder, 5, before))',
        'show(_saved_path(True, folder, 6, before))',
      ]),
    ).toEqual(['ckpt_5.pt', 'None']);
  });

  it('is found by the adapter’s own save, which looks at the folder before it saves', () => {
    // The generated save takes the folder's entries before calling the code's save.
    const adapter = readFileSync(path.join(project, 'tests/checkpoint/checkpoint_adapter.py'), 'utf8');
    expect(adapter).toMatch(/before = _entries\(self\.checkpoint_dir\)\n\s+saved = self\.manager\.save\(/);
    expect(adapter).toContain('return _saved_path(saved, self.checkpoint_dir, step, before)');
  });
});
