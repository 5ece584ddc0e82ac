/**
 * `npm run bench`: the project's scoreboard. Figures, never assertions:
 *
 * - bite: the generated suite against the correct sample (every format and
 *   policy) and every bug-zoo variant: detection per family and overall,
 *   false failures (must be 0), flakes over repeated runs (must be 0), and
 *   the peers (Ghostwriter, an audit-shaped hand-written file) on the same zoo;
 * - speed: generation in a fresh `node` process and warm in-process, and the
 *   suite's pytest time per family and whole, serial and with `-n 2`;
 * - scale: generation time for 1, 10 and 50 target classes in one project.
 *
 * Prints a table, writes bench/results.json and the table in README.md.
 *
 *   npm run bench               # everything (a few minutes)
 *   npm run bench -- --quick    # fewer repetitions, no peers, no README update (fits a CI step)
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from '../lib/cases.js';
import { generate } from '../lib/programmatic.js';
import { CATEGORIES } from '../lib/questions.js';
import { runPeers } from './peers.mjs';
import { pythonWith, runPytest, runS1Zoo, runZoo, sampleAnswers, scratchProject, zooProblems } from './zoo.mjs';

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
const familyOfCase = new Map(CASES.map((spec) => [spec.id, spec.family]));

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
const sections = [];
let current;
const section = (title) => sections.push((current = { title, rows: [] }));
const record = (key, label, value, unit = '') => {
  figures[key] = value;
  const shown =
    typeof value === 'number' && unit === 's' ? `${value.toFixed(3)} s` : `${value}${unit ? ` ${unit}` : ''}`;
  current.rows.push([label, shown]);
};

try {
  const python = (await pythonWith(['pytest', 'xdist', 'torch', 'hypothesis'])) ?? (await pythonWith(['pytest']));

  // -- bite ------------------------------------------------------------------
  section('Bite: bugs caught on the same sample and zoo');
  const zoo = await runZoo({ formats: quick ? ['pickle'] : ['pickle', 'json', 'torch'] });
  const variants = zoo.filter((row) => row.kind === 'variant');
  const byFamily = new Map();
  for (const row of variants) {
    const family = familyOfCase.get(row.breaks[0]) ?? 'other';
    const entry = byFamily.get(family) ?? { total: 0, caught: 0 };
    entry.total += 1;
    entry.caught += row.caught && row.precise ? 1 : 0;
    byFamily.set(family, entry);
  }
  for (const [family, { total, caught }] of byFamily) {
    record(`caught_${family}`, `ours: ${family} variants caught by their cases`, `${caught}/${total}`);
  }
  const caughtAll = variants.filter((row) => row.caught && row.precise).length;
  record('caughtOverall', 'ours: all variants caught', `${caughtAll}/${variants.length}`);
  record(
    'falseFailures',
    'ours: false failures on the correct sample (formats and policy profiles)',
    zooProblems(zoo.filter((row) => row.kind !== 'variant')).length,
  );
  // The stateful test alone, against the same variants: the evidence that it finds bugs no one listed.
  const s1 = await runS1Zoo();
  const s1ByFamily = new Map();
  for (const row of s1) {
    const entry = s1ByFamily.get(row.family) ?? { total: 0, caught: 0 };
    entry.total += 1;
    entry.caught += row.caught ? 1 : 0;
    s1ByFamily.set(row.family, entry);
  }
  const s1Families = [...s1ByFamily].sort(([a], [b]) => a.localeCompare(b));
  record(
    's1ByFamily',
    'S1 alone: variants caught, by the family of their cases',
    s1Families.map(([family, { total, caught }]) => `${family} ${caught}/${total}`).join(', '),
  );
  record('s1Overall', 'S1 alone: all variants caught', `${s1.filter((row) => row.caught).length}/${s1.length}`);
  if (!quick) {
    const peers = await runPeers({ python, root, variants: variants.map((row) => row.name) });
    for (const peer of peers) {
      if (peer.error) {
        record(`peer_${peer.peer}`, `${peer.peer}: cannot run`, peer.error);
        continue;
      }
      record(
        `peer_${peer.peer}`,
        `${peer.peer}: variants caught (usable tests of all, time)`,
        `${peer.caught.length}/${variants.length} (${peer.usable} of ${peer.tests} tests pass on the correct sample, ${peer.seconds.toFixed(1)} s)`,
      );
    }
  }
  const flakeProject = newProject();
  await generate({ cwd: flakeProject, options: { ...sampleAnswers(), skipChecks: true } });
  const repeats = quick ? 3 : 10;
  let flaky = 0;
  for (let index = 0; index < repeats; index++) {
    const run = await runPytest(python, flakeProject);
    if (run.code !== 0) flaky += 1;
  }
  record('flakes', `ours: failing runs of the whole suite on the correct sample, of ${repeats}`, flaky);

  // -- speed -----------------------------------------------------------------
  section('Speed');
  record(
    'cliColdSeconds',
    'generate, fresh node process, --skip-checks (median)',
    median(Array.from({ length: quick ? 3 : 7 }, () => cliRun(['--skip-checks']))),
    's',
  );
  record(
    'cliWithChecksSeconds',
    'generate, fresh node process, with import check and pytest --setup-only (median)',
    median(Array.from({ length: quick ? 1 : 3 }, () => cliRun([]))),
    's',
  );
  await generate({ cwd: newProject(), options: { ...sampleAnswers(), skipChecks: true } });
  const warm = [];
  for (let index = 0; index < (quick ? 5 : 20); index++) {
    const project = newProject();
    const started = performance.now();
    await generate({ cwd: project, options: { ...sampleAnswers(), skipChecks: true } });
    warm.push(seconds(started));
  }
  record('generateWarmSeconds', 'generate, warm in-process, full suite (median)', median(warm), 's');
  for (const format of quick ? ['pickle'] : ['pickle', 'json', 'torch']) {
    const project = newProject();
    await generate({ cwd: project, options: { ...sampleAnswers(format), skipChecks: true } });
    for (const family of CATEGORIES) {
      const serial = await runPytest(python, project, ['-m', family]);
      record(
        `pytest_${format}_${family}_seconds`,
        `${format}: ${family} tests (${serial.passed}), pytest serial`,
        serial.seconds,
        's',
      );
    }
    const whole = await runPytest(python, project);
    record(
      `pytest_${format}_seconds`,
      `${format}: whole suite (${whole.passed} tests), pytest serial`,
      whole.seconds,
      's',
    );
    const parallel = await runPytest(python, project, ['-n', '2']);
    record(
      `pytest_${format}_xdist_seconds`,
      `${format}: whole suite, pytest -n 2${parallel.code === 0 ? '' : ' (FAILED)'}`,
      parallel.seconds,
      's',
    );
  }

  // -- scale -----------------------------------------------------------------
  section('Scale: target classes in one project');
  for (const count of quick ? [1, 10] : [1, 10, 50]) {
    const project = newProject();
    const classes = Array.from({ length: count }, (_, index) => `Manager${index}`);
    writeFileSync(
      path.join(project, 'bench_targets.py'),
      `from sample_trainer.manager import CheckpointManager\n\n${classes
        .map((name) => `\nclass ${name}(CheckpointManager):\n    pass\n`)
        .join('\n')}`,
    );
    // The multi-target answers: one entry a class, each into its own folder.
    const targets = classes.map((className) => ({
      module: 'bench_targets',
      className,
      constructorExpression: `${className}(checkpoint_dir)`,
      outputDir: `tests/checkpoint_${className.toLowerCase()}`,
      skipChecks: true,
    }));
    writeFileSync(path.join(project, 'targets.json'), JSON.stringify(targets, null, 2));
    const started = performance.now();
    for (const target of targets) await generate({ cwd: project, options: target });
    record(
      `scale_${count}_seconds`,
      `${count} target class${count === 1 ? '' : 'es'}: generation, in-process`,
      seconds(started),
      's',
    );
  }

  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${execFileSync(python, ['--version'], { encoding: 'utf8' }).trim()}`;
  const when = new Date().toISOString().slice(0, 10);
  const width = Math.max(...sections.flatMap((part) => part.rows.map(([label]) => label.length)));
  console.log(`checkpoint-tests bench, ${when}, ${machine}${quick ? ' (quick)' : ''}`);
  for (const part of sections) {
    console.log(`\n${part.title}`);
    for (const [label, value] of part.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  }
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
      ...sections.flatMap((part) => [
        `| **${part.title}** | |`,
        ...part.rows.map(([label, value]) => `| ${label} | ${value} |`),
      ]),
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
