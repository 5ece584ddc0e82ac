/**
 * `npm run bench`: figures, never assertions. How long generation takes (a
 * fresh `node` process as a user runs it, and warm in this process), how long
 * the generated suite takes under pytest (serial and with pytest-xdist), and
 * how many bug-zoo variants it catches. Writes bench/results.json.
 *
 *   npm run bench               # everything (about a minute)
 *   npm run bench -- --quick    # fewer repetitions, no zoo
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../lib/programmatic.js';
import { pythonWith, runPytest, runZoo, sampleAnswers, scratchProject, zooProblems } from './zoo.mjs';

const quick = process.argv.includes('--quick');
const repo = fileURLToPath(new URL('..', import.meta.url));
const bin = path.join(repo, 'bin/checkpoint-tests.js');
const root = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-bench-'));
let fresh = 0;
const newProject = () => scratchProject(root, `p${fresh++}`);

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const seconds = (started) => (performance.now() - started) / 1000;

function cliRun(extra) {
  const project = newProject();
  const started = performance.now();
  const result = spawnSync(process.execPath, [bin, '--yes', '--module', 'sample_trainer.manager', ...extra], {
    cwd: project,
    stdio: 'ignore',
  });
  if (result.status !== 0) throw new Error(`checkpoint-tests exited ${result.status} in ${project}`);
  return seconds(started);
}

const figures = {};
const rows = [];
const record = (key, label, value, unit) => {
  figures[key] = value;
  rows.push([label, unit === 's' ? `${value.toFixed(3)} s` : `${value}${unit ? ` ${unit}` : ''}`]);
};

try {
  const repeats = quick ? 3 : 7;
  const python = (await pythonWith(['pytest', 'xdist', 'torch'])) ?? (await pythonWith(['pytest']));

  // Generation in a fresh node process: what `npx checkpoint-tests` costs, start-up included.
  record(
    'cliColdSeconds',
    'generate, fresh node process, --skip-checks (median)',
    median(Array.from({ length: repeats }, () => cliRun(['--skip-checks']))),
    's',
  );
  record(
    'cliWithChecksSeconds',
    'generate, fresh node process, import check + pytest --setup-only (median)',
    median(Array.from({ length: quick ? 2 : 3 }, () => cliRun([]))),
    's',
  );

  // Generation warm, in this process: the generator's own work (render, validate, write).
  await generate({ cwd: newProject(), options: { ...sampleAnswers(), skipChecks: true } });
  const warm = [];
  for (let index = 0; index < (quick ? 5 : 20); index++) {
    const project = newProject();
    const started = performance.now();
    await generate({ cwd: project, options: { ...sampleAnswers(), skipChecks: true } });
    warm.push(seconds(started));
  }
  record('generateWarmSeconds', 'generate, warm in-process, full suite (median)', median(warm), 's');

  // The generated suite under pytest, for each format.
  for (const format of ['pickle', 'json', 'torch']) {
    const project = newProject();
    await generate({ cwd: project, options: { ...sampleAnswers(format), skipChecks: true } });
    const serial = [];
    let tests = 0;
    for (let index = 0; index < (quick ? 1 : 3); index++) {
      const run = await runPytest(python, project);
      if (run.code !== 0) throw new Error(`the ${format} suite failed on the sample:\n${run.output}`);
      serial.push(run.seconds);
      tests = run.passed;
    }
    record(`pytest_${format}_tests`, `resume suite (${format}): tests`, tests, '');
    record(
      `pytest_${format}_seconds`,
      `resume suite (${format}): pytest wall time, serial (median)`,
      median(serial),
      's',
    );
    const parallel = await runPytest(python, project, ['-n', '2']);
    if (parallel.code === 0) {
      record(
        `pytest_${format}_xdist_seconds`,
        `resume suite (${format}): pytest -n 2 wall time`,
        parallel.seconds,
        's',
      );
    }
  }

  // The concurrency family alone, default answers: it spawns processes, so it has its own figure.
  {
    const project = newProject();
    await generate({ cwd: project, options: { ...sampleAnswers(), skipChecks: true } });
    const runs = [];
    for (let index = 0; index < (quick ? 1 : 3); index++) {
      const run = await runPytest(python, project, ['-m', 'concurrency']);
      if (run.code !== 0) throw new Error(`the concurrency tests failed on the sample:\n${run.output}`);
      runs.push(run.seconds);
    }
    record('pytest_concurrency_seconds', 'concurrency tests (pickle, default answers): pytest wall time (median)', median(runs), 's');
  }

  if (!quick) {
    const started = performance.now();
    const zoo = await runZoo();
    const variants = zoo.filter((row) => row.kind === 'variant');
    record('zooVariants', 'bug zoo: variants', variants.length, '');
    record('zooCaught', 'bug zoo: variants caught', variants.filter((row) => row.caught).length, '');
    record(
      'zooPrecise',
      'bug zoo: caught only by their declared cases',
      variants.filter((row) => row.caught && row.precise).length,
      '',
    );
    record(
      'falseFailures',
      'false failures on the correct sample (3 formats, 10 policies)',
      zooProblems(zoo.filter((row) => row.kind !== 'variant')).length,
      '',
    );
    record('zooSeconds', 'bug zoo: whole run (generate + pytest, 2 at a time)', seconds(started), 's');
  }

  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${execFileSync(python, ['--version'], { encoding: 'utf8' }).trim()}`;
  const when = new Date().toISOString().slice(0, 10);
  const width = Math.max(...rows.map(([label]) => label.length));
  console.log(`checkpoint-tests bench, ${when}, ${machine}${quick ? ' (quick)' : ''}\n`);
  for (const [label, value] of rows) console.log(`${label.padEnd(width)}  ${value}`);
  mkdirSync(path.join(repo, 'bench'), { recursive: true });
  writeFileSync(
    path.join(repo, 'bench/results.json'),
    `${JSON.stringify({ date: when, machine, quick, figures }, null, 2)}\n`,
  );
  console.log('\nwrote bench/results.json');
  if (!quick) {
    const prettier = await import('prettier');
    const table = [
      `Measured ${when} on ${machine}.`,
      '',
      '| figure | value |',
      '| --- | --- |',
      ...rows.map(([label, value]) => `| ${label} | ${value} |`),
    ].join('\n');
    const readmePath = path.join(repo, 'README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = '<!-- bench-table:start -->';
    const end = '<!-- bench-table:end -->';
    if (readme.includes(start) && readme.includes(end)) {
      const updated = `${readme.slice(0, readme.indexOf(start) + start.length)}\n\n${table}\n\n${readme.slice(readme.indexOf(end))}`;
      const config = (await prettier.resolveConfig(readmePath)) ?? {};
      writeFileSync(readmePath, await prettier.format(updated, { ...config, filepath: readmePath }));
      console.log('updated the table in README.md');
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
