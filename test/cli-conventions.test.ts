/**
 * What a user sees around a run, as the real CLI prints it with no terminal:
 * nothing about package managers in a Python project, and so on.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeSampleProject, removeProjects, runCli, SAMPLE_MODULE } from './helpers/cli-process.js';

afterAll(removeProjects);

describe('the CLI around a run', () => {
  it('says nothing of package managers in a project that has a package.json', async () => {
    const project = makeSampleProject();
    writeFileSync(path.join(project, 'package.json'), '{"name": "ml-project", "version": "1.0.0"}\n');
    const result = await runCli(['--yes', '--module', SAMPLE_MODULE, '--skip-checks'], project);
    expect(result.code).toBe(0);
    const output = `${result.stdout}${result.stderr}`;
    expect(output).toContain('create tests/checkpoint/test_resume.py');
    expect(output).not.toMatch(/package\.json|package manager|customInstallTask/i);
  });
});
