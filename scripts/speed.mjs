/**
 * `node scripts/speed.mjs [--runs N] [--bin PATH]`: the bench's generation
 * figures alone, in a minute or two, printing only (nothing is written to
 * bench/ or docs/): a fresh `node` process generating the full pickle suite
 * with `--skip-checks`, beside `node -e 0` and cookiecutter's one-file render
 * (when installed); then generation with its checks (the import, the probe
 * and `pytest --setup-only`) on the pickle sample and on the torch corpus
 * entry. Runs alternate, so the machine's load falls on all alike; each figure
 * is the median of N (5) runs, wall and CPU (user + system of the child and
 * what it waited for). Last, one run of each checked generation again with
 * CHECKPOINT_TESTS_TIMING=1: where its time went, phase by phase. The CPU
 * figures of the checked runs leave out the run's Python driver (node does not
 * wait for it to exit); the phase run adds it up.
 *
 * `--bin` times another build of the CLI (an older checkout, say).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const option = (name, fallback) => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : fallback;
};
const runs = Number(option('--runs', '5'));
const bin = path.resolve(option('--bin', path.join(repo, 'bin/checkpoint-tests.js')));
const root = mkdtempSync(path.join(os.tmpdir(), 'checkpoint-speed-'));
let fresh = 0;

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
/** CPU seconds of the children this process has waited for (/proc/self/stat's cutime and cstime). */
function childrenCpuSeconds() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / ticksPerSecond;
}

function timed(command, args, options = {}) {
  const cpuBefore = childrenCpuSeconds();
  const started = performance.now();
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 300_000, ...options });
  const wall = (performance.now() - started) / 1000;
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited ${result.status ?? result.signal}: ${result.stderr?.slice(-2000)}`,
    );
  }
  return { wall, cpu: childrenCpuSeconds() - cpuBefore, stderr: result.stderr };
}

/** A fresh copy of `source` (the sample, or a corpus entry) to generate in. */
function project(source) {
  const target = path.join(root, `p${fresh++}`);
  cpSync(path.join(repo, source), target, { recursive: true });
  return target;
}

const KINDS = {
  cold: () =>
    timed(process.execPath, [bin, '--yes', '--module', 'sample_trainer.manager', '--skip-checks'], {
      cwd: project('examples/sample-trainer'),
    }),
  floor: () => timed(process.execPath, ['-e', '0']),
  cookiecutter: () => {
    const template = mkdtempSync(path.join(root, 'cookiecutter-template-'));
    writeFileSync(path.join(template, 'cookiecutter.json'), '{"project_slug": "checkpoint_tests"}\n');
    mkdirSync(path.join(template, '{{cookiecutter.project_slug}}'));
    writeFileSync(
      path.join(template, '{{cookiecutter.project_slug}}', 'README.md'),
      '# {{cookiecutter.project_slug}}\n',
    );
    const output = mkdtempSync(path.join(root, 'cookiecutter-output-'));
    return timed('cookiecutter', ['--no-input', '--output-dir', output, template], {
      env: { ...process.env, HOME: output },
    });
  },
  checkedPickle: (env = process.env) =>
    timed(process.execPath, [bin, '--yes', '--module', 'sample_trainer.manager'], {
      cwd: project('examples/sample-trainer'),
      env,
    }),
  checkedTorch: (env = process.env) =>
    timed(process.execPath, [bin, '--answers', 'answers.json', '--yes'], {
      cwd: project('examples/corpus/torch_own_keys'),
      env,
    }),
};
const LABELS = {
  cold: 'generate cold, pickle, --skip-checks (target 0.5 s CPU)',
  floor: '`node -e 0`',
  cookiecutter: 'cookiecutter, one-file template',
  checkedPickle: 'generate with the checks, pickle sample (target 1.5 s wall)',
  checkedTorch: 'generate with the checks, torch_own_keys (target 3.5 s wall)',
};

const hasCookiecutter = spawnSync('cookiecutter', ['--version'], { timeout: 60_000 }).status === 0;
const kinds = Object.keys(KINDS).filter((kind) => kind !== 'cookiecutter' || hasCookiecutter);
const results = Object.fromEntries(kinds.map((kind) => [kind, []]));
const loadAtStart = os.loadavg()[0];
try {
  for (let index = 0; index < runs; index++) {
    for (const kind of kinds) results[kind].push(KINDS[kind]());
    console.error(`run ${index + 1} of ${runs} done`);
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(
    `bin: ${bin}; ${runs} runs each; load average ${loadAtStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`,
  );
  for (const kind of kinds) {
    const wall = median(results[kind].map((run) => run.wall));
    const cpu = median(results[kind].map((run) => run.cpu));
    console.log(`${LABELS[kind].padEnd(64)} ${wall.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (median)`);
  }
  for (const kind of ['checkedPickle', 'checkedTorch']) {
    console.log(`\n${LABELS[kind]}, phase by phase (one run):`);
    const run = KINDS[kind]({ ...process.env, CHECKPOINT_TESTS_TIMING: '1' });
    const phases = run.stderr.split('\n').filter((line) => line.startsWith('[timing]'));
    console.log(phases.length > 0 ? phases.join('\n') : '(this build prints no phases)');
    // The driver outlives node by a moment (it exits when its channel closes), so its CPU is not in
    // what node waited for: it is summed from the phase lines instead.
    const pythonCpu = phases.reduce((sum, line) => sum + Number(/Python ([\d.]+) s CPU/.exec(line)?.[1] ?? 0), 0);
    console.log(
      `total: ${run.wall.toFixed(2)} s wall; ${run.cpu.toFixed(2)} s CPU in node and what it waited for, ${pythonCpu.toFixed(2)} s in the run's Python`,
    );
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
