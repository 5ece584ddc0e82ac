/**
 * The peers our suites are measured against, on the same sample and zoo:
 *
 * - Hypothesis's Ghostwriter (`hypothesis write` on the sample's module-level
 *   functions, and its round-trip mode for save/load), exactly as written:
 *   it leaves `st.nothing()` where it cannot infer a strategy;
 * - the same Ghostwriter file with each `st.nothing()` filled in from the
 *   parameter's name (the least a user would do before running it);
 * - a hand-written file shaped like the audited one (bench/peers/).
 *
 * A peer's tests run against a variant by swapping the sample's class for the
 * variant's in a conftest.py (the peer files import the sample, as a user's
 * tests import their code). A test counts only if it passes on the correct
 * sample; a variant is caught when one of those fails on it.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SAMPLE_ROOT, scratchProject } from './zoo.mjs';

const BASELINE = fileURLToPath(new URL('../bench/peers/test_audit_baseline.py', import.meta.url));

function run(command, args, options = {}) {
  return new Promise((resolve) => {
    execFile(command, args, { maxBuffer: 64 * 1024 * 1024, timeout: 300_000, ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const GHOSTWRITER = 'from hypothesis.extra.cli import main; main()';

/** Strategies a user would write first for the sample's parameter names. */
const FILLED = {
  directory: 'st.builds(tempfile.mkdtemp)',
  path: 'st.builds(tempfile.mkdtemp)',
  state: 'st.dictionaries(st.text(max_size=8), st.integers() | st.text(max_size=8), max_size=5)',
  step: 'st.integers(min_value=0, max_value=10**6)',
  source: 'st.just("latest")',
};

/** Ghostwriter's file for the sample, as written, and with its `st.nothing()` filled in. */
export async function ghostwriterFiles(python) {
  const write = (args) => run(python, ['-c', GHOSTWRITER, 'write', ...args], { cwd: SAMPLE_ROOT });
  const plain = await write(['sample_trainer.functional']);
  const roundtrip = await write(['--roundtrip', 'sample_trainer.functional.save', 'sample_trainer.functional.load']);
  if (plain.code !== 0 || roundtrip.code !== 0) {
    return { error: `hypothesis write failed: ${(plain.stderr || roundtrip.stderr).trim().split('\n').at(-1)}` };
  }
  // The round-trip file repeats the header and imports; keep its test functions.
  const roundtripTests = roundtrip.stdout.slice(roundtrip.stdout.indexOf('@given'));
  const asWritten = `${plain.stdout}\n\n${roundtripTests}`;
  const filled = `import tempfile\n${asWritten.replace(/(\w+)=st\.nothing\(\)/g, (whole, name) =>
    FILLED[name] ? `${name}=${FILLED[name]}` : whole,
  )}`;
  return { asWritten, filled };
}

/** Runs one peer file against the correct sample (variant undefined) or a zoo variant. */
async function runPeerFile(python, root, name, source, variant) {
  const project = scratchProject(root, `${name}-${variant ?? 'sample'}`);
  writeFileSync(path.join(project, `test_${name.replace(/-/g, '_')}.py`), source);
  if (variant) {
    writeFileSync(
      path.join(project, 'conftest.py'),
      [
        '"""Swaps the sample manager for a bug-zoo variant before the peer tests import it."""',
        'import sample_trainer.manager',
        `from bug_zoo.${variant} import CheckpointManager`,
        '',
        'sample_trainer.manager.CheckpointManager = CheckpointManager',
        '',
      ].join('\n'),
    );
  }
  const started = performance.now();
  const result = await run(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', '-rfE', '--tb=no', '.'], {
    cwd: project,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
  });
  const failing = new Set([...result.stdout.matchAll(/^(?:FAILED|ERROR) (\S+)/gm)].map((match) => match[1]));
  const collected = Number(/(\d+) passed/.exec(result.stdout)?.[1] ?? 0) + failing.size;
  return { failing, collected, seconds: (performance.now() - started) / 1000 };
}

/**
 * Every peer against the correct sample and every variant. Returns one row a
 * peer: tests, usable tests, variants caught (by name), pytest time.
 */
export async function runPeers({ python, root, variants }) {
  const peers = [{ name: 'audit-shaped-baseline', source: readFileSync(BASELINE, 'utf8') }];
  const ghost = await ghostwriterFiles(python);
  if (ghost.error) {
    peers.push({ name: 'ghostwriter', error: ghost.error }, { name: 'ghostwriter-filled', error: ghost.error });
  } else {
    peers.push({ name: 'ghostwriter', source: ghost.asWritten }, { name: 'ghostwriter-filled', source: ghost.filled });
  }
  const rows = [];
  for (const peer of peers) {
    if (peer.error) {
      rows.push({ peer: peer.name, error: peer.error });
      continue;
    }
    const correct = await runPeerFile(python, root, peer.name, peer.source);
    const caught = [];
    let seconds = correct.seconds;
    for (const variant of variants) {
      const result = await runPeerFile(python, root, peer.name, peer.source, variant);
      seconds += result.seconds;
      if ([...result.failing].some((test) => !correct.failing.has(test))) caught.push(variant);
    }
    rows.push({
      peer: peer.name,
      tests: correct.collected,
      usable: correct.collected - correct.failing.size,
      failingOnCorrect: [...correct.failing],
      caught,
      seconds,
    });
  }
  return rows;
}
