/**
 * `npm run bench`: the project's scoreboard. Figures, never assertions:
 *
 * - bite: the generated suite against the correct sample (every format and
 *   policy) and every bug-zoo variant: detection per family and overall,
 *   false failures (must be 0), flakes over repeated runs (must be 0), and
 *   the peers (Ghostwriter, an audit-shaped hand-written file) on the same zoo;
 *   and per corpus entry (examples/corpus), the false failures of its correct
 *   manager (must be 0) and its bug variants caught;
 * - speed: generation in a fresh `node` process (wall and CPU seconds of the
 *   child), beside the bare `node -e 0` floor and cookiecutter rendering a
 *   one-file template when cookiecutter is installed, measured first, before the
 *   bite's runs load the machine; warm in-process; and the suite's pytest time
 *   per family and whole, serial and with `-n 2`;
 * - scale: generation time for 1, 10 and 50 target classes in one project.
 *
 * Prints a table and the time the bench took; writes bench/results.json (the
 * previous results kept beside the new, in `history`) and, in docs/bench.md,
 * the headline figures of this run beside the earlier ones (dated, quick or
 * full) and, for a full run, every figure. README.md only points there.
 *
 *   npm run bench               # everything (many minutes: every zoo variant, policy and peer)
 *   npm run bench -- --quick    # a representative subset in under 2 minutes: the sample in pickle,
 *                               # one zoo variant a family, each corpus manager with its first
 *                               # variant, the peers on the sample only, fewer repetitions
 *   npm run bench -- --npm-test # (with either) also times `npm test`, last, once the machine is
 *                               # idle: its build and the quick tier (target under 4 minutes on
 *                               # 2 cores), kept out of the bench's own time
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CASES } from '../lib/cases.js';
import { generate } from '../lib/programmatic.js';
import { CATEGORIES } from '../lib/questions.js';
import { runPeers } from './peers.mjs';
import {
  pythonWith,
  runPytest,
  runS1Zoo,
  runZoo,
  sampleAnswers,
  scratchProject,
  zooCatalogue,
  zooProblems,
} from './zoo.mjs';

const quick = process.argv.includes('--quick');
const timeNpmTest = process.argv.includes('--npm-test');
const benchStarted = performance.now();
// How busy the machine was (1-minute load average; 2 cores here): the times depend on it.
const loadAtStart = os.loadavg()[0];
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

/**
 * CPU seconds (user + system) of the children this process has waited for, from
 * /proc/self/stat (cutime, cstime); undefined where there is no /proc.
 */
const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function childrenCpuSeconds() {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5), counted from after the command name (which starts at field 3).
    return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Runs a command to its end: wall seconds and the CPU seconds it (and what it waited for) used. */
function timed(command, args, options = {}) {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 300_000, ...options });
  const wall = seconds(started);
  const cpuAfter = childrenCpuSeconds();
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}`);
  return { wall, cpu: cpuBefore === undefined ? undefined : cpuAfter - cpuBefore };
}

function cliRun(extra) {
  const project = newProject();
  return timed(process.execPath, [bin, '--yes', '--module', 'sample_trainer.manager', ...extra], { cwd: project });
}

/** The torch corpus entry with the most families, or undefined when there is none. */
function torchCorpusEntry() {
  const corpus = path.join(repo, 'examples/corpus');
  if (!existsSync(corpus)) return undefined;
  const entries = readdirSync(corpus)
    .map((name) => ({ name, file: path.join(corpus, name, 'answers.json') }))
    .filter(({ file }) => existsSync(file))
    .map(({ name, file }) => ({ name, answers: JSON.parse(readFileSync(file, 'utf8')) }))
    .filter(({ answers }) => answers.format === 'torch');
  return entries.sort((a, b) => b.answers.categories.length - a.answers.categories.length)[0];
}

/** Generation with its checks (import and pytest --setup-only) in a fresh copy of a corpus entry. */
function corpusCliRun(entry) {
  const project = path.join(root, `corpus-${entry.name}-${fresh++}`);
  cpSync(path.join(repo, 'examples/corpus', entry.name), project, { recursive: true });
  return timed(process.execPath, [bin, '--answers', 'answers.json', '--yes'], { cwd: project });
}

/**
 * The generation runs the Speed section reports, each in a fresh process: the cold CLI (`--skip-checks`)
 * beside the `node -e 0` floor and cookiecutter, one repetition of each in turn so the load on the
 * machine falls on all three alike; then generation with its checks, on the sample and on the torch
 * corpus entry. One run of each kind goes first, uncounted: it makes the code cache after a build,
 * and reads Python, pytest and torch into the page cache, as any earlier run of a user's would.
 */
function measureGeneration(python) {
  waitForIdleMachine('time generation');
  const torchEntry = python && torchCorpusEntry();
  cliRun(['--skip-checks']);
  cliRun([]);
  if (torchEntry) corpusCliRun(torchEntry);
  let started = performance.now();
  const cookiecutter = findCookiecutter();
  const cold = [];
  const floor = [];
  const peer = [];
  // Five at least: a quick bench's median of three moved with one slow moment of a shared machine.
  for (let index = 0; index < (quick ? 5 : 7); index++) {
    cold.push(cliRun(['--skip-checks']));
    floor.push(timed(process.execPath, ['-e', '0']));
    if (cookiecutter) peer.push(cookiecutterRun(cookiecutter));
  }
  const coldSeconds = Number(seconds(started).toFixed(1));
  started = performance.now();
  const checked = Array.from({ length: quick ? 1 : 3 }, () => cliRun([]));
  const torchChecked = torchEntry ? Array.from({ length: quick ? 1 : 3 }, () => corpusCliRun(torchEntry)) : [];
  const checkedSeconds = Number(seconds(started).toFixed(1));
  return { cookiecutter, cold, floor, peer, coldSeconds, checked, torchEntry, torchChecked, checkedSeconds };
}

/** The machine's CPU time so far, idle and all, in ticks (Linux's /proc/stat); undefined elsewhere. */
function machineCpuTicks() {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    // idle and iowait, of every state the CPUs were in.
    return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) };
  } catch {
    return undefined;
  }
}

/**
 * Waits, up to 30 s, for a second in which the machine's CPUs are 90 % idle (no wait where there is
 * no /proc/stat): a bench started right after other work (another bench's last runs, a test run)
 * would otherwise time `what` against that work's tail.
 */
function waitForIdleMachine(what) {
  const started = performance.now();
  while (seconds(started) < 30) {
    const before = machineCpuTicks();
    if (!before) return;
    execFileSync('sleep', ['1']);
    const after = machineCpuTicks();
    if ((after.idle - before.idle) / Math.max(1, after.total - before.total) >= 0.9) break;
  }
  console.error(
    `[${seconds(benchStarted).toFixed(0)} s] the machine is idle enough to ${what} (waited ${seconds(started).toFixed(0)} s)`,
  );
}

/**
 * `npm test` in the repository, to its end (bounded at 15 minutes): its wall seconds, the CPU seconds
 * the whole machine spent meanwhile (the test run's processes, those it left to init among them, and
 * whatever else ran), and vitest's summary line (or why it failed).
 */
function npmTestRun() {
  const before = machineCpuTicks();
  const started = performance.now();
  const run = spawnSync('npm', ['test'], {
    cwd: repo,
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  const wall = seconds(started);
  const after = machineCpuTicks();
  // vitest colours its summary even into a pipe.
  const output = `${run.stdout ?? ''}${run.stderr ?? ''}`.replace(/\u001b\[[0-9;]*m/g, '');
  const tests = output.match(/^\s*Tests\s+(.+)$/m)?.[1].trim();
  const ended = run.error?.code === 'ETIMEDOUT' ? 'timed out after 900 s' : `exited ${run.status ?? run.signal}`;
  // What failed, as vitest names it (" FAIL  test/file.test.ts > describe > test"), said at once.
  const failed = [...new Set(output.match(/^\s*FAIL\s+.+$/gm) ?? [])].map((line) => line.trim());
  if (run.status !== 0) console.error(`npm test ${ended}:\n${failed.join('\n') || output.slice(-4000)}`);
  return {
    wall,
    cpu: before && after ? (after.total - after.idle - (before.total - before.idle)) / ticksPerSecond : undefined,
    ok: run.status === 0,
    summary: run.status === 0 ? tests : `FAILED (${ended}${tests ? `; ${tests}` : ''})`,
  };
}

/** cookiecutter on PATH, or undefined: the bench compares with it only when it is installed. */
function findCookiecutter() {
  const probe = spawnSync('cookiecutter', ['--version'], { encoding: 'utf8', timeout: 60_000 });
  return probe.status === 0 ? 'cookiecutter' : undefined;
}

/** A one-file cookiecutter template (one variable, one Markdown file), rendered without prompts. */
function cookiecutterRun(cookiecutter) {
  const template = mkdtempSync(path.join(root, 'cookiecutter-template-'));
  writeFileSync(path.join(template, 'cookiecutter.json'), '{"project_slug": "checkpoint_tests"}\n');
  mkdirSync(path.join(template, '{{cookiecutter.project_slug}}'));
  writeFileSync(path.join(template, '{{cookiecutter.project_slug}}', 'README.md'), '# {{cookiecutter.project_slug}}\n');
  const output = mkdtempSync(path.join(root, 'cookiecutter-output-'));
  return timed(cookiecutter, ['--no-input', '--output-dir', output, template], {
    env: { ...process.env, HOME: output },
  });
}

const medianOf = (runs, key) =>
  runs.some((run) => run[key] === undefined) ? undefined : median(runs.map((run) => run[key]));

/** The headline figures, shown run beside run in docs/bench.md: key, label, unit ("s" seconds, "×" a ratio, none as is). */
const HEADLINE_FIGURES = [
  ['caughtOverall', 'zoo variants caught by their cases'],
  ['falseFailures', 'false failures on the correct sample'],
  ['corpusCaught', 'corpus bugs caught by their cases'],
  ['corpusFalseFailures', 'false failures on the corpus managers'],
  ['flakes', 'failing runs of the whole suite on the correct sample'],
  ['cliColdSeconds', 'generate cold, pickle, --skip-checks: wall', 's'],
  ['cliColdCpuSeconds', 'generate cold, pickle, --skip-checks: CPU (target 0.5 s)', 's'],
  ['cookiecutterCpuSeconds', 'cookiecutter, one-file template: CPU', 's'],
  ['cliColdTimesCookiecutterCpu', 'generate cold ÷ cookiecutter, CPU (target 3×)', '×'],
  ['nodeFloorCpuSeconds', '`node -e 0`: CPU', 's'],
  ['cliColdOverFloorCpuSeconds', 'generate cold, CPU over the `node -e 0` floor', 's'],
  ['cliWithChecksSeconds', 'generate cold with the checks, pickle sample: wall (target 1.5 s)', 's'],
  ['cliTorchWithChecksSeconds', 'generate cold with the checks, torch corpus project: wall (target 3.5 s)', 's'],
  ['generateWarmSeconds', 'generate warm, in-process', 's'],
  ['pytest_pickle_seconds', 'the pickle suite under pytest, serial', 's'],
  ['pytest_pickle_xdist_seconds', 'the pickle suite under pytest -n 2', 's'],
  ['scale_50_seconds', '50 target classes: generation', 's'],
  ['benchSeconds', 'the bench itself (quick: target 120 s)', 's'],
  ['npmTestSeconds', '`npm test`, build and quick tier (`--npm-test`; target 240 s)', 's'],
  ['loadAverage', 'load average of the machine (1 minute)'],
];

/** Replaces what lies between a Markdown file's `name` markers (Prettier-formatted); says so. */
async function writeBetweenMarkers(file, table, name = 'bench-table') {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const text = readFileSync(file, 'utf8');
  if (!text.includes(start) || !text.includes(end)) return;
  const updated = `${text.slice(0, text.indexOf(start) + start.length)}\n\n${table}\n\n${text.slice(text.indexOf(end))}`;
  const prettier = await import('prettier');
  const config = (await prettier.resolveConfig(file)) ?? {};
  writeFileSync(file, await prettier.format(updated, { ...config, filepath: file }));
  console.log(`updated the table in ${path.relative(repo, file)}`);
}

const figures = {};
// The corpus table (a row a manager and a variant), printed after the figures.
let corpusTableText;
const sections = [];
let current;
const section = (title) => {
  if (current) current.seconds = seconds(current.started);
  sections.push((current = { title, rows: [], started: performance.now() }));
  partStarted = performance.now();
  // The table comes at the end; meanwhile a line a section says how far the bench is.
  console.error(`[${seconds(benchStarted).toFixed(0)} s] ${title}…`);
};
// The time each part of a section took (the bite's zoo, peers, corpus...), in figures.partSeconds.
let partStarted = performance.now();
const partSeconds = {};
const part = (name) => {
  partSeconds[name] = Number(seconds(partStarted).toFixed(1));
  console.error(`[${seconds(benchStarted).toFixed(0)} s]   ${name}: ${partSeconds[name]} s`);
  partStarted = performance.now();
};
const record = (key, label, value, unit = '') => {
  figures[key] = value;
  const shown =
    typeof value === 'number' && unit === 's' ? `${value.toFixed(3)} s` : `${value}${unit ? ` ${unit}` : ''}`;
  current.rows.push([label, shown]);
};

try {
  const python = (await pythonWith(['pytest', 'xdist', 'torch', 'hypothesis'])) ?? (await pythonWith(['pytest']));

  // Generation's speed is measured first, on the machine as the bench found it: for some seconds after
  // the bite's runs (hundreds of pytest processes, torch in many), the same cold run took about 0.1 s
  // more CPU (0.42 s before the corpus runs, 0.54 s right after, 0.46 s five seconds later), and the
  // figures would measure the bench's own wake. The Speed section below reports them.
  const generation = measureGeneration(python);

  // -- bite ------------------------------------------------------------------
  section('Bite: bugs caught on the same sample and zoo');
  // Quick: one variant a family (the first that needs no torch), the sample in pickle only.
  const catalogue = await zooCatalogue(python);
  const firstOfFamily = new Map();
  for (const [name, entry] of Object.entries(catalogue)) {
    const family = familyOfCase.get(entry.breaks[0]) ?? 'other';
    if (!firstOfFamily.has(family) || (firstOfFamily.get(family).format === 'torch' && entry.format !== 'torch')) {
      firstOfFamily.set(family, { name, format: entry.format });
    }
  }
  const quickVariants = [...firstOfFamily.values()].map((entry) => entry.name);
  // Quick: each variant runs only the tests of the case it stands for (its first), not the whole suite.
  const familyTests = (breaks) => {
    const family = familyOfCase.get(breaks[0]);
    const marks = family === 'performance' ? family : `${family} and not slow`;
    return ['-m', marks, '-k', `test_${breaks[0].toLowerCase()}_`];
  };
  const zoo = await runZoo(
    quick
      ? { formats: [], variants: quickVariants, policies: false, trackers: false, selectionFor: familyTests }
      : { formats: ['pickle', 'json', 'torch'] },
  );
  part('zoo');
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
  record(
    'caughtOverall',
    quick ? "ours: all variants caught (quick: by their first case's tests)" : 'ours: all variants caught',
    `${caughtAll}/${variants.length}`,
  );
  // Quick: the correct sample runs once, below, as the flake run.
  if (!quick) {
    record(
      'falseFailures',
      'ours: false failures on the correct sample (formats and policy profiles)',
      zooProblems(zoo.filter((row) => row.kind !== 'variant')).length,
    );
  }
  // The stateful test alone, against the same variants: the evidence that it finds bugs no one listed.
  const s1 = quick ? [] : await runS1Zoo();
  const s1ByFamily = new Map();
  for (const row of s1) {
    const entry = s1ByFamily.get(row.family) ?? { total: 0, caught: 0 };
    entry.total += 1;
    entry.caught += row.caught ? 1 : 0;
    s1ByFamily.set(row.family, entry);
  }
  const s1Families = [...s1ByFamily].sort(([a], [b]) => a.localeCompare(b));
  // Quick leaves it out: every quick variant run above includes S1 already.
  if (!quick) {
    record(
      's1ByFamily',
      'S1 alone: variants caught, by the family of their cases',
      s1Families.map(([family, { total, caught }]) => `${family} ${caught}/${total}`).join(', '),
    );
    record('s1Overall', 'S1 alone: all variants caught', `${s1.filter((row) => row.caught).length}/${s1.length}`);
  }
  // The peers: on the whole zoo, or (quick) on the correct sample only.
  const peers = await runPeers({ python, root, variants: quick ? [] : variants.map((row) => row.name) });
  part('peers');
  for (const peer of peers) {
    if (peer.error) {
      record(`peer_${peer.peer}`, `${peer.peer}: cannot run`, peer.error);
      continue;
    }
    record(
      `peer_${peer.peer}`,
      quick
        ? `${peer.peer}: tests that pass on the correct sample (time)`
        : `${peer.peer}: variants caught (usable tests of all, time)`,
      quick
        ? `${peer.usable} of ${peer.tests} (${peer.seconds.toFixed(1)} s)`
        : `${peer.caught.length}/${variants.length} (${peer.usable} of ${peer.tests} tests pass on the correct sample, ${peer.seconds.toFixed(1)} s)`,
    );
  }
  // The corpus of realistic managers, when its harness is there (scripts/corpus.mjs).
  if (existsSync(path.join(repo, 'scripts/corpus.mjs')) && existsSync(path.join(repo, 'examples/corpus'))) {
    const { corpusByEntry, corpusTable, runCorpus } = await import('./corpus.mjs');
    // Quick: the correct managers only.
    const corpus = await runCorpus({ parallel: os.availableParallelism(), variants: !quick });
    part('corpus');
    corpusTableText = corpusTable(corpus);
    const entries = corpus.filter((row) => row.kind === 'corpus');
    const bugs = corpus.filter((row) => row.kind === 'variant');
    for (const entry of corpusByEntry(corpus)) {
      figures[`corpus_${entry.entry}_falseFailures`] = entry.falseFailures;
      figures[`corpus_${entry.entry}_caught`] = `${entry.caught}/${entry.variants}`;
      if (quick) {
        record(
          `corpus_${entry.entry}`,
          `corpus ${entry.entry}: false failures (must be 0)`,
          entry.falseFailures ?? 'not run',
        );
        continue;
      }
      record(
        `corpus_${entry.entry}`,
        `corpus ${entry.entry}: false failures (must be 0), bugs caught`,
        `${entry.falseFailures ?? 'not run'}, ${entry.caught}/${entry.variants}${entry.missed.length ? ` (not: ${entry.missed.join(', ')})` : ''}`,
      );
    }
    record(
      'corpusFalseFailures',
      `corpus: false failures on the ${entries.length} correct managers`,
      entries.reduce((sum, row) => sum + row.falseFailures, 0),
    );
    if (bugs.length > 0) {
      record(
        'corpusCaught',
        'corpus: bugs caught by their cases',
        `${bugs.filter((row) => row.caught && row.precise).length}/${bugs.length}`,
      );
    }
  }
  const flakeProject = newProject();
  await generate({ cwd: flakeProject, options: { ...sampleAnswers(), skipChecks: true } });
  const repeats = quick ? 1 : 10;
  let flaky = 0;
  const wholeRuns = [];
  for (let index = 0; index < repeats; index++) {
    const run = await runPytest(python, flakeProject);
    wholeRuns.push(run);
    if (run.code !== 0) flaky += 1;
  }
  if (quick) {
    const [run] = wholeRuns;
    record(
      'falseFailures',
      'ours: false failures on the correct sample (pickle)',
      run.failing.length + (run.code !== 0 && run.failing.length === 0 ? 1 : 0),
    );
  }
  record('flakes', `ours: failing runs of the whole suite on the correct sample, of ${repeats}`, flaky);
  part('flakes');

  // -- speed -----------------------------------------------------------------
  section('Speed');
  const { cookiecutter, cold, floor, peer, checked, torchEntry, torchChecked } = generation;
  partSeconds['cold CLI, node floor, cookiecutter'] = generation.coldSeconds;
  const cpuShown = (value) => (value === undefined ? 'n/a' : `${value.toFixed(2)} s CPU`);
  const both = (runs) => `${medianOf(runs, 'wall').toFixed(3)} s wall, ${cpuShown(medianOf(runs, 'cpu'))}`;
  figures.cliColdSeconds = medianOf(cold, 'wall');
  figures.cliColdCpuSeconds = medianOf(cold, 'cpu');
  record('cliCold', 'generate, fresh node process, full pickle suite, --skip-checks (median)', both(cold));
  figures.nodeFloorSeconds = medianOf(floor, 'wall');
  figures.nodeFloorCpuSeconds = medianOf(floor, 'cpu');
  record('nodeFloor', 'the floor: `node -e 0` (median)', both(floor));
  if (figures.cliColdCpuSeconds !== undefined && figures.nodeFloorCpuSeconds !== undefined) {
    // What is ours of a cold run: the floor moves with the machine (0.12 to 0.20 s on the same one).
    figures.cliColdOverFloorCpuSeconds = figures.cliColdCpuSeconds - figures.nodeFloorCpuSeconds;
    record(
      'cliColdOverFloor',
      'generate cold, CPU over the floor',
      `${figures.cliColdOverFloorCpuSeconds.toFixed(2)} s CPU`,
    );
  }
  if (cookiecutter) {
    figures.cookiecutterSeconds = medianOf(peer, 'wall');
    figures.cookiecutterCpuSeconds = medianOf(peer, 'cpu');
    record('cookiecutter', 'cookiecutter rendering a one-file template (median)', both(peer));
    const ratio = (key) => figures[`cliCold${key}`] / figures[`cookiecutter${key}`];
    figures.cliColdTimesCookiecutterCpu = figures.cliColdCpuSeconds === undefined ? undefined : ratio('CpuSeconds');
    figures.cliColdTimesCookiecutterWall = ratio('Seconds');
    record(
      'cliColdTimesCookiecutter',
      'generate cold ÷ cookiecutter (target: at most 3×)',
      `${figures.cliColdTimesCookiecutterWall.toFixed(1)}× wall, ${figures.cliColdTimesCookiecutterCpu?.toFixed(1) ?? 'n/a'}× CPU`,
    );
  } else {
    record(
      'cookiecutter',
      'cookiecutter rendering a one-file template',
      'not installed (apt-get install cookiecutter)',
    );
  }
  if (figures.cliColdCpuSeconds !== undefined) {
    record(
      'cliColdCpuTarget',
      'generate cold: CPU seconds within the 0.5 s target',
      figures.cliColdCpuSeconds <= 0.5 ? 'yes' : 'no',
    );
  }
  figures.cliWithChecksSeconds = medianOf(checked, 'wall');
  figures.cliWithChecksCpuSeconds = medianOf(checked, 'cpu');
  record(
    'cliWithChecks',
    'generate, fresh node process, with import check and pytest --setup-only (median; target 1.5 s)',
    both(checked),
  );
  if (torchEntry) {
    figures.cliTorchWithChecksSeconds = medianOf(torchChecked, 'wall');
    figures.cliTorchWithChecksCpuSeconds = medianOf(torchChecked, 'cpu');
    record(
      'cliTorchWithChecks',
      `generate, fresh node process, with the checks, torch corpus ${torchEntry.name} (${torchEntry.answers.categories.join(', ')}; median; target 3.5 s)`,
      both(torchChecked),
    );
  }
  partSeconds['generation with checks'] = generation.checkedSeconds;
  await generate({ cwd: newProject(), options: { ...sampleAnswers(), skipChecks: true } });
  const warm = [];
  for (let index = 0; index < (quick ? 3 : 20); index++) {
    const project = newProject();
    const started = performance.now();
    await generate({ cwd: project, options: { ...sampleAnswers(), skipChecks: true } });
    warm.push(seconds(started));
  }
  record('generateWarmSeconds', 'generate, warm in-process, full suite (median)', median(warm), 's');
  for (const format of quick ? ['pickle'] : ['pickle', 'json', 'torch']) {
    const project = quick ? flakeProject : newProject();
    if (!quick) await generate({ cwd: project, options: { ...sampleAnswers(format), skipChecks: true } });
    for (const family of quick ? [] : CATEGORIES) {
      const serial = await runPytest(python, project, ['-m', family]);
      record(
        `pytest_${format}_${family}_seconds`,
        `${format}: ${family} tests (${serial.passed}), pytest serial`,
        serial.seconds,
        's',
      );
    }
    // Quick: the flake run above was the pickle suite's whole run; no -n 2.
    const whole = quick ? wholeRuns[0] : await runPytest(python, project);
    record(
      `pytest_${format}_seconds`,
      `${format}: whole suite (${whole.passed} tests), pytest serial`,
      whole.seconds,
      's',
    );
    if (quick) continue;
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
  for (const count of quick ? [1] : [1, 10, 50]) {
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

  // The bench's own time and load, without the npm test run below.
  figures.benchSeconds = seconds(benchStarted);
  figures.loadAverage = `${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`;

  // -- tests -----------------------------------------------------------------
  if (timeNpmTest) {
    section('Tests: npm test, its build and the quick tier');
    waitForIdleMachine('time npm test');
    const run = npmTestRun();
    record('npmTestSeconds', `npm test: wall (target under 240 s on 2 cores; ${run.summary})`, run.wall, 's');
    if (run.cpu !== undefined)
      record('npmTestCpuSeconds', 'npm test: CPU of the whole machine meanwhile', run.cpu, 's');
    figures.npmTestOk = run.ok;
  }

  current.seconds = seconds(current.started);
  figures.partSeconds = partSeconds;
  figures.sectionSeconds = Object.fromEntries(sections.map((part) => [part.title, Number(part.seconds.toFixed(1))]));
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}, ${execFileSync(python, ['--version'], { encoding: 'utf8' }).trim()}`;
  const when = new Date().toISOString().slice(0, 10);
  const width = Math.max(...sections.flatMap((part) => part.rows.map(([label]) => label.length)));
  console.log(`checkpoint-tests bench, ${when}, ${machine}${quick ? ' (quick)' : ''}`);
  for (const part of sections) {
    console.log(`\n${part.title} (${part.seconds.toFixed(1)} s)`);
    for (const [label, value] of part.rows) console.log(`  ${label.padEnd(width)}  ${value}`);
  }
  console.log(`\nLoad average (1 minute): ${figures.loadAverage}.`);
  console.log(
    `\nThe bench took ${figures.benchSeconds.toFixed(1)} s${quick ? ` (quick: target under 120 s, ${figures.benchSeconds < 120 ? 'met' : 'NOT met'})` : ''}${timeNpmTest ? `, and npm test ${figures.npmTestSeconds.toFixed(1)} s after it (target under 240 s, ${figures.npmTestOk && figures.npmTestSeconds < 240 ? 'met' : 'NOT met'})` : ''}.`,
  );
  if (corpusTableText) console.log(`\nThe corpus, a row a correct manager and a bug variant\n${corpusTableText}`);
  // The new results on top, every earlier one (up to 20) kept in `history`.
  const resultsPath = path.join(repo, 'bench/results.json');
  const earlier = existsSync(resultsPath) ? JSON.parse(readFileSync(resultsPath, 'utf8')) : undefined;
  const history = earlier
    ? [
        ...(earlier.history ?? []),
        { date: earlier.date, machine: earlier.machine, quick: earlier.quick, figures: earlier.figures },
      ].slice(-20)
    : [];
  mkdirSync(path.join(repo, 'bench'), { recursive: true });
  writeFileSync(resultsPath, `${JSON.stringify({ date: when, machine, quick, figures, history }, null, 2)}\n`);
  console.log('\nwrote bench/results.json');
  // docs/bench.md: the headline figures of this run beside the earlier runs (quick or full, dated).
  const runs = [...history.slice(-5), { date: when, quick, figures }].reverse();
  const shown = (value, unit) =>
    value === undefined
      ? '-'
      : typeof value === 'number' && unit
        ? `${value.toFixed(unit === '×' ? 1 : 2)}${unit === '×' ? '×' : ' s'}`
        : String(value);
  const headline = [
    `The headline figures of the last ${runs.length} runs, newest first (machine: ${machine}; \`quick\` marks a \`--quick\` run, whose bite figures cover its subset only). Every figure of every run is in \`bench/results.json\`.`,
    '',
    `| figure | ${runs.map((run) => `${run.date}${run.quick ? ' quick' : ''}`).join(' | ')} |`,
    `| --- | ${runs.map(() => '---').join(' | ')} |`,
    ...HEADLINE_FIGURES.filter(([key]) => runs.some((run) => run.figures?.[key] !== undefined)).map(
      ([key, label, unit]) => `| ${label} | ${runs.map((run) => shown(run.figures?.[key], unit)).join(' | ')} |`,
    ),
  ].join('\n');
  await writeBetweenMarkers(path.join(repo, 'docs/bench.md'), headline, 'bench-history');
  if (!quick) {
    // Every figure of a full run, section by section.
    const fullTable = [
      `Measured ${when} on ${machine}.`,
      '',
      '| figure | value |',
      '| --- | --- |',
      ...sections.flatMap((part) => [
        `| **${part.title}** | |`,
        ...part.rows.map(([label, value]) => `| ${label} | ${value} |`),
      ]),
    ].join('\n');
    await writeBetweenMarkers(path.join(repo, 'docs/bench.md'), fullTable);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
