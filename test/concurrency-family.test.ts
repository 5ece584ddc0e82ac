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

const MODULE = 'sample_trainer.manager';
const SUITE = 'tests/checkpoint';

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

  it('refuses a writer count out of range, naming the value and the range', async () => {
    await expect(run({ concurrentWriters: '1' })).rejects.toThrow(/`concurrentWriters` is "1".*from 2 to 16/);
  });
});
