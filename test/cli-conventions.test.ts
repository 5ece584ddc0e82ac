/**
 * What a user sees around a run, as the real CLI prints it (with no terminal,
 * or in a pseudo-terminal for colours): nothing about package managers in a
 * Python project, --dry-run's last line, the conflicter's diff cut to its
 * hunks, NO_COLOR and FORCE_COLOR.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cliEnv,
  makeSampleProject,
  removeProjects,
  runCli,
  SAMPLE_MODULE,
  snapshotTree,
} from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { runInPty, tail } from './helpers/pty.js';

afterAll(removeProjects);

describe('the CLI around a run', () => {
  it('says nothing of package managers in a project that has a package.json', async () => {
    const project = makeSampleProject();
    writeFileSync(path.join(project, 'package.json'), '{"name": "ml-project", "version": "1.0.0"}\n');
    const result = await runInProcess(['--yes', '--module', SAMPLE_MODULE, '--skip-checks'], project);
    expect(result.code).toBe(0);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('create tests/checkpoint/test_resume.py');
    expect(output).not.toMatch(/package\.json|package manager|customInstallTask/i);
  });
});

/** SGR escapes, the ones that colour text (cursor moves of a spinner are not colour). */
// eslint-disable-next-line no-control-regex
const COLOUR = /\u001b\[[0-9;]*m/;

/**
 * Generates the sample's suite (no checks), then edits one line of a generated test file: once for
 * the file, as the tests that use it only dry-run over it (the first of them asserts it stays unchanged).
 */
let withOneEdit: Promise<{ project: string; edited: string }> | undefined;
const generatedWithOneEdit = () => (withOneEdit ??= generateWithOneEdit());

async function generateWithOneEdit(): Promise<{ project: string; edited: string }> {
  const project = makeSampleProject();
  const first = await runInProcess(['--yes', '--module', SAMPLE_MODULE, '--skip-checks'], project);
  expect(first.code, first.stderr).toBe(0);
  const edited = path.join(project, 'tests', 'checkpoint', 'test_resume.py');
  const text = readFileSync(edited, 'utf8');
  const target = 'import pytest\n';
  expect(text).toContain(target);
  writeFileSync(edited, text.replace(target, 'import pytest  # edited\n'));
  return { project, edited };
}

describe('--dry-run', () => {
  it('writes nothing and ends with one line saying so, and how many files a real run would create', async () => {
    const project = makeSampleProject();
    const before = snapshotTree(project);
    const result = await runInProcess(['--yes', '--module', SAMPLE_MODULE, '--skip-checks', '--dry-run'], project);
    expect(result.code, result.stderr).toBe(0);
    expect(snapshotTree(project)).toEqual(before);
    // Yeoman's log, ours included, goes to stderr.
    const created = (result.stderr.match(/^\s*create /gm) ?? []).length;
    expect(created).toBeGreaterThan(3);
    const last = result.stderr.trimEnd().split('\n').at(-1);
    // .yo-rc.json is Yeoman's "force", not one of the suite's files.
    expect(last).toBe(`--dry-run: nothing was written; a real run would create ${created} files.`);
  });

  it('over an existing suite counts the changed files', async () => {
    const { project } = await generatedWithOneEdit();
    const before = snapshotTree(project);
    const result = await runInProcess(['--yes', '--module', SAMPLE_MODULE, '--skip-checks', '--dry-run'], project);
    expect(result.code, result.stderr).toBe(0);
    expect(snapshotTree(project)).toEqual(before);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(
      '--dry-run: nothing was written; a real run would change 1 file.',
    );
  });
});

describe("the conflicter's diff", () => {
  it('shows a one-line edit as one hunk with three lines of context, not the whole file', async () => {
    const { project, edited } = await generatedWithOneEdit();
    const fileLines = readFileSync(edited, 'utf8').split('\n').length;
    expect(fileLines).toBeGreaterThan(200);
    const result = await runInProcess(['--yes', '--module', SAMPLE_MODULE, '--skip-checks', '--dry-run'], project);
    expect(result.code, result.stderr).toBe(0);
    const out = result.stderr;
    expect(out).toContain('--- tests/checkpoint/test_resume.py (now)\n+++ tests/checkpoint/test_resume.py (new)\n');
    const hunks = out.match(/^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/gm) ?? [];
    expect(hunks).toHaveLength(1);
    expect(out).toMatch(/^-import pytest {2}# edited$/m);
    expect(out).toMatch(/^\+import pytest$/m);
    // Three lines of context on each side: seven lines a side, and nothing else of the file.
    expect(hunks[0]).toMatch(/^@@ -\d+,7 \+\d+,7 @@$/);
    // The diff is the two header lines and the hunk: nothing else of the file.
    const diff = out.slice(out.indexOf('--- tests/checkpoint/test_resume.py')).split('\n');
    const end = diff.findIndex((line) => !/^([ +-]|@@ )/.test(line));
    expect(end).toBe(2 + 1 + 8);
    expect(out).not.toContain('pytestmark = pytest.mark.resume\n\n# Stray');
  });
});

describe('colours', () => {
  it('FORCE_COLOR colours Yeoman’s log and the diff even into a pipe', async () => {
    const { project } = await generatedWithOneEdit();
    const result = await runCli(['--yes', '--module', SAMPLE_MODULE, '--skip-checks', '--dry-run'], project, 90_000, {
      FORCE_COLOR: '1',
      NO_COLOR: undefined,
    });
    expect(result.code, result.stderr).toBe(0);
    const raw = `${result.rawStdout}${result.rawStderr}`;
    // The conflicter's status word, and the removed and added lines of the diff.
    expect(raw).not.toContain("'NO_COLOR' env is ignored");
    expect(raw).toMatch(/\u001b\[[0-9;]*m\s*conflict\u001b\[[0-9;]*m tests\/checkpoint\/test_resume\.py/);
    expect(raw).toMatch(/\u001b\[[0-9;]*m-import pytest {2}# edited\u001b\[[0-9;]*m/);
    expect(raw).toMatch(/\u001b\[[0-9;]*m\+import pytest\u001b\[[0-9;]*m/);
  });

  it('NO_COLOR turns every colour off in a terminal: our output, Yeoman’s log and the conflicter', async () => {
    const project = makeSampleProject();
    const args = ['--yes', '--module', SAMPLE_MODULE, '--skip-checks'];
    const fresh = await runInPty({ args, cwd: project, steps: [], timeout: 60, env: { NO_COLOR: '1' } });
    expect(fresh.exit_code, tail(fresh)).toBe(0);
    expect(fresh.text).toContain('create tests/checkpoint/test_resume.py');
    expect(fresh.transcript).not.toMatch(COLOUR);
    const edited = path.join(project, 'tests', 'checkpoint', 'test_resume.py');
    writeFileSync(edited, readFileSync(edited, 'utf8').replace('import pytest\n', 'import pytest  # edited\n'));
    const dry = await runInPty({
      args: [...args, '--dry-run'],
      cwd: project,
      steps: [],
      timeout: 60,
      env: { NO_COLOR: '1' },
    });
    expect(dry.exit_code, tail(dry)).toBe(0);
    expect(dry.text).toMatch(/conflict tests\/checkpoint\/test_resume\.py/);
    expect(dry.text).toContain('+import pytest');
    expect(dry.transcript).not.toMatch(COLOUR);
  });

  it('without NO_COLOR the same terminal run is coloured (so the test above can fail)', async () => {
    const project = makeSampleProject();
    const run = await runInPty({
      args: ['--yes', '--module', SAMPLE_MODULE, '--skip-checks'],
      cwd: project,
      steps: [],
      timeout: 60,
    });
    expect(run.exit_code, tail(run)).toBe(0);
    expect(run.transcript).toMatch(COLOUR);
  });
});

describe('the run command printed at the end', () => {
  it('works when pasted into a shell in the project', async () => {
    const project = makeSampleProject();
    // With the checks on: the CLI finds a Python with pytest itself and names it in the command.
    const result = await runCli(['--yes', '--module', SAMPLE_MODULE], project, 180_000);
    expect(result.code, result.stderr).toBe(0);
    const printed = /Run them with: (.+)$/m.exec(result.stderr)?.[1];
    expect(printed, result.stderr).toBeDefined();
    expect(printed).toMatch(/ -m pytest tests\/checkpoint$/);
    // NO_COLOR (set by runCli) reaches Yeoman's ✔ too, which is coloured even into a pipe otherwise.
    expect(result.rawStderr).not.toMatch(COLOUR);
    const pasted = spawnSync('/bin/sh', ['-c', `${printed} -x -q -p no:cacheprovider -m "not slow" -k r1`], {
      cwd: project,
      env: cliEnv(),
      encoding: 'utf8',
      timeout: 180_000,
    });
    expect(pasted.status, `${pasted.stdout}\n${pasted.stderr}`).toBe(0);
    expect(pasted.stdout).toMatch(/\b[1-9]\d* passed\b/);
    expect(pasted.stdout).not.toMatch(/\bfailed\b|\berror/);
  });
});
