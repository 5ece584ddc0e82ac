/**
 * The concurrency family through yeoman-test: which K cases its answers
 * generate, what the sub-generator writes, and a clear refusal of a bad
 * writer count. Python is not involved here (skipChecks); the repeat test
 * and the zoo run the generated tests.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import helpers, { result } from 'yeoman-test';
import { describe, expect, it } from 'vitest';
import { generatorPath } from '../lib/paths.js';
import { decideCases } from '../lib/cases.js';
import { coverageTable } from '../lib/report.js';
import { type Answers, QUESTIONS, isAsked } from '../lib/questions.js';

const MODULE = 'sample_trainer.manager';
const SUITE = 'tests/checkpoint';

/** Every answer at its default (asked or not), with `given` on top, as --yes would resolve them. */
function answersWith(given: Partial<Answers>): Answers {
  const answers: Record<string, unknown> = { module: MODULE, ...given };
  for (const question of QUESTIONS) {
    if (answers[question.name] === undefined && isAsked(question, answers as Partial<Answers>)) {
      answers[question.name] = question.default(answers as Partial<Answers>);
    }
  }
  return answers as unknown as Answers;
}

const read = (file: string) => readFileSync(path.join(result.cwd, SUITE, file), 'utf8');
const kTests = () => [...read('test_concurrency.py').matchAll(/^def (test_k\d_\w+)/gm)].map((match) => match[1]!);
const run = (options: Record<string, unknown>) =>
  helpers
    .run(generatorPath('concurrency'))
    .withOptions({ skipChecks: true, yes: true, module: MODULE, ...options } as never);

describe('concurrency sub-generator', () => {
  it('writes its tests, the workers module and the shared files; K1–K5 for the defaults', async () => {
    await run({});
    result.assertFile(
      ['conftest.py', 'checkpoint_adapter.py', 'test_concurrency.py', 'concurrency_workers.py'].map(
        (file) => `${SUITE}/${file}`,
      ),
    );
    const ids = new Set(kTests().map((name) => name.slice(5, 7)));
    expect([...ids].sort()).toEqual(['k1', 'k2', 'k3', 'k4', 'k5']);
    expect(read('test_concurrency.py')).toContain('WRITERS = 3');
    expect(read('conftest.py')).toContain('def worker_paths():');
  });

  it('leaves out K3 and K4 when writes are not atomic, and K2 for threads only', async () => {
    await run({ atomicWrites: 'no', concurrencyMode: 'threads', lockFile: 'own' });
    const names = kTests();
    expect(names.some((name) => /^test_k[234]_/.test(name))).toBe(false);
    expect(names).toContain('test_k5_lock_is_held_while_writing_and_renaming');
  });

  it('generates K6 only for torch checkpoints whose save writes on rank 0 alone', async () => {
    await run({
      format: 'torch',
      constructorExpression: 'CheckpointManager(checkpoint_dir, fmt="torch")',
      distributedSave: 'rank-zero',
    });
    expect(kTests()).toContain('test_k6_only_rank_zero_writes_and_every_rank_loads_it');
    expect(kTests()).not.toContain('test_k4_crash_mid_write_keeps_the_previous_checkpoint');
  });

  it('says in the coverage table and the suite README why half of K4 is left out for torch', async () => {
    await run({ format: 'torch', constructorExpression: 'CheckpointManager(checkpoint_dir, fmt="torch")' });
    expect(kTests()).toContain('test_k4_killed_mid_save_keeps_the_previous_checkpoint');
    expect(read('README.md')).toMatch(
      /\| K4 +\| in part +\| the crash raised half-way through a write \(torch's zip writer aborts/,
    );
    const torch = decideCases(answersWith({ format: 'torch' }));
    expect(coverageTable(torch)).toMatch(
      /^K4 +in part +a save that crashes .*; left out: the crash raised half-way through a write .*killed mid-save \(watched inside torch's own writer, for torch.save by file name too\) are checked$/m,
    );
    const pickle = decideCases(answersWith({}));
    expect(coverageTable(pickle)).toMatch(/^K4 +generated +a save that crashes or is killed half-way/m);
  });

  it('refuses a writer count out of range, naming the value and the range', async () => {
    await expect(run({ concurrentWriters: '1' })).rejects.toThrow(/`concurrentWriters` is "1".*from 2 to 16/);
  });
});
