/**
 * The answers of issue 15's items 3 and 4, one expectation at a time: for
 * each, the lenient (or design-describing) answer passes on a correct manager
 * that does it that way, and the strict answer catches the same manager,
 * because the strict expectation is what that manager violates. The managers
 * are the corpus entries (examples/corpus); each run generates the entry's
 * suite with one answer changed and runs only the cases that answer decides.
 */
import { describe, expect, it } from 'vitest';
import { resolveAnswers } from '../lib/answers.js';
import { decideCases } from '../lib/cases.js';
import { keepLastFromConstructor } from '../lib/families/retention.js';
import type { Answers } from '../lib/question-kit.js';
import { runCorpusEntry } from '../scripts/corpus.mjs';

const SLOW = 300_000;

async function resolved(options: Record<string, unknown>): Promise<Answers> {
  return resolveAnswers(
    { options: { module: 'fitloop.checkpoints', ...options }, file: {}, stored: {} },
    { inScope: () => true, yes: true, askAnswered: false },
  );
}

describe('keepLast and pruneOn come from the constructor expression', () => {
  it('reads N from the usual keyword arguments, and only from them', () => {
    expect(keepLastFromConstructor('CheckpointSaver(checkpoint_dir, max_to_keep=3)')).toBe('3');
    expect(keepLastFromConstructor('Manager(checkpoint_dir, keep_last = 7)')).toBe('7');
    expect(keepLastFromConstructor('Manager(checkpoint_dir, fmt="pt", keep=12)')).toBe('12');
    expect(keepLastFromConstructor('Manager(checkpoint_dir, save_total_limit=2)')).toBe('2');
    expect(keepLastFromConstructor('Manager(checkpoint_dir, keep_best=3)')).toBeUndefined();
    expect(keepLastFromConstructor('Manager(checkpoint_dir)')).toBeUndefined();
  });

  it('defaults keepLast to that N, and pruneOn to "save" when no prune op is bound', async () => {
    const inSave = await resolved({ constructorExpression: 'CheckpointManager(checkpoint_dir, max_to_keep=4)' });
    expect(inSave.keepLast).toBe('4');
    expect(inSave.pruneOn).toBe('save');
    const generated = decideCases(inSave).filter((decision) => decision.family === 'retention');
    expect(generated.map((decision) => [decision.id, decision.generated])).toEqual([
      ['T1', true],
      ['T2', true],
      ['T3', true],
      ['T4', true],
    ]);
    expect(generated.find((decision) => decision.id === 'T4')?.partlyLeftOut).toMatch(/pruneOn "save"/);

    const withOp = await resolved({
      constructorExpression: 'CheckpointManager(checkpoint_dir, keep=2)',
      pruneOp: 'prune',
    });
    expect([withOp.keepLast, withOp.pruneOn]).toEqual(['2', 'prune-op']);
    // keep_last= with no prune op says nothing of where pruning happens: the default stays "prune-op".
    const noOp = await resolved({ constructorExpression: 'CheckpointManager(checkpoint_dir, keep_last=3)' });
    expect([noOp.pruneOn, noOp.keepLast]).toEqual(['prune-op', undefined]);

    const plain = await resolved({});
    expect([plain.keepLast, plain.pruneOn]).toEqual([undefined, 'prune-op']);
    expect(decideCases(plain).find((decision) => decision.id === 'T1')?.reason).toMatch(/no prune\(\) op/);
  });
});

describe('protectResumed (T2, S1)', () => {
  it(
    'lenient "no" passes on a max_to_keep saver that lets the resumed-from checkpoint go',
    async () => {
      const result = await runCorpusEntry('prune_in_save', { args: ['-k', 't2 or s1'] });
      expect(result.failing, result.output.slice(-2000)).toEqual([]);
      expect(result.passed).toBeGreaterThanOrEqual(3);
    },
    SLOW,
  );

  it(
    'strict "yes" catches that saver deleting the checkpoint it resumed from',
    async () => {
      const result = await runCorpusEntry('prune_in_save', {
        overrides: { protectResumed: 'yes' },
        args: ['-k', 't2'],
      });
      expect(result.failing).toContain('test_t2_prune_keeps_the_resumed_from_checkpoint[oldest-by-explicit-path]');
    },
    SLOW,
  );

  it(
    'lenient "no" still catches a saver that keeps one too few',
    async () => {
      const result = await runCorpusEntry('prune_in_save', { variant: 'keeps_one_too_few', args: ['-k', 't2'] });
      expect(result.failingCases).toEqual(['T2']);
    },
    SLOW,
  );
});

describe('pruneOn "save" (T1, T3, T4 with no prune op)', () => {
  it(
    'prunes by saving: the max_to_keep saver passes and its string-sorted twin fails T1',
    async () => {
      const correct = await runCorpusEntry('prune_in_save', { args: ['-k', 't1 or t3 or t4'] });
      expect(correct.failing, correct.output.slice(-2000)).toEqual([]);
      expect(correct.passed).toBeGreaterThanOrEqual(10);
      const buggy = await runCorpusEntry('prune_in_save', { variant: 'string_sorted', args: ['-k', 't1'] });
      expect(buggy.failingCases).toEqual(['T1']);
    },
    SLOW,
  );
});

describe('latestBy "pointer" (R5, S1)', () => {
  it(
    '"pointer" passes on a manager whose pointer file names the last checkpoint saved',
    async () => {
      const result = await runCorpusEntry('pointer_latest', { args: ['-k', 'r5 or s1'] });
      expect(result.failing, result.output.slice(-2000)).toEqual([]);
    },
    SLOW,
  );

  it(
    'the strict "step" catches that manager: its newest is not the largest step',
    async () => {
      const result = await runCorpusEntry('pointer_latest', { overrides: { latestBy: 'step' }, args: ['-k', 'r5'] });
      expect(result.failing).toContain('test_r5_newest_is_largest_step[10-then-9]');
    },
    SLOW,
  );
});

describe('latestBy "rolling" (R5–R7, T3, S1)', () => {
  it(
    '"rolling" passes on a manager that overwrites last.ckpt at every save',
    async () => {
      const result = await runCorpusEntry('rolling_latest', { args: ['-k', 'r5 or r6 or r7 or t3 or s1'] });
      expect(result.failing, result.output.slice(-2000)).toEqual([]);
      expect(result.passed).toBeGreaterThanOrEqual(20);
    },
    SLOW,
  );

  it(
    'the strict "step" catches that manager: latest() is not the largest step\'s file',
    async () => {
      const result = await runCorpusEntry('rolling_latest', { overrides: { latestBy: 'step' }, args: ['-k', 'r5'] });
      expect(result.failingCases).toEqual(['R5']);
      expect(result.failing.length).toBe(5);
    },
    SLOW,
  );
});

describe('latestBy "rolling" under faults, concurrency and paths (F1, K4, X1)', () => {
  it(
    'checks that latest() still loads as the previous state, and passes on the manager that overwrites last.ckpt',
    async () => {
      const result = await runCorpusEntry('rolling_latest', {
        overrides: { categories: ['resume', 'faults', 'concurrency', 'paths'] },
        args: ['-k', 'f1 or k2 or k4 or x1'],
      });
      expect(result.failing, result.output.slice(-2000)).toEqual([]);
      // F1: 6 faults x 2 targets + 2 folder faults; K4: 3; X1: 5; K2: 1.
      expect(result.passed).toBeGreaterThanOrEqual(20);
    },
    SLOW,
  );

  it(
    'catches a last.ckpt written in place, saying in words that the rolling file lost the previous state',
    async () => {
      const result = await runCorpusEntry('rolling_latest', {
        variant: 'last_written_first_in_place',
        args: ['-k', 'f1 or k4'],
      });
      expect([...result.failingCases].sort()).toEqual(['F1', 'K4']);
      expect(result.output).toMatch(/latest\(\) \(last\.ckpt, the rolling file\) after the interrupted save of step 2/);
      expect(result.output).toMatch(/latest\(\) \(last\.ckpt, the rolling file\) after the failed save/);
    },
    SLOW,
  );
});
