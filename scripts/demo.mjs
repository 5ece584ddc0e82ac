/**
 * `npm run demo`: what a new user sees. Copies the sample project into a
 * fresh demo-output/ folder, runs the real CLI there with --yes, then runs
 * pytest on the suite it wrote and prints pytest's summary.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonWith, SAMPLE_ROOT, SUITE_DIR } from './zoo.mjs';

const repo = fileURLToPath(new URL('..', import.meta.url));
const project = path.join(repo, 'demo-output');

rmSync(project, { recursive: true, force: true });
cpSync(path.join(SAMPLE_ROOT, 'sample_trainer'), path.join(project, 'sample_trainer'), { recursive: true });

console.log(`\n$ cd demo-output && npx checkpoint-tests --yes --module sample_trainer.manager\n`);
const generated = spawnSync(
  process.execPath,
  [path.join(repo, 'bin/checkpoint-tests.js'), '--yes', '--module', 'sample_trainer.manager'],
  { cwd: project, stdio: 'inherit' },
);
if (generated.status !== 0) process.exit(generated.status ?? 1);

const python = (await pythonWith(['pytest', 'hypothesis'])) ?? (await pythonWith(['pytest']));
if (!python) {
  console.error('No Python with pytest was found on PATH: install pytest (Debian: apt-get install python3-pytest).');
  process.exit(1);
}
console.log(`\n$ python -m pytest ${SUITE_DIR}    (python: ${python})\n`);
const tested = spawnSync(python, ['-m', 'pytest', '-p', 'no:cacheprovider', SUITE_DIR], {
  cwd: project,
  stdio: 'inherit',
});
process.exit(tested.status ?? 1);
