/**
 * Making the suite a team's own: ejected and edited templates, unknown
 * template variables, presets with locked answers, the suite README with its
 * coverage matrix, the CI recipe, and upgrades that show diffs and keep the
 * adapter.
 *
 * The runs go through the CLI's `main` in this process (what the bin runs, same
 * arguments, exit codes and output; test/fuzz-answers.test.ts holds the two
 * alike): none of these tests is about the process itself.
 */
import { execFile } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { withPreCommitHook } from '../lib/ci-recipe.js';
import { templateVariablesDoc } from '../lib/view-model.js';
import { makeSampleProject, removeProjects, runCli, snapshotTree, storedAnswers } from './helpers/cli-process.js';
import { runInProcess } from './helpers/in-process.js';
import { pythonWith } from '../scripts/zoo.mjs';

const exec = promisify(execFile);
const SUITE = 'tests/checkpoint';
const BASE = ['--yes', '--module', 'sample_trainer.manager', '--skip-checks'];

afterAll(() => removeProjects());

const read = (project: string, file: string) => readFileSync(path.join(project, file), 'utf8');

async function ok(args: string[], project: string, run = runInProcess) {
  const result = await run(args, project);
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

describe('ejected templates', () => {
  it('copies every template and VARIABLES.md, and an edited template changes the output', async () => {
    const project = makeSampleProject();
    await ok(['templates'], project);
    const ejected = '.checkpoint-tests/templates';
    expect(read(project, `${ejected}/VARIABLES.md`)).toContain('`resume.newestVia`');
    const template = path.join(project, ejected, 'resume/test_resume.py.ejs');
    writeFileSync(
      template,
      readFileSync(template, 'utf8').replace(
        'pytestmark = pytest.mark.resume',
        'pytestmark = [pytest.mark.resume, pytest.mark.team_checkpoints]',
      ),
    );
    await ok(BASE, project);
    expect(read(project, `${SUITE}/test_resume.py`)).toContain('pytest.mark.team_checkpoints');
    // Only the edited file is the team's: the others still render as built in.
    expect(read(project, `${SUITE}/conftest.py`)).toContain('def checkpoint_dir(');
  });

  it('stops with the template name and line when a template uses an unknown variable, writing nothing', async () => {
    const project = makeSampleProject();
    await ok(['templates'], project);
    const partial = path.join(project, '.checkpoint-tests/templates/partials/newest-is.ejs');
    const lines = readFileSync(partial, 'utf8').split('\n').length;
    appendFileSync(partial, '<%- newestCheckpointHelper %>\n');
    const before = snapshotTree(project);
    const result = await runInProcess(BASE, project);
    expect(result.code).toBe(2);
    const message = result.stderr.replace(/\s+/g, ' ');
    expect(message).toMatch(/partials\/newest-is\.ejs \(line \d+\) uses `newestCheckpointHelper`/);
    expect(Number(/\(line (\d+)\)/.exec(message)![1])).toBe(lines);
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(snapshotTree(project)).toEqual(before);
  });

  it('VARIABLES.md is made from the typed declarations the views use', () => {
    const doc = templateVariablesDoc();
    for (const name of ['generatorVersion', 'py', 'pyDef', 'target', 'adapter', 'conftest', 'readme', 'ci']) {
      expect(doc).toContain(`\`${name}\``);
    }
    expect(doc).toContain('`resume.missingPath`');
  });
});

describe('team presets', () => {
  function writePreset(project: string) {
    const file = path.join(project, 'team-preset.yaml');
    writeFileSync(
      file,
      YAML.stringify({
        answers: { format: 'json', outputDir: 'tests/ckpt', duplicateStep: 'skip' },
        locked: ['format'],
      }),
    );
    return 'team-preset.yaml';
  }

  it('sits under the user answers, is recorded in .yo-rc.json and reused by the next run', async () => {
    const project = makeSampleProject();
    const preset = writePreset(project);
    await ok([...BASE, '--preset', preset, '--duplicate-step', 'raise'], project);
    const stored = storedAnswers(project);
    expect(stored).toMatchObject({ format: 'json', outputDir: 'tests/ckpt', duplicateStep: 'raise', preset });
    expect(existsSync(path.join(project, 'tests/ckpt/test_resume.py'))).toBe(true);
    await ok(['--skip-checks'], project);
    expect(storedAnswers(project)).toMatchObject({ preset, format: 'json' });
  });

  it('refuses to change a locked answer, naming it, the value and the preset', async () => {
    const project = makeSampleProject();
    const preset = writePreset(project);
    const before = snapshotTree(project);
    const result = await runInProcess([...BASE, '--preset', preset, '--format', 'torch'], project);
    expect(result.code).toBe(2);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain(
      '`format` is "torch" in the command line, but the preset locks it to "json"',
    );
    expect(snapshotTree(project)).toEqual(before);
  });

  it('rejects a preset that locks an answer it does not give', async () => {
    const project = makeSampleProject();
    writeFileSync(
      path.join(project, 'bad.json'),
      JSON.stringify({ answers: { format: 'json' }, locked: ['latestBy'] }),
    );
    const result = await runInProcess([...BASE, '--preset', 'bad.json'], project);
    expect(result.code).toBe(2);
    expect(result.stderr.replace(/\s+/g, ' ')).toContain('locks "latestBy"');
  });
});

describe('onboarding output', () => {
  it('writes a README with the cases, the coverage matrix and the policies', async () => {
    const project = makeSampleProject();
    await ok(BASE, project);
    const readme = read(project, `${SUITE}/README.md`);
    expect(readme).toContain('# Checkpoint tests for `sample_trainer.manager.CheckpointManager`');
    expect(readme).toMatch(/\|\s*R5\s*\|\s*yes\s*\|/);
    expect(readme).toMatch(/\| R11 +\| no +\| needs a torch training step/);
    expect(readme).toMatch(/\| `duplicateStep` +\| `"overwrite"` +\|/);
    expect(readme).toContain('--ask-answered');
    expect(readme).toContain('python -m pytest tests/checkpoint -m "not slow"');
  });

  it('the CI recipe is a valid workflow and pre-commit hook whose command runs the fast tests green', async () => {
    const project = makeSampleProject();
    await ok([...BASE, '--ci-recipe', 'github'], project);
    const workflow = YAML.parse(read(project, '.github/workflows/checkpoint-tests.yml'));
    expect(Object.keys(workflow.on)).toEqual(['push', 'pull_request']);
    const steps = workflow.jobs['checkpoint-tests'].steps as { uses?: string; run?: string }[];
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@/);
    expect(steps.some((step) => step.uses?.startsWith('actions/setup-python@'))).toBe(true);
    const command = steps.at(-1)!.run!;
    expect(command).toBe('python -m pytest tests/checkpoint -m "not slow"');
    const hooks = YAML.parse(read(project, '.pre-commit-config.yaml')).repos[0].hooks;
    expect(hooks[0]).toMatchObject({ id: 'checkpoint-tests', language: 'system', pass_filenames: false });

    const python = await pythonWith(['pytest']);
    const shell = `${command.replace(/^python /, `${python} `)} -p no:cacheprovider -q`;
    const run = await exec('sh', ['-c', shell], { cwd: project }).catch((error) => error);
    expect(run.stdout, run.stderr).toMatch(/\d+ passed/);
  });

  it('adds the pre-commit hook to an existing config without disturbing it, once', () => {
    const existing =
      '# our hooks\nrepos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n    hooks:\n      - id: black\n';
    const hook = {
      id: 'checkpoint-tests',
      name: 'checkpoint tests (fast)',
      entry: 'python -m pytest tests/checkpoint -m "not slow" -q',
      language: 'system' as const,
      pass_filenames: false as const,
      files: '^(tests/checkpoint)/',
    };
    const once = withPreCommitHook(existing, hook);
    expect(once.startsWith('# our hooks\n')).toBe(true);
    const parsed = YAML.parse(once);
    expect(parsed.repos[0].repo).toBe('https://github.com/psf/black');
    expect(parsed.repos[1].hooks).toEqual([hook]);
    expect(withPreCommitHook(once, hook)).toBe(once);
  });
});

describe('upgrading', () => {
  it('a re-run after a template change shows the diff under --dry-run, writes nothing and keeps the adapter', async () => {
    const project = makeSampleProject();
    await ok(BASE, project, runCli);
    const adapter = path.join(project, SUITE, 'checkpoint_adapter.py');
    writeFileSync(adapter, `${readFileSync(adapter, 'utf8')}\n# our own binding tweak\n`);
    await ok(['templates'], project, runCli);
    const template = path.join(project, '.checkpoint-tests/templates/resume/test_resume.py.ejs');
    writeFileSync(
      template,
      readFileSync(template, 'utf8').replace('A resumed run must', 'A resumed run (team edition) must'),
    );
    const before = snapshotTree(project);
    // Team templates run JavaScript: a dry run reads them only when its command line names their folder.
    // In-process: nothing may be left behind at the run's end, not even the project lock (a dry run takes none).
    const result = await ok([...BASE, '--dry-run', '--templates-dir', '.checkpoint-tests/templates'], project);
    const shown = result.stdout + result.stderr;
    expect(shown).toMatch(/conflict tests\/checkpoint\/test_resume\.py/);
    expect(shown).toContain('+A resumed run (team edition) must');
    expect(snapshotTree(project)).toEqual(before);
    expect(storedAnswers(project).generatorVersion).toEqual(expect.any(String));

    // Without a terminal, a changed generated file needs --force; the adapter is kept all the same.
    const refused = await runCli(BASE, project);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('test_resume.py');
    expect(read(project, `${SUITE}/checkpoint_adapter.py`)).toContain('# our own binding tweak');
    await ok([...BASE, '--force'], project, runCli);
    expect(read(project, `${SUITE}/test_resume.py`)).toContain('(team edition)');
  });
});
